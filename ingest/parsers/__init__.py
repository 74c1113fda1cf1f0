"""Parsers: bytes of one file -> SourceDocument. ``parse_file`` picks the parser by suffix.

``parse_file`` and ``parse_bytes`` are the single parse boundary: whatever goes wrong inside a parser (a pypdf
limit, a RecursionError from deep nesting, a TypeError from a field of the wrong type) leaves it as one
ParseError "<file>: <reason>"; the traceback goes to the debug log. Every extracted text is cleaned of control
characters and rejected when it is not text (``textcheck``).
"""

from __future__ import annotations

import logging
import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType

from assistant.errors import ParseError
from assistant.models import Section, SourceDocument
from ingest.parsers.base import LimitExceeded, ParseContext, Parser, check_size
from ingest.parsers.html import HtmlParser
from ingest.parsers.oparl import OParlParser
from ingest.parsers.pdf import PdfParser
from ingest.parsers.text import TextParser
from ingest.parsers.textcheck import clean_text, text_problem

log = logging.getLogger(__name__)

PARSERS: tuple[Parser, ...] = (TextParser(), PdfParser(), HtmlParser(), OParlParser())
_BY_SUFFIX: dict[str, Parser] = {suffix: p for p in PARSERS for suffix in p.suffixes}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(sorted(_BY_SUFFIX))

__all__ = ["SUPPORTED_SUFFIXES", "LimitExceeded", "ParseContext", "Parser", "parse_bytes", "parse_file",
           "parser_for"]


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
    return _guarded(parser, data, Path(name.split("?", 1)[0]).name or name, source_path, ctx)


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(source_path, f"cannot read file ({exc.strerror})") from None
    return _guarded(parser, data, path.name, source_path, ctx)


def _guarded(parser: Parser, data: bytes, name: str, source_path: str, ctx: ParseContext) -> SourceDocument:
    ctx = ctx.started()
    try:
        with _time_limit(ctx.max_parse_seconds, source_path), _quiet_libraries():
            document = parser.parse_bytes(data, name=name, source_path=source_path, ctx=ctx)
            document = check_document(document, source_path)
            ctx.check_time(source_path, "parsing")
        return document
    except ParseError:
        raise
    except _Timeout:  # the alarm fired just as the parser returned
        raise LimitExceeded(source_path, f"parse time limit exceeded (more than {ctx.max_parse_seconds:g} s, "
                                         "RATSINFO_MAX_PARSE_SECONDS)") from None
    except RecursionError:
        log.debug("recursion limit parsing %s", source_path, exc_info=True)
        raise ParseError(source_path, "nested too deeply (recursion limit reached while parsing)") from None
    except MemoryError:
        raise ParseError(source_path, "out of memory while parsing") from None
    except Exception as exc:  # noqa: BLE001 - the one parse boundary: any parser bug is one line, not a traceback
        log.debug("unexpected error parsing %s", source_path, exc_info=True)
        detail = " ".join(str(exc).split())[:200]
        raise ParseError(source_path, f"unreadable ({type(exc).__name__}{': ' + detail if detail else ''})") from None


def check_document(document: SourceDocument, source_path: str) -> SourceDocument:
    """Control characters out of pages and sections; ParseError when what remains is not text."""
    problem = text_problem(document.text)
    if problem is None and document.sections is not None:
        problem = text_problem("\n".join(s.text for s in document.sections))
    if problem:
        raise ParseError(source_path, problem)
    pages = tuple(replace(p, text=clean_text(p.text)) for p in document.pages)
    sections = None if document.sections is None else tuple(
        _clean_section(s) for s in document.sections
    )
    return replace(document, pages=pages, sections=sections, title=" ".join(clean_text(document.title).split()))


def _clean_section(section: Section) -> Section:
    return replace(section, text=clean_text(section.text), heading=" ".join(clean_text(section.heading).split()),
                   path=tuple(" ".join(clean_text(p).split()) for p in section.path))


class _Timeout(BaseException):
    """Raised by the alarm inside a parser; a BaseException so that no library's ``except Exception`` eats it."""


@contextmanager
def _time_limit(seconds: float, source_path: str) -> Iterator[None]:
    """Hard wall-time limit on the main thread (SIGALRM); elsewhere the parsers' own checks between steps."""
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and seconds > 0 and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return

    def on_alarm(_signum: int, _frame: FrameType | None) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise LimitExceeded(source_path, f"parse time limit exceeded (more than {seconds:g} s, "
                                         "RATSINFO_MAX_PARSE_SECONDS)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _quiet_libraries() -> Iterator[None]:
    """Library warnings about one bad file (bs4, pypdf, lxml) go to the debug log, not the user's terminal."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        log.debug("%s", w.message)
