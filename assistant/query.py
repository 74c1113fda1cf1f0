"""A question, analysed once: language, council vocabulary, expected answer types, key terms.

The service analyses each (rewritten) question once and passes the ``QueryAnalysis`` down to retrieval, the
refusal check and the answerer, so none of them detects the language or looks the glossary up again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_types import (
    ANSWER_TYPES,
    SENTENCE_TYPES,
    AnswerType,
    expected_answer_types,
    expected_sections,
)
from assistant.glossary import council_terms, expand_query, german_terms
from assistant.language import detect_language

# words of a question that say what kind of thing is asked, not what it is about
_QUESTION_FILLER = frozenset("""
what when where who whom which why how much many does did do is are was were the a an of for to in on at by
and or with about from this that there their it its be been has have had will would should could can any
was wer wie wann wo warum welche welcher welches welchen viel viele hoch ist sind war waren wurde wurden
werden wird hat haben gibt es der die das den dem des ein eine einen einem und oder mit für von zu zum zur
im in am an auf bei über nach aus sich noch auch bzw denn dazu dafür
""".split())
_WORD = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class QueryAnalysis:
    """What the pipeline needs to know about one question, computed once.

    ``text`` is what is searched (the question, or its standalone rewrite for a follow-up); ``language`` is
    the asker's language (answers are framed in it); ``terms`` the council vocabulary for the search
    (EN→DE for English, section vocabulary for German); ``answer_types`` what retrieval should prefer (sum,
    vote, party, person, place); ``sentence_types`` those plus dates, for picking the answering sentence;
    ``key_terms`` the content words of the question (what it is about, not what kind of thing it asks);
    ``concepts`` each key term with its German council terms (English questions; German: the term alone),
    so a check can ask whether a German sentence carries the concept.
    """

    text: str
    language: str
    terms: str = ""
    answer_types: tuple[AnswerType, ...] = ()
    sentence_types: tuple[AnswerType, ...] = ()
    key_terms: tuple[str, ...] = ()
    concepts: tuple[tuple[str, ...], ...] = ()

    @property
    def dense_queries(self) -> tuple[str, ...]:
        """Texts to embed: the question, and for English the question with its German terms."""
        if self.language == "en" and self.terms:
            return (self.text, expand_query(self.text, self.terms))
        return (self.text,)

    @property
    def headings(self) -> tuple[str, ...]:
        """Section headings the question's vocabulary names ("revenue" -> Finanzielle Auswirkungen)."""
        return expected_sections(self.terms)


def analyse(text: str, *, language: str | None = None, translate: bool = True) -> QueryAnalysis:
    """Analyse ``text``; ``language`` is the asker's when known (a rewritten follow-up keeps the question's)."""
    language = language or detect_language(text)
    terms = council_terms(text, language) if translate else ""
    words = [w for w in _WORD.findall(text) if w.lower() not in _QUESTION_FILLER and len(w) > 1]
    key_terms = tuple(dict.fromkeys(words))
    concepts = tuple((w, *(german_terms(w).split() if translate and language == "en" else ())) for w in key_terms)
    return QueryAnalysis(
        text=text, language=language, terms=terms,
        answer_types=expected_answer_types(text, ANSWER_TYPES),
        sentence_types=expected_answer_types(text, SENTENCE_TYPES),
        key_terms=key_terms, concepts=concepts,
    )
