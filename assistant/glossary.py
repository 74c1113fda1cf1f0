"""English -> German council vocabulary, used to carry English questions over to German records.

Multilingual embeddings bridge much of the gap, but council German is a register of its own
("Finanzielle Auswirkungen", "Beschlussvorlage", "Ortschaftsrat"). An English question is expanded with the
German terms of the phrases it contains; the expansion feeds the lexical index and a second dense query.
Longer phrases win over the words inside them.

The vocabulary is data, not code: ``assistant/vocabulary/en_de.tsv`` (English phrase -> German terms) and
``de_de.tsv`` (German question word -> the headings that answer it), one tab-separated pair per line, so people
who know council German can review and extend it. Loaded once, on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


def load_tsv(name: str) -> dict[str, str]:
    """``phrase<TAB>terms`` lines of a vocabulary file (``#`` comments and blank lines skipped)."""
    text = resources.files("assistant").joinpath("vocabulary", name).read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        phrase, sep, terms = line.partition("\t")
        if not sep or not phrase.strip() or not terms.strip():
            raise ValueError(f"vocabulary/{name}:{number}: expected 'phrase<TAB>terms'")
        table[phrase.strip().lower()] = terms.strip()
    return table


@dataclass(frozen=True)
class Vocabulary:
    table: dict[str, str]
    pattern: re.Pattern[str]


@cache
def vocabulary(name: str) -> Vocabulary:
    table = load_tsv(name)
    phrases = sorted(table, key=len, reverse=True)
    return Vocabulary(table, re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE))


# Question words are translated only where they ask the question ("When did ...?"), not inside a clause
# ("... look at when reorganising"), where "wann Termin Datum" would only add noise.
_QUESTION_WORDS = frozenset({"when", "who", "where", "how many", "how much"})
_LEAD_IN = re.compile(r"^\W*(?:(?:and|but|so|also|then|ok|okay)\W+)*$", re.IGNORECASE)


def german_terms(question: str) -> str:
    """German council terms for the English phrases in ``question`` (longest phrases first)."""
    en_de = vocabulary("en_de.tsv")
    found: list[str] = []
    for match in en_de.pattern.finditer(question):
        phrase = match.group(1).lower()
        if phrase in _QUESTION_WORDS and not _LEAD_IN.match(question[:match.start()]):
            continue
        # the phrase's own terms, then those of its words ("extra revenue" -> Mehrertrag, then Ertrag)
        for key in [phrase] + ([w for w in phrase.split() if w in en_de.table] if " " in phrase else []):
            found.append(en_de.table[key])
    # each German word once: a word repeated by overlapping phrases would count several times in BM25
    return " ".join(dict.fromkeys(" ".join(found).split()))


def expand_query(question: str, terms: str | None = None) -> str:
    """The question with its German terms (``german_terms`` unless given) appended, for a cross-lingual dense
    query."""
    terms = german_terms(question) if terms is None else terms
    return f"{question} ({terms})" if terms else question


def council_terms(question: str, language: str) -> str:
    """Extra council vocabulary for a question: EN->DE translation, or DE section vocabulary."""
    if language == "en":
        return german_terms(question)
    de_de = vocabulary("de_de.tsv")
    found: list[str] = []
    for match in de_de.pattern.finditer(question):
        terms = de_de.table[match.group(1).lower()]
        if terms not in found:
            found.append(terms)
    return " ".join(found)
