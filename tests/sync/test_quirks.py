"""Quirks of real OParl endpoints (test server with ``--quirks``): the sync must complete and stay correct.

Quirks (see tests/oparl_server.py): (a) the Body list is one Body object; (b) "nothing changed" under
``modified_since`` is a 404 or a bare ``[]``; (c) file URLs with ``//``; (d) embedded ``location``, a single
``auxiliaryFile`` object, a date "N/A"; (e) deleted objects without ``type``; (f) Papers and Meetings without
``type``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from assistant.models import SearchFilters
from assistant.service import Assistant
from ingest.oparl.sync import SyncReport
from tests.sync.conftest import (
    CountingEmbedder,
    OParlServer,
    Snapshot,
    documents_by_source,
    run_sync,
    snapshot,
    start_oparl_server,
    sync_settings,
)

PAPER_51009 = "bodies/0001/papers/vo/51009"
PAPER_49964 = "bodies/0001/papers/vo/49964"
PAPER_23367 = "bodies/0001/papers/vo/23367"
PAPER_20811 = "bodies/0001/papers/vo/20811"
GHOST = "bodies/0001/papers/vo/99999"


@pytest.fixture(scope="module")
def quirky_server() -> Iterator[OParlServer]:
    # --slow-seconds 0: the slow file answers at once, so a clean run has no errors at all
    with start_oparl_server("--slow-seconds", "0", "--quirks") as server:
        yield server


@dataclass
class QuirkySync:
    assistant: Assistant
    report: SyncReport
    reference: Snapshot


@pytest.fixture(scope="module")
def quirky_sync(
    quirky_server: OParlServer, embedder: CountingEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> QuirkySync:
    settings = sync_settings(tmp_path_factory.mktemp("quirky-sync"))
    assistant = Assistant.from_settings(settings, embedder=embedder)
    report = run_sync(quirky_server.system_url, assistant)
    return QuirkySync(assistant, report, snapshot(assistant))


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, None


def test_server_serves_the_quirks(quirky_server: OParlServer) -> None:
    base = quirky_server.base + "/oparl"
    status, bodies = _get(f"{base}/bodies")
    assert status == 200 and bodies["type"].endswith("/Body") and "data" not in bodies  # (a)
    _, page = _get(f"{base}/bodies/0001/papers?limit=10")
    papers = {p["id"].rsplit("/oparl/", 1)[-1]: p for p in page["data"]}
    assert papers[GHOST] == {"id": f"{base}/{GHOST}", "deleted": True}  # (e)
    assert not any("type" in p for p in papers.values())  # (f)
    assert isinstance(papers[PAPER_20811]["auxiliaryFile"], dict)  # (d)
    assert isinstance(papers[PAPER_51009]["location"], dict) and papers[PAPER_23367]["date"] == "N/A"  # (d)
    urls = [f["accessUrl"] for f in papers[PAPER_51009]["auxiliaryFile"]]
    assert urls and all("/oparl//bodies/0001//downloadfiles/" in u for u in urls)  # (c)
    _, meetings = _get(f"{base}/bodies/0001/meetings")
    assert not any("type" in m for m in meetings["data"])  # (f)
    future = "modified_since=2099-01-01T00:00:00%2B00:00"
    assert _get(f"{base}/bodies/0001/papers?{future}") == (404, None)  # (b)
    assert _get(f"{base}/bodies/0001/organizations?{future}") == (404, None)
    assert _get(f"{base}/bodies/0001/meetings?{future}") == (200, [])


def test_sync_of_a_quirky_endpoint_completes(quirky_sync: QuirkySync, quirky_server: OParlServer) -> None:
    report = quirky_sync.report
    assert report.complete and report.errors == [] and report.bodies == 1  # (a): one Body, not a list
    assert report.objects == 6 and report.added == 5  # 4 papers + 1 meeting, all without type (f)
    assert report.deleted == 1  # (e): the ghost, unknown to the index, is dropped without error
    assert report.files_from_text == 1  # the single auxiliaryFile object (d) of paper 20811 was read
    assert report.files_downloaded == 4  # (c): two corpus texts, the PDF and the (immediate) slow file
    downloads = [p for p in quirky_server.log() if "/downloadfiles/" in p]
    assert any("662089" in p for p in downloads) and any("665262" in p for p in downloads)
    print(f"\nquirky first sync: {report.requests} requests, {report.seconds:.1f}s")

    docs = documents_by_source(quirky_sync.assistant)
    assert set(docs) == {PAPER_51009, PAPER_49964, PAPER_23367, PAPER_20811, "bodies/0001/meetings/10023"}
    assert docs[PAPER_51009]["reference"] == "2024/1073" and docs[PAPER_51009]["document_type"] == "Antrag"
    assert docs[PAPER_23367]["date"] != "N/A"  # (d): "N/A" is no date
    assert docs["bodies/0001/meetings/10023"]["date"] == "2025-02-12"
    chunks = list(quirky_sync.assistant.store.iter_chunks())
    assert any(c.source.endswith("/files/662089") for c in chunks)  # a '//' file's text is indexed
    assert any(c.source.endswith("/files/665262") for c in chunks)  # the meeting's '//' PDF


def test_citizens_find_papers_of_a_quirky_endpoint(quirky_sync: QuirkySync) -> None:
    assistant = quirky_sync.assistant
    hits = assistant.search("Fahrradstraße Basler-Tor-Straße Änderungsantrag", k=5)  # public_only default
    assert hits and hits[0].chunk.reference == "2024/1073" and hits[0].chunk.public is True
    hits = assistant.search("Nutzungsüberlassung Hallenbad Wettersbach", k=5)  # single auxiliaryFile's text
    assert any(h.chunk.source_path.endswith(PAPER_20811) for h in hits)


def test_quirky_incremental_sync_and_deletion(
    quirky_sync: QuirkySync, quirky_server: OParlServer, embedder: CountingEmbedder
) -> None:
    assistant = quirky_sync.assistant
    calls = embedder.calls
    unchanged = run_sync(quirky_server.system_url, assistant)  # (b): 404 / [] for every list
    assert unchanged.complete and unchanged.errors == []
    assert unchanged.objects == unchanged.added == unchanged.updated == unchanged.deleted == 0
    assert unchanged.retried == 0 and embedder.calls == calls
    assert snapshot(assistant) == quirky_sync.reference
    asked = [p for p in quirky_server.log() if "modified_since=" in p]
    assert {p.split("?")[0].rsplit("/", 1)[-1] for p in asked} >= {"papers", "meetings", "organizations"}

    quirky_server.control("delete", id=f"{quirky_server.base}/oparl/{PAPER_49964}")
    deleted = run_sync(quirky_server.system_url, assistant)  # (e): {"id", "deleted": true}, no type
    assert deleted.complete and deleted.errors == [] and deleted.deleted == 1 and deleted.objects == 1
    docs = documents_by_source(assistant)
    assert PAPER_49964 not in docs and len(docs) == 4
    hits = assistant.search("Radverkehr Alte Weingartener Straße", k=10, filters=SearchFilters(public_only=False))
    assert not [h for h in hits if h.chunk.source_path.endswith("49964")]
