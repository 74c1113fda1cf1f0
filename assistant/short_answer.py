"""The first line of an answer: the asked fact, assembled from the cited sentence and its metadata.

Nothing is invented: every value is a piece of the cited sentence (the amount, the date, the vote, the
name) or of the passage's metadata (agenda item from the section path, body, date, record title); the only
words of our own are the framing in the asker's language ("Agenda item", "votes", a fixed English gloss of
the German vote word). What the fact is for is shown as the sentence's own words around it, in quotes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer_types import ANSWER_TYPES, COUNT, DATE, AnswerType, counting_numbers
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
_YES = re.compile(r"^\d+\s*ja", re.IGNORECASE)
_BOUNDARY = re.compile(r"[.;:!?]\s|[;:]")  # a clause ends: the label of a figure starts after it
_BARE_NUMBER = re.compile(r"^[\d.,%+–-]+$|^%$")
_TOTAL_ASKED = re.compile(r"gesamt|insgesamt|total|overall|altogether|summe|in all\b", re.IGNORECASE)
_TOTAL_WORD = re.compile(r"gesamt|insgesamt|summe|total", re.IGNORECASE)
# words that join a figure to its label ("Zuschuss in Höhe von" 300 €): not the label itself
_FILLER = frozenset("""
von vom in im höhe je ca circa rund etwa um mit bis zu zur zum maximal max mindestens für auf der die das den dem des
ein eine einen einem einer und sowie of about around up to at for a an the
""".split())
_OPEN = {"de": "„", "en": "\u201c"}
_CLOSE = {"de": "“", "en": "\u201d"}
_FRAME = {
    "de": {"item": "Tagesordnungspunkt", "says": "Laut {record}", "count": "Anzahl", "gloss": ""},
    "en": {"item": "Agenda item", "says": "According to {record}", "count": "Number", "gloss": " ({english})"},
}


@dataclass(frozen=True)
class ShortAnswer:
    text: str  # the line; its evidence is the quote [n] right below it (each marker appears once in an answer)
    kind: str  # which fact: money, date, vote, party, person, place, count, or quote


def _q(text: str, language: str) -> str:
    return f"{_OPEN[language]}{inert_quote(text)}{_CLOSE[language]}"


def clip_around(sentence: str, start: int, end: int, words: int = 14) -> str:
    """The sentence's own words around [start, end), at most ``words`` on either side, '…' where cut. A
    span that starts or ends inside a word grows to the whole word ("1800", not "1 800")."""
    while 0 < start < len(sentence) and not sentence[start - 1].isspace():
        start -= 1
    while end < len(sentence) and end > 0 and not sentence[end].isspace():
        end += 1
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


def label_before(sentence: str, start: int, after: int = 0, words: int = 5) -> str:
    """The sentence's own words right before ``start`` (not before ``after`` or the clause's start): what a
    figure is ("Gesamtkosten gerundet" 1.821.000,00 EUR, "Antrag der CDU:" 30 Ja …)."""
    before = sentence[after:start].rstrip(" ,;:(–-")
    cut = [m.end() for m in _BOUNDARY.finditer(before)]
    if cut:
        before = before[cut[-1]:]
    kept = before.split()
    numbers = [i for i, w in enumerate(kept) if _BARE_NUMBER.match(w)]  # a table's cells: label after them
    kept = kept[numbers[-1] + 1:] if numbers else kept
    while kept and kept[-1].lower().strip(",.") in _FILLER:
        kept.pop()
    kept = kept[-words:]
    while kept and kept[0].lower().strip(",.") in _FILLER:
        kept.pop(0)
    label = " ".join(kept).strip(" ,;:–-")
    if label.count("(") != label.count(")"):
        label = label.replace("(", "").replace(")", "")
    return label.strip(" ,;:()–-")


def _pick(matches: list[re.Match[str]], sentence: str, question: str,
          focus: Callable[[str], int] | None) -> tuple[re.Match[str], str]:
    """Of several figures in one sentence, the one whose words match the question (the total for a total,
    the one next to the asked item), with its label; the first one on a tie."""
    best: tuple[float, int] = (-1.0, 0)
    labels = []
    for i, match in enumerate(matches):
        after = matches[i - 1].end() if i else 0
        label = label_before(sentence, match.start(), after, words=3)
        window = label_before(sentence, match.start(), after, words=8)
        labels.append(label)
        score = float(focus(window)) if focus else 0.0
        if _TOTAL_ASKED.search(question) and _TOTAL_WORD.search(window):
            score += 2.0
        if score > best[0]:
            best = (score, i)
    # a label only where the question's words chose the figure; else the first figure, as the sentence has it
    return matches[best[1]], labels[best[1]] if best[0] > 0 else ""


def compose(types: tuple[AnswerType, ...], sentence: str, hit: Hit, language: str, n: int = 1, *,
            question: str = "", focus: Callable[[str], int] | None = None) -> ShortAnswer:
    """The first line for ``sentence`` of ``hit`` (quoted below as ``[n]``), framed in ``language``. ``focus``
    counts the question's words in a text: of several figures in the sentence, the asked one is named."""
    language = language if language in _OPEN else "de"
    frame = _FRAME[language]
    found = _kind_for(types, sentence)
    mark = ""  # the quote that states the fact follows as [n]: a record cannot be cited by a marker twice
    if found is None or found[0] == "reason":  # a reason is the sentence itself
        says = frame["says"].format(record=_record(hit, language))
        return ShortAnswer(f"{says}: {_q(clip_around(sentence, 0, 0, 30), language)}{mark}", "quote")
    kind, match = found
    if kind == "vote":
        return ShortAnswer(_vote_line(sentence, hit, language) + mark, "vote")
    label = ""
    if kind == "money":
        amounts = list(next(t for t in types if t.name == "money").passage.finditer(sentence))
        if len(amounts) > 1:
            match, label = _pick(amounts, sentence, question, focus)
    if kind == "count":
        numbers = counting_numbers(sentence)
        if not numbers:  # no number that counts (a year, an agenda item): the sentence speaks for itself
            return ShortAnswer(f"{frame['count']}: {_q(clip_around(sentence, 0, 0, 30), language)}{mark}", kind)
        match, value = _pick_count(numbers, sentence, focus)
        context = _q(clip_around(sentence, match.start(), match.end()), language)
        return ShortAnswer(f"{frame['count']}: {inert_quote(value)} – {context}{mark}", kind)
    value = inert_quote(" ".join(p for p in (label, match.group(0).strip(" ,;:")) if p))
    context = _q(clip_around(sentence, match.start(), match.end()), language)
    if kind == "money":
        year = _year(sentence, hit)
        return ShortAnswer(f"{value}{f' ({year})' if year else ''}: {context}{mark}", kind)
    return ShortAnswer(f"{value}: {context}{mark}", kind)


