"""OCR of PDF pages without a text layer: a scanned page becomes searchable and its citations say so."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from assistant.models import SearchFilters
from assistant.store import chunk_from_record, chunk_to_metadata
from ingest.chunking import chunk_document
from ingest.parsers import ParseContext, parse_bytes, parse_file
from ingest.parsers.ocr import drop_noise, tesseract_problem
from ingest.sectioning import split_sections
from tests.conftest import make_assistant

SENTENCE = [
    "Niederschrift der Sitzung des Bauausschusses",
    "Der Ausschuss beschließt die Sanierung der Turnhalle",
    "am Mühlenweg. Die Kosten betragen 480.000 Euro.",
]


def _missing_tesseract() -> str | None:
    problem = tesseract_problem("deu")
    if problem and os.environ.get("CI"):
        pytest.fail(f"CI installs tesseract (.ci/run), but: {problem}")
    return problem


needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None and not os.environ.get("CI"),
    reason="tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-deu); CI installs it",
)


def scanned_pdf(lines: list[str] = SENTENCE) -> bytes:
    """A one-page PDF that is only an image of German text (no text layer), like a scanned letter."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 40)
    except OSError:
        font = ImageFont.load_default(size=40)
    for i, line in enumerate(lines):
        draw.text((150, 200 + 70 * i), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=200.0)
    return out.getvalue()


@needs_tesseract
def test_scanned_page_is_read_by_ocr_and_marked() -> None:
    _missing_tesseract()
    doc = parse_bytes(scanned_pdf(), "scan_bauausschuss.pdf", "scan_bauausschuss.pdf")
    page = doc.pages[0]
    assert page.ocr
    text = " ".join(page.text.split())
    assert "Turnhalle" in text and "Mühlenweg" in text and "480.000" in text
    chunks = chunk_document(doc, split_sections(doc))
    assert chunks and all(c.ocr and c.page == 1 for c in chunks)
    back = chunk_from_record(chunks[0].chunk_id, chunks[0].text, chunk_to_metadata(chunks[0]))
    assert back.ocr


def test_ocr_off_keeps_the_old_reason() -> None:
    with pytest.raises(Exception, match="needs OCR"):
        parse_bytes(scanned_pdf(), "scan.pdf", "scan.pdf", ParseContext(ocr="off"))


def test_ocr_limit_and_chunks_without_ocr_read_back_false(fixtures: Path) -> None:
    doc = parse_file(fixtures / "erlangen_sbr_2025-03-11_Einladung_Einladung_1_Sitzung_Buechenbach.pdf")
    chunk = chunk_document(doc, split_sections(doc))[0]
    assert not chunk.ocr
    meta = chunk_to_metadata(chunk)
    assert "ocr" not in meta and not chunk_from_record(chunk.chunk_id, chunk.text, meta).ocr


def test_noise_lines_of_a_map_are_dropped() -> None:
    text = "gennuENENENEENEEEEEEEEREnn,\n’e\n%*\nE 8 il!\n1a Quartier Odenwaldallee\n2. Neue Wohnangebote"
    assert drop_noise(text) == "1a Quartier Odenwaldallee\n2. Neue Wohnangebote"


@needs_tesseract
def test_scanned_pdf_is_found_by_search(tmp_path: Path) -> None:
    _missing_tesseract()
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "scan_bauausschuss.pdf").write_bytes(scanned_pdf())
    assistant = make_assistant(tmp_path / "data")
    report = assistant.ingest([folder])
    assert not report.skipped if hasattr(report, "skipped") else True
    hits = assistant.search("Sanierung Turnhalle Mühlenweg", k=3, mode="lexical",
                            filters=SearchFilters(public_only=False))
    assert hits and hits[0].chunk.source == "scan_bauausschuss.pdf"
    assert hits[0].chunk.ocr and hits[0].chunk.page == 1
