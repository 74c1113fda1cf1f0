"""The grounding guard: only sentences that the given passages back reach the user.

Pure and deterministic; it runs after every generated answer:

1. Markdown images and links, reference-style link definitions and HTML are removed from the model
   output (link text stays, targets go), so nothing renders or fetches from an outside host.
2. The text is split into sentences; ``[n]`` markers (also ``[1, 3]``, ``[1-2]``, ``[Passage 2]``) are
   read per sentence (a marker right after the full stop belongs to the sentence before it).
3. A sentence passes when it cites at least one passage, every marker points to a passage that was given
   (1..len(hits)), every number, date and URL in it appears in a cited passage (see ``facts``), its best
   supporting sentence in the passage is not an injected instruction, and it does not itself carry one.
   The whole answer must be in the language of the question.
4. Passing sentences keep their order; citations are renumbered 1..k for the passages actually cited,
   each quoting the passage sentences that support the answer (else the passage start).
5. Nothing grounded left: the model's plain "not in the records" becomes a refusal; anything else falls
   back to the extractive answer with a notice (``fallback=True``).

``mode="mark"`` keeps a failing sentence with an "unverified" tag instead of dropping it; injected
instructions, wrong-language answers and markup are removed in either mode.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from assistant.answering import REFUSAL, AnswerGenerator, citation_for
from assistant.glossary import german_terms
from assistant.language import detect_language
from assistant.models import Answer, Citation, Hit
from assistant.query import QueryAnalysis
from assistant.sentences import split_sentences
from assistant.text_analysis import GermanAnalyzer

from .facts import extract_facts, passage_keys, unsupported_facts

log = logging.getLogger(__name__)

GroundingMode = Literal["drop", "mark"]

NOTICE_UNGROUNDED = {
    "de": "Hinweis: Die generierte Antwort ließ sich nicht aus den Unterlagen belegen; "
          "hier stattdessen die passenden Stellen im Wortlaut.",
    "en": "Note: the generated answer could not be verified against the records; "
          "here are the matching passages verbatim instead.",
}
UNVERIFIED_TAG = {"de": "[nicht belegt]", "en": "[unverified]"}

_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)?|!\[[^\]\n]*\]\[[^\]\n]*\]")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_REF_DEFINITION = re.compile(r"^\s*\[[^\]\n]+\]:\s*\S.*$", re.MULTILINE)
_HTML_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z!][^<>\n]*>", re.DOTALL)
_PARTIAL_TAG = re.compile(r"<(?=[A-Za-z/!])")
_MARKER = re.compile(r"\s*\[(?:(?:passage|passus|quelle|source|abschnitt|stelle)\s*)?"
                     r"(\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]", re.IGNORECASE)
_LEADING_MARKERS = re.compile(r"^(?:\s*\[(?:(?:passage|passus|quelle|source|abschnitt|stelle)\s*)?"
                              r"\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*\])+[.,;:]?", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•▪]|\d{1,2}[.)])\s+")
_EMPHASIS = re.compile(r"(\*\*|__|`+)")
_EMPTY_PARENS = re.compile(r"\(\s*(?:(?:quellen?|sources?|siehe|see|vgl\.?)\s*:?\s*)?\)", re.IGNORECASE)
_INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|guidelines)\b"
    r"|\bsystem\s*-?\s*prompt|\bsystemprompt|\bdeveloper message"
    r"|\b(ignorier\w*|vergiss)\b.{0,40}\b(anweisung\w*|instruktion\w*|regeln|vorgaben)\b"
    r"|\b(reveal|print|show|repeat|verrate|zeige|wiederhole)\b.{0,40}\b(prompt|instructions|anweisungen)\b"
    r"|\byou are now\b|\bdu bist (jetzt|nun)\b",
    re.IGNORECASE)
_MIN_WORDS_FOR_LANGUAGE = 6


def sanitize(text: str) -> str:
    """Model output without markdown images, link targets, reference definitions or HTML."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_DEFINITION.sub("", text)
    text = _HTML_TAG.sub("", text)
    return _PARTIAL_TAG.sub("", text)