def _pick_count(numbers: list[re.Match[str]], sentence: str,
                focus: Callable[[str], int] | None) -> tuple[re.Match[str], str]:
    """Of the sentence's counting numbers, the one next to the question's words (the counted thing follows a
    number, "18 Barrierefahrzeuge", or labels it, "Anzahl der Sozialwohnungen: 1.800"), shown with them; the
    first one on a tie, bare."""
    best: tuple[int, int, str] = (0, 0, numbers[0].group(0))
    for i, match in enumerate(numbers):
        following = " ".join(w.strip(",.;:()") for w in sentence[match.end():].split()[:1])
        label = label_before(sentence, match.start(), numbers[i - 1].end() if i else 0, words=4)
        after, before = (focus(following), focus(label)) if focus else (0, 0)
        if after + before > best[0]:
            value = f"{match.group(0)} {following}" if after else f"{label} {match.group(0)}"
            best = (after + before, i, value.strip())
    return numbers[best[1]], best[2]


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
    result = vote_result(sentence)
    line = ", ".join(parts) + f": {_q(result, language)}" if parts else _q(result, language)
    if language == "en":
        glosses = "; ".join(f"{german} = {english}" for german, english in glossed_terms(result))
        if glosses:
            line += f" ({glosses})"
    return line


def vote_groups(sentence: str) -> list[tuple[str, list[str], int, int]]:
    """The votes of a sentence, each (its label: the words before it, its counts): a new vote starts with
    a second yes count ("Antrag der X: 30 Ja, 17 Nein; Gegenantrag: 17 Ja, 30 Nein"); with its span."""
    groups: list[tuple[int, int, list[str]]] = []  # (start, end, counts)
    for m in _VOTE_COUNT.finditer(sentence):
        yes = bool(_YES.match(m.group(0)))
        if not groups or (yes and any(_YES.match(c) for c in groups[-1][2])):
            groups.append((m.start(), m.end(), [m.group(0)]))
        else:
            start, _, counts = groups[-1]
            groups[-1] = (start, m.end(), [*counts, m.group(0)])
    out = []
    for i, (start, end, counts) in enumerate(groups):
        after = groups[i - 1][1] if i else 0
        out.append((label_before(sentence, start, after, words=6) if len(groups) > 1 else "", counts, start, end))
    return out


def vote_result(sentence: str) -> str:
    """The result of the vote(s) in ``sentence``: its outcome words with all counts ("mehrheitlich (38 Ja,
    6 Nein)"); two votes each with its label; no vote words or counts: the sentence's start."""
    words = ", ".join(dict.fromkeys(m.group(0) for m in _VOTE_WORD.finditer(sentence)))
    groups = vote_groups(sentence)
    if len(groups) > 1:
        if not all(label for label, *_ in groups):  # which vote is which: the sentence's own clause says it
            return clip_around(sentence, groups[0][2], groups[-1][3], 8)
        return "; ".join(f"{label}: {', '.join(counts)}" for label, counts, *_ in groups)  # labels say the outcome
    counts = ", ".join(groups[0][1]) if groups else ""
    if words and counts:
        return f"{words} ({counts})"
    return words or counts or clip_around(sentence, 0, 0, 20)
