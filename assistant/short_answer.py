"""The first line of an answer: the asked fact, assembled from the cited sentence and its metadata.

Nothing is invented: every value is a piece of the cited sentence (the amount, the date, the vote, the
name) or of the passage's metadata (agenda item from the section path, body, date, record title); the only
words of our own are the framing in the asker's language ("Agenda item", "votes", a fixed English gloss of
the German vote word). What the fact is for is shown as the sentence's own words around it, in quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_types import ANSWER_TYPES, COUNT, DATE, AnswerType
from assistant.evidence import agenda_item
from assistant.gloss import glossed_terms
from assistant.models import Hit
from assistant.safe_output import inert_quote

_BY_NAME = {t.name: t for t in (*ANSWER_TYPES, DATE, COUNT)}
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_VOTE_COUNT = re.compile(r"\d+\s*(?:ja|nein|stimmenthaltung(?:en)?|enthaltung(?:en)?|gegenstimmen?)(?:-stimmen)?\b",
                         re.IGNORECASE)
_VOTE_WORD = re.compile(r"\b(?:einstimmig|mehrheitlich|ohne gegenstimmen?|angenommen|abgelehnt|beschlossen|"
                        r"zugestimmt|vertagt|zurückgestellt|zurückgezogen)\b", re.IGNORECASE)
_OPEN = {"de": "„", "en": "\u201c"}
_CLOSE = {"de": "“", "en": "\u201d"}
_FRAME = {
    "de": {"item": "Tagesordnungspunkt", "says": "Laut {record}", "count": "Anzahl", "gloss": ""},
    "en": {"item": "Agenda item", "says": "According to {record}", "count": "Number", "gloss": " ({english})"},
}


@dataclass(frozen=True)
class ShortAnswer:
    text: str  # the line, ending with the citation marker
    kind: str  # which fact: money, date, vote, party, person, place, count, or quote


def _q(text: str, language: str) -> str:
    return f"{_OPEN[language]}{inert_quote(text)}{_CLOSE[language]}"


def clip_around(sentence: str, start: int, end: int, words: int = 14) -> str:
    """The sentence's own words around [start, end), at most ``words`` on either side, '…' where cut."""
    before = sentence[:start].split()
    after = sentence[end:].split()
    head = before[-words:]
    tail = after[:words]
    text = " ".join([*head, sentence[start:end], *tail]).strip()
    text = text.rstrip(" ,;:")
    if len(before) > words:
        text = "… " + text
    if len(after) > words:
        text += " …"
    return text


def _kind_for(types: tuple[AnswerType, ...], sentence: str) -> tuple[str, re.Match[str]] | None:
    for t in types:
        match = t.passage.search(sentence)
        if match:
            return t.name, match
    return None


def _year(sentence: str, hit: Hit) -> str | None:
    match = _YEAR.search(sentence)
    if match:
        return match.group(0)
    return hit.chunk.date[:4] if hit.chunk.date else None


def _record(hit: Hit, language: str) -> str:
    return _q(hit.chunk.title or hit.chunk.source, language)


def compose(types: tuple[AnswerType, ...], sentence: str, hit: Hit, language: str, n: int = 1) -> ShortAnswer:
    """The first line for ``sentence`` of ``hit`` (cited as ``[n]``), framed in ``language``."""
    language = language if language in _OPEN else "de"
    frame = _FRAME[language]
    found = _kind_for(types, sentence)
    mark = f" [{n}]"
    if found is None:
        says = frame["says"].format(record=_record(hit, language))
        return ShortAnswer(f"{says}: {_q(clip_around(sentence, 0, 0, 30), language)}{mark}", "quote")
    kind, match = found
    if kind == "vote":
        return ShortAnswer(_vote_line(sentence, hit, language) + mark, "vote")
    value = inert_quote(match.group(0).strip(" ,;:"))
    context = _q(clip_around(sentence, match.start(), match.end()), language)
    if kind == "money":
        year = _year(sentence, hit)
        return ShortAnswer(f"{value}{f' ({year})' if year else ''}: {context}{mark}", kind)
    if kind == "count":
        return ShortAnswer(f"{frame['count']}: {context}{mark}", kind)
    return ShortAnswer(f"{value}: {context}{mark}", kind)


def _vote_line(sentence: str, hit: Hit, language: str) -> str:
    """Agenda item, body, date and result of a vote: 'TOP 5 …, Gemeinderat, 2025-03-12: einstimmig …'."""
    c = hit.chunk
    parts = []
    item = agenda_item(c.section_path)
    if item:
        parts.append(f"{_FRAME[language]['item']} {_q(item, language)}")
    elif c.title:
        parts.append(_q(c.title, language))
    if c.body:
        parts.append(inert_quote(c.body))
    if c.date:
        parts.append(c.date)
    words = [m.group(0) for m in _VOTE_WORD.finditer(sentence)]
    counts = [m.group(0) for m in _VOTE_COUNT.finditer(sentence)]
    results = [*dict.fromkeys(words), *dict.fromkeys(counts)]
    result = ", ".join(results) if results else clip_around(sentence, 0, 0, 20)
    line = ", ".join(parts) + f": {_q(result, language)}" if parts else _q(result, language)
    if language == "en":
        glosses = "; ".join(f"{german} = {english}" for german, english in glossed_terms(result))
        if glosses:
            line += f" ({glosses})"
    return line
