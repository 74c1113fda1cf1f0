"""Checkable facts in a sentence: numbers, dates and URLs, normalised across German and English formats.

A generated sentence may only state a number, a date or a URL that its cited passage also contains.
Both sides are reduced to canonical keys, so "1.234,5" (German), "1,234.5" (English), "31.03.2023",
"31. März 2023" and "March 31, 2023" compare equal. A token whose format is ambiguous ("1.500": thousand
five hundred in German, one and a half in English) yields every reading; a fact is supported when any of
its readings appears in the passage. A full date in a passage also supports its month, its day-month and
its year, so "im März 2023" is backed by "31.03.2023".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_MONTHS = {
    "januar": 1, "jänner": 1, "january": 1, "jan": 1,
    "februar": 2, "february": 2, "feb": 2,
    "märz": 3, "maerz": 3, "march": 3, "mär": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "december": 12, "dez": 12, "dec": 12,
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\.?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b"),  # 2023-03-31
    re.compile(r"\b(?P<d>[0-3]?\d)\.\s?(?P<m>[01]?\d)\.\s?(?P<y>(?:19|20)\d{2})\b"),  # 31.03.2023
    re.compile(r"\b(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<y>(?:19|20)\d{2})\b"),  # 31/03/2023
    re.compile(rf"\b{_DAY}\s*(?:of\s+)?(?P<mn>{_MONTH})\.?,?\s+{_YEAR}\b", re.IGNORECASE),  # 31. März 2023
    re.compile(rf"\b(?P<mn>{_MONTH})\.?\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),  # March 31, 2023
    re.compile(rf"\b(?P<mn>{_MONTH})\.?\s+{_YEAR}\b", re.IGNORECASE),  # März 2023
    re.compile(rf"\b{_DAY}\s*(?:of\s+)?(?P<mn>{_MONTH})\b", re.IGNORECASE),  # 31. März
    re.compile(r"\b(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?!\d)"),  # 31.03.
)
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,\u00a0\u202f]\d+)*(?![\w])")
_SCALES = (
    (re.compile(r"^\s*(mio\.?|million(en)?|millions?)\b", re.IGNORECASE), Decimal(10) ** 6),
    (re.compile(r"^\s*(mrd\.?|milliarden?|billions?)\b", re.IGNORECASE), Decimal(10) ** 9),
    (re.compile(r"^\s*(tsd\.?|tausend|thousands?)\b", re.IGNORECASE), Decimal(10) ** 3),
)
_URL = re.compile(r"\bhttps?://[^\s<>()\[\]\"'„“”]+", re.IGNORECASE)


@dataclass(frozen=True)
class Fact:
    """One number, date or URL as written, with every canonical key it may stand for."""

    text: str
    keys: frozenset[str]


def _date_keys(y: str | None, m: int, d: int | None) -> set[str]:
    """The one most specific key of a date as written (a passage's date also supports coarser ones)."""
    if not 1 <= m <= 12 or (d is not None and not 1 <= d <= 31):
        return set()
    if y and d:
        return {f"date:{y}-{m:02d}-{d:02d}"}
    if y:
        return {f"date:{y}-{m:02d}"}
    return {f"date:--{m:02d}-{d:02d}"} if d else set()


def _implied_keys(keys: set[str]) -> set[str]:
    """What a passage date also supports: its month, its day-month, its year (as a plain number)."""
    implied = set(keys)
    for key in keys:
        if key.startswith("date:") and not key.startswith("date:--"):
            y, m, *rest = key[5:].split("-")
            implied.add(f"date:{y}-{m}")
            implied.add(f"num:{y}")
            if rest:
                implied.add(f"date:--{m}-{rest[0]}")
    return implied


def _readings(token: str) -> set[Decimal]:
    """Every value a digit token can mean in German or English notation."""
    token = token.replace("\u00a0", "").replace("\u202f", "")
    seps = [c for c in token if c in ".,"]
    candidates: list[str] = []
    if not seps:
        candidates.append(token)
    elif len(set(seps)) == 2:
        decimal = seps[-1]
        thousands = "," if decimal == "." else "."
        candidates.append(token.replace(thousands, "").replace(decimal, "."))
    else:
        sep = seps[0]
        groups = token.split(sep)
        grouped = all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
        if len(seps) > 1:
            if grouped:
                candidates.append("".join(groups))
        else:
            if grouped:
                candidates.append("".join(groups))
            candidates.append(f"{groups[0]}.{groups[1]}")
    values = set()
    for c in candidates:
        try:
            values.add(Decimal(c).normalize())
        except InvalidOperation:
            continue
    if not values:  # "1.2.3": unusual grouping, read the digit runs one by one
        values = {Decimal(part).normalize() for part in re.split(r"[.,]", token) if part}
    return values


def _key(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "num:" + (text.rstrip("0").rstrip(".") if "." in text else text)


def extract_facts(text: str) -> list[Fact]:
    """Dates first (their digits are then blanked), then URLs, then numbers with their scale words."""
    facts: list[Fact] = []
    chars = list(text)

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            chars[i] = " "

    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?")
        facts.append(Fact(url, frozenset({"url:" + url.lower().rstrip("/")})))
        blank(match.start(), match.end())
    for pattern in _DATE_PATTERNS:
        current = "".join(chars)
        for match in pattern.finditer(current):
            groups = match.groupdict()
            month = _MONTHS[groups["mn"].lower()] if groups.get("mn") else int(groups["m"])
            day = int(groups["d"]) if groups.get("d") else None
            keys = _date_keys(groups.get("y"), month, day)
            if keys:
                facts.append(Fact(match.group(0), frozenset(keys)))
                blank(match.start(), match.end())
    current = "".join(chars)
    for match in _NUMBER.finditer(current):
        readings = _readings(match.group(0))
        keys = {_key(v) for v in readings}
        after = current[match.end():match.end() + 14]
        for pattern, factor in _SCALES:
            if pattern.search(after):
                keys |= {_key(v * factor) for v in readings}
        facts.append(Fact(match.group(0), frozenset(keys)))
    return facts


def passage_keys(text: str) -> set[str]:
    """All canonical keys a passage supports."""
    keys: set[str] = set()
    for fact in extract_facts(text):
        keys |= fact.keys
    return _implied_keys(keys)


def unsupported_facts(sentence: str, passages: list[str]) -> list[str]:
    """The numbers, dates and URLs of ``sentence`` that none of ``passages`` contains."""
    supported: set[str] = set()
    for passage in passages:
        supported |= passage_keys(passage)
    return [f.text for f in extract_facts(sentence) if not f.keys & supported]
