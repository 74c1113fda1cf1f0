"""Quote, then verify: the model's evidence step, checked against the passages before anything is answered.

The model is first asked (``prompts/quote.<lang>.<version>.txt``) for the verbatim sentence(s) of the
numbered passages that answer the question, one ``[n] sentence`` per line, or ``NONE``. Each quoted sentence
is kept only when it really occurs in passage ``n`` (``evidence.occurs_in``: whitespace, hyphenation at line
ends and typographic quotes normalised). Only verified quotes go on to the answer step; none means the
"related records, no answer" outcome.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.answering import REFUSAL
from assistant.evidence import occurs_in
from assistant.models import Hit

from .prompting import format_passages, load_prompt, quote_data

_LINE = re.compile(r"^\s*(?:[-*•]\s*)?\[(?:passage\s*|textstelle\s*)?(\d{1,2})\]\s*[:\-–]?\s*(.+?)\s*$",
                   re.IGNORECASE)
_QUOTES = "\"'„“”«»‚‘’"


def quote_messages(question: str, hits: Sequence[Hit], language: str, *, version: str = "v1",
                   passage_chars: int = 1200) -> list[BaseMessage]:
    """System and user message asking for the verbatim evidence sentences (or NONE)."""
    prompt = load_prompt("quote", version, language if language in REFUSAL else "de")
    system, user = prompt.render({"passages": format_passages(hits, passage_chars),
                                  "question": quote_data(question.strip())})
    return [SystemMessage(system), HumanMessage(user)]


def parse_quotes(raw: str) -> list[tuple[int, str]]:
    """(passage number, sentence) for every ``[n] sentence`` line of the model's output."""
    out = []
    for line in raw.splitlines():
        match = _LINE.match(line)
        if match:
            sentence = match.group(2).strip().strip(_QUOTES).strip()
            if sentence:
                out.append((int(match.group(1)), sentence))
    return out


def verified_quotes(raw: str, hits: Sequence[Hit]) -> dict[int, list[str]]:
    """hit index -> the quoted sentences that really occur in that passage (in the model's order)."""
    out: dict[int, list[str]] = {}
    for n, sentence in parse_quotes(raw):
        if 1 <= n <= len(hits) and occurs_in(sentence, hits[n - 1].chunk.text):
            if sentence not in out.setdefault(n - 1, []):
                out[n - 1].append(sentence)
    return {i: q for i, q in out.items() if q}


def evidence_hits(hits: Sequence[Hit], verified: dict[int, list[str]]) -> tuple[list[Hit], list[int]]:
    """The hits of the verified quotes, each reduced to its quotes (what the answer step may use), and
    their original indices."""
    order = sorted(verified)
    reduced = [replace(hits[i], chunk=replace(hits[i].chunk, text=" ".join(verified[i]))) for i in order]
    return reduced, order