def is_injection(text: str) -> bool:
    """Does ``text`` read like an instruction aimed at the model rather than council content?"""
    return bool(_INJECTION.search(text))


def _numbers(spec: str) -> list[int]:
    out: list[int] = []
    for part in re.split(r"\s*[,;]\s*", spec):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2 and bounds[0] and bounds[1] and int(bounds[1]) - int(bounds[0]) in range(0, 10):
            out.extend(range(int(bounds[0]), int(bounds[1]) + 1))
        else:
            out.extend(int(b) for b in bounds if b)
    return out


@dataclass(frozen=True)
class Claim:
    """One sentence of the model's answer: its text without markers and the passage numbers it cites."""

    text: str
    markers: tuple[int, ...]

    @property
    def display(self) -> str:
        marks = "".join(f"[{n}]" for n in self.markers)
        return f"{self.text} {marks}".strip()


def split_claims(text: str) -> list[Claim]:
    """Sentences with their ``[n]`` markers; markers after a full stop join the sentence before."""
    pieces: list[str] = []
    for piece in split_sentences(text):
        lead = _LEADING_MARKERS.match(piece)
        if lead and pieces:
            pieces[-1] = f"{pieces[-1]} {lead.group(0).strip()}"
            piece = piece[lead.end():].strip()
        if piece:
            pieces.append(piece)
    claims = []
    for piece in pieces:
        markers = tuple(dict.fromkeys(n for m in _MARKER.finditer(piece) for n in _numbers(m.group(1))))
        body = _MARKER.sub("", piece)
        body = _EMPHASIS.sub("", _BULLET.sub("", body))
        body = _EMPTY_PARENS.sub("", body)
        body = re.sub(r"\s+", " ", body).strip()
        body = re.sub(r"\s+([.,;:!?])", r"\1", body)
        if re.search(r"[^\W_]", body):
            claims.append(Claim(body, markers))
    return claims


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    reason: str | None  # None: grounded
    quotes: dict[int, str]  # hit index -> supporting passage sentence
    hard: bool = False  # removed in every mode (injection, wrong language)


