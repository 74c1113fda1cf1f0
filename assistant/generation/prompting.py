"""Prompt files (``assistant/prompts/<name>[.<lang>].<version>.txt``) and the chat messages built from them.

A prompt file holds the system text, a line ``===== user =====`` and the user template. Placeholders are
``{name}`` and are filled in one pass, so braces inside passages or questions are never reinterpreted.
Passages go in as quoted data between ``<passage n="…">`` delimiters; any delimiter look-alike inside a
passage is neutralised so a document cannot close its own quote and speak as the user.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.answering import REFUSAL
from assistant.conversation import ChatTurn
from assistant.errors import ConfigurationError
from assistant.models import Hit
from assistant.safe_output import inert_quote

USER_SEPARATOR = "===== user ====="
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_DELIMITER = re.compile(r"</?\s*(passages?|conversation|follow_up)\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: str
    system: str
    user: str

    @property
    def id(self) -> str:
        return f"{self.name}.{self.version}"

    def render(self, values: Mapping[str, str]) -> tuple[str, str]:
        """(system, user) with every ``{placeholder}`` filled; an unknown placeholder is an error."""

        def fill(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in values:
                raise ConfigurationError(f"prompt {self.id} needs a value for {{{key}}}")
            return values[key]

        return _PLACEHOLDER.sub(fill, self.system), _PLACEHOLDER.sub(fill, self.user)


@lru_cache(maxsize=32)
def load_prompt(name: str, version: str = "v1", language: str | None = None) -> PromptTemplate:
    """The prompt ``name`` (in ``language`` when it has language variants) of ``version``."""
    filename = f"{name}.{language}.{version}.txt" if language else f"{name}.{version}.txt"
    path = resources.files("assistant") / "prompts" / filename
    if not path.is_file():
        raise ConfigurationError(f"no prompt file assistant/prompts/{filename}")
    text = path.read_text(encoding="utf-8")
    if USER_SEPARATOR not in text:
        raise ConfigurationError(f"prompt file {filename} lacks the line {USER_SEPARATOR!r}")
    system, user = text.split(USER_SEPARATOR, 1)
    return PromptTemplate(f"{name}.{language}" if language else name, version, system.strip(), user.strip())


def quote_data(text: str) -> str:
    """Text that goes between our delimiters: delimiter look-alikes inside it are defused."""
    return _DELIMITER.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)


def _attribute(value: object) -> str:
    return quote_data(str(value)).replace('"', "'").replace("\n", " ")


def format_passages(hits: Sequence[Hit], max_chars: int = 1200) -> str:
    """The numbered passages as the model sees them: metadata attributes, then the verbatim text."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        c = hit.chunk
        attrs = {"n": n, "document": c.title or c.source, "reference": c.reference, "date": c.date,
                 "body": c.body, "section": c.section if c.section != c.title else None, "page": c.page}
        head = " ".join(f'{k}="{_attribute(v)}"' for k, v in attrs.items() if v not in (None, ""))
        text = c.text if len(c.text) <= max_chars else c.text[:max_chars].rsplit(" ", 1)[0] + " …"
        # inert_quote: the record's own quotation marks and [n] cannot pose as ours in a verbatim copy
        blocks.append(f"<passage {head}>\n{quote_data(inert_quote(text.strip(), keep_lines=True))}\n</passage>")
    return "\n\n".join(blocks)


def answer_messages(question: str, hits: Sequence[Hit], language: str, *, version: str = "v1",
                    passage_chars: int = 1200) -> list[BaseMessage]:
    """System and user message asking for a cited answer from ``hits`` (all of them are shown)."""
    prompt = load_prompt("answer", version, language if language in REFUSAL else "de")
    system, user = prompt.render({"passages": format_passages(hits, passage_chars),
                                  "question": quote_data(question.strip()),
                                  "refusal": REFUSAL[language if language in REFUSAL else "de"]})
    return [SystemMessage(system), HumanMessage(user)]


def format_history(history: Sequence[ChatTurn], turns: int = 3, answer_chars: int = 300) -> str:
    lines = []
    for turn in list(history)[-turns:]:
        lines.append(f"Q: {quote_data(turn.question.strip())}")
        if turn.answer is not None and not turn.answer.refused:
            text = re.sub(r"\s+", " ", turn.answer.text).strip()
            lines.append(f"A: {quote_data(text[:answer_chars])}")
            titles = dict.fromkeys(c.title for c in turn.answer.citations if c.title)
            if titles:
                lines.append("Sources: " + "; ".join(quote_data(t) for t in titles))
    return "\n".join(lines)


def rewrite_messages(question: str, history: Sequence[ChatTurn], *, version: str = "v1") -> list[BaseMessage]:
    """Messages asking for a stand-alone search query for the follow-up ``question``."""
    system, user = load_prompt("rewrite", version).render(
        {"history": format_history(history), "question": quote_data(question.strip())})
    return [SystemMessage(system), HumanMessage(user)]
