"""Metadata from the head of a council document: title, reference, type, date, body, public flag.

Shared by the text, PDF and HTML parsers. Everything here is a heuristic over the first lines of
the text plus the file name; a field that cannot be found is None (public: None = use the default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.markers import document_public

HEAD_LINES = 45

MONTHS = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "maerz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}
_MONTH_RE = "|".join(MONTHS)

_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\s?\.\s?(\d{1,2})\s?\.\s?(\d{4}|\d{2})(?![\d.]*\d)")
_WORD_DATE = re.compile(rf"(?<!\d)(\d{{1,2}})\.\s*({_MONTH_RE})\s+(\d{{4}})", re.IGNORECASE)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")

_REFERENCE = re.compile(
    r"(?:Vorlage(?:n)?[- ]?(?:Nr\.?|Nummer)|Drucksache(?:n)?[- ]?(?:Nr\.?|Nummer)?|Vorlage|Drs\.|[Bb]eschlussvorlage)"
    r"\s*:?\s*(\d{4}/\d{2,5}(?:/\d+)?|\d{3,5}/\d{1,3}/\d{4}|[A-Z]{0,4}\s?\d{1,6}(?:/\d{2,4})?)(?![\w/])",
)

# (pattern on a head line, canonical type); the first line that matches any pattern decides.
_TYPES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), t)
    for p, t in (
        (r"\bstellungnahme\b", "Stellungnahme"),
        (r"\b(?:änderungs|ergänzungs)[-/\w]*antrag\b", "Antrag"),
        (r"\bbeschlussvorlage\b", "Beschlussvorlage"),
        (r"\binformationsvorlage\b", "Informationsvorlage"),
        (r"\bmitteilungsvorlage\b", "Mitteilungsvorlage"),
        (r"\b(?:niederschrift|protokoll|sitzungsprotokoll)\b|^\s*verhandlungsschrift\b", "Niederschrift"),
        (r"^\s*(?:einladung|tagesordnung)\b", "Einladung"),
        (r"^\s*(?:gemeinsamer\s+)?antrag\b(?!\s+an\b)", "Antrag"),
        (r"^\s*anfrage\b|\banfrage der\b", "Anfrage"),
        (r"^\s*empfehlung\b", "Empfehlung"),
        (r"^\s*(?:anlage|anhang)\b(?!/n)(?!\s*:)", "Anlage"),
    )
)
_NAME_TYPES: tuple[tuple[str, str], ...] = (
    ("stellungnahme", "Stellungnahme"),
    ("niederschrift", "Niederschrift"),
    ("verhandlungsschrift", "Niederschrift"),
    ("protokoll", "Niederschrift"),
    ("einladung", "Einladung"),
    ("tagesordnung", "Einladung"),
    ("beschlussvorlage", "Beschlussvorlage"),
    ("anhang", "Anlage"),
    ("anlage", "Anlage"),
    ("antrag", "Antrag"),
    ("anfrage", "Anfrage"),
    ("vorlage", "Vorlage"),
)

_BODY = re.compile(
    r"\b(Gemeinderat|Ortschaftsrat|Stadtteilbeirat|Stadtrat|Kreistag|Bezirksbeirat|Bezirksvertretung|"
    r"Ortsbeirat|Ortsrat|Gestaltungsbeirat|Rat der Stadt|Samtgemeinderat|[A-ZÄÖÜ][a-zäöüß]+ausschuss)"
    r"(?:es|s)?(?:[ \t]+([A-ZÄÖÜ][\wäöüß-]+))?"
)
_PLACE_BODIES = {
    "Gemeinderat",
    "Ortschaftsrat",
    "Stadtteilbeirat",
    "Bezirksbeirat",
    "Bezirksvertretung",
    "Ortsbeirat",
    "Ortsrat",
    "Samtgemeinderat",
}
_BODY_STOP = {
    "Termin",
    "Sitzung",
    "Der",
    "Die",
    "Das",
    "Vorlage",
    "TOP",
    "Karlsruhe",
    "Entscheidung",
    "Vorberatung",
    "Kenntnisnahme",
    "Liste",
    "Am",
    "Vom",
    "In",
    "Im",
    "Zuständigkeit",
    "Mitglieder",
    "Gremium",
}

_BOILERPLATE = re.compile(
    r"^(?:bürgerinformationssystem|ratsinformationssystem|gedruckt auf .*|stadt \w+|der oberbürgermeister|"
    r"seite \d+.*|\d+ von \d+|[-–] ?\d+ ?[-–]|referat:.*|amt:.*|gremium:?|termin:?|top:?|verantwortlich:.*)$",
    re.IGNORECASE,
)
_TYPE_ONLY = re.compile(
    r"^(?:öffentliche |nichtöffentliche )?(?:beschlussvorlage|informationsvorlage|niederschrift|protokoll|"
    r"einladung|antrag|anfrage|stellungnahme(?: zu[mr] \w+)?|gemeinsamer antrag|empfehlung.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DocumentMetadata:
    title: str
    reference: str | None = None
    document_type: str | None = None
    date: str | None = None
    body: str | None = None
    public: bool | None = None


def extract_metadata(text: str, name: str, *, title_hint: str | None = None) -> DocumentMetadata:
    head: list[str] = []
    for line in text[:200_000].split("\n"):  # the head is all we need, even of a 50 MB file
        if squashed := _squash(line):
            head.append(squashed)
            if len(head) == HEAD_LINES:
                break
    head_text = "\n".join(head)
    document_type = find_document_type(head[:15], name)
    date = date_from_name(name) or find_date(head_text)
    body = find_body(head_text)
    reference = find_reference(head)
    title = title_hint or session_title(head, document_type, body, date)
    if title is None and document_type is None and (plan := _PLAN.search(head_text)):
        # a plan sheet names itself only as 'Bebauungsplan Nr. 1010 „Clausstraße - West“'
        title, document_type = f"Bebauungsplan Nr. {plan.group(1)} {plan.group(2)}", "Bebauungsplan"
        reference = plan.group(1)
    return DocumentMetadata(
        title=title or find_title(head, name),
        reference=reference,
        document_type=document_type,
        date=date,
        body=body,
        public=find_public(head),
    )


_PLAN = re.compile(r"\bBebauungsplan(?:s|es)?\s+Nr\.\s*(\d[\w.-]*)\s+([„\"][^“”\"\n]{2,60}[“”\"])")
_KIND_LINE = re.compile(
    r"^(?:öffentliche\s+|nicht ?öffentliche\s+)?(niederschrift|sitzungsniederschrift|protokoll|verhandlungsschrift|"
    r"einladung|tagesordnung)\b",
    re.IGNORECASE,
)
_SESSION_LINE = re.compile(
    r"^(?:(?:thema|gremium|betreff)\s*:\s*)?(?:(?:öffentliche\s+)?(?:niederschrift|protokoll|verhandlungsschrift|"
    r"einladung)\s+)?(?:(?:der|über die|zur|zu der)\s+)?(\d{1,3})\.\s*(?:(?:öffentliche|ordentliche|"
    r"außerordentliche|konstituierende)\s+)?(plenarsitzung|sitzung)\b\s*(.*)$",
    re.IGNORECASE,
)
_PREPOSITION = {"Niederschrift": "der", "Tagesordnung": "der", "Einladung": "zur"}
_FEMININE = re.compile(r"(?:ung|kommission|konferenz)\b", re.IGNORECASE)


def session_title(head: list[str], document_type: str | None, body: str | None, date: str | None) -> str | None:
    """Minutes and invitations: 'Niederschrift der 17. Sitzung des Gemeinderates Ahnsen am 26.03.2026', built
    from the kind line ('ÖFFENTLICHE NIEDERSCHRIFT', 'Protokoll', 'Einladung'), the session line ('der 17. Sitzung
    des Gemeinderates Ahnsen', 'Thema: 2. öffentliche Sitzung Stadtteilbeirat Büchenbach', 'Gremium: 59.
    Plenarsitzung Gemeinderat') and the meeting date; None when the head has no session line."""
    if document_type not in ("Niederschrift", "Einladung"):
        return None
    session = None
    for i, line in enumerate(head[:30]):
        if line.lower().rstrip(" :") in ("thema", "gremium", "betreff") and i + 1 < len(head):
            line = head[i + 1]
        if m := _SESSION_LINE.match(line):
            session = m
            break
    if session is None:
        return None
    kinds = [m.group(1).capitalize() for line in head[:30] if (m := _KIND_LINE.match(line))]
    kinds = [k.replace("Sitzungsniederschrift", "Niederschrift") for k in kinds]
    # an invitation carries its Tagesordnung, minutes may say Protokoll: the word of the document's own type first
    own = sorted((k for k in kinds if find_document_type([k], "") == document_type), key=lambda k: k != document_type)
    kind = (own or kinds or [document_type])[0]
    number, sitting, rest = session.groups()
    gremium = _gremium(rest) or (_genitive(body) if body else None)
    title = f"{kind} {_PREPOSITION.get(kind, 'über die')} {number}. {sitting.capitalize()}"
    if gremium:
        title += f" {gremium}"
    if date:
        title += f" am {date[8:10]}.{date[5:7]}.{date[:4]}"
    return _clip(title)


def _gremium(rest: str) -> str | None:
    """'des Gemeinderates der Gemeinde Ahnsen am 23.11.2022 im' -> 'des Gemeinderates der Gemeinde Ahnsen';
    'Stadtteilbeirat Büchenbach' -> 'des Stadtteilbeirates Büchenbach'; a date or a weekday -> None."""
    rest = re.split(r"\s+(?:am|vom|im|in|um|ab)\b|[,;(]|\s{2,}", rest.strip(), maxsplit=1)[0].strip(" .:")
    if m := re.match(r"^(des|der)\s+(\S.*)$", rest):
        return f"{m.group(1)} {m.group(2)}"
    body = find_body(rest) if rest else None
    return _genitive(body) if body and rest.startswith(body.split()[0]) else None


def _genitive(body: str) -> str:
    """'Stadtteilbeirat Büchenbach' -> 'des Stadtteilbeirates Büchenbach'; 'Bezirksvertretung' -> 'der ...'."""
    first, _, place = body.partition(" ")
    if _FEMININE.search(first):
        return f"der {body}"
    if first.lower() == "rat":
        return f"des Rates {place}".rstrip()
    if re.search(r"(?:rat|tag|beirat|ausschuss)$", first):
        first += "es"
    return f"des {first} {place}".rstrip()


def _squash(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def parse_date(text: str) -> str | None:
    """First German date in ``text`` as ISO yyyy-mm-dd ('16.07.2024', '19. September 2023', '07.10.09')."""
    candidates: list[tuple[int, str]] = []
    for m in _NUMERIC_DATE.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if len(m.group(3)) == 2:
            year += 2000 if year < 70 else 1900
        iso = _iso(year, month, day)
        if iso:
            candidates.append((m.start(), iso))
    for m in _WORD_DATE.finditer(text):
        iso = _iso(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if iso:
            candidates.append((m.start(), iso))
    for m in _ISO_DATE.finditer(text):
        iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            candidates.append((m.start(), iso))
    return min(candidates)[1] if candidates else None


find_date = parse_date


def _iso(year: int, month: int, day: int) -> str | None:
    if 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def date_from_name(name: str) -> str | None:
    m = _ISO_DATE.search(name)
    return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def find_reference(head: list[str]) -> str | None:
    for line in head:
        m = _REFERENCE.search(line)
        if m and any(ch.isdigit() for ch in m.group(1)):
            return m.group(1).strip()
    return None


def find_document_type(head: list[str], name: str) -> str | None:
    for line in head:
        for pattern, doc_type in _TYPES:
            if pattern.search(line):
                return doc_type
    lowered = name.lower()
    for word, doc_type in _NAME_TYPES:
        if word in lowered:
            return doc_type
    return None


_BODY_OF_PLACE = re.compile(
    r"\b(Gemeinderat|Ortsrat|Ortschaftsrat|Samtgemeinderat)(?:es|s)?[ \t]+der[ \t]+(?:Gemeinde|Stadt|Samtgemeinde|"
    r"Ortschaft)[ \t]+([A-ZÄÖÜ][\wäöüß-]+)"
)


def find_body(head_text: str) -> str | None:
    if m := _BODY_OF_PLACE.search(head_text):  # 'des Gemeinderates der Gemeinde Ahnsen' -> 'Gemeinderat Ahnsen'
        first = _BODY.search(head_text)
        if first is not None and first.start() == m.start():
            return f"{m.group(1)} {m.group(2)}"
    for m in _BODY.finditer(head_text):
        body, suffix = m.group(1), m.group(2)
        if body == "Stadtteilbeirat" and (not suffix or suffix in _BODY_STOP):
            # 'Sitzung des Stadtteilbeirates am 15.11.23' of a talk on the 'Stadtteil Büchenbach'
            if place := re.search(r"\bStadtteil[ \t]+([A-ZÄÖÜ][\wäöüß-]+)", head_text):
                return f"{body} {place.group(1)}"
        if body == "Stadtrat" and suffix:
            continue  # 'Stadtrat Alexander Geiger' is a person, not the council
        if body not in _PLACE_BODIES or not suffix or suffix in _BODY_STOP or suffix.isupper():
            return body
        return f"{body} {suffix}"
    return None


def find_public(head: list[str]) -> bool | None:
    """False when the head marks the document as non-public (header line, heading or status field, in any of
    the spellings clerks use); True when it is marked public; None when it says nothing (see markers.py)."""
    return document_public(head)[0]


def find_title(head: list[str], name: str) -> str:
    """Subject line (Betreff/Thema, the block after the 'Vorlage Nr.:/Dienststelle:' labels), else the
    first meaningful line, else a title made from the file name."""
    for i, line in enumerate(head):
        m = re.match(r"^(?:betreff|thema|gegenstand)\s*:\s*(.*)$", line, re.IGNORECASE)
        if m:
            subject = m.group(1) or (head[i + 1] if i + 1 < len(head) else "")
            if subject:
                return _clip(_complete(subject, head[i + 1 + (not m.group(1)) :]))
        m = re.match(r"^(?:antrag|anfrage)\s*:\s*(.+)$", line, re.IGNORECASE)
        if m and i < 12 and _is_subject(m.group(1)):  # 'Antrag: Neubau Büchenbacher Anlage', not 'Anfrage: AfD'
            return _clip(_complete(m.group(1), head[i + 1 :]))
        m = re.match(r"^(?:stellungnahme|antrag|anfrage|anregung|empfehlung)\s+zu[mr]?\s+\S", line, re.IGNORECASE)
        if m and i < 10 and len(line.split()) >= 5:  # 'Stellungnahme zur Beschlussvorlage 6131/67/2022 ...'
            return _clip(_complete(line, head[i + 1 :]))
        m = re.match(r"^Punkt [\d.]+ der Tagesordnung:\s*(.+)$", line)
        if m and i < 8:
            return _clip(m.group(1))
    labels = [i for i, line in enumerate(head[:16]) if _LABEL.match(line)]
    if labels:
        start = labels[-1] + 1
        if re.search(r"(?:\bund|-)$", head[labels[-1]]):
            start += 1  # 'Dienststelle: Ordnungs- und' continues on the next line
        block = _join_block(head[start:])
        if block:
            return _clip(block)
    for i, line in enumerate(head):
        if _BOILERPLATE.match(line) or _is_form_line(line) or sum(ch.isalpha() for ch in line) < 4:
            continue
        if re.match(r"^[A-ZÄÖÜ][\w /-]{1,40}:\s+\S", line):  # an inline heading: no title line at all
            break
        if _TYPE_ONLY.match(line):
            rest = [x for x in head[i + 1 : i + 4] if not _BOILERPLATE.match(x)]
            return _clip(f"{line} {rest[0]}" if rest else line)
        return _clip(_complete(line, head[i + 1 :]))
    return title_from_name(name)


_FUNCTION_WORD = re.compile(
    r"(?:^|\s)(?:im|in|der|die|das|des|dem|den|und|oder|für|von|vom|zur|zum|zu|am|an|auf|mit|über|bei|nach|aus|"
    r"sowie|gegen|durch|einer?|eines)$|[-–/&,]$",
    re.IGNORECASE,
)
_LETTER_DATE = re.compile(r"\b(?:den|vom|am)\s+\d{1,2}\.\s?(?:\d{1,2}\.|[A-Za-zä]+)\s?\d{2,4}\s*$")


def _is_form_line(line: str) -> bool:
    """Lines of a form or letterhead that are never a title: dates, numbers, blanks to fill in
    ('16.12.2014 2014/0282 31 öffentlich', 'Tagesordnungspunkt: 4 öffentliche Sitzung ______',
    'Stadtteilbeirat Büchenbach   Erlangen, den 7.7.2022', 'Vorsitzender: Günter Winkelmann')."""
    if "___" in line or "...." in line or _LETTER_DATE.search(line):
        return True
    if re.match(r"^(?:\d{1,2}\s?\.\s?\d{1,2}\s?\.\s?\d{2,4}|\d{4}/\d+|seite\b|vorsitz)", line, re.IGNORECASE):
        return True
    if re.match(r"^(?:tagesordnungspunkt|top|ortschaftsrat am|sitzung am|datum|az|aktenzeichen)\s*[:.]", line,
                re.IGNORECASE):
        return True
    letters = sum(ch.isalpha() for ch in line)
    return letters < 0.5 * len(line.replace(" ", ""))


def _is_subject(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and not text.isupper() and "fraktion" not in text.lower()


def _complete(title: str, following: list[str], max_lines: int = 3) -> str:
    """A title line cut by the layout goes on: 'Soziale Entwicklung im' + 'Stadtteil Büchenbach'; a one- or
    two-word slide title takes the short lines below it ('Büchenbach' 'SCHOCKT!' 'Verbesserung der ...')."""
    for line in following[:max_lines]:
        short = len(title.split()) <= 2 and len(line.split()) <= 8
        if not (_FUNCTION_WORD.search(title) or short) or _is_form_line(line) or _BOILERPLATE.match(line):
            break
        if re.match(r"^(?:sehr geehrte|liebe|\d+\s*$|[•\-–]\s)", line, re.IGNORECASE) or line.endswith((".", ":")):
            break
        title = title[:-1] + line if title.endswith("-") and line[:1].islower() else f"{title} {line}"
    return title


_LABEL = re.compile(
    r"^(?:(?:vorlage[- ]?nr\.?|eingang|verantwortlich|dienststelle)\s*:.*|dez\. ?\d+)$", re.IGNORECASE
)
_BLOCK_END = re.compile(
    r"^(?:gremi|beratungsfolge|kurzfassung|antrag\b|anfrage\s*:|anfrage (?:der|des|von)\b|eingang|vorlage)|fraktion$",
    re.IGNORECASE,
)


def _join_block(lines: list[str]) -> str:
    """Join the wrapped subject lines up to the committee table ('Gremien Termin TOP ...')."""
    parts: list[str] = []
    for line in lines:
        if not parts and (_is_form_line(line) or _BOILERPLATE.match(line)):
            continue  # the form's date, number and blank lines come before the subject
        if _BLOCK_END.search(line) or _LABEL.match(line) or len(parts) >= 4:
            break
        if parts and parts[-1].endswith("-") and line[:1].isupper():
            parts[-1] = parts[-1] + line
        else:
            parts.append(line)
    return " ".join(parts)


def _clip(title: str, limit: int = 160) -> str:
    title = _squash(title).strip(" :")
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"


_NAME_NOISE = re.compile(
    r"^(?:vorlage|anlage|anhang|niederschrift|protokoll|einladung|final|endg|entwurf|\d{4}(?:-\d\d){0,2}|\d{8})$",
    re.IGNORECASE,
)


def title_from_name(name: str) -> str:
    """'aachen_regionalmarketing_vorlage.txt' -> 'Regionalmarketing': the words of the name without type words,
    dates and a lower-case collection prefix (exports name files '<municipality>_<topic>_<type>')."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)
    tokens = [w for w in re.split(r"[_\s]+", stem) if w]
    # portal downloads name files '<body>_<date>_<type>_<name>': the name is what follows the type word
    dated = [i for i, w in enumerate(tokens) if re.fullmatch(r"\d{4}(?:-\d\d){0,2}|\d{8}", w)]
    typed = [i for i, w in enumerate(tokens) if dated and i > dated[0] and _NAME_NOISE.match(w) and not w[0].isdigit()]
    if typed and typed[0] < len(tokens) - 1:
        tokens = tokens[typed[0] + 1:]
    words = [w for w in tokens if not _NAME_NOISE.match(w)]
    if len(words) >= 2 and words[0].isalpha() and words[0].islower():
        words = words[1:]
    title = _squash(" ".join(words).replace("-", " "))
    return (title[:1].upper() + title[1:]) if title else _squash(re.sub(r"[_-]+", " ", stem)) or name
