"""HTML pages of council portals (SessionNet, ALLRIS, Somacos): main text only, headings kept as lines."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from assistant.errors import ParseError
from assistant.models import Page, SourceDocument
from ingest.parsers.base import ParseContext, build_document, check_size

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
        soup = BeautifulSoup(data, "lxml")
        page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
        _drop_chrome(soup)
        main = _main_container(soup)
        h1 = main.find("h1") or soup.find("h1")
        title = (h1.get_text(" ", strip=True) if h1 else "") or page_title or None
        text = html_to_text(main)
        if sum(ch.isalpha() for ch in text) < 10:
            raise ParseError(source_path, "no readable text in the HTML page")
        return build_document(
            data, (Page(None, text),), name=name, source_path=source_path, ctx=ctx, title_hint=title
        )
