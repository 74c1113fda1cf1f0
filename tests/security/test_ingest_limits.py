"""(8) work per file is capped, (9) every parser failure is one line, (10) garbage is not indexed.

Hostile files are generated on the fly (small on disk) and parsed by the real parsers and pypdf.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.errors import ParseError
from assistant.settings import Settings
from ingest.chunking import chunk_document
from ingest.parsers import LimitExceeded, ParseContext, parse_file
from ingest.parsers.textcheck import text_problem
from ingest.sectioning import split_sections
from tests.security.conftest import CORPUS, REPO, VALIDATION, text_pdf
from tests.security.make_bad_files import blank_pdf, content_pdf

REAL_PDF = REPO / "tests" / "fixtures" / "erlangen_sbr_2024-11-19_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf"
SENTENCE = "Der Gemeinderat beschließt die Sanierung der Grundschule am Lindenweg für 1,2 Mio. Euro. "


def _one_line(exc: ParseError, path: Path) -> str:
    line = str(exc)
    assert "\n" not in line and line.startswith(str(path.resolve())), line
    return exc.reason


# -- (8) limits ------------------------------------------------------------------------------------
def test_settings_carry_the_limits_and_the_context_gets_them() -> None:
    s = Settings(_env_file=None)
    assert (s.max_pdf_pages, s.max_chunks_per_document, s.max_parse_seconds, s.max_nesting_depth) == (
        2000, 5000, 60.0, 500)
    ctx = ParseContext.from_settings(Settings(_env_file=None, max_pdf_pages=7, max_nesting_depth=9))
    assert (ctx.max_pdf_pages, ctx.max_nesting_depth, ctx.max_chunks) == (7, 9, 5000)


def test_pdf_with_too_many_pages_is_skipped_before_pages_are_parsed(tmp_path: Path) -> None:
    path = tmp_path / "many.pdf"
    path.write_bytes(blank_pdf(2500))
    assert path.stat().st_size < 600_000
    with pytest.raises(LimitExceeded) as info:
        parse_file(path, ParseContext())
    assert "too many pages (2,500 > limit 2,000" in _one_line(info.value, path)


def test_pdf_page_limit_is_a_setting(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "three.pdf", [[SENTENCE * 2]] * 3)
    assert len(parse_file(path, ParseContext()).pages) == 3
    with pytest.raises(LimitExceeded, match=r"too many pages \(3 > limit 2"):
        parse_file(path, ParseContext(max_pdf_pages=2))


def test_deep_html_is_rejected_quickly(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_bytes(b"<html><body><p>Sachverhalt</p>" + b"<div>" * 100_000 + b"Text" + b"</div>" * 100_000)
    with pytest.raises(LimitExceeded) as info:
        parse_file(path, ParseContext(max_parse_seconds=20))
    assert "nested too deeply (more than 500 levels" in _one_line(info.value, path)


def test_moderately_nested_html_still_parses(tmp_path: Path) -> None:
    path = tmp_path / "ok.html"
    path.write_text("<html><body><main>" + "<div>" * 200 + f"<p>{SENTENCE}</p>" + "</div>" * 200
                    + "</main></body></html>", encoding="utf-8")
    assert "Grundschule" in parse_file(path, ParseContext()).text


def test_parse_time_limit(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "slow.pdf", [[SENTENCE] * 40] * 300)
    assert len(parse_file(path, ParseContext()).pages) == 300
    with pytest.raises(LimitExceeded) as info:
        parse_file(path, ParseContext(max_parse_seconds=0.05))
    assert "parse time limit exceeded" in _one_line(info.value, path)


def test_chunk_limit_per_document(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Sachverhalt:\n" + SENTENCE * 3000, encoding="utf-8")
    doc = parse_file(path, ParseContext())
    chunks = chunk_document(doc, split_sections(doc))
    assert len(chunks) > 200
    with pytest.raises(LimitExceeded, match=r"too many chunks \(more than 200 > limit 200"):
        chunk_document(doc, split_sections(doc), max_chunks=200)


# -- (9) one line instead of a traceback -------------------------------------------------------------
def test_aes_encrypted_pdf_with_empty_password_opens(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=REAL_PDF)
    writer.encrypt("", algorithm="AES-256")
    path = tmp_path / "aes.pdf"
    writer.write(path)
    assert PdfReader(path).is_encrypted
    doc = parse_file(path, ParseContext())
    assert doc.text.strip() and len(doc.pages) == len(PdfReader(REAL_PDF).pages)


def test_aes_encrypted_pdf_with_a_password_is_one_line(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=REAL_PDF)
    writer.encrypt("geheim", algorithm="AES-256")
    path = tmp_path / "aes_pw.pdf"
    writer.write(path)
    with pytest.raises(ParseError) as info:
        parse_file(path, ParseContext())
    assert _one_line(info.value, path) == "encrypted PDF, needs a password"


@pytest.mark.parametrize("data", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000])
def test_deeply_nested_json_is_one_line(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(data)
    with pytest.raises(ParseError) as info:
        parse_file(path, ParseContext())
    assert "nested too deeply" in _one_line(info.value, path)


def test_deeply_nested_pdf_content_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.pdf"
    path.write_bytes(content_pdf([b"[" * 20_000 + b"]" * 20_000 + b" TJ"]))
    with pytest.raises(ParseError) as info:
        parse_file(path, ParseContext())
    _one_line(info.value, path)


@pytest.mark.parametrize("start", [1700000000, 17.5, ["2024-01-01"], {"x": 1}, True])
def test_oparl_dates_of_the_wrong_type_never_raise_anything_but_parse_error(start: object, tmp_path: Path) -> None:
    path = tmp_path / "meeting.json"
    path.write_text(json.dumps({
        "id": "https://example.org/oparl/meeting/1", "type": "https://schema.oparl.org/1.1/Meeting",
        "name": "Gemeinderat", "start": start, "end": start,
        "agendaItem": [{"number": "1", "name": "Sanierung Grundschule", "public": True, "start": start}],
    }), encoding="utf-8")
    try:
        doc = parse_file(path, ParseContext())
    except ParseError as exc:
        _one_line(exc, path)
        return
    assert "Sanierung Grundschule" in doc.text


def test_huge_streams_without_text_say_what_happened(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    path.write_bytes(content_pdf([b"0 0 m\n" + b" " * 80_000_000] * 2, compress=True))
    assert path.stat().st_size < 200_000
    with pytest.raises(ParseError) as info:
        parse_file(path, ParseContext())
    reason = _one_line(info.value, path)
    assert reason.startswith("no text extracted from 2 pages (2 with streams too large (decompression limit)")
    assert "OCR" not in reason


# -- (10) garbage ---------------------------------------------------------------------------------
def test_random_bytes_behind_html_are_rejected(tmp_path: Path) -> None:
    import random

    path = tmp_path / "garbage.html"
    path.write_bytes(b"<html>" + random.Random(5).randbytes(20_000))
    with pytest.raises(ParseError) as info:
        parse_file(path, ParseContext())
    assert _one_line(info.value, path).startswith("not text:")


@pytest.mark.parametrize("text", ["Sachverhalt\x00\x01\x02" * 400, "\ue000\ue001" * 500, "¤¦¨¬¯±¹º¾¿×÷" * 100,
                                  "S\x00a\x00c\x00h\x00v\x00e\x00r\x00h\x00a\x00l\x00t\x00 \x00" * 300])
def test_text_that_is_not_text_is_rejected(text: str, tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError, match="not text"):
        parse_file(path, ParseContext())


def test_control_characters_are_stripped_from_extracted_text(tmp_path: Path) -> None:
    path = tmp_path / "controls.txt"
    path.write_text(f"Beschluss\x00vorlage\x07\nSachverhalt:\t{SENTENCE}\x1b[31m\x0cSeite 2\x7f\x85", encoding="utf-8")
    doc = parse_file(path, ParseContext())
    chunks = chunk_document(doc, split_sections(doc))
    for text in [doc.text, doc.title, *(c.text for c in chunks)]:
        assert not any(ord(ch) < 32 and ch not in "\n\t" or 0x7F <= ord(ch) <= 0x9F for ch in text), repr(text)
    assert "Beschlussvorlage" in doc.text and "\t" in doc.text


def _real_texts() -> list[Path]:
    roots = [CORPUS / "text", CORPUS / "pdf", VALIDATION / "text", VALIDATION / "pdf"]
    return sorted(p for root in roots if root.is_dir() for p in root.iterdir() if p.suffix in {".txt", ".pdf"})


@pytest.mark.parametrize("path", _real_texts(), ids=lambda p: p.name)
def test_no_real_record_is_rejected_as_garbage(path: Path) -> None:
    try:
        doc = parse_file(path, ParseContext())
    except ParseError as exc:  # the known empty text files and scanned PDFs, nothing else
        assert exc.reason in {"file contains only whitespace, no text",
                              "no text layer on any page (scanned?) - needs OCR"}, exc.reason
        return
    assert text_problem(doc.text) is None
    assert not any("unreadable" in w for w in doc.warnings), doc.warnings
