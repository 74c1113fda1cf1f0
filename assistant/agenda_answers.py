"""'Welche Themen standen auf der Tagesordnung …?' answered like a clerk: the meeting's agenda items, in order.

A question that asks for a meeting's agenda (its topics, what was on the programme) is answered from the
structure of the record, not from one sentence: the meeting record among the hits (one with numbered agenda
items as its sections; when the question names a date, the meeting of that date), and the headings of all its
sections the asker may see, in the record's order. Every line is a heading of the record; the record is cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answer_types import expected_answer_types
from assistant.answering import citation_for
from assistant.evidence import AGENDA_ITEM
from assistant.models import Answer, Chunk, Hit
from assistant.safe_output import inert_quote

# the agenda as the thing asked for ("Was stand auf der Tagesordnung …", "the agenda of …"), not a motion to put
# something on it or take it off ("… von der Tagesordnung nehmen")
_AGENDA = re.compile(r"\b(?:auf der tagesordnung|tagesordnung (?:der|des|vom|für|am)\b|on the agenda|"
                     r"agenda (?:of|for)\b|auf dem programm|on the programme|on the program)", re.IGNORECASE)
# "Welche Themen …?" asks for an agenda only about a meeting ("… bei der Sitzung des Beirats")
_TOPICS = re.compile(r"\b(?:welche themen|welche punkte|which topics|what topics|which items|what items|"
                     r"what was discussed|was wurde\b.{0,60}\bbesprochen|worüber wurde\b.{0,60}\bberaten)",
                     re.IGNORECASE)
_MEETING_ASKED = re.compile(r"sitzung|meeting|session|beirat|\w*rat\b|ausschuss|council|committee",
                            re.IGNORECASE)
_MEETING = re.compile(r"sitzung|niederschrift|einladung|protokoll|tagesordnung|verhandlungsschrift|meeting",
                      re.IGNORECASE)
# a numbered heading ("3. Klima-Etat", "2.) Baugebiet 413", "TOP 4 Haushalt") is an agenda item of a meeting
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\s?[.)]{1,2}|\d{1,2}\s+(?=[A-ZÄÖÜ]))\s*\S")
_MONTHS = {name: i for i, names in enumerate((
    ("januar", "jänner", "january", "jan"), ("februar", "february", "feb"), ("märz", "march", "mär", "mar"),
    ("april", "apr"), ("mai", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"), ("august", "aug"),
    ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"), ("november", "nov"),
    ("dezember", "december", "dez", "dec")), start=1) for name in names}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NAMED = re.compile(r"\b(?:(\d{1,2})\.?\s+)?([A-Za-zÄÖÜäöü]+)\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})\b")
_TITLE = {"de": "Tagesordnung", "en": "Agenda"}
_OPEN = {"de": ("„", "“"), "en": ("\u201c", "\u201d")}


@dataclass(frozen=True)
class AskedDate:
    """The date a question names, as precise as it names it ("im März 2025": year and month)."""

    year: int
    month: int | None = None
    day: int | None = None

    def bounds(self) -> tuple[str, str]:
        """The first and last ISO day the named date covers."""
        if self.month is None:
            return f"{self.year:04d}-01-01", f"{self.year:04d}-12-31"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}-01", f"{self.year:04d}-{self.month:02d}-31"
        day = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return day, day

    def matches(self, iso: str | None) -> bool:
        if not iso or len(iso) < 4 or not iso[:4].isdigit():
            return False
        parts = [int(p) for p in iso[:10].split("-") if p.isdigit()]
        wanted = [self.year, self.month, self.day]
        return all(w is None or (i < len(parts) and parts[i] == w) for i, w in enumerate(wanted))


def is_agenda_question(question: str) -> bool:
    """Does the question ask for a meeting's agenda (not for a sum, a vote, a group or a person on it)?"""
    if expected_answer_types(question):
        return False
    return bool(_AGENDA.search(question) or (_TOPICS.search(question) and _MEETING_ASKED.search(question)))


