"""PDF via pypdf: text per page (1-based numbers), empty-password decryption, OCR warnings."""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from pypdf import PdfReader
from pypdf.errors import DependencyError, PdfReadError

from assistant.errors import ParseError
from assistant.models import Page, SourceDocument
from ingest.parsers.base import ParseContext, build_document, check_size, normalise_newlines

log = logging.getLogger(__name__)

MIN_LETTERS_PER_PAGE = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf reports every repaired xref on the 'pypdf' logger and via warnings: route both to debug."""
    pypdf_log = logging.getLogger("pypdf")
    old_level = pypdf_log.level
    pypdf_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for w in caught:
            log.debug("pypdf: %s", w.message)
    finally:
        pypdf_log.setLevel(old_level)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


class PdfParser:
    suffixes: tuple[str, ...] = (".pdf",)

    def parse_bytes(self, data: bytes, *, name: str, source_path: str, ctx: ParseContext) -> SourceDocument:
        check_size(data, source_path, ctx)
        if b"%PDF-" not in data[:1024]:
            raise ParseError(source_path, "not a valid PDF (corrupt or truncated: no %PDF header)")
        if b"%%EOF" not in data[-2048:]:
            raise ParseError(source_path, "not a valid PDF (corrupt or truncated: no %%EOF end marker)")
        with _quiet_pypdf():
            texts = self._extract(data, source_path)
        pages: list[Page] = []
        notes: list[str] = []
        for number, raw in enumerate(texts, start=1):
            text = normalise_newlines(_CONTROL.sub("", raw))
            if _letters(text) < MIN_LETTERS_PER_PAGE:
                notes.append(f"{name}: page {number} has no text layer - needs OCR")
                text = ""
            pages.append(Page(number, text))
        if not any(p.text for p in pages):
            raise ParseError(source_path, "no text layer on any page (scanned?) - needs OCR")
        for note in notes:
            log.warning(note)
        return build_document(
            data, tuple(pages), name=name, source_path=source_path, ctx=ctx, warnings=tuple(notes)
        )

    def _extract(self, data: bytes, source_path: str) -> list[str]:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError as exc:
                    raise ParseError(source_path, f"encrypted PDF, cannot decrypt here: {exc}") from None
                if not opened:
                    raise ParseError(source_path, "encrypted PDF, needs a password")
            if len(reader.pages) == 0:
                raise ParseError(source_path, "not a valid PDF (corrupt or truncated: no pages)")
            return [page.extract_text() or "" for page in reader.pages]
        except ParseError:
            raise
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
            detail = str(exc).strip() or type(exc).__name__
            raise ParseError(source_path, f"not a valid PDF (corrupt or truncated: {detail})") from None
