"""Parsers: bytes of one file -> SourceDocument. ``parse_file`` picks the parser by suffix."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import ParseError
from assistant.models import SourceDocument
from ingest.parsers.base import ParseContext, Parser, check_size
from ingest.parsers.html import HtmlParser
from ingest.parsers.oparl import OParlParser
from ingest.parsers.pdf import PdfParser
from ingest.parsers.text import TextParser

PARSERS: tuple[Parser, ...] = (TextParser(), PdfParser(), HtmlParser(), OParlParser())
_BY_SUFFIX: dict[str, Parser] = {suffix: p for p in PARSERS for suffix in p.suffixes}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(sorted(_BY_SUFFIX))

__all__ = ["SUPPORTED_SUFFIXES", "ParseContext", "Parser", "parse_bytes", "parse_file", "parser_for"]


def parser_for(name: str, source_path: str | None = None) -> Parser:
    suffix = Path(name.split("?", 1)[0]).suffix.lower()
    parser = _BY_SUFFIX.get(suffix)
    if parser is None:
        shown = f"'{suffix}'" if suffix else "without a suffix"
        raise ParseError(
            source_path or name, f"unsupported file type {shown} (supported: {', '.join(SUPPORTED_SUFFIXES)})"
        )
    return parser


def parse_bytes(data: bytes, name: str, source_path: str, ctx: ParseContext | None = None) -> SourceDocument:
    """Parse downloaded or in-memory bytes; ``name`` (file name or URL) decides the format."""
    ctx = ctx or ParseContext()
    parser = parser_for(name, source_path)
    check_size(data, source_path, ctx)
    return parser.parse_bytes(
        data, name=Path(name.split("?", 1)[0]).name or name, source_path=source_path, ctx=ctx
    )


def parse_file(path: Path, ctx: ParseContext | None = None) -> SourceDocument:
    """Parse a local file; size and emptiness are checked before the file is read."""
    ctx = ctx or ParseContext()
    source_path = str(path.resolve())
    parser = parser_for(path.name, source_path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ParseError(source_path, f"cannot read file ({exc.strerror})") from None
    if size == 0:
        raise ParseError(source_path, "empty file (0 bytes)")
    if size > ctx.max_file_bytes:
        raise ParseError(
            source_path, f"file too large ({size / 2**20:.1f} MB > limit {ctx.max_file_bytes / 2**20:.1f} MB)"
        )
    return parser.parse_bytes(path.read_bytes(), name=path.name, source_path=source_path, ctx=ctx)
