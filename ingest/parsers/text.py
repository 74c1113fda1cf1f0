"""Plain text and Markdown: strict UTF-8 (a BOM is fine), CRLF normalised."""

from __future__ import annotations

from assistant.errors import ParseError
from assistant.models import Page, SourceDocument
from ingest.parsers.base import ParseContext, build_document, check_size, normalise_newlines


def decode_utf8(data: bytes, source_path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        raise ParseError(
            source_path,
            f"not valid UTF-8 text (invalid byte 0x{byte:02x} at offset {exc.start}); convert it to UTF-8",
        ) from None


class TextParser:
    suffixes: tuple[str, ...] = (".txt", ".md")

    def parse_bytes(self, data: bytes, *, name: str, source_path: str, ctx: ParseContext) -> SourceDocument:
        check_size(data, source_path, ctx)
        text = normalise_newlines(decode_utf8(data, source_path))
        if not text.strip():
            raise ParseError(source_path, "file contains only whitespace, no text")
        return build_document(data, (Page(None, text),), name=name, source_path=source_path, ctx=ctx)
