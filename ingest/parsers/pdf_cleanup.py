"""PDF page text read the way a clerk does: running headers and footers off, hyphenation and lines joined.

Three steps on the raw pypdf text of all pages of one document:

* **Running headers and footers**: a line among the first or last few non-blank lines of a page is dropped
  when it is a page-number line ("Seite 3", "Seite 3 von 7", "- 3 -", "4 von 4", "3/7", a bare number equal
  to the page's own number) or when the same line, digits masked, stands in that zone on most pages
  ("Öffentliche Niederschrift der 17. Sitzung … 2 von 4", "15.12.2023 Soziale Themen …, StBR 3").
  Lines that carry a non-public marker are never dropped (the sectioner and the store need them).
* **Hyphenation**: "Ver-⏎waltung" becomes "Verwaltung"; "StUB-⏎Trasse" (next word capitalised) and "50-⏎jährig"
  keep their hyphen ("StUB-Trasse"); a hyphen before "und", "oder", "bzw.", "sowie" … is a German ellipsis
  hyphen and stays with its space ("Rad- und Fußweg").
* **Hard line breaks** inside a paragraph become spaces. A break stays before and after headings (the
  sectioner's own ``classify_line``), marker lines, list items ("1.", "a)", "-", "•", "TOP 3"), blank lines,
  column layouts (runs of spaces) and after a line that does not fill the page width (end of a paragraph,
  a name, a title).

The page text that comes out is what chunks quote; each chunk still carries its page number.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ingest.headings import classify_line  # what a heading is: the same rule the sectioner uses
from ingest.markers import classify_marker

ZONE_LINES = 3  # how many non-blank lines at the top and at the bottom of a page may be running lines
MIN_PAGES_FOR_REPEATS = 3  # repeated-line detection needs at least this many pages
REPEAT_SHARE = 0.5  # a masked line in the zone of more than this share of the pages is a running line
FULL_LINE_SHARE = 0.7  # a line at least this share of the page's typical width continues on the next line

_PAGE_NUMBER_LINE = re.compile(
    r"^(?:(?:seite|s\.|page)\s*(?P<a>\d{1,4})(?:\s*(?:von|/|of)\s*\d{1,4})?"
    r"|[-–—]\s*(?P<b>\d{1,4})\s*[-–—]"
    r"|(?P<c>\d{1,4})\s*(?:von|/)\s*\d{1,4}"
    r"|(?P<d>\d{1,4}))$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_COLUMNS = re.compile(r"\S\s{3,}\S")
_LIST_START = re.compile(
    r"^(?:[-–—•·▪◦‣∙*■□☐☒✓➢➤►→\uf000-\uf8ff]"  # bullets, incl. Wingdings private-use glyphs
    r"|\d{1,3}(?:\.\d{1,3})*[.)](?:\s|$)"  # 1.  2.3  4)
    r"|\d{1,3}[a-z]\)?\s"  # 1a  12b)
    r"|[a-zA-Z][.)]\s"  # a)  b.
    r"|\(?[ivxIVX]{1,4}\)\s"  # (iv)
    r"|(?:TOP|Top|Ö|NÖ|N)\s?\d"  # agenda items
    r"|§\s?\d)"
)
_ELLIPSIS_NEXT = {"und", "oder", "bzw", "bzw.", "sowie", "als", "bis", "u.", "o.", "noch", "wie", "&"}
_HYPHEN_END = re.compile(r"(?<=\w)[-\u00ad]$")


@dataclass(frozen=True)
class CleanPage:
    text: str
    removed: tuple[str, ...]  # running header / footer lines dropped from this page


def _mask(line: str) -> str:
    return _DIGITS.sub("#", _SPACES.sub(" ", line).strip().lower())


def _page_number_line(line: str, number: int) -> bool:
    """A line that is only a page number: 'Seite 3', '- 3 -', '3 von 4'; a bare number only if it is this page's."""
    m = _PAGE_NUMBER_LINE.match(_SPACES.sub(" ", line).strip())
    if not m:
        return False
    if m.group("d") is not None:
        return int(m.group("d")) == number
    return True


