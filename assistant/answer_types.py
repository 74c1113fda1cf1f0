"""What kind of passage answers a question: a prior on the fused ranking.

"How much does it cost?" is answered by a passage that states a sum of money, "How was it voted?" by one that
gives the vote ("25 Ja, 16 Nein", "einstimmig"). Within the right document, hybrid retrieval often ranks a
passage that talks about the topic above the one that holds the figure; a small multiplicative boost for
passages of the expected answer type moves the figure up. A why-question asks for a reason, so it gets no boost
even when it mentions costs or a vote ("Warum wurde abgestimmt ...", "why are tickets getting more expensive").
"Which group / Welche Fraktion ...?" is answered by a passage that names a party (a motion's signature),
"Wer / who ...?" by one that names someone ("Herr X", "Name (Gemeindedirektor)", "Vorsitz: ..."), "Wo / where
...?" by one with an address or a venue ("Sitzungsort:").

A second, smaller prior prefers passages under the section heading the question's council vocabulary names
("revenue" -> *Finanzielle Auswirkungen*), where council forms state the figure. Measured effects are kept in
``eval/results`` and the README, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WHY = re.compile(r"\b(why|warum|weshalb|wieso|weswegen|aus welchem grund|for what reason)\b", re.IGNORECASE)


@dataclass(frozen=True)
class AnswerType:
    name: str
    question: re.Pattern[str]
    passage: re.Pattern[str]


_STREET = r"(?:[Ss]traße|[Ss]tr\.|[Aa]llee|[Ww]eg|[Pp]latz|[Rr]ing|[Gg]asse|[Dd]amm|[Uu]fer)"
ANSWER_TYPES: tuple[AnswerType, ...] = (
    AnswerType(
        "money",
        re.compile(r"\b(cost|costs|costing|revenue|revenues|price|prices|fee|fees|euros?|expensive|spend|spent|"
                   r"funding|subsid\w*|\w*kosten|kostet|erlös\w*|\w*ertr[aä]ge?|einnahmen|preise?|gebühr\w*|"
                   r"zuschuss|zuschüsse)\b", re.IGNORECASE),
        re.compile(r"\d[\d.,]*\s*(?:tausend\s*|tsd\.?\s*|mio\.?\s*|millionen\s*|mrd\.?\s*)?"
                   r"(?:€|euro\b|eur\b|teur\b|t€|cent\b|ct\b)|(?:€|\beur\b)\s?\d", re.IGNORECASE),
    ),
    AnswerType(
        "party",  # "Welche Fraktion wollte ...?", "Which parliamentary groups signed ...?"
        re.compile(r"\b(?:welche[rsnm]?|von welche[rm]|which|what)\s+(?:\w+\s+)?(?:fraktion(?:en)?|partei(?:en)?|"
                   r"gruppierung(?:en)?|wählergruppe\w*|part(?:y|ies)|(?:council |parliamentary |political )?groups?|"
                   r"factions?)\b", re.IGNORECASE),
        re.compile(r"\b(?:CDU|CSU|SPD|FDP|AfD|GRÜNEN?|Grünen?|B(?:ündnis)?\s?90|LINKE|Linken?|Freie[n]? Wähler|FW|FWV|"
                   r"Volt|KAL|PARTEI|ÖDP|BVB|UWG|FUL)\b"),
    ),
    AnswerType(
        "person",  # "Wer leitet ...?", "Who chaired ...?": a passage that names someone
        re.compile(r"\b(?:wer|who|whom|von wem|mit wem)\b", re.IGNORECASE),
        re.compile(r"\b(?:Herrn?|Frau|Hr\.|Fr\.|Dr\.|Prof\.|gez\.)\s+(?:Dr\.\s+)?[A-ZÄÖÜ][\wäöüß-]+|"
                   r"\b(?:Vorsitz\w*|Betreiber\w*|Träger\w*|Leitung|Ansprechp\w+|Geschäftsführ\w*)(?:\s+\w+){0,2}:\s+"
                   r"(?:[Dd](?:ie|er|as)\s+)?[A-ZÄÖÜ]|"
                   r"\b[A-ZÄÖÜ][a-zäöüß]+\s+[A-ZÄÖÜ][a-zäöüß-]+\s+\((?:[A-ZÄÖÜ]\w*|[a-zäöü]+leitung)"),
    ),
    AnswerType(
        "place",  # "Wo tagt ...?", "Where does ... meet?": a passage with an address or a venue
        re.compile(r"\b(?:wo|where|an welchem ort|in welche[mr] (?:raum|saal|gebäude|schule))\b", re.IGNORECASE),
        re.compile(rf"[A-ZÄÖÜ][\wäöüß-]*\s?{_STREET}\s+\d+|"
                   rf"\b(?:in|an|auf) (?:der|dem) [A-ZÄÖÜ][\wäöüß-]*\s?{_STREET}\b|"
                   r"\b(?:Sitzungsort|Tagungsort|Ort|Raum|Saal):"),
    ),
    AnswerType(
        "vote",
        re.compile(r"\b(vote|voted|votes|voting|abgestimmt|abstimmung\w*|ergebnis|result|mehrheit|majority)\b",
                   re.IGNORECASE),
        re.compile(r"\d+\s*(?:ja|nein)\b|\bja-stimmen|\bnein-stimmen|einstimmig|mehrheitlich|enthaltung",
                   re.IGNORECASE),
    ),
)


def expected_answer_types(question: str, candidates: tuple[AnswerType, ...] = ANSWER_TYPES) -> tuple[AnswerType, ...]:
    """The answer types among ``candidates`` a question asks for (a why-question: only a reason)."""
    if _WHY.search(question):
        return tuple(t for t in candidates if t.name == "reason")
    return tuple(t for t in candidates if t.question.search(question))


def matches_answer_type(text: str, types: tuple[AnswerType, ...]) -> bool:
    return any(t.passage.search(text) for t in types)


# Council section headings a question can ask for through its vocabulary: "what financial impact ..." and
# "wie viel Mehrertrag ..." carry "Finanzielle Auswirkungen" in their council terms (``glossary``), "staff"
# carries "Personelle Auswirkungen", "why" carries "Begründung"/"Erläuterungen".
SECTION_HEADINGS: tuple[str, ...] = (
    "Finanzielle Auswirkungen", "Personelle Auswirkungen", "Bereits begonnene Maßnahmen", "Beschlussvorschlag",
    "Beschlussempfehlung", "Sachverhalt", "Begründung", "Erläuterungen", "Abstimmungsergebnis",
)


def expected_sections(council_terms: str) -> tuple[str, ...]:
    """The section headings named by a question's council terms."""
    return tuple(h for h in SECTION_HEADINGS if h in council_terms)


