"""Sentence splitting for German council text (abbreviations, dates and numbered lists stay whole)."""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset("""
nr abs art bzw ca dr evtl ggf inkl max min mio mrd prof str tel usw vgl z.b zb d.h dh u.a ua s.o so
bspw sog gem lt st jan feb mär apr jun jul aug sep sept okt nov dez ff abt tsd etc vs bzw. std
""".split())
_CANDIDATE = re.compile(r"(?<=[.!?…])[\"'“”„)\]]?\s+(?=[\"'„“(\[]?[A-ZÄÖÜ0-9-])")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` as verbatim substrings (whitespace inside kept as is)."""
    text = text.strip()
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        end = match.start()
        before = text[start:end].rstrip()
        last_word = re.split(r"\s", before)[-1].lower().rstrip(".") if before else ""
        if last_word in _ABBREVIATIONS or re.fullmatch(r"\d{1,2}|[a-zäöü]|\d{1,2}\.\d{1,2}", last_word):
            continue  # "Nr. 5", "1. Januar", "z. B.", "01.09. 2024"
        pieces.append(text[start:match.end()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    out: list[str] = []
    for piece in pieces:
        for line in re.split(r"\n\s*\n|\n(?=\s*(?:[-•▪]|\d+\.)\s)", piece):
            if line.strip():
                out.append(line.strip())
    return out
