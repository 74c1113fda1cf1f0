from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import ParseError
from ingest.parsers import SUPPORTED_SUFFIXES, ParseContext, parse_bytes, parse_file

CTX = ParseContext()


def test_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".pdf", ".html", ".htm", ".json"}


def test_text_vorlage_metadata(fixtures: Path) -> None:
    path = fixtures / "karlsruhe_file_658931.txt"
    doc = parse_file(path, CTX)
    assert doc.source == path.name
    assert doc.source_path == str(path.resolve())
    assert doc.document_id == hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16]
    assert doc.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.title.startswith(
        "Neufestsetzung Tarife Therme Vierordtbad zum 01.09.2024 und städtische Hallen-"
    )
    assert doc.reference == "2024/0601"
    assert doc.document_type == "Beschlussvorlage"
    assert doc.body == "Bäderausschuss"
    assert doc.date == "2024-09-01"
    assert doc.public is True
    assert [p.number for p in doc.pages] == [None]


def test_text_antrag_and_anfrage_metadata(fixtures: Path) -> None:
    antrag = parse_file(fixtures / "karlsruhe_file_662089.txt", CTX)
    assert antrag.document_type == "Antrag"
    assert antrag.reference == "2024/1073"
    assert antrag.title.startswith(
        'Ergänzungs-/Änderungsantrag zu TOP Beschlussvorlage 2024/0153 "Fahrradstraße'
    )
    assert "Basler-Tor-Straße" in antrag.title
    assert antrag.body == "Ortschaftsrat Durlach"
    anfrage = parse_file(fixtures / "karlsruhe_file_10212.txt", CTX)
    assert anfrage.date == "2008-09-16"
    assert anfrage.document_type == "Anfrage"


def test_crlf_bom_and_nichtoeffentlich(tmp_path: Path) -> None:
    path = tmp_path / "vorlage.md"
    path.write_bytes("\ufeffNichtöffentliche Sitzung\r\nBetreff: Grundstücksankauf\r\nText.\r\n".encode())
    doc = parse_file(path, CTX)
    assert "\r" not in doc.text
    assert doc.text.startswith("Nichtöffentliche Sitzung\n")
    assert doc.public is False
    assert doc.title == "Grundstücksankauf"


def test_default_public_comes_from_context(fixtures: Path) -> None:
    doc = parse_file(fixtures / "aachen_regionalmarketing_vorlage.txt", ParseContext(default_public=False))
    assert doc.public is False


def test_latin1_text_is_rejected_with_offset(fixtures: Path) -> None:
    with pytest.raises(ParseError) as err:
        parse_file(fixtures / "latin1.txt", CTX)
    assert "not valid UTF-8 text (invalid byte 0xf6 at offset" in err.value.reason
    assert "convert it to UTF-8" in err.value.reason


@pytest.mark.parametrize("name", ["zero.txt", "empty.pdf"])
def test_empty_files(fixtures: Path, name: str) -> None:
    with pytest.raises(ParseError, match=r"empty file \(0 bytes\)"):
        parse_file(fixtures / name, CTX)


def test_too_large(fixtures: Path) -> None:
    with pytest.raises(ParseError, match=r"file too large \(0\.0 MB > limit 0\.0 MB\)"):
        parse_file(fixtures / "karlsruhe_file_658931.txt", ParseContext(max_file_bytes=1000))


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "brief.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(ParseError, match="unsupported file type '.docx'"):
        parse_file(path, CTX)


def test_pdf_pages_and_metadata(fixtures: Path) -> None:
    doc = parse_file(
        fixtures / "erlangen_sbr_2024-11-19_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf", CTX
    )
    assert [p.number for p in doc.pages] == [1, 2, 3, 4, 5]
    assert "TOP 1: Stadtteilhaus Büchenbach" in doc.pages[1].text
    assert doc.document_type == "Niederschrift"
    assert doc.date == "2024-11-19"
    assert doc.body == "Stadtteilbeirat Büchenbach"
    assert doc.warnings == ()


def test_pdf_encrypted_with_empty_password_opens(fixtures: Path) -> None:
    doc = parse_file(fixtures / "ahnsen_2026-03-26_niederschrift_gemeinderat_ahnsen_sitzung_17.pdf", CTX)
    assert len(doc.pages) == 4
    assert "Bauturbo" in doc.text
    assert doc.body == "Gemeinderat Ahnsen"
    assert doc.date == "2026-03-26"


def test_pdf_with_real_password(fixtures: Path) -> None:
    with pytest.raises(ParseError, match="encrypted PDF, needs a password"):
        parse_file(fixtures / "password.pdf", CTX)


def test_image_only_pdf_needs_ocr(fixtures: Path) -> None:
    # with OCR off (RATSINFO_OCR=off); with OCR on, tests/ingest/test_ocr.py reads scanned pages
    with pytest.raises(ParseError, match=r"no text layer on any page \(scanned\?\) - needs OCR"):
        parse_file(fixtures / "erlangen_sbr_2021-04-14_Anhang_Erlangen-Massnahmenplan_2035-5.pdf",
                   replace(CTX, ocr="off"))


