"""English glosses of the German council terms an answer quotes.

An English-speaking reader gets the evidence verbatim in German; the words that carry a council decision
("mehrheitlich beschlossen", "einstimmig", "abgelehnt", "vertagt", "in den Ausschuss verwiesen") decide what
the quote means. The extractive answerer adds one line that translates the ones that occur in its quotes —
a fixed glossary, never generated text, so nothing is said that the quote does not say.
"""

from __future__ import annotations

import re

# (German regex matched case-insensitively on word boundaries, German headword, English gloss).
# Longer phrases first: "einstimmig angenommen" is glossed once, not as "einstimmig" + "angenommen".
DE_EN_OUTCOMES: tuple[tuple[str, str, str], ...] = (
    (r"einstimmig\w*", "einstimmig", "unanimously"),
    (r"mehrheitlich\w*", "mehrheitlich", "by majority"),
    (r"stimmenmehrheit", "Stimmenmehrheit", "majority of votes"),
    (r"abgelehnt|ablehnung|lehnt\w* \w+ ab", "abgelehnt", "rejected"),
    (r"angenommen", "angenommen", "adopted"),
    (r"beschlossen|beschließt|beschliesst", "beschlossen", "decided / approved"),
    (r"zugestimmt|zustimmung|stimmt\w* \w+ zu", "Zustimmung", "approval (in favour)"),
    (r"gegenstimmen?|nein-stimmen", "Gegenstimmen", "votes against"),
    (r"ja-stimmen", "Ja-Stimmen", "votes in favour"),
    (r"enthaltung(?:en)?|stimmenthaltung(?:en)?", "Enthaltung", "abstention"),
    (r"vertagt|vertagung", "vertagt", "postponed"),
    (r"zurückgestellt|zurückstellung", "zurückgestellt", "deferred"),
    (r"zurückgezogen", "zurückgezogen", "withdrawn"),
    (r"verwiesen|verweisung", "verwiesen", "referred (to a committee)"),
    (r"abgesetzt|von der tagesordnung genommen", "abgesetzt", "removed from the agenda"),
    (r"zur kenntnis genommen|kenntnisnahme", "zur Kenntnis genommen", "noted (no vote)"),
    (r"vorberaten|vorberatung", "Vorberatung", "preliminary discussion"),
    (r"ausschuss|ausschüsse\w*", "Ausschuss", "committee"),
    (r"nichtöffentlich\w*|nicht öffentlich\w*", "nichtöffentlich", "closed session"),
    (r"extern\w*", "extern", "external"),
    (r"online|videokonferenz|digital\w*", "online / Videokonferenz", "online (video conference)"),
    (r"schriftlich\w*", "schriftlich", "in writing"),
    (r"haushalt\w*", "Haushalt", "budget"),
    (r"eingeplant|veranschlagt", "eingeplant", "budgeted"),
    (r"förder\w*|zuschuss|zuschüsse", "Förderung / Zuschuss", "grant / subsidy"),
)
_COMPILED = tuple((re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), german, english)
                  for pattern, german, english in DE_EN_OUTCOMES)
_LABEL = "German terms in the quotes"


def glossed_terms(quoted: str) -> list[tuple[str, str]]:
    """(German word as quoted, English gloss) for the council terms in ``quoted``, in glossary order."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for pattern, _german, english in _COMPILED:
        found = pattern.search(quoted)
        if found and english not in seen:
            seen.add(english)
            out.append((found.group(0), english))  # the word as the quote writes it
    return out


def gloss_line(quoted: str) -> str | None:
    """One line for an English answer: '(German terms in the quotes: einstimmig = unanimously; ...)'."""
    terms = glossed_terms(quoted)
    if not terms:
        return None
    return f"({_LABEL}: " + "; ".join(f"{german} = {english}" for german, english in terms) + ")"
