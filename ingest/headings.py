"""What a heading of a council record looks like: one line classified as a part of a meeting, an agenda item,
a council keyword heading or a numbered heading (or body text). Used by the sectioner and by the PDF clean-up
(which keeps line breaks before headings)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.markers import classify_marker

MAX_HEADING_CHARS = 120

_KEYWORDS = (
    r"sachverhalt|sachlage|sachstand|sachdarstellung|begründung|beschlussvorschlag|beschlussempfehlung|"
    r"beschlussantrag|beschluss|beschlüsse|finanzielle auswirkungen|personelle auswirkungen|"
    r"bereits begonnene maßnahmen|anlage/n|anlage\(n\)|anlagen?|kurzfassung|erläuterungen?|"
    r"stellungnahme der verwaltung|stellungnahme|antrag|anfrage|antworten?(?: der verwaltung)?|"
    r"fragen(?: und antworten)?|zusammenfassung|ausgangslage|problembeschreibung|lösungsvorschlag|"
    r"alternativen|klimarelevanz|abstimmungsergebnis|abstimmung|beratungsergebnis|beschlussfassung|empfehlung"
)
_KEYWORD_ALONE = re.compile(
    rf"^({_KEYWORDS})(?:\s+\d{{1,2}})?\s*:?(?:\s*(?:ja\b|nein\b|x\b|[☐☒]))*\s*:?$", re.IGNORECASE
)
_KEYWORD_INLINE = re.compile(rf"^({_KEYWORDS})(?:\s+\d{{1,2}})?\s*:\s*\S", re.IGNORECASE)
_PART = re.compile(
    r"^((?:nicht[- ]?)?öffentliche(?:r)? (?:sitzung|teil)|"
    r"(?:öffentliche |nicht[- ]?öffentliche )?tagesordnung|"
    r"sitzungsverlauf|anwesenheiten)\s*:?$",
    re.IGNORECASE,
)
_AGENDA = re.compile(
    r"^(?:TOP|Top|Tagesordnungspunkt|Punkt)\s*(\d{1,3}(?:\.\d{1,3})*)\.?(?=[\s:.)]|$)(\s+der Tagesordnung)?"
    r"\s*[:.)-]?\s*(.*)$"
)
_AGENDA_ON = re.compile(r"^(?:Ö|N|NÖ|TO)\s?(\d{1,3}(?:\.\d{1,3})*)\.?\s+([A-ZÄÖÜ„\"].*)$")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(\.?)\s+([A-ZÄÖÜ„\"].*)$")
_NUMBER_ALONE = re.compile(r"^(?:Punkt\s+(\d{1,3}(?:\.\d{1,2})?):?|(\d{1,3}(?:\.\d{1,2})?)\.?\))$")
_NUMBERED_PAREN = re.compile(r"^(\d{1,2})\.?\)\s+([A-ZÄÖÜ„\"].*)$")  # '1.) Verbesserung Kreuzung', '3) Baugebiet'
# Agenda items of minutes in forms that are only items when their number continues the sequence:
# '4' or '4.)' alone on a line (title on the next lines), '1  Eröffnung …' (number, two spaces), '2) Grün …'.
ITEM_WEAK = re.compile(r"^(\d{1,2})(?:\.?\)|\.)?(?:(?:\s{2,}|(?<=\))\s+)([A-ZÄÖÜ„\"].*))?$")
REFERENCE_LINE = re.compile(r"^[A-ZÄÖÜ][\wÄÖÜäöüß.]*(?:[-/][\w.]+){2,}(?:\s+miterledigt:?)?$")
# Where running text joined onto a heading line starts: a capitalised article or pronoun after a word.
SENTENCE_IN_LINE = re.compile(
    r"(?<=[\w)“\"])\s+(?=(?:Der|Die|Das|Den|Dem|Ein|Eine|Es|Er|Wir|Alle|Nach|Im|Bei|Dieses|Diese|Dieser)\s)"
)
VOTE_LINE = re.compile(r"\b(?:ja-?stimmen|nein-?stimmen|gegenstimmen|stimmenthaltung|einstimmig|mehrheitlich)\b",
                        re.IGNORECASE)
NUMBER_PREFIX = re.compile(r"^\d{1,3}(?:\.\d{1,3})*(?:\.\)|\)|\.)?\s*")
_SPACED = re.compile(r"\b(?:[A-Za-zÄÖÜäöüß] ){3,}[A-Za-zÄÖÜäöüß]\b")
_MEETING_PART = re.compile(r"^(anfragen|dringlichkeitsanträge|mitteilungen des bürgermeisters|aktuelle stunde|"
                           r"verlauf der sitzung)$", re.IGNORECASE)
_ROMAN = re.compile(r"^((?:X{0,2})(?:IX|IV|V?I{0,3}))\.\s+([A-ZÄÖÜ].*)$")
_MONTH = re.compile(
    r"^(?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)\b",
    re.IGNORECASE,
)
DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")

@dataclass(frozen=True)
class Heading:
    kind: str  # part | agenda | keyword | numbered
    depth: int
    title: str


def squash(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def clip(text: str) -> str:
    text = text.strip(" :")
    return text if len(text) <= MAX_HEADING_CHARS else text[: MAX_HEADING_CHARS - 1].rsplit(" ", 1)[0] + "…"


def classify_line(line: str) -> Heading | None:
    """The heading a single line starts, or None for body text."""
    line = squash(_SPACED.sub(lambda m: m.group(0).replace(" ", ""), line))
    if not line:
        return None
    if m := _MEETING_PART.match(line):
        return Heading("item", 1, m.group(1))
    if m := _KEYWORD_INLINE.match(line[:80]):
        return Heading("keyword", 1, clip(m.group(1)))
    if len(line) > 160:
        return None
    if m := _KEYWORD_ALONE.match(line):
        return Heading("keyword", 1, clip(m.group(1)))
    if m := _PART.match(line):
        return Heading("part", 1, clip(m.group(1)))
    if (marker := classify_marker(line)) is not None and marker.part and len(line) <= MAX_HEADING_CHARS:
        return Heading("part", 1, clip(line))
    if m := _AGENDA.match(line):
        rest = m.group(3)
        if line.startswith("Punkt") and not m.group(2) and rest:
            return None  # 'Punkt 4 wurde vertagt' is a sentence
        if rest.endswith(".") and len(rest.split()) > 8:
            return None
        return Heading("agenda", m.group(1).count(".") + 1, clip(line))
    if m := _AGENDA_ON.match(line):
        return Heading("agenda", m.group(1).count(".") + 1, clip(line))
    if len(line) > 110:
        return None
    if m := _NUMBERED.match(line):
        number, dot, title = m.groups()
        if not (dot or "." in number) or int(number.split(".")[0]) > 40:
            return None
        if not _plausible_title(title) or re.match(r"^[\wäöüß.-]+:\s+[A-ZÄÖÜ]", title):
            return None  # a list item that is a sentence, or 'Vizebürgermeisterin: Christa ...' of an attendance list
        head = line.split(":", 1)[0] if ":" in title and len(title.split(":", 1)[0]) >= 4 else line
        return Heading("numbered", number.count(".") + 1, clip(head))
    if (m := _NUMBERED_PAREN.match(line)) and int(m.group(1)) <= 40:
        title = m.group(2).split(":", 1)[0] if ":" in m.group(2) else m.group(2)
        if _plausible_title(title):
            return Heading("numbered", 1, clip(f"{m.group(1)}.) {title}"))
        return None
    if (m := _ROMAN.match(line)) and m.group(1) and _plausible_title(m.group(2)):
        return Heading("keyword", 1, clip(line))
    return None


SENTENCE_START = re.compile(
    r"^(?:der|die|das|den|dem|des|ein|eine|einen|es|wir|ich|sie|er|man|welche[rsnm]?|wie|was|warum|wann|wo|gibt|ist|"
    r"sind|wird|werden|wurde|hat|haben|kann|soll|bitte|zwischen|bei|nach|seit|für|mit)\b",
    re.IGNORECASE,
)
CUT = re.compile(r"\s(?:der|die|das|den|dem|des|und|oder|von|vom|zur|zum|zu|im|in|am|an|auf|mit|für|bei|ein|eine|"
                  r"einen|wie|dass|als|sowie|über|nicht)$")


def _plausible_title(title: str) -> bool:
    """Reject list items that are sentences (questions, resolutions, cut lines), dates, table rows and amounts."""
    letters = sum(ch.isalpha() for ch in title)
    digits = sum(ch.isdigit() for ch in title)
    if letters < 3 or digits * 3 > letters or "€" in title:
        return False
    if title.endswith((".", ",", ";", "?", "!")) or _MONTH.match(title) or DATE.search(title):
        return False
    if SENTENCE_START.match(title) and len(title.split()) > 4:
        return False  # '1. Der Rat der Gemeinde Ahnsen nimmt ...', '2. Wie viele Wohnungssuchende ...'
    if re.search(r"[a-zäöüß]{4,}\. [A-ZÄÖÜ]", title) or (CUT.search(title) and len(title.split()) > 6):
        return False  # '... durchgeführt. Eine Teilnahme', a line cut mid-sentence
    return True
