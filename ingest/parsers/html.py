"""HTML pages of council portals (SessionNet, ALLRIS, Somacos): main text only, headings kept as lines."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from assistant.errors import ParseError
from assistant.models import Page, SourceDocument
from ingest.parsers.base import LimitExceeded, ParseContext, build_document, check_size

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "input",
)
_DROP_ID_CLASS = re.compile(
    r"(?:^|[-_ ])(nav|navi|navigation|menu|menue|breadcrumbs?|footer|header|sidebar|cookie\w*|skiplinks?|"
    r"banner|toolbar|pagination)(?:$|[-_ ])",
    re.IGNORECASE,
)
# Content containers, best first: the SessionNet / ALLRIS / Somacos ids come after the generic ones.
_MAIN_SELECTORS = (
    "main",
    "article",
    "[role=main]",
    "#content",
    "#main",
    "#inhalt",
    "#rismain",
    "#risvorlage",
    ".smc-content",
    ".content",
    "#contentarea",
    ".main",
)
_BLOCK_TAGS = (
    "p",
    "div",
    "section",
    "li",
    "tr",
    "table",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "dl",
)


# Elements that need a closing tag; the auto-closed ones (p, li, td, tr, option ...) cannot nest unclosed.
_NESTING_TAG = re.compile(
    rb"<(/?)(div|span|section|article|main|table|tbody|thead|ul|ol|dl|blockquote|font|b|i|u|em|strong|a|form|"
    rb"nav|header|footer|aside|center|small|big|sub|sup|label|fieldset|object|q|s|strike|tt|code|pre|h[1-6])"
    rb"(?=[\s/>])[^>]*?(/?)>",
    re.IGNORECASE,
)


def nesting_depth(data: bytes, limit: int) -> int:
    """Deepest nesting of container elements in raw HTML, counted up to just past ``limit`` (a cheap scan that
    runs before any tree is built: 100k nested <div>s would otherwise keep the tree walkers busy for minutes)."""
    depth = deepest = 0
    for m in _NESTING_TAG.finditer(data):
        if m.group(3):
            continue  # <div/>
        depth = max(0, depth - 1) if m.group(1) else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def _drop_chrome(root: Tag) -> None:
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in root.find_all(True):
        if tag.decomposed or not isinstance(tag, Tag) or tag.attrs is None:
            continue
        marker = " ".join([str(tag.get("id", ""))] + list(tag.get("class") or []))
        if marker.strip() and _DROP_ID_CLASS.search(marker):
            tag.decompose()


def _main_container(soup: BeautifulSoup) -> Tag:
    for selector in _MAIN_SELECTORS:
        found = soup.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return found
    return soup.body or soup


def html_to_text(root: Tag) -> str:
    """Text with one line per block element; table cells of a row are joined by spaces."""
    for cell in root.find_all(["td", "th"]):
        cell.append(" ")
    for tag in root.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.append("\n")
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in root.get_text().split("\n"))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class HtmlParser:
    suffixes: tuple[str, ...] = (".html", ".htm")

    def parse_bytes(self, data: bytes, *, name: str, source_path: str, ctx: ParseContext) -> SourceDocument:
        check_size(data, source_path, ctx)
        depth = nesting_depth(data, ctx.max_nesting_depth)
        if depth > ctx.max_nesting_depth:
            raise LimitExceeded(source_path, f"HTML nested too deeply (more than {ctx.max_nesting_depth} levels, "
                                             "RATSINFO_MAX_NESTING_DEPTH)")
        soup = BeautifulSoup(data, "lxml")
        ctx.check_time(source_path, "HTML parsing")
        page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
        _drop_chrome(soup)
        main = _main_container(soup)
        h1 = main.find("h1") or soup.find("h1")
        title = (h1.get_text(" ", strip=True) if h1 else "") or page_title or None
        ctx.check_time(source_path, "HTML cleaning")
        text = html_to_text(main)
        if sum(ch.isalpha() for ch in text) < 10:
            raise ParseError(source_path, "no readable text in the HTML page")
        return build_document(
            data, (Page(None, text),), name=name, source_path=source_path, ctx=ctx, title_hint=title
        )
