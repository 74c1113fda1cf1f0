"""The parser protocol, its frozen context and the helpers every parser shares."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from assistant.errors import ParseError
from assistant.models import Page, SourceDocument
from ingest.parsers.metadata import DocumentMetadata, extract_metadata

if TYPE_CHECKING:
    from assistant.settings import Settings


@dataclass(frozen=True)
class ParseContext:
    """Everything a parser may know about its environment; parsers never read settings or env.

    The limits bound the work one file can cause: pages of a PDF, nesting of HTML and JSON, chunks of one
    document and wall time of one parse (checked between pages and steps; ``deadline`` is set per file by
    ``started``). Exceeding one skips the file with one line naming the limit.
    """

    max_file_bytes: int = 50 * 2**20
    default_public: bool = True
    max_pdf_pages: int = 2000
    max_chunks: int = 5000
    max_parse_seconds: float = 60.0
    max_nesting_depth: int = 500
    deadline: float | None = None
    ocr: str = "auto"  # auto: OCR pages without a text layer when tesseract is installed; off: never
    ocr_languages: str = "deu"
    ocr_max_pages: int = 50
    pdf_tables: bool = True  # PDF tables also as labelled rows (pdfplumber), see ingest/parsers/tables.py

    @classmethod
    def from_settings(cls, settings: Settings) -> ParseContext:
        """Built once at the entry point from the settings object; parsers only ever see this context."""
        return cls(max_file_bytes=int(settings.max_file_mb * 2**20), default_public=settings.default_public,
                   max_pdf_pages=settings.max_pdf_pages, max_chunks=settings.max_chunks_per_document,
                   max_parse_seconds=settings.max_parse_seconds, max_nesting_depth=settings.max_nesting_depth,
                   ocr=settings.ocr, ocr_languages=settings.ocr_languages, ocr_max_pages=settings.ocr_max_pages,
                   pdf_tables=settings.pdf_tables)

    def started(self) -> ParseContext:
        """This context with the parse clock started now (one per file)."""
        return replace(self, deadline=time.monotonic() + self.max_parse_seconds)

    def check_time(self, source_path: str, doing: str) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise LimitExceeded(
                source_path, f"parse time limit exceeded ({doing} took longer than "
                f"{self.max_parse_seconds:g} s, RATSINFO_MAX_PARSE_SECONDS)")


class LimitExceeded(ParseError):
    """A file needs more work than a configured limit allows; it is skipped and the index stays unchanged."""


class Parser(Protocol):
    """Turns the bytes of one file into a SourceDocument or raises ParseError(path, reason)."""

    suffixes: tuple[str, ...]

    def parse_bytes(
        self, data: bytes, *, name: str, source_path: str, ctx: ParseContext
    ) -> SourceDocument: ...


def document_id_for(source_path: str) -> str:
    """Stable id of a source: the same file path or URL always maps to the same document."""
    return hashlib.sha1(source_path.encode("utf-8")).hexdigest()[:16]


def content_hash_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_size(data: bytes, source_path: str, ctx: ParseContext) -> None:
    """Reject empty and oversized inputs with a reason a user can act on."""
    if not data:
        raise ParseError(source_path, "empty file (0 bytes)")
    if len(data) > ctx.max_file_bytes:
        size_mb = len(data) / 2**20
        limit_mb = ctx.max_file_bytes / 2**20
        raise ParseError(source_path, f"file too large ({size_mb:.1f} MB > limit {limit_mb:.1f} MB)")


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def build_document(
    data: bytes,
    pages: tuple[Page, ...],
    *,
    name: str,
    source_path: str,
    ctx: ParseContext,
    title_hint: str | None = None,
    warnings: tuple[str, ...] = (),
) -> SourceDocument:
    """Assemble a SourceDocument from page texts, deriving metadata from the document head and name."""
    meta: DocumentMetadata = extract_metadata("\n".join(p.text for p in pages), name, title_hint=title_hint)
    return SourceDocument(
        document_id=document_id_for(source_path),
        source=name,
        source_path=source_path,
        title=meta.title,
        pages=pages,
        content_hash=content_hash_of(data),
        reference=meta.reference,
        document_type=meta.document_type,
        date=meta.date,
        body=meta.body,
        public=ctx.default_public if meta.public is None else meta.public,
        warnings=warnings,
    )