def in_expected_section(section: str, headings: tuple[str, ...]) -> bool:
    return any(section.startswith(h) for h in headings)


# "When ...?" is answered by a sentence with a date. Used by the extractive answerer only: in retrieval nearly
# every minutes passage carries a date, so a date prior would not tell passages apart.
_MONTH_NAMES = (r"januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|"
                r"january|february|march|may|june|july|october|december|jan|feb|mär|apr|jun|jul|aug|sept?|okt|"
                r"oct|nov|dez|dec")
DATE = AnswerType(
    "date",
    re.compile(r"\b(when|by when|since when|what date|which date|wann|bis wann|seit wann|ab wann|an welchem tag|"
               r"zu welchem termin|datum|termin)\b", re.IGNORECASE),
    re.compile(r"\b(?:0?[1-9]|[12]\d|3[01])\.\s?(?:0?[1-9]|1[0-2])\.(?:\s?\d{2,4})?(?![\d.])|\b\d{4}-\d{2}-\d{2}\b|"
               rf"\b(?:\d{{1,2}}\.?\s*)?(?:{_MONTH_NAMES})\.?\s+\d{{4}}\b|\b(?:{_MONTH_NAMES})\.?\s+\d{{1,2}},?\s+\d{{4}}\b|"
               r"\b(?:frühjahr|sommer|herbst|winter|spring|summer|autumn|ende|anfang|mitte)\s+\d{4}\b|"
               r"(?<![/\d])\b(?:19|20)\d{2}\b(?!/\d)", re.IGNORECASE),  # not a reference ("2024/0153", "1/2025")
)


