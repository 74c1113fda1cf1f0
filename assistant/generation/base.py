"""Shared pieces of the LLM answerers: the one error type, its one-line description, and ``AnswerStream``.

``AnswerStream`` is what ``LLMAnswerer.stream`` returns: an iterator of raw tokens (already stripped of
markdown images, links and HTML as they pass) that, once exhausted, holds the guarded ``Answer``. A UI
shows the tokens as they arrive and then *replaces* them with ``stream.answer`` — the raw text is a
preview; only the guarded answer (with its citations) is what the assistant says.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from assistant.answering import AnswerGenerator, as_analysis
from assistant.models import Answer, Hit
from assistant.query import QueryAnalysis

from .grounding import sanitize

NOTICE_UNAVAILABLE = {
    "de": "Hinweis: Das Sprachmodell ist nicht verfügbar ({reason}); hier die passenden Stellen im Wortlaut.",
    "en": "Note: the language model is not available ({reason}); here are the matching passages verbatim.",
}


def _names(exc: BaseException) -> set[str]:
    names: set[str] = set()
    seen: BaseException | None = exc
    while seen is not None and len(names) < 50:
        names |= {cls.__name__ for cls in type(seen).__mro__}
        seen = seen.__cause__ or seen.__context__
    return names


def describe_error(exc: BaseException, *, backend: str, model: str, base_url: str | None,
                   timeout_s: float | None = None) -> str:
    """One line for a user: what went wrong talking to the model server (no traceback, no secrets)."""
    names = _names(exc)
    message = str(exc)
    where = f" at {base_url}" if base_url else ""
    status = getattr(exc, "status_code", None)
    if names & {"APITimeoutError", "TimeoutException", "ReadTimeout", "TimeoutError"}:
        return f"the {backend} server{where} did not answer within {timeout_s or '?'} s"
    if status == 404 or "NotFoundError" in names or re.search(r"model .{0,80}not found|no such model",
                                                               message, re.IGNORECASE):
        return f"the {backend} server{where} does not know the model '{model}'"
    if status in (401, 403) or "AuthenticationError" in names or "PermissionDeniedError" in names:
        return f"the {backend} server{where} rejected the API key"
    if names & {"APIConnectionError", "ConnectError", "ConnectionError", "ConnectionRefusedError",
                "RemoteProtocolError"} or "connection refused" in message.lower():
        return f"the {backend} server{where} is not reachable"
    first = message.strip().splitlines()[0][:160] if message.strip() else ""
    return f"{backend}: {type(exc).__name__}{': ' + first if first else ''}"


_OPEN_CONSTRUCT = re.compile(
    r"<[A-Za-z/!][^<>\n]*"  # a tag not yet closed
    r"|!?\[[^\]\n]*(?:\](?:\([^)\n]*|:[^\n]*)?)?"  # [text, [text], [text](url, [ref]: url, ![alt
    r"|[<!]",  # a lone "<" or "!" at the very end
)


def _safe_cut(raw: str, start: int) -> int:
    """Length of the prefix of ``raw`` that cannot turn into markup later (an open ``[``/``<`` waits)."""
    for i in range(start, len(raw)):
        if raw[i] in "<[!" and _OPEN_CONSTRUCT.fullmatch(raw, i):
            return i
    return len(raw)


def sanitized_tokens(tokens: Iterable[str]) -> Iterator[str]:
    """Tokens as they come, minus markdown images/links and HTML: text that might still open one waits."""
    raw, emitted = "", ""
    for token in tokens:
        raw += token
        clean = sanitize(raw[:_safe_cut(raw, 0)])
        if len(clean) > len(emitted) and clean.startswith(emitted):
            yield clean[len(emitted):]
            emitted = clean
    clean = sanitize(raw)
    if len(clean) > len(emitted) and clean.startswith(emitted):
        yield clean[len(emitted):]


class AnswerStream(Iterator[str]):
    """Raw tokens while the model writes; ``answer`` is the guarded Answer once the stream is exhausted."""

    def __init__(self, tokens: Iterable[str], finish: Callable[[str, BaseException | None], Answer]) -> None:
        self._tokens = iter(sanitized_tokens(self._collect(tokens)))
        self._finish = finish
        self._raw: list[str] = []
        self._error: BaseException | None = None
        self._answer: Answer | None = None

    def _collect(self, tokens: Iterable[str]) -> Iterator[str]:
        try:
            for token in tokens:
                self._raw.append(token)
                yield token
        except Exception as exc:  # noqa: BLE001 - any failure of the model server becomes the fallback
            self._error = exc

    def __iter__(self) -> AnswerStream:
        return self

    def __next__(self) -> str:
        try:
            return next(self._tokens)
        except StopIteration:
            if self._answer is None:
                self._answer = self._finish("".join(self._raw), self._error)
            raise

    @property
    def raw(self) -> str:
        return "".join(self._raw)

    @property
    def answer(self) -> Answer:
        """The guarded answer; reading it first drains the stream."""
        for _ in self:
            pass
        assert self._answer is not None
        return self._answer


def open_stream(generator: AnswerGenerator, question: str, hits: Sequence[Hit],
                analysis: QueryAnalysis | str) -> AnswerStream:
    """An ``AnswerStream`` for any generator (the extractive one computes its answer once at the end)."""
    analysis = as_analysis(question, analysis)
    stream = generator.stream(question, hits, analysis)
    if isinstance(stream, AnswerStream):
        return stream
    return AnswerStream(stream, lambda _raw, _error: generator.answer(question, hits, analysis))
