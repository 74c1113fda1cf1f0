"""Evidence that reads whole: the sentences of a passage as a reader should see them quoted.

* Page furniture goes: header and footer lines a PDF repeats on every page ("4 von 4", "Seite 2",
  "- 3 -") are not part of any sentence.
* The PDF's line breaks are joined: a word hyphenated at the end of a line is put back together
  ("Verwal-\\ntung" -> "Verwaltung"; "Bau- und" stays), other line breaks become spaces inside a sentence.
* A sentence that starts with a reference word ("Hierfür", "Dies", "Damit", "Sie", "This", "It" …) points
  back: it is quoted together with the sentence before it (``with_antecedent``).
* Where a passage sits: the agenda item ("TOP 5 …") and the part of the record ("Anlage: Stellungnahme")
  come from the chunk's section path, so a vote quote can name its agenda item.

Nothing here writes text of its own: every quote is a (whitespace-normalised) substring of the passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.sentences import split_sentences

_PAGE_FURNITURE = re.compile(
    r"^\s*(?:-\s*\d{1,3}\s*-|(?:Seite|Page|S\.)\s*\d{1,3}(?:\s*(?:von|of|/)\s*\d{1,3})?|"
    r"\d{1,3}\s*(?:von|of)\s*\d{1,3})\s*$",
    re.IGNORECASE | re.MULTILINE)
_HYPHEN_BREAK = re.compile(r"(?<=[a-zäöüß])-\n\s*(?=[a-zäöüß])")
_LINE_BREAK = re.compile(r"(?<=\S)[ \t]*\n[ \t]*(?=\S)")
# a line that starts a new unit: a list item keeps its own line ("Ergebnis: einstimmig" stays with the agenda
# item line above it, as the record prints it)
_KEEP_BREAK = re.compile(r"\n(?=\s*(?:[-•▪*]|\d{1,2}[.)])\s)")

REFERENCE_WORDS = frozenset("""
hierfür hierzu hierbei hiermit hierin hiervon hierdurch hierüber dies diese dieser dieses diesem diesen damit
dazu davon dafür dabei darüber daraus darin darauf dagegen deshalb daher demnach dadurch somit folglich
er sie es ihr ihm ihre ihren ihrer sein seine seiner deren dessen
this these that those it its they them their he she therefore thus hence
""".split())
_FIRST_WORD = re.compile(r"^[\"'„“(]*([^\W\d_]+)")

AGENDA_ITEM = re.compile(r"^(?:TOP|Top|Tagesordnungspunkt|Punkt|Ö|N|NÖ)\s?\d{1,3}(?:\.\d{1,3})*\b")
_PART = re.compile(r"^(?:Anlage|Anhang|Protokoll|Niederschrift|Einladung|Hauptdokument|Datei|Vorlage|"
                   r"Beschlussvorlage|Antrag|Anfrage|Stellungnahme|Mitteilung|Ergebnisprotokoll|Tagesordnung|"
                   r"Beratungsfolge)\b", re.IGNORECASE)


def clean_passage(text: str) -> str:
    """``text`` without page headers/footers, hyphenation at line ends undone, wrapped lines joined."""
    text = text.replace("\r\n", "\n").replace("\u00ad", "")
    text = _PAGE_FURNITURE.sub("", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = _HYPHEN_BREAK.sub("", text)
    kept = _KEEP_BREAK.sub("\n\n", text)  # list items stay units of their own
    return _LINE_BREAK.sub(" ", kept)


def passage_sentences(text: str) -> list[str]:
    """The sentences of a passage after ``clean_passage``."""
    return split_sentences(clean_passage(text))


def points_back(sentence: str) -> bool:
    """Does the sentence start with a word that refers to the sentence before it?"""
    match = _FIRST_WORD.match(sentence.strip())
    return match is not None and match.group(1).lower() in REFERENCE_WORDS


def with_antecedent(sentences: Sequence[str], index: int) -> tuple[int, str]:
    """(first index, text) of sentence ``index`` with the sentence it refers back to, if it does."""
    sentence = sentences[index]
    if index > 0 and points_back(sentence):
        return index - 1, f"{sentences[index - 1]} {sentence}"
    return index, sentence


def normalise(text: str) -> str:
    """For comparing a quote with a passage: hyphenation at line ends undone, whitespace collapsed,
    typographic quotes and dashes unified, case folded."""
    text = _HYPHEN_BREAK.sub("", text.replace("\u00ad", ""))
    text = re.sub("[\"\u201c\u201d\u201e\u201f\u00ab\u00bb']", "'", text)
    text = re.sub("[\u2013\u2014]", "-", text)
    return " ".join(text.split()).casefold()


def occurs_in(quote: str, passage: str) -> bool:
    """Is ``quote`` (at least a few words) really in ``passage``, up to whitespace and hyphenation?"""
    q = normalise(quote).strip(" .…")
    if len(q.split()) < 3:
        return False
    return q in normalise(clean_passage(passage)) or q in normalise(passage)


def agenda_item(section_path: Sequence[str]) -> str | None:
    """The agenda item ("TOP 5 Bebauungsplan …") a passage belongs to, from its section path."""
    items = [p for p in section_path if AGENDA_ITEM.match(p.strip())]
    return items[-1].strip() if items else None


def record_part(section_path: Sequence[str], title: str = "") -> str | None:
    """The part of the record a passage comes from ("Anlage: Stellungnahme"): OParl records put the part
    name first in the section path (after the agenda item of a meeting's file)."""
    path = [p for p in section_path if p]
    if path and AGENDA_ITEM.match(path[0]):
        path = path[1:]
    if path and path[0] != title and _PART.match(path[0]):
        return path[0]
    return None