# "Why ...?" is answered by a sentence that gives a reason: a causal conjunction or a purpose ("weil", "da",
# "aufgrund", "daher", "um … zu", "Grund"). Used by the answerer only, like DATE.
REASON = AnswerType(
    "reason",
    _WHY,
    re.compile(r"\b(?:weil|da(?=\s)|denn|aufgrund|auf grund|wegen|daher|deshalb|deswegen|darum|infolge|zumal|"
               r"grund|gründe[n]?|begründ\w*|ursache\w*|ursächlich|hintergrund|notwendig\w*|erforderlich\w*|"
               r"um\s+(?:\S+\s+){0,8}?(?:zu|\w+zu\w+en)|because|due to|since|reason)\b", re.IGNORECASE),
)
SENTENCE_TYPES: tuple[AnswerType, ...] = (*ANSWER_TYPES, DATE, REASON)


def answer_types_for_sentences(question: str) -> tuple[AnswerType, ...]:
    """The answer types a question asks for when the answerer picks sentences: the retrieval types, date and
    reason."""
    return expected_answer_types(question, SENTENCE_TYPES)


# "How many ...?" is answered by a sentence with a number (a count is not a sum of money). Used by the answer
# check only, like DATE.
_NUMBER_WORDS = (r"zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|"
                 r"two|three|four|five|six|seven|eight|nine|ten")
COUNT = AnswerType(
    "count",
    re.compile(r"\b(how many|wie viele|wieviele|anzahl|number of|wie viel)\b", re.IGNORECASE),
    re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE),
)
# a number that counts nothing: an agenda item or list number, a paragraph, a year, a date
NOT_A_COUNT = re.compile(r"(?:\b(?:TOP|Punkt|Nr\.?|Ziffer|Anlage|Abs\.?|Absatz|Satz|Seite|S\.)|§+)\s*\d[\d.]*|"
                         r"^\W*\d{1,2}\s*[.)](?!\d)|"
                         r"\b(?:19|20)\d{2}\b|\b\d{1,2}\.\d{1,2}\.(?:\d{2,4})?", re.IGNORECASE | re.MULTILINE)
# a whole number as written ("1.800", "1800", "18", "2,5", "zwölf"): what a count is
COUNT_NUMBER = re.compile(rf"(?<![\w.,])(?:\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:,\d+)?(?![\w]|[.,]\d)|"
                          rf"\b(?:{_NUMBER_WORDS})\b", re.IGNORECASE)


def counting_numbers(sentence: str) -> list[re.Match[str]]:
    """The numbers of ``sentence`` that can count something: whole numbers, not a year, a date, an agenda
    item, a paragraph, a page or a list number (positions as in ``sentence``)."""
    blanked = NOT_A_COUNT.sub(lambda m: " " * len(m.group(0)), sentence)
    return [m for m in COUNT_NUMBER.finditer(blanked) if m.group(0)]


def counts_something(sentence: str) -> bool:
    """Does ``sentence`` hold a number that can count something?"""
    return bool(counting_numbers(sentence))


_TYPE_WORDS = re.compile(r"(?:how|much|many|high|viel|viele|hoch|höhe|betrag|summe|anzahl|number|amount|total|"
                         r"gesamt|insgesamt|jahr|year|date|datum|tag|day|ergebnis|result)", re.IGNORECASE)


def is_question_word(word: str) -> bool:
    """Does ``word`` say what kind of fact is asked ("Kosten", "abgestimmt", "when") rather than what about?"""
    if _TYPE_WORDS.fullmatch(word):
        return True
    return any(t.question.fullmatch(word) for t in (*ANSWER_TYPES, DATE, COUNT))


# Where a sentence answers "where?": besides an address or a venue field, a place named after a preposition
# ("bei der Immobilienmesse „Expo Real“ … in München"). Used by the answer check, not as a retrieval prior.
PLACE_IN_SENTENCE = AnswerType(
    "place",
    next(t for t in ANSWER_TYPES if t.name == "place").question,
    re.compile(next(t for t in ANSWER_TYPES if t.name == "place").passage.pattern +
               r"|\b(?:in|im|bei|auf|an)\s+(?:der|dem|den|einer|einem)?\s*(?:\w+\s+)?[„\"]?[A-ZÄÖÜ][\wäöüß-]+"),
)


def for_sentences(types: tuple[AnswerType, ...]) -> tuple[AnswerType, ...]:
    """The sentence-level form of answer types (a wider "place")."""
    return tuple(PLACE_IN_SENTENCE if t.name == "place" else t for t in types)
