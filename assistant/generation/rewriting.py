"""Follow-up questions rewritten by the LLM: "and the staff costs?" -> "Personalkosten Regionalmarketing".

Same contract as ``assistant.conversation.standalone_query`` (question + history -> ``StandaloneQuery``),
so the service can take either. The heuristic still decides the document scope (a follow-up is searched
first in the documents the last answer cited); the LLM only supplies a better query text. A first question
is never sent to the model; any failure or an unusable rewrite falls back to the heuristic.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel

from assistant.conversation import ChatTurn, StandaloneQuery, standalone_query

from .grounding import is_injection, sanitize
from .llm import message_text
from .prompting import rewrite_messages

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 300


class LLMQueryRewriter:
    """Callable ``(question, history) -> StandaloneQuery`` backed by a chat model."""

    def __init__(self, chat_model: BaseChatModel, *, prompt_version: str = "v1") -> None:
        self.chat_model = chat_model
        self.prompt_version = prompt_version

    def __call__(self, question: str, history: Sequence[ChatTurn]) -> StandaloneQuery:
        heuristic = standalone_query(question, history)
        if not any(t.answer is not None and not t.answer.refused for t in history):
            return heuristic
        try:
            reply = self.chat_model.invoke(rewrite_messages(question, history, version=self.prompt_version))
        except Exception as exc:  # noqa: BLE001 - the heuristic is always there
            log.warning("query rewriting failed, using the heuristic: %s", str(exc).splitlines()[0][:160]
                        if str(exc) else type(exc).__name__)
            return heuristic
        text = clean_query(message_text(reply.content))
        if not text or is_injection(text):
            return heuristic
        return StandaloneQuery(text, heuristic.document_ids, rewritten=text != question.strip())


def clean_query(text: str) -> str:
    """First non-empty line of the model's reply, without labels, quotes or markup; '' if unusable."""
    text = sanitize(text)
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"^(stand-?alone (search )?query|query|suchanfrage|anfrage)\s*:\s*", "", line, flags=re.I)
    line = line.strip(" \"'„“”`*")
    return line if 0 < len(line) <= MAX_QUERY_CHARS else ""