def _zone(lines: list[str]) -> tuple[list[int], list[int]]:
    """Indexes of the top and bottom non-blank lines; short pages have smaller zones (a quarter at most)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    k = min(ZONE_LINES, max(1, len(filled) // 4))
    return filled[:k], filled[-k:]


def running_lines(pages: list[str]) -> set[str]:
    """Masked lines that stand in the top or bottom zone of most pages (digits masked as '#')."""
    if len(pages) < MIN_PAGES_FOR_REPEATS:
        return set()
    counts: Counter[str] = Counter()
    for text in pages:
        lines = text.split("\n")
        top, bottom = _zone(lines)
        counts.update({_mask(lines[i]) for i in (*top, *bottom)})
    need = max(2, int(REPEAT_SHARE * len(pages)) + 1)
    return {m for m, c in counts.items() if c >= need and sum(ch.isalnum() for ch in m) >= 2}


def strip_running_lines(text: str, number: int, repeated: set[str]) -> CleanPage:
    lines = text.split("\n")
    top, bottom = _zone(lines)
    drop: list[int] = []
    for i in (*top, *bottom):
        line = lines[i]
        marker = classify_marker(line)
        if marker is not None and not marker.public:
            continue  # a non-public header on every page is what makes the pages non-public: keep it
        if _page_number_line(line, number) or _mask(line) in repeated:
            drop.append(i)
    kept = [line for i, line in enumerate(lines) if i not in set(drop)]
    if not any(line.strip() for line in kept) and any(not _page_number_line(lines[i], number) for i in drop):
        return CleanPage(text, ())  # a page that is nothing but the repeated line: that line is its content
    return CleanPage("\n".join(kept), tuple(lines[i].strip() for i in sorted(set(drop))))


def _break_stays(line: str, nxt: str, width: int) -> bool:
    """True if the line break between ``line`` and ``nxt`` ends a paragraph, heading, list item or column."""
    a, b = line.strip(), nxt.strip()
    if not a or not b:
        return True
    if _COLUMNS.search(line) or _COLUMNS.search(nxt):
        return True
    if _LIST_START.match(b) or classify_line(b) is not None or classify_line(a) is not None:
        return True
    if classify_marker(a) is not None or classify_marker(b) is not None:
        return True
    if len(a) < FULL_LINE_SHARE * width:  # the line does not fill the width: end of a paragraph, a name …
        return True
    if a.endswith(":"):
        return True
    joined = f"{a} {b}"
    return classify_line(joined) is not None or classify_marker(joined) is not None


def _join_hyphen(a: str, b: str) -> str | None:
    """'Ver-' + 'waltung …' -> 'Verwaltung …'; None when the hyphen must keep its space (ellipsis hyphen)."""
    first = b.split(" ", 1)[0]
    if first.lower().rstrip(",;") in _ELLIPSIS_NEXT:
        return None
    stem = a[:-1]
    if a.endswith("\u00ad") or (first[:1].islower() and stem[-1:].isalpha()):
        return stem + b  # syllable break (or soft hyphen): drop the hyphen
    return a + b  # 'StUB-' + 'Trasse', '50-' + 'jährigen': a real hyphen, no space


def _width(lines: list[str]) -> int:
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return 0
    return lengths[int(0.8 * (len(lengths) - 1))]


def join_lines(text: str, width: int | None = None) -> str:
    """Join hyphenated words and the hard breaks inside paragraphs of one page.

    ``width`` is the typical length of a full line (the document's, so a page of short address lines is not
    taken for a page of full lines); the page's own when not given.
    """
    lines = [line.rstrip() for line in text.split("\n")]
    width = width or _width(lines)
    out: list[str] = []
    prev = ""  # the previous raw line: whether it filled the width decides, not the joined line
    for line in lines:
        if out and prev.strip() and line.strip():
            if _HYPHEN_END.search(prev) and not _break_stays(prev[:-1] + "x", line, width):
                joined = _join_hyphen(out[-1].rstrip(), line.strip())
                if joined is not None:
                    out[-1], prev = joined, line
                    continue
            if not _break_stays(prev, line, width):
                out[-1], prev = out[-1].rstrip() + " " + line.strip(), line
                continue
        out.append(line)
        prev = line
    return "\n".join(out)


def clean_pages(texts: list[str]) -> list[CleanPage]:
    """Clean the raw texts of all pages of one document (page numbers are 1-based list positions)."""
    repeated = running_lines(texts)
    stripped = [strip_running_lines(text, number, repeated) for number, text in enumerate(texts, start=1)]
    width = _width([line for page in stripped for line in page.text.split("\n")])
    return [CleanPage(join_lines(page.text, width), page.removed) for page in stripped]