def test_page_without_text_is_a_warning(fixtures: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(
        PdfReader(fixtures / "erlangen_sbr_2025-03-11_Einladung_Einladung_1_Sitzung_Buechenbach.pdf").pages[0]
    )
    writer.add_blank_page()
    path = tmp_path / "mixed.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    doc = parse_file(path, replace(CTX, ocr="off"))
    assert doc.warnings == ("mixed.pdf: page 2 has no text layer - needs OCR",)
    assert doc.pages[1].text == ""
    if shutil.which("tesseract"):  # read by OCR, which finds nothing on a blank page: said so
        assert parse_file(path, replace(CTX, ocr="auto")).warnings == (
            "mixed.pdf: page 2 has no text layer and OCR recognised no text on it (an image?)",)


@pytest.mark.parametrize("name", ["corrupt.pdf", "truncated.pdf"])
def test_corrupt_and_truncated_pdf(fixtures: Path, name: str) -> None:
    with pytest.raises(ParseError, match=r"not a valid PDF \(corrupt or truncated"):
        parse_file(fixtures / name, CTX)


def test_html_main_text_only(fixtures: Path) -> None:
    doc = parse_file(fixtures / "council_page.html", CTX)
    assert doc.title == "Sanierung Hallenbad Nord"
    assert doc.reference == "2024/0815"
    assert doc.document_type == "Beschlussvorlage"
    assert doc.date == "2024-07-16"
    assert doc.body == "Bäderausschuss"
    lines = doc.text.split("\n")
    for heading in ("Sachverhalt", "Finanzielle Auswirkungen", "Beschlussvorschlag"):
        assert heading in lines
    for chrome in (
        "Tracking-Code",
        "Sitzungskalender",
        "Impressum",
        "Startseite",
        "Weitere Vorlagen",
        "Script",
    ):
        assert chrome not in doc.text


def test_parse_bytes_uses_url_name(fixtures: Path) -> None:
    data = (fixtures / "council_page.html").read_bytes()
    url = "https://ris.example.de/vo0050.html?__kvonr=4711"
    doc = parse_bytes(data, url, url, CTX)
    assert doc.source == "vo0050.html"
    assert doc.source_path == url
    assert doc.title == "Sanierung Hallenbad Nord"


def test_oparl_paper(fixtures: Path) -> None:
    doc = parse_file(fixtures / "karlsruhe_paper_28190.json", CTX)
    assert doc.title.startswith("Gemeinsamer Antrag GRÜNE, CDU, SPD, FDP, KAL")
    assert (doc.reference, doc.document_type, doc.date) == ("28190", "Beschlussvorlage", "2011-10-10")
    assert doc.sections is not None
    text = doc.sections[0].text
    assert "Vorlage-Nr.: 28190" in text and "Datum: 10.10.2011" in text
    beratung = next(s for s in doc.sections if s.heading == "Beratungsfolge")
    assert beratung.text.endswith("\nGremium nicht angegeben.")  # role 'unbekannt', meeting not at hand


def test_oparl_meeting(fixtures: Path) -> None:
    doc = parse_file(fixtures / "karlsruhe_meeting_10023.json", CTX)
    assert doc.date == "2025-02-12"
    assert doc.body == "Ortschaftsrat Durlach"
    assert doc.sections is not None
    raw = json.loads((fixtures / "karlsruhe_meeting_10023.json").read_text(encoding="utf-8"))
    assert len(doc.sections) == 1 + len(raw["agendaItem"])
    by_heading = {s.heading: s for s in doc.sections}
    item = by_heading["TOP 1.1 Ausscheiden von Herrn David Willimzig aus dem Ortschaftsrat"]
    assert "Ergebnis: einstimmig beschlossen" in item.text
    assert item.public is True
    assert all(s.public is True for s in doc.sections[1:])
    assert "Ort: Bürgersaal im Rathaus, Pfinztalstr. 33" in doc.sections[0].text


def test_oparl_meeting_public_flags(tmp_path: Path) -> None:
    meeting = {
        "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "Hauptausschuss",
        "start": "2024-05-07T16:00:00",
        "agendaItem": [
            {"number": "1", "name": "Haushalt", "public": True, "result": "vertagt", "order": 1},
            {
                "number": "2",
                "name": "Grundstücksangelegenheit",
                "public": False,
                "order": 2,
                "resolutionText": "Der Ankauf wird beschlossen.",
            },
            {"number": "3", "name": "Verschiedenes", "order": 3},
        ],
    }
    path = tmp_path / "meeting.json"
    path.write_text(json.dumps(meeting), encoding="utf-8")
    doc = parse_file(path, CTX)
    assert doc.sections is not None
    items = doc.sections[1:]
    assert [s.public for s in items] == [True, False, None]
    assert items[0].text == "TOP 1: Haushalt\nErgebnis: vertagt"
    assert "Beschluss: Der Ankauf wird beschlossen." in items[1].text
    assert (doc.date, doc.body) == ("2024-05-07", "Hauptausschuss")


def test_oparl_body_and_list(fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="OParl Body object"):
        parse_file(fixtures / "mst_body_Stadt_Krefeld.json", CTX)
    listing = tmp_path / "papers.json"
    listing.write_text(json.dumps({"data": [{"type": "https://schema.oparl.org/1.1/Paper", "name": "x"}]}))
    with pytest.raises(ParseError, match=r"OParl list of 1 objects \(Paper\).*use sync"):
        parse_file(listing, CTX)
