"""Helpers for the security tests of the ingest side: real files written to tmp_path, parsed by the real parsers."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from assistant.models import Chunk, SourceDocument
from ingest.chunking import chunk_document
from ingest.parsers import ParseContext, parse_file
from ingest.sectioning import split_sections

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "samples" / "corpus"
VALIDATION = Path("/work/shared/validation")


def _pdf_string(text: str) -> str:
    raw = text.encode("cp1252", errors="replace")
    return "".join(chr(b) if 32 <= b < 127 and chr(b) not in "()\\" else f"\\{b:03o}" for b in raw)


def text_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A real PDF with a Helvetica text layer (WinAnsi, so umlauts survive), one list of lines per page."""
    writer = PdfWriter()
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    })
    font_ref = writer._add_object(font)
    for lines in pages:
        page = writer.add_blank_page(595, 842)
        ops = ["BT", "/F1 10 Tf", "14 TL", "40 800 Td"]
        ops += [f"({_pdf_string(line)}) Tj T*" for line in lines]
        ops.append("ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})})
        page[NameObject("/ProcSet")] = ArrayObject()
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def chunks_of(path: Path, ctx: ParseContext | None = None) -> tuple[SourceDocument, list[Chunk]]:
    """Parse, section and chunk one real file the way the indexer does."""
    doc = parse_file(path, ctx or ParseContext())
    return doc, chunk_document(doc, split_sections(doc))


@pytest.fixture
def write_text(tmp_path: Path):  # noqa: ANN201 - a small factory
    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
