"""Answers from retrieved passages. The default needs no LLM: it quotes the sentences that answer.

``AnswerGenerator`` is the protocol every backend implements (an LLM backend plugs in here). The
extractive answerer scores the sentences of the top passages against the question (stemmed terms, German
council vocabulary for English questions, the section heading, the passage's rank), frames them in the
question's language, quotes the German evidence verbatim and numbers the citations. A question that asks
for a sum of money, a vote, a party, a person, a place or a date prefers the sentences that state one
(``answer_types``); an English answer ends with English glosses of the council terms its German quotes use
(``gloss``: "mehrheitlich = by majority"). Together: dev answer_contains 56.4 -> 71.8 %, second question set
40.0 -> 57.1 %.
When the best passage is too far from the question it refuses instead of returning weak matches.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.answer_types import answer_types_for_sentences, matches_answer_type
from assistant.gloss import gloss_line
from assistant.glossary import council_terms, german_terms
from assistant.models import Answer, Citation, Hit
from assistant.safe_output import inert_quote
from assistant.sentences import split_sentences
from assistant.text_analysis import STOPWORDS, GermanAnalyzer

REFUSAL = {
    "de": "Dazu habe ich in den Unterlagen nichts gefunden.",
    "en": "I found nothing about this in the records.",
}
_INTRO = {
    "de": "Laut {label}:",
    "en": "According to {label}:",
}
_QUANTITY = re.compile(r"\b(how (much|many|high|long|old|often)|wie (viel|viele|hoch|lange|alt|oft)|wieviel|"
                       r"when|wann|bis wann|seit wann|cost|kostet|kosten|betrag|höhe|year|jahr|date|datum)\b",
                       re.IGNORECASE)
_DIGIT = re.compile(r"\d")


class AnswerGenerator(Protocol):
    """Turns a question and its retrieved passages into an answer with citations."""

    name: str

    def answer(self, question: str, hits: Sequence[Hit], language: str) -> Answer: ...

    def stream(self, question: str, hits: Sequence[Hit], language: str) -> Iterator[str]: ...


_ANCHOR = re.compile(r"[^\W\d_][\w\-]*|\d{4}", re.UNICODE)
# In German every noun is capitalised, and a citizen's word for a thing is often not the records' word
# ("Löschboot", "Personalmangel"): only a capitalised word in a name position counts as a name.
_DE_NAME_MARKERS = frozenset({
    "in", "im", "aus", "nach", "bei", "von", "vom", "gemeinde", "stadt", "stadtteil", "ortsteil", "ortschaft",
    "landkreis", "kreis", "bezirk", "herr", "herrn", "frau", "bürgermeister", "bürgermeisterin",
    "oberbürgermeister", "oberbürgermeisterin", "ortsvorsteher", "ortsvorsteherin", "stadtrat", "stadträtin",
})


@dataclass(frozen=True)
class RefusalPolicy:
    """When do the records not support an answer?

    1. The question names something (a name, a year) that occurs nowhere in the indexed records: "Wie
       hoch ist die Hundesteuer in Krefeld?" over records without Krefeld (``unknown_terms``; checked by
       the service for questions that are not follow-ups). In German questions only capitalised words in a
       name position count ("in Krefeld", "Gemeinde Nettersheim", "Frau Müller"): a German noun the records
       do not use ("Löschboot") is a paraphrase far more often than a sign that nothing is known.
    2. The closest passage is too far from the question (dense cosine similarity below the threshold of
       the question's language; cross-lingual similarities run lower).
    """

    threshold_de: float = 0.82
    threshold_en: float = 0.78
    known: Callable[..., bool] | None = None  # (word[, public_only=True]) -> occurs in the records

    def support(self, hits: Sequence[Hit]) -> float:
        sims = [h.scores["similarity"] for h in hits[:3] if "similarity" in h.scores]
        return max(sims) if sims else 0.0

    def unknown_terms(self, question: str, language: str, public_only: bool = False) -> list[str]:
        """Names in the question that no indexed record contains (``public_only``: no public record; a
        citizen's check must not consult what the citizen may not see, or the refusal tells them)."""
        if self.known is None:
            return []
        known = functools.partial(self.known, public_only=True) if public_only else self.known
        tokens = _ANCHOR.findall(question)
        unknown = []
        for i, token in enumerate(tokens):
            is_year = token.isdigit()
            if language == "de":
                is_name = (token[0].isupper() and not token.isupper() and i > 0
                           and tokens[i - 1].lower() in _DE_NAME_MARKERS)
            else:  # English capitalises names, not nouns
                is_name = token[0].isupper() and i > 0 and not token.isupper()
            if not (is_year or is_name) or token.lower() in STOPWORDS:
                continue
            if language == "en" and german_terms(token):
                continue  # an English word the glossary translates ("March", "Christmas")
            if not known(token):
                unknown.append(token)
        return unknown

    def refuses(self, question: str, hits: Sequence[Hit], language: str) -> bool:
        """Rule 2 (similarity); rule 1 is applied by the service before any generator runs, because a
        follow-up ("und die Personalkosten?") is about the documents of the previous answer."""
        if not hits:
            return True
        if not any("similarity" in h.scores for h in hits):
            return False  # lexical-only retrieval: no calibrated signal, answer from what matched
        threshold = self.threshold_en if language == "en" else self.threshold_de
        return self.support(hits) < threshold


def refusal_answer(question: str, hits: Sequence[Hit], language: str, generator: str) -> Answer:
    return Answer(question=question, text=REFUSAL[language], language=language, refused=True,
                  hits=tuple(hits), generator=generator)


def document_label(hit: Hit, language: str) -> str:
    c = hit.chunk
    title = inert_quote(c.title or c.source)
    parts = [f"„{title}“" if language == "de" else f"\u201c{title}\u201d"]
    if c.reference:
        parts.append(f"({c.reference})")
    if c.date:
        parts.append(("vom " if language == "de" else "of ") + c.date)
    label = " ".join(parts)
    section = inert_quote(c.section or "")
    if section and section != title:
        label += f", Abschnitt „{section}“" if language == "de" else f", section \u201c{section}\u201d"
    if c.page:
        label += (", S. " if language == "de" else ", p. ") + str(c.page)
    return label


@dataclass(frozen=True)
class _Scored:
    score: float
    hit_index: int
    position: int
    sentence: str


class ExtractiveAnswerer:
    """Quotes the best sentences of the top passages; never invents text."""

    name = "extractive"

    def __init__(self, analyzer: GermanAnalyzer | None = None, *, refusal: RefusalPolicy | None = None,
                 max_sentences: int = 3, max_citations: int = 3, passages: int = 4,
                 type_bonus: float = 0.6) -> None:
        self.analyzer = analyzer or GermanAnalyzer()
        self.refusal = refusal or RefusalPolicy()
        self.max_sentences = max_sentences
        self.max_citations = max_citations
        self.passages = passages
        self.type_bonus = type_bonus

    def _query_terms(self, question: str, language: str) -> set[str]:
        return set(self.analyzer.tokens(f"{question} {council_terms(question, language)}"))

    def _score_sentences(self, question: str, hits: Sequence[Hit], language: str) -> list[_Scored]:
        terms = self._query_terms(question, language)
        wants_number = bool(_QUANTITY.search(question))
        types = answer_types_for_sentences(question)
        scored: list[_Scored] = []
        for i, hit in enumerate(hits[: self.passages]):
            heading_terms = set(self.analyzer.tokens(" ".join(hit.chunk.section_path)))
            heading_bonus = 0.5 * len(terms & heading_terms) / max(len(terms), 1)
            rank_prior = 0.6 / (1 + i)
            for pos, sentence in enumerate(split_sentences(hit.chunk.text)):
                if len(sentence) < 3 or not re.search(r"[^\W\d_]", sentence):
                    continue
                tokens = set(self.analyzer.tokens(sentence))
                overlap = len(terms & tokens) / max(len(terms), 1)
                number_bonus = 0.15 if wants_number and _DIGIT.search(sentence) else 0.0
                type_bonus = self.type_bonus if types and matches_answer_type(sentence, types) else 0.0
                length_penalty = 0.1 if len(sentence) > 400 else 0.0
                score = overlap + heading_bonus + rank_prior + number_bonus + type_bonus - length_penalty
                scored.append(_Scored(score, i, pos, sentence))
        return scored

    def select(self, question: str, hits: Sequence[Hit], language: str) -> list[_Scored]:
        scored = sorted(self._score_sentences(question, hits, language), key=lambda s: -s.score)
        if not scored:
            return []
        best = scored[0].score
        chosen: list[_Scored] = []
        hits_used: set[int] = set()
        for s in scored:
            if len(chosen) >= self.max_sentences or s.score < 0.75 * best:
                break
            if s.hit_index not in hits_used and len(hits_used) >= self.max_citations:
                continue
            if any(s.sentence in c.sentence or c.sentence in s.sentence for c in chosen):
                continue
            chosen.append(s)
            hits_used.add(s.hit_index)
        return sorted(chosen, key=lambda s: (s.hit_index, s.position))

    def answer(self, question: str, hits: Sequence[Hit], language: str) -> Answer:
        if self.refusal.refuses(question, hits, language):
            return refusal_answer(question, hits, language, self.name)
        chosen = self.select(question, hits, language)
        if not chosen:
            return refusal_answer(question, hits, language, self.name)
        numbers: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        for s in chosen:
            numbers.setdefault(s.hit_index, len(numbers) + 1)
            quotes.setdefault(s.hit_index, []).append(s.sentence)
        lines = []
        for hit_index, n in numbers.items():
            hit = hits[hit_index]
            quoted = " … ".join(inert_quote(q) for q in quotes[hit_index])  # the record cannot close it
            quote_marks = ("„", "“") if language == "de" else ("\u201c", "\u201d")
            intro = _INTRO[language].format(label=document_label(hit, language))
            lines.append(f"{intro} {quote_marks[0]}{quoted}{quote_marks[1]} [{n}]")
        if language == "en":  # the quotes stay German: translate the words that carry the decision
            gloss = gloss_line(" ".join(s.sentence for s in chosen))
            if gloss:
                lines.append(gloss)
        citations = tuple(
            citation_for(hits[hit_index], n, " … ".join(quotes[hit_index])) for hit_index, n in numbers.items())
        return Answer(question=question, text="\n\n".join(lines), language=language, refused=False,
                      citations=citations, hits=tuple(hits), generator=self.name)

    def stream(self, question: str, hits: Sequence[Hit], language: str) -> Iterator[str]:
        yield self.answer(question, hits, language).text


def citation_for(hit: Hit, n: int, quote: str) -> Citation:
    c = hit.chunk
    return Citation(n=n, chunk_id=c.chunk_id, document_id=c.document_id, source=c.source,
                    source_path=c.source_path, title=c.title, section=c.section, quote=quote, passage=c.text,
                    page=c.page, reference=c.reference, document_type=c.document_type, date=c.date,
                    body=c.body, public=c.public)
