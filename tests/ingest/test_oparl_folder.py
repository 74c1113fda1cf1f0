"""Folder ingest of OParl exports: one record per matter, file texts joined, Beratungsfolge searchable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.errors import ParseError
from assistant.models import SearchFilters, SourceDocument
from ingest.indexer import discover_files
from ingest.oparl.folder import plan_folder
from ingest.parsers import ParseContext
from tests.conftest import make_assistant

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "corpus"
VALIDATION = Path("/work/shared/validation")


def records(folder: Path) -> tuple[dict[str, SourceDocument], dict[str, str], dict[str, str]]:
    """(records by JSON name, errors by JSON name, claimed text name -> JSON name)."""
    files, _ = discover_files([folder / "oparl", folder / "text"])
    plan = plan_folder(files, ParseContext())
    docs = {p.name: d for p, d in plan.records.items() if isinstance(d, SourceDocument)}
    errors = {p.name: d.reason for p, d in plan.records.items() if isinstance(d, ParseError)}
    return docs, errors, {t.name: j.name for t, j in plan.claimed.items()}


def test_samples_one_record_per_paper_with_its_file_texts() -> None:
    docs, errors, claimed = records(SAMPLES)
    papers = sorted(p.name for p in (SAMPLES / "oparl").glob("karlsruhe_paper_*.json"))
    meetings = sorted(p.name for p in (SAMPLES / "oparl").glob("karlsruhe_meeting_*.json"))
    assert sorted(docs) == sorted(papers + meetings)
    assert not any("unsupported OParl object type" in r or "unknown kind" in r for r in errors.values())
    texts = {p.name for p in (SAMPLES / "text").glob("karlsruhe_file_*.txt")}
    assert set(claimed) == texts - {"karlsruhe_file_661921.txt"}  # the one file no paper of the sample lists
    paper = docs["karlsruhe_paper_51009.json"]
    parts = {s.path[0]: s.source for s in paper.sections or ()}
    assert parts["Antrag"] == "karlsruhe_file_662089.txt"  # the file text is inside the paper's record
    assert "Fahrradstraße einzurichten" in paper.text
    assert paper.date == "2024-09-24" and paper.reference == "2024/1073"


@pytest.mark.skipif(not VALIDATION.is_dir(), reason="shared validation records not on this machine")
def test_validation_folder_88_records_and_every_text_claimed() -> None:
    docs, errors, claimed = records(VALIDATION)
    kinds = [d.document_type == "Sitzung" for d in docs.values()]
    assert (len(docs), kinds.count(False), kinds.count(True)) == (88, 71, 17)
    assert errors == {}
    assert len(claimed) == len(list((VALIDATION / "text").glob("*.txt"))) == 97  # no standalone file text
    nord = docs["nordstemmen_paper_DS_6-2023.json"]  # no type, name with newlines, mainFile as object
    assert nord.title.startswith("Ganztagsgrundschule Barnten; Erhöhung") and not nord.title.endswith(" ")
    beratung = next(s.text for s in nord.sections or () if s.heading == "Beratungsfolge")
    # the meeting JSON of the folder gives date and TOP (its item links another consultation id: by name)
    assert "Rat, Sitzung am 27.06.2023, TOP 7." in beratung
    assert all(d.document_type and d.document_type.lower() != "none" for d in docs.values())
    assert all(d.title == d.title.strip() and "\n" not in d.title for d in docs.values())
    empty = docs["karlsruhe_paper_50440.json"]  # its Abstimmungsergebnis text is only "\n\n": no part
    assert not any("Abstimmungsergebnis" in s.path[0] for s in empty.sections or ())


def test_ingest_joins_file_text_and_beratungsfolge_is_searchable(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "text").mkdir(parents=True)
    (folder / "oparl").mkdir()
    # ingest order must not matter: the text file sorts before the paper that claims it
    shutil.copy(SAMPLES / "text" / "karlsruhe_file_648879.txt", folder / "text")
    for name in ("karlsruhe_paper_48880.json", "karlsruhe_meeting_9049.json"):
        shutil.copy(SAMPLES / "oparl" / name, folder / "oparl")
    assistant = make_assistant(tmp_path / "data")
    report = assistant.ingest([folder / "text", folder / "oparl"])
    assert report.documents_added == 2 and not report.skipped, report
    documents = {Path(str(d["source"])).name: d for d in assistant.documents()}
    assert set(documents) >= {"karlsruhe_paper_48880.json", "karlsruhe_meeting_9049.json"}
    assert len({d["document_id"] for d in assistant.documents()}) == 2

    hits = assistant.search("Wann hat der Gemeinderat über die Weiterentwicklung der Karlstraße beraten?", k=5)
    top = [h.chunk for h in hits]
    beratung = [c for c in top if c.section_path == ("Beratungsfolge",)]
    assert beratung, [(c.title, c.section_path) for c in top]
    assert "Gemeinderat, Sitzung am 19.09.2023, TOP 16.5: entscheidend, Ergebnis: keine Abstimmung." in (
        beratung[0].text
    )
    assert beratung[0].public is True  # a citizen's search (public only) finds it
    file_hits = assistant.search("Fragenkatalog schriftlich beantworten Karlstraße", k=5,
                                 filters=SearchFilters(public_only=True))
    assert any(h.chunk.source == "karlsruhe_file_648879.txt" and h.chunk.source_path.endswith("48880.json")
               for h in file_hits)  # a passage of the file cites the file, inside the paper's record
