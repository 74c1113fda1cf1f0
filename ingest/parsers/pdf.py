"""PDF via pypdf: text per page (1-based numbers), empty-password decryption (RC4 and AES), OCR warnings.

Work per file is bounded: the page count (``max_pdf_pages``, read from the page tree before pages are walked),
the parse clock between pages, and pypdf's own decompression limits. A page whose streams hit such a limit
is reported as such, not as "needs OCR".
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, LimitReachedError, PdfReadError

from assistant.errors import ParseError
from assistant.models import Page, SourceDocument
from ingest.parsers.base import LimitExceeded, ParseContext, build_document, check_size, normalise_newlines
from ingest.parsers.ocr import recognise_pages
from ingest.parsers.pdf_cleanup import clean_pages
from ingest.parsers.tables import table_rows, with_tables
from ingest.parsers.textcheck import MIN_CHARS_TO_JUDGE, clean_text, text_problem

log = logging.getLogger(__name__)

MIN_LETTERS_PER_PAGE = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf reports every repaired xref on the 'pypdf' logger and via warnings: route both to debug."""
    pypdf_log = logging.getLogger("pypdf")
    old_level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)
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


def _detail(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


class PdfParser:
    suffixes: tuple[str, ...] = (".pdf",)

    def parse_bytes(self, data: bytes, *, name: str, source_path: str, ctx: ParseContext) -> SourceDocument:
        check_size(data, source_path, ctx)
        if b"%PDF-" not in data[:1024]:
            raise ParseError(source_path, "not a valid PDF (corrupt or truncated: no %PDF header)")
        if b"%%EOF" not in data[-2048:]:
            raise ParseError(source_path, "not a valid PDF (corrupt or truncated: no %%EOF end marker)")
        with _quiet_pypdf():
            texts, failures = self._extract(data, source_path, ctx)
        ocr = recognise_pages(data, texts, name=name, ctx=ctx, skip=set(failures))  # pages without text layer
        texts = [p.text for p in clean_pages([normalise_newlines(_CONTROL.sub("", t)) for t in ocr.texts])]
        tables = table_rows(data, texts, check_time=lambda n: ctx.check_time(source_path, f"tables (page {n})"),
                            max_pages=ctx.max_pdf_pages) if ctx.pdf_tables else {}
        pages: list[Page] = []
        notes: list[str] = list(ocr.notes)
        for number, raw in enumerate(texts, start=1):
            text = normalise_newlines(clean_text(_CONTROL.sub("", raw)))
            if number in failures:
                notes.append(f"{name}: page {number} skipped ({failures[number]})")
                text = ""
            elif _letters(text) < MIN_LETTERS_PER_PAGE:
                notes.append(f"{name}: page {number} has no text layer and OCR recognised no text on it (an image?)"
                             if number in ocr.attempted else f"{name}: page {number} has no text layer - needs OCR")
                text = ""
            elif len(text) >= 5 * MIN_CHARS_TO_JUDGE and (problem := text_problem(text)):
                notes.append(f"{name}: page {number} text layer unreadable ({problem}) - needs OCR")
                text = ""
            if text and number in tables:
                text = with_tables(text, tables[number])
            pages.append(Page(number, text, ocr=number in ocr.recognised and bool(text)))
        if not any(p.text for p in pages):
            raise ParseError(source_path, _why_no_text(len(pages), failures))
        for note in notes:
            log.info(note)
        return build_document(
            data, tuple(pages), name=name, source_path=source_path, ctx=ctx, warnings=tuple(notes)
        )

    def _extract(self, data: bytes, source_path: str, ctx: ParseContext) -> tuple[list[str], dict[int, str]]:
        """Text of each page and, per page number, why its text could not be extracted."""
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError as exc:
                    raise ParseError(source_path, f"encrypted PDF, cannot decrypt here: {exc}") from None
                if not opened:
                    raise ParseError(source_path, "encrypted PDF, needs a password")
            declared = _declared_pages(reader)
            if declared is not None and declared > ctx.max_pdf_pages:
                raise _too_many_pages(source_path, declared, ctx)
            count = len(reader.pages)
            if count == 0:
                raise ParseError(source_path, "not a valid PDF (corrupt or truncated: no pages)")
            if count > ctx.max_pdf_pages:
                raise _too_many_pages(source_path, count, ctx)
            texts: list[str] = []
            failures: dict[int, str] = {}
            for number, page in enumerate(reader.pages, start=1):
                ctx.check_time(source_path, f"text extraction (page {number} of {count})")
                try:
                    texts.append(page.extract_text() or "")
                except LimitReachedError as exc:
                    failures[number] = f"stream too large: {_detail(exc)}"
                    texts.append("")
                except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                        OSError, ZeroDivisionError) as exc:
                    failures[number] = f"unreadable page: {_detail(exc)}"
                    texts.append("")
            return texts, failures
        except ParseError:
            raise
        except LimitReachedError as exc:
            raise ParseError(source_path, f"PDF exceeds a pypdf safety limit ({_detail(exc)})") from None
        except RecursionError:
            raise ParseError(source_path, "not a valid PDF (objects nested too deeply: recursion limit)") from None
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
            raise ParseError(source_path, f"not a valid PDF (corrupt or truncated: {_detail(exc)})") from None


def _declared_pages(reader: PdfReader) -> int | None:
    """/Count of the page tree root: known before any page is walked (a lie is caught by the real count)."""
    try:
        trailer: Any = reader.trailer
        count = trailer["/Root"]["/Pages"]["/Count"]
        return int(count) if isinstance(count, int) else None
    except Exception:  # noqa: BLE001 - a broken tree is reported when pages are walked
        return None


def _too_many_pages(source_path: str, pages: int, ctx: ParseContext) -> LimitExceeded:
    return LimitExceeded(source_path, f"too many pages ({pages:,} > limit {ctx.max_pdf_pages:,}, "
                                      "RATSINFO_MAX_PDF_PAGES)")


def _why_no_text(pages: int, failures: dict[int, str]) -> str:
    """What happened when no page gave text: limits and broken streams are named, not blamed on scanning."""
    if not failures:
        return "no text layer on any page (scanned?) - needs OCR"
    large = sum(1 for r in failures.values() if r.startswith("stream too large"))
    kinds = []
    if large:
        kinds.append(f"{large} with streams too large (decompression limit)")
    if len(failures) - large:
        kinds.append(f"{len(failures) - large} unreadable")
    rest = pages - len(failures)
    if rest:
        kinds.append(f"{rest} without a text layer")
    first = next(iter(failures.values()))
    return f"no text extracted from {pages} page{'s' if pages != 1 else ''} ({', '.join(kinds)}; e.g. {first})"
