"""Answers from retrieved passages. The default needs no LLM: it quotes the sentences that answer.

``AnswerGenerator`` is the protocol every backend implements (an LLM backend plugs in here); it receives the
question's ``QueryAnalysis`` (language, council terms, answer types, key terms), so no answerer detects the
language or looks the glossary up again. Three outcomes:

* **answered** — a sentence of the cited passages states a fact of the asked type about the asked thing
  (``support``). The first line gives that fact (``short_answer``: the amount with what it is for and the
  year, the date with the event, the vote with agenda item, body, date and result, the name with its
  context; of several amounts the one the question's words point to, named by the words before it; of two
  votes each with its label); then the quotes as numbered evidence, the first of them [1] the one the first
  line is taken from. Quotes are cleaned (``evidence``: no page headers, PDF
  line breaks joined, a sentence starting with "Hierfür"/"Dies"/"This" brings the sentence before it).
* **related records, no answer** (``refused=True, related=True``) — the passages are on the topic but no
  sentence states the asked fact; the closest records are cited so the reader can read on.
* **nothing found** (``refused=True, related=False``) — the question names something no record the asker
  may see contains, or the best passage is too far from the question.

The extractive answerer scores the sentences of the top passages against the question (stemmed terms, German
council vocabulary for English questions, the section heading, the passage's rank, the expected answer type)
and quotes the German evidence verbatim; an English answer ends with English glosses of the council terms
its German quotes use (``gloss``). Measured effects live in ``eval/results`` and the README.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.answer_types import ANSWER_TYPES, matches_answer_type
from assistant.evidence import agenda_item, passage_sentences, with_antecedent
from assistant.gloss import gloss_line
from assistant.models import Answer, Citation, Hit
from assistant.names import question_names
from assistant.query import QueryAnalysis, analyse
from assistant.safe_output import inert_quote
from assistant.short_answer import compose
from assistant.support import FactCheck, Finding
from assistant.text_analysis import GermanAnalyzer

REFUSAL = {
    "de": "Dazu habe ich in den Unterlagen nichts gefunden.",
    "en": "I found nothing about this in the records.",
}
_INTRO = {
    "de": "Laut {label}:",
    "en": "According to {label}:",
}
RELATED = {
    "de": "Die gefundenen Unterlagen behandeln das Thema, nennen aber nicht {fact}. Zum Weiterlesen:",
    "en": "The records found discuss the topic but do not state {fact}. To read on:",
}
_ASKED_FACT = {
    "de": {"money": "den gefragten Betrag", "date": "das gefragte Datum", "vote": "das Abstimmungsergebnis",
           "party": "die gefragte Fraktion", "person": "die gefragte Person", "place": "den gefragten Ort",
           "count": "die gefragte Zahl", "reason": "den gefragten Grund", "": "die gefragte Angabe"},
    "en": {"money": "the amount asked for", "date": "the date asked for", "vote": "the result of the vote",
           "party": "the group asked for", "person": "the person asked for", "place": "the place asked for",
           "count": "the number asked for", "reason": "the reason asked for", "": "what was asked"},
}
_QUANTITY = re.compile(r"\b(how (much|many|high|long|old|often)|wie (viel|viele|hoch|lange|alt|oft)|wieviel|"
                       r"when|wann|bis wann|seit wann|cost|kostet|kosten|betrag|höhe|year|jahr|date|datum)\b",
                       re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_YES_COUNT = re.compile(r"\d+\s*ja\b|\d+\s*ja-stimmen", re.IGNORECASE)
_NO_COUNT = re.compile(r"\d+\s*(?:nein|gegenstimm)", re.IGNORECASE)


class AnswerGenerator(Protocol):
    """Turns a question and its retrieved passages into an answer with citations.

    ``analysis`` is the question's ``QueryAnalysis`` (the service passes the one retrieval used); a plain
    language code is accepted for callers that have none (the question is then analysed once, here)."""

    name: str

    def answer(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str) -> Answer: ...

    def stream(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str) -> Iterator[str]: ...


def as_analysis(question: str, analysis: QueryAnalysis | str) -> QueryAnalysis:
    """The question's analysis; a bare language code means: analyse ``question`` in that language."""
    if isinstance(analysis, QueryAnalysis):
        return analysis
    return analyse(question, language=analysis if analysis in REFUSAL else None)


def language_of(analysis: QueryAnalysis | str) -> str:
    language = analysis.language if isinstance(analysis, QueryAnalysis) else analysis
    return language if language in REFUSAL else "de"


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
        unknown = []
        for name in question_names(question, language):
            if not known(name.text):
                unknown.append(name.text)
        return unknown

    def refuses(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str) -> bool:
        """Rule 2 (similarity); rule 1 is applied by the service before any generator runs, because a
        follow-up ("und die Personalkosten?") is about the documents of the previous answer."""
        language = language_of(analysis)
        if not hits:
            return True
        if not any("similarity" in h.scores for h in hits):
            return False  # lexical-only retrieval: no calibrated signal, answer from what matched
        threshold = self.threshold_en if language == "en" else self.threshold_de
        return self.support(hits) < threshold


