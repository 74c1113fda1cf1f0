"""`ratsinfo chat` on a real index (extractive answers: no model server needed)."""

from __future__ import annotations

from click.testing import CliRunner

from assistant.chat_cli import ChatSession, chat_command


def test_chat_answers_follow_ups_with_citations(corpus_root):
    from assistant.service import Assistant
    from assistant.settings import Settings

    assistant = Assistant.from_settings(Settings(data_dir=corpus_root / "data", _env_file=None))
    result = CliRunner().invoke(
        chat_command, input="Wo wird das Ergebnis der Regionalanalyse vorgestellt?\nund wann?\n/new\n/exit\n",
        obj={"assistant": assistant})
    assert result.exit_code == 0, result.output
    assert "Expo Real" in result.output
    assert "[1] " in result.output and "aachen_regionalmarketing_vorlage.txt" in result.output
    assert "(neues Gespräch / new conversation)" in result.output
    assert "Traceback" not in result.output


def test_session_keeps_history_and_scopes_follow_ups(corpus_root):
    from assistant.service import Assistant
    from assistant.settings import Settings

    session = ChatSession(Assistant.from_settings(Settings(data_dir=corpus_root / "data", _env_file=None)))
    tokens: list[str] = []
    first, shown = session.ask("Wo wird das Ergebnis der Regionalanalyse vorgestellt?", tokens.append)
    assert shown == "".join(tokens) == first.text and first.citations
    follow_up, _ = session.ask("und wann?")
    assert follow_up.search_query and follow_up.search_query != "und wann?"
    assert [t.question for t in session.history] == [first.question, "und wann?"]


def test_configuration_errors_are_one_line(tmp_path):
    from assistant.settings import Settings

    settings = Settings(data_dir=tmp_path, _env_file=None, answer_backend="ollama")
    result = CliRunner().invoke(chat_command, input="/exit\n", obj={"settings": settings})
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: answer_backend=ollama needs RATSINFO_LLM_MODEL")
