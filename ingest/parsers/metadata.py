"""Metadata from the head of a council document: title, reference, type, date, body, public flag.

Shared by the text, PDF and HTML parsers. Everything here is a heuristic over the first lines of
the text plus the file name; a field that cannot be found is None (public: None = use the default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.parsers.markers import document_public

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
    r"(?:Vorlage(?:n)?[- ]?(?:Nr\.?|Nummer)|Drucksache(?:n)?[- ]?(?:Nr\.?|Nummer)?|Vorlage|Drs\.)"
    r"\s*:?\s*(\d{4}/\d{2,5}(?:/\d+)?|[A-Z]{0,4}\s?\d{1,6}(?:/\d{2,4})?)",
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
        (r"\b(?:niederschrift|protokoll|sitzungsprotokoll)\b", "Niederschrift"),
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
    lines = [_squash(line) for line in text.split("\n")]
    head = [line for line in lines if line][:HEAD_LINES]
    return DocumentMetadata(
        title=title_hint or find_title(head, name),
        reference=find_reference(head),
        document_type=find_document_type(head[:15], name),
        date=date_from_name(name) or find_date("\n".join(head)),
        body=find_body("\n".join(head)),
        public=find_public(head),
    )


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


def find_body(head_text: str) -> str | None:
    for m in _BODY.finditer(head_text):
        body, suffix = m.group(1), m.group(2)
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
                return _clip(subject)
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
        if _BOILERPLATE.match(line) or sum(ch.isalpha() for ch in line) < 4:
            continue
        if re.match(r"^[A-ZÄÖÜ][\w /-]{1,40}:\s+\S", line):  # an inline heading: no title line at all
            break
        if _TYPE_ONLY.match(line):
            rest = [x for x in head[i + 1 : i + 4] if not _BOILERPLATE.match(x)]
            return _clip(f"{line} {rest[0]}" if rest else line)
        return _clip(line)
    return title_from_name(name)


_LABEL = re.compile(
    r"^(?:(?:vorlage[- ]?nr\.?|eingang|verantwortlich|dienststelle)\s*:.*|dez\. ?\d+)$", re.IGNORECASE
)
_BLOCK_END = re.compile(
    r"^(?:gremi|beratungsfolge|kurzfassung|antrag\b|anfrage\s*:|eingang|vorlage)|fraktion$", re.IGNORECASE
)


def _join_block(lines: list[str]) -> str:
    """Join the wrapped subject lines up to the committee table ('Gremien Termin TOP ...')."""
    parts: list[str] = []
    for line in lines:
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


def title_from_name(name: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name)
    return _squash(re.sub(r"[_-]+", " ", stem)) or name