def refusal_answer(question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str, generator: str) -> Answer:
    """Nothing found: no record the asker may see supports an answer (``related=False``)."""
    language = language_of(analysis)
    return Answer(question=question, text=REFUSAL[language], language=language, refused=True,
                  hits=tuple(hits), generator=generator)


def asked_fact(analysis: QueryAnalysis) -> str:
    types = [t.name for t in analysis.sentence_types]
    return types[0] if types else ""


def related_answer(question: str, hits: Sequence[Hit], analysis: QueryAnalysis, generator: str,
                   quotes: dict[int, str], max_records: int = 3) -> Answer:
    """Related records, no answer: the passages discuss the topic but state no fact of the asked kind.
    The closest records are cited (one passage each, quoting its sentence closest to the question)."""
    language = language_of(analysis)
    fact = _ASKED_FACT[language].get(asked_fact(analysis), _ASKED_FACT[language][""])
    lines = [RELATED[language].format(fact=fact)]
    citations: list[Citation] = []
    seen: set[str] = set()
    for i, hit in enumerate(hits):
        if len(citations) >= max_records:
            break
        if hit.chunk.document_id in seen:
            continue
        seen.add(hit.chunk.document_id)
        n = len(citations) + 1
        quote = quotes.get(i) or ""
        citations.append(citation_for(hit, n, quote))
        lines.append(f"[{n}] {document_label(hit, language)}")
    return Answer(question=question, text="\n".join(lines), language=language, refused=True, related=True,
                  citations=tuple(citations), hits=tuple(hits), generator=generator)


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
    sentence: str  # as quoted: the sentence with the one it refers back to
    start: int = -1  # position of the first quoted sentence

    @property
    def first(self) -> int:
        return self.position if self.start < 0 else self.start


