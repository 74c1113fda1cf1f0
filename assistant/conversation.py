"""Follow-up questions: turn "and the staff costs?" into a stand-alone query using the chat history.

Without an LLM this is a heuristic: a question that reads like a follow-up (short, starts with
"and"/"und"/"what about", or refers back with "it"/"dazu"/"davon") borrows the topic words of the previous
question and is scoped to the documents the previous answer cited. The caller falls back to an unscoped
search when the scoped one finds nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.models import Answer
from assistant.text_analysis import words

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|also|what about|how about|and what about|what of|und|sowie|auch|was ist mit|wie ist es mit|"
    r"wie sieht es mit|und was|und wie|und wer|und wann|und wo)\b", re.IGNORECASE)
_BACK_REFERENCE = re.compile(
    r"\b(it|its|this|that|these|those|there|they|them|the same|dazu|davon|dafür|darüber|dort|diese[rsmn]?|"
    r"dies|das gleiche|derselben?|dem|ihm|ihr|ihre[nmrs]?|sie|es)\b", re.IGNORECASE)
MAX_FOLLOW_UP_WORDS = 4


@dataclass(frozen=True)
class ChatTurn:
    question: str
    answer: Answer | None = None


@dataclass(frozen=True)
class StandaloneQuery:
    text: str
    document_ids: tuple[str, ...] = ()
    rewritten: bool = False


def is_follow_up(question: str) -> bool:
    content = words(question)
    if _FOLLOW_UP_START.search(question):
        return True
    return len(content) <= MAX_FOLLOW_UP_WORDS and bool(_BACK_REFERENCE.search(question))


def standalone_query(question: str, history: Sequence[ChatTurn]) -> StandaloneQuery:
    """The query to search with: the question itself, or the question plus the topic of the last turn."""
    previous = next((t for t in reversed(history) if t.answer is not None and not t.answer.refused), None)
    if previous is None or not is_follow_up(question):
        return StandaloneQuery(question)
    topic = " ".join(w for w in words(previous.question) if w not in set(words(question)))
    documents = tuple(dict.fromkeys(c.document_id for c in previous.answer.citations)) if previous.answer else ()
    return StandaloneQuery(f"{question} ({topic})" if topic else question, documents, rewritten=True)
