"""English glosses of the German council terms an answer quotes.

An English-speaking reader gets the evidence verbatim in German; the words that carry a council decision
("mehrheitlich beschlossen", "einstimmig", "abgelehnt", "vertagt", "in den Ausschuss verwiesen") decide what
the quote means. The extractive answerer adds one line that translates the ones that occur in its quotes —
a fixed glossary, never generated text, so nothing is said that the quote does not say.
"""

from __future__ import annotations

import re

# (German regex matched case-insensitively on word boundaries, English gloss); the line shows the German word
# as the quote writes it, in this order.
DE_EN_OUTCOMES: tuple[tuple[str, str], ...] = (
    (r"einstimmig\w*", "unanimously"),
    (r"mehrheitlich\w*", "by majority"),
    (r"stimmenmehrheit", "majority of votes"),
    (r"abgelehnt|ablehnung|lehnt\w* \w+ ab", "rejected"),
    (r"angenommen", "adopted"),
    (r"beschlossen|beschließt|beschliesst", "decided / approved"),
    (r"zugestimmt|zustimmung|stimmt\w* \w+ zu", "approval (in favour)"),
    (r"gegenstimmen?|nein-stimmen", "votes against"),
    (r"ja-stimmen", "votes in favour"),
    (r"enthaltung(?:en)?|stimmenthaltung(?:en)?", "abstention"),
    (r"vertagt|vertagung", "postponed"),
    (r"zurückgestellt|zurückstellung", "deferred"),
    (r"zurückgezogen", "withdrawn"),
    (r"verwiesen|verweisung", "referred (to a committee)"),
    (r"abgesetzt|von der tagesordnung genommen", "removed from the agenda"),
    (r"zur kenntnis genommen|kenntnisnahme", "noted (no vote)"),
    (r"vorberaten|vorberatung", "preliminary discussion"),
    (r"ausschuss|ausschüsse\w*", "committee"),
    (r"nichtöffentlich\w*|nicht öffentlich\w*", "closed session"),
    (r"extern\w*", "external"),
    (r"online|videokonferenz|digital\w*", "online (video conference)"),
    (r"schriftlich\w*", "in writing"),
    (r"haushalt\w*", "budget"),
    (r"eingeplant|veranschlagt", "budgeted"),
    (r"förder\w*|zuschuss|zuschüsse", "grant / subsidy"),
)
_COMPILED = tuple((re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), english) for pattern, english in DE_EN_OUTCOMES)
_LABEL = "German terms in the quotes"


def glossed_terms(quoted: str) -> list[tuple[str, str]]:
    """(German word as quoted, English gloss) for the council terms in ``quoted``, in glossary order."""
    found = ((pattern.search(quoted), english) for pattern, english in _COMPILED)
    return [(match.group(0), english) for match, english in found if match]  # the word as the quote writes it


def gloss_line(quoted: str) -> str | None:
    """One line for an English answer: '(German terms in the quotes: einstimmig = unanimously; ...)'."""
    terms = glossed_terms(quoted)
    if not terms:
        return None
    return f"({_LABEL}: " + "; ".join(f"{german} = {english}" for german, english in terms) + ")"
