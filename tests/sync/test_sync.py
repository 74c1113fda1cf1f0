"""End to end against the OParl test server process: first sync, incremental sync, deletion, public flags."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.models import SearchFilters
from ingest.oparl.mapping import Context, meeting_record
from tests.sync.conftest import CountingEmbedder, FirstSync, OParlServer, documents_by_source, run_sync

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "oparl"
PAPER_51009 = "bodies/0001/papers/vo/51009"
PAPER_49964 = "bodies/0001/papers/vo/49964"
MEETING = "bodies/0001/meetings/10023"


def test_first_sync_indexes_one_record_per_paper_and_meeting(first_sync: FirstSync) -> None:
    report = first_sync.report
    assert report.complete and report.bodies == 1
    assert report.objects == 5 and report.added == 5  # 4 papers over 2 pages + 1 meeting
    assert report.files_from_text == 1  # File 10212 came inline as File.text
    assert report.files_downloaded == 3  # two corpus texts (one after two 500s) and one PDF
    errors = dict(report.errors)
    assert [reason for reason in errors.values() if "timed out" in reason]  # retried by the next run
    assert not any("HTTP 500" in reason for reason in errors.values())  # the flaky file succeeded on retry
    skipped = [r for _, r in report.skipped_files]  # until the file changes
    assert sum("HTTP 404" in reason for reason in skipped) >= 5
    assert "file too large (2.0 MB > limit 1.0 MB), not downloaded" in skipped
    print(
        f"\nfirst sync: {report.objects / report.seconds:.2f} objects/s, {report.files / report.seconds:.2f} "
        f"files/s, {report.requests} requests, {first_sync.embedded_texts} chunks embedded, "
        f"{report.seconds:.1f}s"
    )

    docs = documents_by_source(first_sync.assistant)
    assert len(docs) == 5, "files are parts of their paper's or meeting's record, not documents of their own"
    paper = docs[PAPER_51009]
    assert paper["reference"] == "2024/1073" and paper["document_type"] == "Antrag"
    assert paper["date"] == "2024-09-24" and paper["body"] == "Ortschaftsrat Durlach"  # its Beratungsfolge
    assert paper["public"] is True  # OParl publishes the public part: citizens see the paper
    meeting = docs[MEETING]
    assert meeting["body"] == "Ortschaftsrat Durlach" and meeting["date"] == "2025-02-12"
    assert meeting["title"] == "Ortschaftsrat Durlach, Sitzung am 12.02.2025" and meeting["public"] is True

    chunks = [c for c in first_sync.assistant.store.iter_chunks() if c.source_path.endswith(PAPER_51009)]
    by_part = {c.section_path[0] for c in chunks}
    assert {"Beratungsfolge", "Antrag"} <= by_part  # the file named like the paperType is the main document
    assert all(c.source.endswith("/files/662089") for c in chunks if c.section_path[0] == "Antrag")
    beratung = next(c.text for c in chunks if c.section_path == ("Beratungsfolge",))
    assert "Ortschaftsrat Durlach: entscheidend." in beratung
    pdf = [c for c in first_sync.assistant.store.iter_chunks() if c.source.endswith("/files/665262")]
    assert pdf and all(c.source_path.endswith(MEETING) for c in pdf)  # the PDF is a part of the meeting


def test_citizens_find_synced_papers(first_sync: FirstSync) -> None:
    assistant = first_sync.assistant
    hits = assistant.search("Fahrradstraße Basler-Tor-Straße Änderungsantrag", k=5)  # public_only default
    assert hits and hits[0].chunk.reference == "2024/1073" and hits[0].chunk.public is True
    hits = assistant.search("Nutzungsüberlassung Hallenbad Wettersbach", k=5)  # File.text of paper 20811
    assert any(h.chunk.source_path.endswith("papers/vo/20811") for h in hits)
    public = assistant.search("Ausscheiden aus dem Ortschaftsrat", k=5)
    assert public and all(h.chunk.public is True for h in public)


def test_incremental_sync_modification_deletion(
    first_sync: FirstSync, oparl_server: OParlServer, embedder: CountingEmbedder
) -> None:
    assistant = first_sync.assistant
    oparl_server.control("reset")

    calls = embedder.calls
    unchanged = run_sync(oparl_server.system_url, assistant)
    assert embedder.calls == calls, "a re-sync without changes must embed nothing"
    assert unchanged.objects == 0 and unchanged.added == unchanged.updated == 0  # modified_since: nothing new
    assert unchanged.retried == 1  # paper 49964, whose slow file timed out, is read again
    print(f"\nno-change re-sync: {unchanged.requests} requests, 0 embedding calls, {unchanged.seconds:.1f}s")

    oparl_server.control("modify", id=f"{oparl_server.base}/oparl/{PAPER_51009}")
    before = embedder.texts
    changed = run_sync(oparl_server.system_url, assistant)
    assert changed.objects == 1 and changed.updated == 1
    assert changed.files_unchanged >= 2  # its files were neither downloaded nor parsed again
    assert 0 < embedder.texts - before <= 3  # only the chunks whose text changed (head, Beratungsfolge)
    docs = documents_by_source(assistant)
    assert docs[PAPER_51009]["title"].endswith("(geändert)")
    assert len(docs) == 5

    oparl_server.control("delete", id=f"{oparl_server.base}/oparl/{PAPER_49964}")
    calls = embedder.calls
    deleted = run_sync(oparl_server.system_url, assistant)
    assert deleted.deleted == 1 and embedder.calls == calls
    docs = documents_by_source(assistant)
    assert PAPER_49964 not in docs and len(docs) == 4  # the paper and its file texts are gone
    assert not [
        h
        for h in assistant.search(
            "Radverkehr Alte Weingartener Straße", k=10, filters=SearchFilters(public_only=False)
        )
        if h.chunk.source_path.endswith("49964")
    ]

    calls = embedder.calls
    again = run_sync(oparl_server.system_url, assistant)
    assert embedder.calls == calls and again.deleted == 1 and again.added == 0  # deletion re-seen: no-op


def test_public_flags_of_a_meeting() -> None:
    meeting = json.loads((FIXTURES / "karlsruhe_meeting_10023.json").read_text(encoding="utf-8"))
    items = meeting["agendaItem"]
    items[0]["public"] = False
    del items[1]["public"]
    args = {"source": "m", "source_path": "m", "document_id": "m"}
    public = meeting_record(meeting, context=Context(default_public=True), **args)
    flags = {s.heading.split(" ", 2)[1]: s.public for s in public.sections or () if s.heading.startswith("TOP")}
    assert flags[items[0]["number"]] is False and flags[items[1]["number"]] is None  # None: the record's flag
    assert public.public is True
    internal = meeting_record(meeting, context=Context(default_public=False), **args)
    assert internal.public is False  # an internal endpoint: unmarked items are not shown to citizens
