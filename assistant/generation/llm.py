"""``LLMAnswerer``: an ``AnswerGenerator`` over any langchain chat model, with the grounding guard after it.

The chat model is the one adapter to langchain (``BaseChatModel``: ChatOpenAI, ChatOllama, our llama.cpp
adapter, or a fake one in tests). Quote, then verify (``quoting``): the model first returns the verbatim
sentences of the numbered passages that answer the question, or NONE; code keeps only the sentences that
really occur in their passage; no verified quote is the "related records, no answer" outcome. Only then
does the model write the answer, from the verified quotes alone. Everything the user sees passes the
guard; when the model server fails
(down, unknown model, timeout) the answer is the fallback answerer's, with a one-line notice and
``fallback=True`` — never a traceback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.answering import (
    REFUSAL,
    AnswerGenerator,
    RefusalPolicy,
    as_analysis,
    language_of,
    related_answer,
)
from assistant.models import Answer, Hit
from assistant.query import QueryAnalysis
from assistant.sentences import split_sentences

from .base import NOTICE_UNAVAILABLE, AnswerStream, describe_error
from .grounding import GroundingGuard, fallback_answer
from .prompting import answer_messages
from .quoting import evidence_hits, quote_messages, verified_quotes

log = logging.getLogger(__name__)

_PERMANENT = ("does not know the model", "rejected the API key")


def message_text(content: object) -> str:
    """Text of a chat message's content (a string, or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content
                       if isinstance(b, str) or isinstance(b, dict))
    return ""


