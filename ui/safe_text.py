"""Untrusted text (document passages, model output) as inert markdown.

Streamlit renders markdown; without ``unsafe_allow_html`` it drops raw HTML, but it would still fetch
``![x](http://…)`` images, follow link syntax and expand ``:directives:``. Every ASCII punctuation character
of untrusted text is therefore backslash-escaped (CommonMark treats ``\\<`` ``\\[`` ``\\!`` … as literal
characters), so ``<script>``, ``<img onerror=…>`` and image syntax show up as the text they are. Bare URLs
would still become clickable (GFM autolinks), so a zero-width space goes after ``://`` and ``www``. The only
markdown we add ourselves is ``**bold**`` around a highlighted quote.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'@%;,?/])")
_WORD = re.compile(r"\w")
_AUTOLINK = re.compile(r"(://|\bwww(?=\.))", re.IGNORECASE)
ZWSP = "\u200b"


def escape_markdown(text: str) -> str:
    """``text`` as markdown that renders exactly as the text (line breaks kept)."""
    text = _AUTOLINK.sub(lambda m: m.group(1) + ZWSP, text.replace("\r\n", "\n").replace("\r", "\n"))
    escaped = _PUNCTUATION.sub(r"\\\1", text)
    return "  \n".join(escaped.split("\n"))


def quote_spans(passage: str, quote: str) -> list[tuple[int, int]]:
    """Character spans of ``passage`` that hold the quote (each ' … ' segment found on its own,
    whitespace-insensitive), trimmed to start and end on a word character, sorted and merged."""
    spans: list[tuple[int, int]] = []
    for segment in quote.split(" … "):
        words = segment.split()
        if not words:
            continue
        match = re.search(r"\s+".join(re.escape(w) for w in words), passage)
        if not match:
            continue
        start, end = match.span()
        while start < end and not _WORD.match(passage[start]):
            start += 1
        while end > start and not _WORD.match(passage[end - 1]):
            end -= 1
        if start < end:
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_markdown(passage: str, quote: str) -> str:
    """The escaped passage with the quote in bold (line by line, so bold never spans a paragraph)."""
    out: list[str] = []
    position = 0
    for start, end in quote_spans(passage, quote):
        out.append(escape_markdown(passage[position:start]))
        lines = passage[start:end].replace("\r\n", "\n").split("\n")
        out.append("  \n".join(f"**{escape_markdown(line.strip())}**" if line.strip() else ""
                               for line in lines))
        position = end
    out.append(escape_markdown(passage[position:]))
    return "".join(out)