def asked_date(question: str) -> AskedDate | None:
    """The most precise date the question names, or None."""
    m = _ISO.search(question)
    if m:
        return AskedDate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DAY_MONTH_YEAR.search(question)
    if m:
        return AskedDate(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    for m in _NAMED.finditer(question):
        month = _MONTHS.get(m.group(2).lower())
        if month:
            day = m.group(1) or m.group(3)
            return AskedDate(int(m.group(4)), month, int(day) if day else None)
    year = re.search(r"\b(?:19|20)\d{2}\b", question)
    return AskedDate(int(year.group(0))) if year else None


def agenda_heading(section_path: Sequence[str]) -> str | None:
    """The agenda item a section belongs to: its first heading that is a numbered item or a "TOP n"."""
    for part in section_path:
        text = part.strip()
        if AGENDA_ITEM.match(text) or _NUMBERED.match(text):
            return text
    return None


def meeting_hits(hits: Sequence[Hit], when: AskedDate | None, records: int = 3) -> list[Hit]:
    """The best-ranked hit of each meeting record among the hits (of the asked date, if one is named)."""
    out: dict[str, Hit] = {}
    for hit in hits:
        c = hit.chunk
        if c.document_id in out or not _MEETING.search(f"{c.title or ''} {c.document_type or ''}"):
            continue
        if when is not None and not when.matches(c.date):
            continue
        out[c.document_id] = hit
    return list(out.values())[:records]


def agenda_items(chunks: Sequence[Chunk]) -> list[str]:
    """The record's agenda items in its order: its numbered section headings, or else the first numbered run
    ("1. Städtische Jugendsozialarbeit 2. Weitere Angebote … 3. Sonstiges") in its text."""
    ordered = sorted(chunks, key=lambda c: c.ordinal)
    headings = list(dict.fromkeys(h for h in (agenda_heading(c.section_path) for c in ordered) if h))
    if len(headings) >= 2:
        return headings
    for chunk in ordered:
        run = numbered_run(chunk.text)
        if len(run) >= 2:
            return run
    return headings


_ITEM_NUMBER = re.compile(r"(?<![\d.])(\d{1,2})\.\s+(?=[A-ZÄÖÜ])")


def numbered_run(text: str, longest: int = 120) -> list[str]:
    """Items numbered 1., 2., 3. … in a row ("1. Städtische Jugendsozialarbeit 2. Weitere Angebote"), each
    as its number and text up to the next number or the end of its line."""
    marks = [(int(m.group(1)), m.start(), m.end()) for m in _ITEM_NUMBER.finditer(text)]
    for i, (number, _, _) in enumerate(marks):
        if number != 1:
            continue
        run = [marks[i]]
        for mark in marks[i + 1:]:
            if mark[0] == 1 and len(run) == 1:  # "1. Sitzung … 1. Städtische Jugendsozialarbeit 2. …": the later
                break
            if mark[0] == run[-1][0] + 1:
                run.append(mark)
        if len(run) < 2:
            continue
        items = []
        for j, (n, _, end) in enumerate(run):
            stop = run[j + 1][1] if j + 1 < len(run) else len(text)
            body = text[end:stop].split("\n")[0].strip(" ,;–-")
            if len(body) > longest:
                body = body[:longest].rsplit(" ", 1)[0] + "…"
            items.append(f"{n}. {body}")
        return items
    return []


def agenda_answer(question: str, language: str, hits: Sequence[Hit],
                  record_chunks: Callable[[str], list[Chunk]],
                  dated_search: Callable[[AskedDate], Sequence[Hit]] | None = None,
                  generator: str = "agenda") -> Answer | None:
    """The agenda of the asked meeting, or None when no meeting record of the asked date is found. The hits
    are searched first; with a date named and no meeting of that date among them, ``dated_search`` (the same
    question, searched within the date) is."""
    if not is_agenda_question(question):
        return None
    when = asked_date(question)
    candidates = meeting_hits(hits, when)
    if not candidates and when is not None and dated_search is not None:
        hits = list(dated_search(when))
        candidates = meeting_hits(hits, when)
    found = next(((hit, items) for hit in candidates
                  if len(items := agenda_items(record_chunks(hit.chunk.document_id) or [hit.chunk])) >= 2), None)
    if found is None:  # no agenda to list: the sentence answerer reads the passages
        return None
    hit, items = found
    language = language if language in _TITLE else "de"
    c = hit.chunk
    opening, closing = _OPEN[language]
    head = ", ".join(p for p in (f"{opening}{inert_quote(c.title or c.source)}{closing}",
                                 inert_quote(c.body) if c.body else "", c.date or "") if p)
    first = f"{_TITLE[language]} {head}: " + "; ".join(inert_quote(item) for item in items)
    lines = [f"{_TITLE[language]} {head}:", *(f"- {inert_quote(item)}" for item in items), f"[1] {head}"]
    citation = citation_for(hit, 1, inert_quote(items[0]))
    return Answer(question=question, text="\n".join(lines), language=language, refused=False,
                  citations=(citation,), hits=tuple(hits), generator=generator, short_answer=first)
