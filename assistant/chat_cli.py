"""`ratsinfo chat`: a terminal conversation with the records — follow-ups, streamed answers, citations.

Registered by ``assistant.cli`` (``cli.add_command(chat_command, "chat")``). The answer streams as the
model writes it (a preview); the guarded answer follows when the guard changed anything, then the
citations. Record and model text is passed through ``terminal_safe`` before it is styled and printed (no
terminal escape sequences from a record). ``/new`` starts a fresh conversation, ``/exit`` (or Ctrl-D) ends it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from assistant.cli_support import domain_errors, settings_from
from assistant.conversation import ChatTurn
from assistant.models import Answer, Citation, SearchFilters
from assistant.safe_output import terminal_safe

_EXIT = {"/exit", "/quit", "/q", "exit", "quit"}
_HELP = ("Fragen Sie los. /new: neues Gespräch, /exit: beenden. "
         "(Ask away. /new: new conversation, /exit: quit.)")


class ChatSession:
    """One conversation: the history and how each turn is retrieved, streamed and guarded."""

    def __init__(self, assistant: Any, *, filters: SearchFilters | None = None, max_turns: int = 6) -> None:
        self.assistant = assistant
        self.filters = filters
        self.max_turns = max_turns
        self.history: list[ChatTurn] = []

    def ask(self, question: str, on_token: Callable[[str], None] | None = None) -> tuple[Answer, str]:
        """The guarded answer to ``question`` in the context of the history, and the streamed preview."""
        stream = self.assistant.stream(question, self.filters, self.history)
        shown = []
        for token in stream:
            shown.append(token)
            if on_token:
                on_token(token)
        answer = stream.answer
        self.history = [*self.history, ChatTurn(question, answer)][-self.max_turns:]
        return answer, "".join(shown)

    def reset(self) -> None:
        self.history = []


def format_citation(c: Citation) -> str:
    meta = ", ".join(x for x in (c.reference, c.date, f"S. {c.page}" if c.page else None) if x)
    return terminal_safe(f"[{c.n}] {c.title} — {c.section}" + (f" ({meta})" if meta else "") + f" — {c.source}")


def render_answer(answer: Answer, shown: str, *, streamed: bool) -> list[str]:
    """Lines to print after the stream: the guarded answer when it differs from what was shown."""
    lines: list[str] = []
    if not streamed or answer.text.strip() != shown.strip():
        if streamed:
            lines.append(click.style("── geprüfte Antwort / checked answer ──", dim=True))
        lines.append(terminal_safe(answer.text))
    if answer.dropped_sentences and not answer.fallback:
        lines.append(click.style(f"({len(answer.dropped_sentences)} unbelegte Sätze entfernt / "
                                 f"unsupported sentences removed)", dim=True))
    lines.extend(format_citation(c) for c in answer.citations)
    return lines


def run_chat(session: ChatSession, read: Callable[[], str], write: Callable[..., None], *,
             stream: bool = True) -> None:
    write(_HELP)
    while True:
        try:
            question = read().strip()
        except (EOFError, KeyboardInterrupt, click.Abort):
            write("")
            return
        if not question:
            continue
        if question.lower() in _EXIT:
            return
        if question.lower() == "/new":
            session.reset()
            write("(neues Gespräch / new conversation)")
            continue
        on_token = (lambda t: write(click.style(terminal_safe(t), dim=True), nl=False)) if stream else None
        answer, shown = session.ask(question, on_token)
        if stream:
            write("")
        for line in render_answer(answer, shown, streamed=stream):
            write(line)


@click.command("chat")
@click.option("--stream/--no-stream", default=True, help="Show the answer as the model writes it.")
@click.option("--include-nonpublic", is_flag=True, help="Staff only: include non-public records.")
@click.pass_context
@domain_errors
def chat_command(ctx: click.Context, stream: bool, include_nonpublic: bool) -> None:
    """Chat with the records in the terminal: follow-up questions, streamed and cited answers."""
    assistant = ctx.find_root().obj.get("assistant") if ctx.find_root().obj else None
    if assistant is None:
        from assistant.generation import build_generator
        from assistant.service import Assistant

        settings = settings_from(ctx)  # the one the `ratsinfo` group built (honours --data-dir)
        assistant = Assistant.from_settings(settings, generator=build_generator(settings))
    session = ChatSession(assistant, filters=SearchFilters(public_only=not include_nonpublic))
    run_chat(session, lambda: click.prompt("\n›", prompt_suffix=" ", default="", show_default=False),
             click.echo, stream=stream)  # record text is made terminal_safe before it is styled