class ExtractiveAnswerer:
    """Quotes the best sentences of the top passages; never invents text."""

    name = "extractive"

    def __init__(self, analyzer: GermanAnalyzer | None = None, *, refusal: RefusalPolicy | None = None,
                 max_sentences: int = 3, max_citations: int = 3, passages: int = 4,
                 type_bonus: float = 0.6, check: FactCheck | None = None) -> None:
        self.analyzer = analyzer or GermanAnalyzer()
        self.refusal = refusal or RefusalPolicy()
        self.max_sentences = max_sentences
        self.max_citations = max_citations
        self.passages = passages
        self.type_bonus = type_bonus
        self.check = check or FactCheck(self.analyzer, passages=passages)

    def _score_sentences(self, analysis: QueryAnalysis, hits: Sequence[Hit]) -> list[_Scored]:
        terms = set(self.analyzer.tokens(f"{analysis.text} {analysis.terms}"))
        wants_number = bool(_QUANTITY.search(analysis.text))
        types = analysis.sentence_types
        scored: list[_Scored] = []
        for i, hit in enumerate(hits[: self.passages]):
            heading_terms = set(self.analyzer.tokens(" ".join(hit.chunk.section_path)))
            heading_bonus = 0.5 * len(terms & heading_terms) / max(len(terms), 1)
            rank_prior = 0.6 / (1 + i)
            sentences = passage_sentences(hit.chunk.text)
            for pos, sentence in enumerate(sentences):
                if len(sentence) < 3 or not re.search(r"[^\W\d_]", sentence):
                    continue
                start, quoted = with_antecedent(sentences, pos)
                tokens = set(self.analyzer.tokens(quoted))
                overlap = len(terms & tokens) / max(len(terms), 1)
                number_bonus = 0.15 if wants_number and _DIGIT.search(sentence) else 0.0
                type_bonus = self.type_bonus if types and matches_answer_type(sentence, types) else 0.0
                length_penalty = 0.1 if len(quoted) > 400 else 0.0
                score = overlap + heading_bonus + rank_prior + number_bonus + type_bonus - length_penalty
                scored.append(_Scored(score, i, pos, quoted, start))
        return scored

    def select(self, analysis: QueryAnalysis, hits: Sequence[Hit], lead: Finding | None = None) -> list[_Scored]:
        """The quoted sentences; ``lead`` (the sentence that states the asked fact) comes first."""
        scored = sorted(self._score_sentences(analysis, hits), key=lambda s: -s.score)
        if not scored:
            return []
        chosen: list[_Scored] = []
        if lead is not None:
            chosen.append(next((s for s in scored if (s.hit_index, s.position) == (lead.hit_index, lead.position)),
                               _Scored(scored[0].score, lead.hit_index, lead.position, lead.text, lead.start)))
        best = scored[0].score
        hits_used = {c.hit_index for c in chosen}
        for s in scored:
            if len(chosen) >= self.max_sentences or s.score < 0.75 * best:
                break
            if s.hit_index not in hits_used and len(hits_used) >= self.max_citations:
                continue
            if any(s.hit_index == c.hit_index and (s.sentence in c.sentence or c.sentence in s.sentence)
                   for c in chosen):
                continue
            chosen.append(s)
            hits_used.add(s.hit_index)
        first = chosen[0].hit_index
        return sorted(chosen, key=lambda s: (s.hit_index != first, s.hit_index, s.first))

    def closest_sentences(self, analysis: QueryAnalysis, hits: Sequence[Hit]) -> dict[int, str]:
        """Per passage, the sentence closest to the question (quoted by the related-records outcome)."""
        best: dict[int, _Scored] = {}
        for s in self._score_sentences(analysis, hits):
            if s.hit_index not in best or s.score > best[s.hit_index].score:
                best[s.hit_index] = s
        return {i: s.sentence for i, s in best.items()}

    def answer(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str) -> Answer:
        analysis = as_analysis(question, analysis)
        if self.refusal.refuses(question, hits, analysis):
            return refusal_answer(question, hits, analysis, self.name)
        answering = self.check.answering(analysis, hits)
        if not answering:
            return related_answer(question, hits, analysis, self.name, self.closest_sentences(analysis, hits))
        return self.answer_from(question, hits, analysis, answering[0])

    def answer_from(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis,
                    lead: Finding | None) -> Answer:
        """The answer led by ``lead``: its fact as the first line, then the numbered quotes."""
        language = language_of(analysis)
        chosen = self.select(analysis, hits, lead)
        if not chosen:
            return refusal_answer(question, hits, analysis, self.name)
        numbers: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        for s in chosen:
            numbers.setdefault(s.hit_index, len(numbers) + 1)
            quotes.setdefault(s.hit_index, []).append(s.sentence)
        first = (lead.sentence, lead.hit_index) if lead is not None else (chosen[0].sentence, chosen[0].hit_index)
        terms = set(self.analyzer.tokens(f"{analysis.text} {analysis.terms}"))
        sentence = self._whole_vote(lead, first[0], hits[first[1]])
        short = compose(self.check.types(analysis), sentence, hits[first[1]], language, numbers[first[1]],
                        question=analysis.text,
                        focus=lambda text: len(terms & set(self.analyzer.tokens(text))))
        lines = [short.text]
        quote_marks = ("„", "“") if language == "de" else ("\u201c", "\u201d")
        for hit_index, n in numbers.items():
            hit = hits[hit_index]
            quoted = " … ".join(inert_quote(q) for q in quotes[hit_index])  # the record cannot close it
            label = document_label(hit, language)
            item = agenda_item(hit.chunk.section_path)
            if item and item != hit.chunk.section and any(matches_answer_type(q, _VOTE) for q in quotes[hit_index]):
                label += (", Tagesordnungspunkt „" if language == "de" else ", agenda item \u201c") + \
                    inert_quote(item) + ("“" if language == "de" else "\u201d")
            intro = _INTRO[language].format(label=label)
            lines.append(f"{intro} {quote_marks[0]}{quoted}{quote_marks[1]} [{n}]")
        if language == "en":  # the quotes stay German: translate the words that carry the decision
            gloss = gloss_line(" ".join(s.sentence for s in chosen))
            if gloss:
                lines.append(gloss)
        citations = tuple(
            citation_for(hits[hit_index], n, " … ".join(quotes[hit_index])) for hit_index, n in numbers.items())
        return Answer(question=question, text="\n\n".join(lines), language=language, refused=False,
                      citations=citations, hits=tuple(hits), generator=self.name, short_answer=short.text)

    @staticmethod
    def _whole_vote(lead: Finding | None, sentence: str, hit: Hit) -> str:
        """A vote the sentence splitter cut at an abbreviation ("24 Ja-Stimmen (… GR." | "Faber) gegen 11
        Nein-Stimmen"): the yes count's sentence goes on into the next one, which has the no count."""
        if lead is None or not _YES_COUNT.search(sentence) or _NO_COUNT.search(sentence):
            return sentence
        sentences = passage_sentences(hit.chunk.text)
        following = sentences[lead.position + 1] if lead.position + 1 < len(sentences) else ""
        return f"{sentence} {following}" if _NO_COUNT.search(following) else sentence

    def stream(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str) -> Iterator[str]:
        yield self.answer(question, hits, analysis).text


_VOTE = tuple(t for t in ANSWER_TYPES if t.name == "vote")


def citation_for(hit: Hit, n: int, quote: str) -> Citation:
    c = hit.chunk
    return Citation(n=n, chunk_id=c.chunk_id, document_id=c.document_id, source=c.source,
                    source_path=c.source_path, title=c.title, section=c.section, quote=quote, passage=c.text,
                    page=c.page, reference=c.reference, document_type=c.document_type, date=c.date,
                    body=c.body, public=c.public, section_path=tuple(c.section_path),
                    ocr=bool(getattr(c, "ocr", False)))