class GroundingGuard:
    """Checks a generated answer against the passages it was given; see the module docstring."""

    def __init__(self, mode: GroundingMode = "drop", analyzer: GermanAnalyzer | None = None) -> None:
        self.mode = mode
        self.analyzer = analyzer or GermanAnalyzer()

    # -- one sentence --------------------------------------------------------------------------------
    def _support(self, claim: Claim, hit: Hit, language: str) -> str | None:
        """The passage sentence that best supports ``claim`` (None when nothing overlaps)."""
        extra = german_terms(claim.text) if language == "en" else ""
        terms = set(self.analyzer.tokens(f"{claim.text} {extra}"))
        claim_keys = {k for f in extract_facts(claim.text) for k in f.keys}
        best, best_score = None, 0.0
        for sentence in split_sentences(hit.chunk.text):
            overlap = len(terms & set(self.analyzer.tokens(sentence))) / max(len(terms), 1)
            score = overlap + (2.0 * len(claim_keys & passage_keys(sentence)) if claim_keys else 0.0)
            if score > best_score:
                best, best_score = sentence, score
        return best

    def check(self, claim: Claim, hits: Sequence[Hit], language: str) -> Verdict:
        if is_injection(claim.text):
            return Verdict(claim, "repeats an instruction from a passage", {}, hard=True)
        if not claim.markers:
            return Verdict(claim, "no citation", {})
        invalid = [n for n in claim.markers if not 1 <= n <= len(hits)]
        if invalid:
            return Verdict(claim, f"cites passage(s) not given: {invalid}", {})
        cited = [hits[n - 1] for n in claim.markers]
        missing = unsupported_facts(claim.text, [h.chunk.text for h in cited])
        if missing:
            return Verdict(claim, f"not in the cited passage: {', '.join(missing)}", {})
        quotes: dict[int, str] = {}
        for n, hit in zip(claim.markers, cited, strict=True):
            support = self._support(claim, hit, language)
            if support is not None and is_injection(support):
                return Verdict(claim, "echoes an instruction from a passage", {}, hard=True)
            quotes[n - 1] = support or ""
        return Verdict(claim, None, quotes)

    # -- the whole answer ----------------------------------------------------------------------------------
    def apply(self, question: str, raw: str, hits: Sequence[Hit], language: str, *, generator: str,
              fallback: AnswerGenerator) -> Answer:
        """The guarded answer for the model output ``raw``."""
        claims = split_claims(sanitize(raw))
        plain = " ".join(c.text for c in claims)
        wrong_language = len(plain.split()) >= _MIN_WORDS_FOR_LANGUAGE and detect_language(plain) != language
        verdicts = [Verdict(c, f"not in the language of the question ({language})", {}, hard=True)
                    if wrong_language else self.check(c, hits, language) for c in claims]
        kept = [v for v in verdicts if v.reason is None or (self.mode == "mark" and not v.hard)]
        dropped = tuple(v.claim.display for v in verdicts if v not in kept)
        for v in verdicts:
            if v.reason:
                log.info("grounding: %s: %r", v.reason, v.claim.display[:120])
        if not any(v.reason is None for v in kept):
            if _is_refusal(plain, language) and not wrong_language:
                return Answer(question=question, text=REFUSAL[language], language=language, refused=True,
                              hits=tuple(hits), generator=generator,
                              dropped_sentences=tuple(v.claim.display for v in verdicts
                                                      if not _is_refusal(v.claim.text, language)))
            return fallback_answer(fallback, question, hits, language, NOTICE_UNGROUNDED[language],
                                   dropped=tuple(v.claim.display for v in verdicts))
        return self._render(question, kept, hits, language, generator, dropped)

    def _render(self, question: str, kept: list[Verdict], hits: Sequence[Hit], language: str,
                generator: str, dropped: tuple[str, ...]) -> Answer:
        numbering: dict[int, int] = {}
        quotes: dict[int, list[str]] = {}
        sentences = []
        for v in kept:
            if v.reason is not None:  # mark mode
                sentences.append(f"{v.claim.text} {UNVERIFIED_TAG[language]}")
                continue
            for index, quote in v.quotes.items():
                numbering.setdefault(index, len(numbering) + 1)
                if quote and quote not in quotes.setdefault(index, []):
                    quotes[index].append(quote)
            marks = "".join(f"[{numbering[n - 1]}]" for n in v.claim.markers)
            body, end = _split_end(v.claim.text)
            sentences.append(f"{body} {marks}{end}")
        citations: list[Citation] = []
        for index, n in numbering.items():
            passage = hits[index].chunk.text
            quote = " … ".join(quotes.get(index) or [_start(passage)])
            citations.append(citation_for(hits[index], n, quote))
        return Answer(question=question, text=" ".join(sentences), language=language, refused=False,
                      citations=tuple(citations), hits=tuple(hits), generator=generator,
                      dropped_sentences=dropped)


def fallback_answer(fallback: AnswerGenerator, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str,
                    notice: str, *, dropped: tuple[str, ...] = ()) -> Answer:
    """The fallback answerer's answer (markup stripped), prefixed with ``notice``, ``fallback=True``."""
    base = fallback.answer(question, hits, analysis)
    text = sanitize(base.text)  # verbatim quotes may carry a passage's markdown image or HTML
    return replace(base, text=f"{notice}\n\n{text}", fallback=True, dropped_sentences=dropped)


def _is_refusal(text: str, language: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"[^\w ]", "", s.lower()).strip()

    return bool(text) and norm(REFUSAL[language]) in norm(text)


def _split_end(text: str) -> tuple[str, str]:
    match = re.search(r"[.!?…:;]+$", text)
    return (text[:match.start()].rstrip(), match.group(0)) if match else (text, "")


def _start(passage: str, limit: int = 240) -> str:
    first = (split_sentences(passage) or [passage])[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + " …"
