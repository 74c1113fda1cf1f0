"""The store against a real `chroma run` server (RATSINFO_CHROMA_URL); two processes query, a third ingests.

Each worker process has its own data directory (its own lexical index, as on separate hosts); the chroma
server is the one shared store. Workers pick up another process's writes through the store generation.
The server is the session's ``chroma_url`` fixture (tests/conftest.py); each test uses its own collection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from assistant.models import SearchFilters
from assistant.service import Assistant
from assistant.settings import Settings
from tests.chroma_server import new_collection
from tests.sync.conftest import ROOT, CountingEmbedder

FIXTURES = ROOT / "tests" / "fixtures"

WORKER = """
import json, sys, time
from assistant.models import SearchFilters
from assistant.service import Assistant
assistant = Assistant.from_settings()
queries, seen_at, deadline = 0, None, time.monotonic() + 600
while time.monotonic() < deadline:
    hits = assistant.search("Nutzungsüberlassung Hallenbad Wettersbach", k=3,
                            filters=SearchFilters(public_only=False))
    queries += 1
    if any(h.chunk.source == "karlsruhe_file_10212.txt" for h in hits):
        seen_at = queries
        assistant.search("Hallenbad", k=1)  # the next query refreshes the lexical index (the writer may have
        break                               # been between its store write and its generation bump before)
    time.sleep(0.2)
print(json.dumps({"queries": queries, "seen_at": seen_at, "lexical": len(assistant.lexical)}))
"""


def _settings(data_dir: Path, chroma_url: str, collection: str) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, chroma_url=chroma_url, collection=collection)  # type: ignore[call-arg]


def test_store_and_retrieval_against_chroma_server(
    chroma_url: str, embedder: CountingEmbedder, tmp_path: Path
) -> None:
    collection = new_collection()
    assistant = Assistant.from_settings(_settings(tmp_path, chroma_url, collection), embedder=embedder)
    report = assistant.ingest([FIXTURES / "karlsruhe_file_662089.txt"])
    assert report.documents_added == 1 and report.chunks_embedded > 0
    assert assistant.stats()["store"] == chroma_url
    assert not (tmp_path / "chroma").exists()  # nothing embedded on disk: the server holds the vectors

    hits = assistant.search("Fahrradstraße Basler-Tor-Straße", k=3, filters=SearchFilters(public_only=False))
    assert hits and hits[0].chunk.source == "karlsruhe_file_662089.txt"
    assert {"dense", "lexical"} <= set(hits[0].scores)

    calls = embedder.calls
    again = assistant.ingest([FIXTURES / "karlsruhe_file_662089.txt"])
    assert again.documents_unchanged == 1 and embedder.calls == calls

    fresh = Assistant.from_settings(
        _settings(tmp_path / "other-host", chroma_url, collection), embedder=embedder
    )
    assert len(fresh.lexical) == fresh.store.count() > 0  # a missing lexical index is rebuilt from the server
    assert assistant.remove("karlsruhe_file_662089.txt")[0] == 1
    assert (
        fresh.search("Fahrradstraße Basler-Tor-Straße", k=3, filters=SearchFilters(public_only=False)) == []
    )


def test_two_processes_query_while_a_third_ingests(
    chroma_url: str, embedder: CountingEmbedder, tmp_path: Path
) -> None:
    collection = new_collection()
    seed = Assistant.from_settings(_settings(tmp_path / "seed", chroma_url, collection), embedder=embedder)
    seed.ingest([FIXTURES / "karlsruhe_file_662089.txt"])

    def env(name: str) -> dict[str, str]:
        return {
            **os.environ,
            "RATSINFO_CHROMA_URL": chroma_url,
            "RATSINFO_COLLECTION": collection,
            "RATSINFO_DATA_DIR": str(tmp_path / name),
        }

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER],
            cwd=ROOT,
            env=env(f"worker{i}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in (1, 2)
    ]
    time.sleep(2)
    ingest = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "ingest",
            "--json",
            str(FIXTURES / "karlsruhe_file_10212.txt"),
        ],
        cwd=ROOT,
        env=env("ingester"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ingest.returncode == 0, ingest.stderr
    assert json.loads(ingest.stdout)["documents_added"] == 1
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        result = json.loads(out.strip().splitlines()[-1])
        assert result["seen_at"] is not None, result  # the new document reached this worker's search
        assert result["lexical"] == seed.store.count()  # its lexical index followed the store generation
