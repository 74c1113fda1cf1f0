"""Public / non-public markers as clerks write them, told apart from running text.

A marker is a header line, a heading or a status field: "Nichtöffentliche Beschlussvorlage",
"Status: nichtöffentlich", "Vorlage (nichtöffentlich)", "Beschlussvorlage - nichtöffentlich", "NICHT ÖFFENTLICH!",
"Vertraulich", "Nichtoeffentlicher Teil", "Niederschrift über die nichtöffentliche Sitzung". Spellings are
normalised first (case, spacing, hyphen, oe/ö). A sentence that merely mentions a non-public session
("... in nichtöffentlicher Sitzung beraten.") is not a marker. A line that offers both states without saying
which one is ticked ("öffentlich | nicht öffentlich", a form whose check boxes were lost) carries no
information; with a ticked box the ticked state counts, and a tick that cannot be told apart fails closed.

``part`` markers ("Nichtöffentlicher Teil", "Öffentliche Sitzung", "Teil B – nichtöffentlich") start a part of
minutes or an agenda; the sectioner makes everything after a non-public part non-public until an explicit
public part heading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_END = r"(?![a-zäöüß])"
_NP = (rf"(?:nichtöffentl(?:ich(?:e[nrsm]?)?{_END}|\.)|vertraulich(?:e[nrsm]?)?{_END}|verschlusssache{_END}|"
       r"nur für den dienstgebrauch|vs-nfd)")
_P = rf"(?<!nicht)öffentl(?:ich(?:e[nrsm]?)?{_END}|\.)"
_NP_RE = re.compile(_NP)
_P_RE = re.compile(_P)
_PREFILTER = re.compile(r"ffentl|vertraul|dienstgebrauch|verschlusssache|vs-nfd", re.IGNORECASE)
_PART_WORDS = r"(?:sitzung|sitzungsteil|teil|tagesordnung|beratung)"
_ENUM = r"(?:(?:[a-h]|[ivx]{1,4}|\d{1,2})[.)]\s+|teil\s+[a-h0-9ivx]{1,4}\s*[:.)–—-]?\s*)?"
_SEPARATOR_BEFORE = re.compile(r"(?:[:(\[|/]|\s[-–—]|^[-–—*])\s*$")
_AFTER_OK = re.compile(rf"^\s*(?:$|[)\]|/!:–—*-]|{_PART_WORDS}\b)")
_TITLE = re.compile(
    r"^(?:sitzungs|ergebnis|beschluss)?(?:niederschrift|protokoll|einladung|tagesordnung|auszug|vorlage|"
    rf"bekanntmachung)\b.{{0,60}}?\b(?:{_NP}|{_P})\s+(?:sitzung|teil|beratung|sitzungsteil)",
)
_TICKED = "☒☑✓✔✗✘■⊠"
_TICK_BEFORE = re.compile(rf"(?:[{_TICKED}]|\[x\]|\(x\))\s*$")
_STOP_FIRST = {"der", "die", "das", "den", "dem", "des", "in", "im", "zur", "zum", "über", "und", "oder", "wurde",
               "wird", "ist", "sind", "war", "erfolgt", "als", "auch", "nicht", "bitte", "wir", "ich", "es", "sie"}
AGENDA_LINE = re.compile(r"^(?:TOP|Top|Tagesordnungspunkt|Punkt|Ö|N|NÖ)\s?\d", re.UNICODE)


@dataclass(frozen=True)
class Marker:
    public: bool
    part: bool  # starts a part of the document (Sitzung / Teil / Tagesordnung), not a document-wide marker


def normalise(line: str) -> str:
    """Lower case, one space, 'nicht öffentlich' / 'nicht-öffentlich' / 'Nichtoeffentlich' -> 'nichtöffentlich'."""
    s = unicodedata.normalize("NFC", line).lower()
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"(?<![a-zäöüß])(nicht)?(?:o|oe)ffentl", r"\1öffentl", s)
    s = re.sub(r"nicht[\s_.–—-]*(?=öffentl)", "nicht", s)
    return s


def classify_marker(line: str) -> Marker | None:
    """The marker ``line`` is, or None for body text and lines that say nothing about publicity."""
    if not _PREFILTER.search(line):
        return None
    original = re.sub(r"\s+", " ", unicodedata.normalize("NFC", line)).strip()
    s = normalise(line)
    if len(s) > 200:
        return None
    has_np, has_p = bool(_NP_RE.search(s)), bool(_P_RE.search(s))
    if has_np and has_p:
        return _options(s)
    if not (has_np or has_p):
        return None
    token = _NP_RE if has_np else _P_RE
    public = not has_np
    words = s.split()
    first_upper = bool(original) and original.lstrip("-–—*•[( ")[:1].isupper()
    sentence = s.rstrip().endswith(".") and not s.rstrip().endswith("öffentl.") and len(words) > 4

    bare = s.strip(" !.:;*-–—()[]\"'„“”")
    if re.fullmatch(rf"{_ENUM}{token.pattern}", bare):  # 'Vertraulich', 'NICHT ÖFFENTLICH!', 'Teil B – nichtöffentlich'
        return Marker(public, part=bare.startswith("teil"))
    m = re.match(rf"^[-–—*•\s]*{_ENUM}({token.pattern})\b", s)
    if m and first_upper and len(words) <= 14 and not sentence:  # 'Nichtöffentliche Beschlussvorlage'
        return Marker(public, part=_is_part(s[m.end():]))
    for m in token.finditer(s):
        before, after = s[: m.start()], s[m.end():]
        if _SEPARATOR_BEFORE.search(before) and _AFTER_OK.match(after) and len(before.split()) <= 8:
            if _TICK_BEFORE.search(before):
                return Marker(public, part=False)
            return Marker(public, part=_is_part(before + " " + after))  # 'Status: nichtöffentlich'
    if len(words) <= 4 and first_upper and words[0] not in _STOP_FIRST and token.search(words[-1]):
        return Marker(public, part=_is_part(s))  # 'Vorlage nichtöffentlich'
    if first_upper and len(words) <= 16 and not sentence and _TITLE.match(s):
        return Marker(public, part=False)  # 'Niederschrift über die nichtöffentliche Sitzung des Rates'
    return None


def _is_part(rest: str) -> bool:
    return bool(re.search(rf"\b{_PART_WORDS}\b", rest)) and not re.search(
        r"vorlage|drucksache|antrag|anfrage|niederschrift|protokoll|einladung", rest)


def _options(s: str) -> Marker | None:
    """A line naming both states: the ticked one counts; no tick = no information; unclear ticks fail closed."""
    ticked = [m for m in re.finditer(rf"{_NP}|{_P}", s) if _TICK_BEFORE.search(s[: m.start()])]
    if not ticked:
        if re.search(rf"[{_TICKED}]|\[x\]|\(x\)", s):
            return Marker(False, part=False)
        return None
    states = {bool(_P_RE.fullmatch(m.group(0))) for m in ticked}
    return Marker(states.pop(), part=False) if len(states) == 1 else Marker(False, part=False)


def document_public(head: list[str]) -> tuple[bool | None, bool]:
    """(public flag the head of a document gives, whether a document-wide non-public marker decided it).

    Any document-wide non-public marker in the head wins, even after a public one (fail closed). A non-public
    part heading before any public marker makes the document non-public; after a public marker it only starts
    a non-public part (the sectioner handles it). Agenda item lines are left to the sectioner.
    """
    first: Marker | None = None
    for line in head:
        if AGENDA_LINE.match(line.strip()):
            continue
        marker = classify_marker(line)
        if marker is None:
            continue
        if not marker.public and not marker.part:
            return False, True
        if first is None:
            first = marker
    if first is None:
        return None, False
    return first.public, False
