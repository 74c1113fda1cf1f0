"""The parser protocol, its frozen context and the helpers every parser shares."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol

from assistant.errors import ParseError
from assistant.models import Page, SourceDocument
from ingest.parsers.metadata import DocumentMetadata, extract_metadata


@dataclass(frozen=True)
class ParseContext:
    """Everything a parser may know about its environment; parsers never read settings or env."""

    max_file_bytes: int = 50 * 2**20
    default_public: bool = True


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
