"""Tolerant reading of OParl JSON as real servers send it.

* ``type`` may be missing (Nordstemmen's Papers and Meetings have none): the kind is inferred from the
  fields; OParl 1.0 and 1.1 type URLs are both accepted.
* a value may be an object where a list is expected (``auxiliaryFile``, ``mainFile``) or vice versa;
* strings may be "N/A", carry trailing newlines or spaces, or contain raw control characters (JSON parsed
  with ``strict=False``);
* dates may be date-times, German dates, numbers (yyyymmdd or epoch seconds) or missing.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

KINDS = (
    "System", "Body", "Organization", "Person", "Meeting", "AgendaItem", "Paper", "Consultation", "File",
    "Location", "LegislativeTerm", "Membership",
)
_BY_LOWER = {k.lower(): k for k in KINDS}
_MISSING = {"n/a", "na", "n.a.", "null", "none", "undefined"}
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def load_json(data: str | bytes) -> Any:
    """JSON with raw control characters inside strings allowed (seen in real exports)."""
    if isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    return json.loads(data, strict=False)


def clean(value: Any) -> str | None:
    """A scalar as a stripped string; None for missing, empty and 'N/A'-like values and for containers."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = str(value).strip()
    return None if not text or text.lower() in _MISSING else text


def name_of(obj: dict[str, Any]) -> str | None:
    """``name`` (else ``fileName``/``shortName``) with runs of whitespace and newlines squashed."""
    for key in ("name", "fileName", "shortName"):
        text = clean(obj.get(key))
        if text:
            return re.sub(r"\s+", " ", text)
    return None


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def as_dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a field that should be a list of objects but may be one object, null or junk."""
    return [v for v in as_list(value) if isinstance(v, dict)]


def iso_date(value: Any) -> str | None:
    """yyyy-mm-dd of an OParl date or date-time, tolerating German dates and numbers."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        number = int(value)
        if 19000101 <= number <= 21001231:
            text = str(number)
            return _valid(int(text[:4]), int(text[4:6]), int(text[6:]))
        if number > 10**11:  # milliseconds
            number //= 1000
        try:
            return datetime.fromtimestamp(number, UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    cleaned = clean(value)
    if not cleaned:
        return None
    text = cleaned
    m = _ISO.match(text)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    from ingest.parsers.metadata import parse_date  # here: ingest.parsers imports this module's users

    return parse_date(text)


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None


def german_date(iso: str | None) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}" if iso and len(iso) >= 10 else (iso or "")


def declared_kind(obj: dict[str, Any]) -> str | None:
    """The kind named by ``type`` ('https://schema.oparl.org/1.0/Paper', '.../1.1/Paper', 'Paper')."""
    raw = clean(obj.get("type"))
    if not raw:
        return None
    last = re.split(r"[/:#]", raw.rstrip("/"))[-1]
    return _BY_LOWER.get(last.lower())


def kind_of(obj: dict[str, Any]) -> str | None:
    """The OParl kind of an object: its ``type`` when it names one, else inferred from its fields."""
    declared = declared_kind(obj)
    if declared:
        return declared
    keys = set(obj)
    if "system" in keys or "legislativeTerm" in keys or (
        isinstance(obj.get("paper"), str) and isinstance(obj.get("organization"), str)
    ):
        return "Body"
    if isinstance(obj.get("paper"), str) and keys & {"meeting", "agendaItem", "role", "authoritative"}:
        return "Consultation"
    if keys & {"paperType", "reference", "mainFile", "underDirectionOf", "originatorPerson"} or isinstance(
        obj.get("consultation"), list
    ):
        return "Paper"
    if isinstance(obj.get("agendaItem"), list) or keys & {"invitation", "resultsProtocol", "verbatimProtocol"}:
        return "Meeting"
    if keys & {"accessUrl", "downloadUrl", "mimeType", "fileName", "sha1Checksum", "sha512Checksum"}:
        return "File"
    if keys & {"resolutionText", "result"} or (keys & {"number", "order"} and keys & {"meeting", "consultation"}):
        return "AgendaItem"
    if "start" in keys:
        return "Meeting"
    if "oparlVersion" in keys:
        return "System"
    return None
