"""Do the passages state the asked fact about the asked thing?

Similarity says a passage is *on the topic*; a citizen's question asks for one fact. The check here looks for
a sentence in the cited passages that

1. states a fact of the asked type — a sum of money, a date, a vote, a name, a party, a place, a count
   (``answer_types``; questions of no particular type skip this part), and
2. is about the asked thing: the question's key terms (its content words; for an English question the
   German council terms of its words and the names it contains), stemmed with the analyzer, occur in the
   same sentence (with the sentence before it: a result line follows the motion it decides) or in the
   same agenda item (its heading and text) or the record's title.

A who-question is answered by a person or an organisation ("Geldinstitute", "der Betreiber"); a German how-many
question by a sentence that names what it counts next to a number that counts (not "TOP 4", a list number or a
year); "how many votes" by counts, not "einstimmig"; a German when-question by a date near the asked thing (a noun
out of a name position, named in the sentence, the two before it or its headings, not only in the record's
title). Among sentences equally about the question, a vote under the agenda item whose own heading names the
question's terms comes first, then one that gives the counts, then one in the council form's section the question
names, then the sentence that itself names more of the question (every sentence of a passage shares its title and
headings: the figure for the asked thing, not the passage's first figure). A why-question prefers a sentence that
gives a reason ("weil", "aufgrund", "um … zu") but does not require one.

No sentence passes: the records discuss the topic but do not state the asked fact (the "related records,
no answer" outcome). The signals are properties of the question and the sentence, not of a question set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer_types import (
    ANSWER_TYPES,
    COUNT,
    AnswerType,
    counts_something,
    for_sentences,
    in_expected_section,
    is_question_word,
)
from assistant.evidence import agenda_item, passage_sentences, with_antecedent
from assistant.models import Hit
from assistant.query import QueryAnalysis
from assistant.text_analysis import GermanAnalyzer, words

_NAME_OR_NUMBER = re.compile(r"^(?:[A-ZÄÖÜ][\wäöüß-]*|\d[\d.,/-]*)$")


# "Wie viele Einwohner …?", "How many cleaners …?": the counted thing is the word after the question words
PERSON = next(t for t in ANSWER_TYPES if t.name == "person")
_COUNTED = re.compile(r"\b(?:wie\s*viele|how many|anzahl der|number of)\s+(?:(?:der|die|the|of)\s+)?"
                      r"((?:[^\W\d_][\w-]*\s*){1,3})", re.IGNORECASE)
_VOTE_ASKED = re.compile(r"\b(?:vote[sd]?|voting|abgestimmt|abstimmung\w*|mehrheit|majority|stimmen)\b",
                         re.IGNORECASE)
_HOW_HIGH = re.compile(r"\b(?:wie hoch|how high|how much|wie viel|wieviel)\b", re.IGNORECASE)

_ORGANISATION = (r"\b(?=[A-ZÄÖÜ])[\wäöüß-]*?(?i:institut|gesellschaft|verband|verein|unternehmen|betreiber|anbieter|"
                 r"behörde|bank|sparkasse|stadtwerke|stiftung|agentur|firma|polizei|genossenschaft|ministerium|"
                 r"präsidium|landratsamt)[\wäöüß]*|\b(?:GmbH|AG|e\.\s?V\.|KG|mbH)(?!\w)")
_PERSON_OR_ORGANISATION = AnswerType("person", PERSON.question, re.compile(f"{PERSON.passage.pattern}|{_ORGANISATION}"))

_VOTE_COUNTS = re.compile(r"\d+\s*(?:ja|nein|gegenstimm|stimmenthaltung|enthaltung)", re.IGNORECASE)

_WORD = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*", re.UNICODE)
_NAME_MARKERS = frozenset("""in im aus nach bei von vom gemeinde stadt stadtteil ortsteil ortschaft landkreis kreis
bezirk herr herrn frau""".split())

_SPECIFIC = ("vote", "date", "person", "party", "place", "count", "money")


@dataclass(frozen=True)
class Finding:
    """A sentence of passage ``hit_index`` (position ``start``..``position`` after evidence clean-up)."""

    hit_index: int
    position: int
    start: int
    text: str  # the sentence with the one it refers back to
    sentence: str  # the sentence itself (where the fact is)
    about: float  # share of the question's key concepts it carries
    typed: bool  # states a fact of the asked type (or stands in the form section that states it)
    exact: bool = True  # the sentence itself has the asked kind of value (a sum, a date, a vote …)
    rank: int = 0  # which asked type it states (vote before date before … before a sum: the more specific)
    words: int = 0  # question words it carries, type words included ("Gesamtkosten"): breaks ties
    item: float = 0.0  # share of the key concepts its agenda item's heading names: breaks ties first
    counts: int = 0  # vote counts it gives ("38 Ja", "6 Nein"), for a vote: a result with its counts first
    on_topic: bool = True  # the question's thing (a noun that is no name) is named in or just before it
    own: float = 0.0  # share of the key concepts the sentence itself (with the one it refers to) carries: ties
    form: bool = False  # stands in the council form's section the question names ("Finanzielle Auswirkungen")


@dataclass(frozen=True)
class FactCheck:
    """Finds the sentences that state the asked fact; thresholds are shares of the key concepts."""

    analyzer: GermanAnalyzer
    min_about_typed: float = 0.4
    min_about_untyped: float = 0.0  # a question of no particular type: similarity and names decide
    passages: int = 4
    with_title: bool = True
    headings: bool = True
    window: int = 2  # sentences before the one that states the fact that still speak of the same thing
    minor_weight: float = 0.5
    translated_weight: float = 1.0  # an English word's German council terms (a word-by-word glossary guess)
    count_named: bool = True  # a how-many answer names what it counts, with a number that counts
    how_high: bool = True  # "Wie hoch ist …?" of no other type asks for a number
    item_first: bool = True  # ties: the vote under the agenda item whose heading names the question
    vote_counts_first: bool = True  # ties: a vote result with its counts
    organisations: bool = True  # an organisation answers a who-question
    topic_types: tuple[str, ...] = ("date",)  # German questions of these types: the asked thing is named near
    vote_count_asked: bool = True  # "How many votes …?" is answered by counts, not "einstimmig"
    counting: bool = True  # a count is a number that counts: not only a year, date, agenda item or paragraph
    own_first: bool = True  # ties of ``about``: the sentence that itself names more of the question first

    def concepts(self, analysis: QueryAnalysis) -> list[tuple[frozenset[str], float, frozenset[str]]]:
        """Key concepts of the question: (the stems any one of which carries it, weight). Nouns and names
        (capitalised, or numbers) weigh 1, other German words (verbs, adjectives) ``minor_weight``; an
        English word counts through its German council terms (a word without any cannot occur in a German
        record and is left out), a name or number as itself. The third element holds the stems of the whole
        words (the rest are compound parts)."""
        out: list[tuple[frozenset[str], float, frozenset[str]]] = []
        seen: set[frozenset[str]] = set()
        for word, *german in analysis.concepts or tuple((w,) for w in analysis.key_terms):
            if is_question_word(word):
                continue
            name = bool(_NAME_OR_NUMBER.match(word))
            if analysis.language == "en" and not name:
                if not german:
                    continue
                text, weight = " ".join(german), self.translated_weight
            else:
                text, weight = " ".join([word, *german]), 1.0 if name else self.minor_weight
            stems = frozenset(self.analyzer.tokens(text))
            whole = frozenset(self.analyzer.stem(w) for w in words(text))
            if stems and stems not in seen:
                seen.add(stems)
                out.append((stems, weight, whole))
        return out

    def types(self, analysis: QueryAnalysis) -> tuple[AnswerType, ...]:
        """The asked types, the most specific first (a vote question that mentions a subsidy asks for the vote)."""
        asks_count = COUNT.question.search(analysis.text) or (self.how_high and _HOW_HIGH.search(analysis.text))
        counts = (COUNT,) if asks_count and not analysis.sentence_types else ()
        sentence_types = analysis.sentence_types
        if _HOW_HIGH.search(analysis.text) and not _VOTE_ASKED.search(analysis.text):
            # "Wie hoch war das ordentliche Ergebnis?": a result that is a figure, not a vote
            sentence_types = tuple(t for t in sentence_types if t.name != "vote")
            counts = counts or ((COUNT,) if not sentence_types else ())
        asked = for_sentences((*sentence_types, *counts))
        if self.organisations:  # "Wer …?" is answered by an organisation too ("Geldinstitute", "der Betreiber")
            asked = tuple(_PERSON_OR_ORGANISATION if t.name == "person" else t for t in asked)
        return tuple(sorted(asked, key=lambda t: _SPECIFIC.index(t.name) if t.name in _SPECIFIC else len(_SPECIFIC)))

    def _covers(self, concept: frozenset[str], stems: set[str], whole: frozenset[str]) -> bool:
        """A concept is carried by its whole word's stem, or by all of its compound parts together."""
        return bool(concept & whole & stems) or (len(concept - whole) > 0 and concept - whole <= stems)

    def findings(self, analysis: QueryAnalysis, hits: Sequence[Hit]) -> list[Finding]:
        """Every sentence of the top passages, scored; best first (typed, then about)."""
        concepts = self.concepts(analysis)
        types = self.types(analysis)
        question_stems = set(self.analyzer.tokens(f"{analysis.text} {analysis.terms}"))
        shown = list(hits[: self.passages])
        subject = concepts
        topics = self.topics(analysis) if self.topic_types and types and types[0].name in self.topic_types else []
        total = sum(wt for _, wt, _ in subject)
        # a reason is preferred, not required: a why-question's answer need not say "weil"
        soft = bool(types) and types[0].name == "reason"
        out: list[Finding] = []
        for i, hit in enumerate(shown):
            # a council form's section the question's vocabulary names ("Personalkosten" -> Personelle
            # Auswirkungen) states the asked effect, with or without a figure ("Sind im Haushalt eingeplant")
            form_answer = bool(analysis.headings) and in_expected_section(hit.chunk.section, analysis.headings)
            item = agenda_item(hit.chunk.section_path)
            item_stems = set(self.analyzer.tokens(item)) if item else set()
            # how much of the question the agenda item's own heading names (a vote under the asked item, not
            # one that merely has a vote)
            own = sum(wt for c, wt, w in subject if self._covers(c, item_stems, w)) / total if total and item else 0.0
            if self.headings:  # the section's headings name what its sentences are about
                item_stems |= set(self.analyzer.tokens(" ".join(hit.chunk.section_path)))
            heading_stems = set(self.analyzer.tokens(" ".join(hit.chunk.section_path)))
            if self.with_title:
                item_stems |= set(self.analyzer.tokens(hit.chunk.title or ""))
            sentences = passage_sentences(hit.chunk.text)
            for pos, sentence in enumerate(sentences):
                if len(sentence) < 3 or not re.search(r"[^\W\d_]", sentence):
                    continue
                start, text = with_antecedent(sentences, pos)
                window = " ".join(sentences[max(0, start - self.window): pos + 1])
                window_stems = set(self.analyzer.tokens(window))  # analysed once: about and on-topic
                stems = window_stems | item_stems
                about = sum(wt for c, wt, w in subject if self._covers(c, stems, w)) / total if total else 1.0
                rank = next((r for r, t in enumerate(types) if t.passage.search(sentence)
                             and (t.name != "count" or not self.counting or counts_something(sentence))), len(types))
                exact = rank < len(types) if types else True
                carried = len(question_stems & set(self.analyzer.tokens(sentence)))
                said = set(self.analyzer.tokens(text))
                itself = sum(wt for c, wt, w in subject if self._covers(c, said, w)) / total if total else 0.0
                counts = len(_VOTE_COUNTS.findall(sentence)) if rank < len(types) and types[rank].name == "vote" else 0
                near = window_stems | heading_stems
                on_topic = not topics or any(self._covers(c, near, w) for c, w in topics)
                typed = form_answer or exact or soft
                out.append(Finding(i, pos, start, text, sentence, about, typed, exact, rank, carried,
                                   own if self.item_first else 0.0, counts if self.vote_counts_first else 0, on_topic,
                                   itself if self.own_first else 0.0, form_answer))
        return sorted(out, key=lambda f: (not f.typed, not f.exact, f.rank, -f.about, -f.item, -f.counts, not f.form,
                                          -f.own,
                                          -f.words,
                                          f.hit_index,
                                          f.position))

    def topics(self, analysis: QueryAnalysis) -> list[tuple[frozenset[str], frozenset[str]]]:
        """The question's things, not its names: German nouns out of a name position ("Dorffest" in "Wann
        findet das nächste Dorffest in Ahnsen statt?", not "Ahnsen"). (stems, whole-word stems)."""
        if analysis.language == "en":
            return []
        tokens = _WORD.findall(analysis.text)
        names = {b for a, b in zip(tokens, tokens[1:]) if a.lower() in _NAME_MARKERS}
        out = []
        for word, *german in analysis.concepts or tuple((w,) for w in analysis.key_terms):
            if (is_question_word(word) or word in names or word.lower() in _NAME_MARKERS or not word[0].isupper()
                    or word.isupper() or any(ch.isdigit() for ch in word)):
                continue
            text = " ".join([word, *german])
            stems = frozenset(self.analyzer.tokens(text))
            if stems:
                out.append((stems, frozenset(self.analyzer.stem(w) for w in words(text))))
        return out

    def counted(self, analysis: QueryAnalysis) -> frozenset[str]:
        """The stems of what a German how-many question counts ("Wie viele freie Stellen" -> Stellen); empty
        when the question counts nothing or is English (measured: its glossary guess refused answerable ones)."""
        match = _COUNTED.search(analysis.text)
        if not match:
            return frozenset()
        following = match.group(1).split()
        if analysis.language != "en":  # the noun: German capitalises it ("freie Stellen" counts Stellen)
            nouns = [w for w in following if w[0].isupper()]
            return frozenset(self.analyzer.tokens(nouns[0])) if nouns else frozenset()
        return frozenset()  # English: the glossary's word-by-word guess is no sure name of the counted thing

    def states_count(self, finding: Finding, counted: frozenset[str]) -> bool:
        """A count answers a how-many question when the sentence names the counted thing and has a number that
        is not an agenda item, list number or year."""
        if not counted:
            return True
        if not counts_something(finding.sentence):
            return False
        return bool(counted & set(self.analyzer.tokens(finding.text)))

    def answering(self, analysis: QueryAnalysis, hits: Sequence[Hit]) -> list[Finding]:
        """The sentences that state the asked fact about the asked thing (empty: related records only)."""
        types = self.types(analysis)
        threshold = self.min_about_typed if types and types[0].name != "reason" else self.min_about_untyped
        counted = self.counted(analysis) if self.count_named and any(t.name == "count" for t in types) else frozenset()
        vote_count = (self.vote_count_asked and bool(COUNT.question.search(analysis.text))
                      and bool(types) and types[0].name == "vote")
        return [f for f in self.findings(analysis, hits) if f.typed and f.about >= threshold
                and self.states_count(f, counted) and (not vote_count or f.counts or _VOTE_COUNTS.search(f.sentence))
                and f.on_topic]