class LLMAnswerer:
    """Answers with a chat model from the numbered passages; the guard decides what reaches the user."""

    def __init__(self, chat_model: BaseChatModel, fallback: AnswerGenerator, *, name: str = "llm",
                 guard: GroundingGuard | None = None, refusal: RefusalPolicy | None = None,
                 prompt_version: str = "v1", passages: int = 5, passage_chars: int = 1200,
                 max_retries: int = 1, retry_wait_s: float = 0.5, backend: str = "llm",
                 model: str = "", base_url: str | None = None, timeout_s: float | None = None,
                 verify_quotes: bool = True, quote_prompt_version: str = "v1") -> None:
        self.chat_model = chat_model
        self.fallback = fallback
        self.name = name
        self.guard = guard or GroundingGuard()
        self.refusal = refusal or RefusalPolicy()
        self.prompt_version = prompt_version
        self.passages = passages
        self.passage_chars = passage_chars
        self.max_retries = max_retries
        self.retry_wait_s = retry_wait_s
        self.backend = backend
        self.model = model
        self.base_url = base_url
        self.timeout_s = timeout_s
        self.verify_quotes = verify_quotes
        self.quote_prompt_version = quote_prompt_version

    # -- building blocks ---------------------------------------------------------------------------------
    def messages(self, question: str, hits: Sequence[Hit], language: str) -> list[BaseMessage]:
        """The answer step's messages (with quote verification, ``hits`` are the verified quotes)."""
        return answer_messages(question, hits[: self.passages], language, version=self.prompt_version,
                               passage_chars=self.passage_chars)

    def describe(self, exc: BaseException) -> str:
        return describe_error(exc, backend=self.backend, model=self.model, base_url=self.base_url,
                              timeout_s=self.timeout_s)

    def finish(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str, raw: str,
               error: BaseException | None = None, *, shown: Sequence[Hit] | None = None) -> Answer:
        """The guarded answer for the model output ``raw`` (or the fallback when the call failed); ``shown``
        are the passages the model answered from (the verified quotes), ``hits`` what was retrieved."""
        language = language_of(analysis)
        if error is not None:
            return self._unavailable(question, hits, analysis, error)
        shown = list(shown) if shown is not None else list(hits[: self.passages])
        answer = self.guard.apply(question, raw, shown, language, generator=self.name, fallback=self.fallback)
        return _with_hits(answer, hits)

    def _unavailable(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str,
                     error: BaseException) -> Answer:
        reason = self.describe(error)
        log.warning("answer backend unavailable, falling back to %s: %s", self.fallback.name, reason)
        notice = NOTICE_UNAVAILABLE.get(language_of(analysis), NOTICE_UNAVAILABLE["de"]).format(reason=reason)
        return fallback_answer(self.fallback, question, hits, analysis, notice)

    def _refusal(self, question: str, hits: Sequence[Hit], language: str) -> Answer:
        return Answer(question=question, text=REFUSAL[language], language=language, refused=True,
                      hits=tuple(hits), generator=self.name)

    def _invoke(self, messages: list[BaseMessage]) -> str:
        attempt = 0
        while True:
            try:
                return message_text(self.chat_model.invoke(messages).content)
            except Exception as exc:  # noqa: BLE001 - classified, retried, then reported in one line
                reason = self.describe(exc)
                if attempt >= self.max_retries or any(p in reason for p in _PERMANENT):
                    raise
                attempt += 1
                log.info("retrying the model call (%d/%d): %s", attempt, self.max_retries, reason)
                time.sleep(self.retry_wait_s * attempt)

    def _evidence(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis) -> list[Hit] | Answer:
        """Step 1: the verified quotes as reduced hits, or the related-records answer when none verify."""
        shown = list(hits[: self.passages])
        if not self.verify_quotes:
            return shown
        raw = self._invoke(quote_messages(analysis.text, shown, analysis.language,
                                          version=self.quote_prompt_version, passage_chars=self.passage_chars))
        verified = verified_quotes(raw, shown)
        if not verified:
            log.info("quote step: no verified quote in %r", raw[:200])
            closest = getattr(self.fallback, "closest_sentences", None)
            quotes = closest(analysis, hits) if closest else {}
            return related_answer(question, hits, analysis, self.name, quotes)
        reduced, _order = evidence_hits(shown, verified)
        return reduced

    def _complete(self, answer: Answer, hits: Sequence[Hit]) -> Answer:
        """Citations quote the verified sentences but show their whole passage; the first sentence of the
        guarded answer is the short answer."""
        by_id = {h.chunk.chunk_id: h.chunk.text for h in hits}
        citations = tuple(replace(c, passage=by_id.get(c.chunk_id, c.passage)) for c in answer.citations)
        short = answer.short_answer
        if short is None and not answer.refused and not answer.fallback:
            sentences = split_sentences(answer.text)
            short = sentences[0] if sentences else None
        return replace(answer, citations=citations, hits=tuple(hits), short_answer=short)

    # -- AnswerGenerator ---------------------------------------------------------------------------------
    def answer(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str) -> Answer:
        analysis = as_analysis(question, analysis)
        if self.refusal.refuses(question, hits, analysis):
            return self._refusal(question, hits, analysis.language)
        try:
            evidence = self._evidence(question, hits, analysis)
            if isinstance(evidence, Answer):
                return evidence
            raw = self._invoke(self.messages(question, evidence, analysis.language))
        except Exception as exc:  # noqa: BLE001
            return self._unavailable(question, hits, analysis, exc)
        return self._complete(self.finish(question, hits, analysis, raw, shown=evidence), hits)

    def stream(self, question: str, hits: Sequence[Hit], analysis: QueryAnalysis | str) -> AnswerStream:
        """Tokens as the model writes them; ``.answer`` on the returned stream is the guarded Answer."""
        analysis = as_analysis(question, analysis)
        if self.refusal.refuses(question, hits, analysis):
            refusal = self._refusal(question, hits, analysis.language)
            return AnswerStream(iter([refusal.text]), lambda _raw, _error: refusal)
        try:
            evidence = self._evidence(question, hits, analysis)
        except Exception as exc:  # noqa: BLE001 - the quote step failed: the fallback, with its notice
            unavailable = self._unavailable(question, hits, analysis, exc)
            return AnswerStream(iter([unavailable.text]), lambda _raw, _error: unavailable)
        if isinstance(evidence, Answer):
            related = evidence
            return AnswerStream(iter([related.text]), lambda _raw, _error: related)

        messages = self.messages(question, evidence, analysis.language)

        def tokens() -> Iterator[str]:
            attempt = 0
            while True:
                produced = False
                try:
                    for chunk in self.chat_model.stream(messages):
                        text = message_text(chunk.content)
                        if text:
                            produced = True
                            yield text
                    return
                except Exception as exc:  # noqa: BLE001 - retried only before the first token
                    reason = self.describe(exc)
                    if produced or attempt >= self.max_retries or any(p in reason for p in _PERMANENT):
                        raise
                    attempt += 1
                    log.info("retrying the model stream (%d/%d): %s", attempt, self.max_retries, reason)
                    time.sleep(self.retry_wait_s * attempt)

        return AnswerStream(tokens(), lambda raw, error: self._complete(
            self.finish(question, hits, analysis, raw, error, shown=evidence), hits))


def _with_hits(answer: Answer, hits: Sequence[Hit]) -> Answer:
    return replace(answer, hits=tuple(hits))
