"""``LLMAnswerer``: an ``AnswerGenerator`` over any langchain chat model, with the grounding guard after it.

The chat model is the one adapter to langchain (``BaseChatModel``: ChatOpenAI, ChatOllama, our llama.cpp
adapter, or a fake one in tests). Everything the user sees passes the guard; when the model server fails
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

from assistant.answering import REFUSAL, AnswerGenerator, RefusalPolicy
from assistant.models import Answer, Hit

from .base import NOTICE_UNAVAILABLE, AnswerStream, describe_error
from .grounding import GroundingGuard, fallback_answer
from .prompting import answer_messages

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
                 model: str = "", base_url: str | None = None, timeout_s: float | None = None) -> None:
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

    # -- building blocks ---------------------------------------------------------------------------------
    def messages(self, question: str, hits: Sequence[Hit], language: str) -> list[BaseMessage]:
        return answer_messages(question, hits[: self.passages], language, version=self.prompt_version,
                               passage_chars=self.passage_chars)

    def describe(self, exc: BaseException) -> str:
        return describe_error(exc, backend=self.backend, model=self.model, base_url=self.base_url,
                              timeout_s=self.timeout_s)

    def finish(self, question: str, hits: Sequence[Hit], language: str, raw: str,
               error: BaseException | None = None) -> Answer:
        """The guarded answer for the model output ``raw`` (or the fallback when the call failed)."""
        if error is not None:
            return self._unavailable(question, hits, language, error)
        answer = self.guard.apply(question, raw, hits[: self.passages], language, generator=self.name,
                                  fallback=self.fallback)
        return _with_hits(answer, hits)

    def _unavailable(self, question: str, hits: Sequence[Hit], language: str, error: BaseException) -> Answer:
        reason = self.describe(error)
        log.warning("answer backend unavailable, falling back to %s: %s", self.fallback.name, reason)
        notice = NOTICE_UNAVAILABLE.get(language, NOTICE_UNAVAILABLE["de"]).format(reason=reason)
        return fallback_answer(self.fallback, question, hits, language, notice)

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

    # -- AnswerGenerator ---------------------------------------------------------------------------------
    def answer(self, question: str, hits: Sequence[Hit], language: str) -> Answer:
        if self.refusal.refuses(question, hits, language):
            return self._refusal(question, hits, language)
        try:
            raw = self._invoke(self.messages(question, hits, language))
        except Exception as exc:  # noqa: BLE001
            return self._unavailable(question, hits, language, exc)
        return self.finish(question, hits, language, raw)

    def stream(self, question: str, hits: Sequence[Hit], language: str) -> AnswerStream:
        """Tokens as the model writes them; ``.answer`` on the returned stream is the guarded Answer."""
        if self.refusal.refuses(question, hits, language):
            refusal = self._refusal(question, hits, language)
            return AnswerStream(iter([refusal.text]), lambda _raw, _error: refusal)

        messages = self.messages(question, hits, language)

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

        return AnswerStream(tokens(), lambda raw, error: self.finish(question, hits, language, raw, error))


def _with_hits(answer: Answer, hits: Sequence[Hit]) -> Answer:
    return replace(answer, hits=tuple(hits))
