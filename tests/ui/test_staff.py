"""Staff: sign-in, verdicts stored and exported, feedback page, ingestion page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assistant.feedback import FeedbackStore
from eval.datasets import load_questions
from tests.ui.conftest import REGIONAL_DE, SHARED_FIXTURES, STAFF_PASSWORD
from tests.ui.test_chat import ask


def sign_in(at, username: str, password: str) -> None:
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    at.button(key="signin_submit").click().run()
    assert not at.exception, at.exception


def test_sign_in_with_the_right_password(app):
    assert app.session_state["staff_user"] is None
    assert not [r for r in app.radio if r.key == "page"]  # citizens have no staff pages
    sign_in(app, "alice", STAFF_PASSWORD)
    assert app.session_state["staff_user"] == "alice"
    assert any("Angemeldet als alice" in m.value for m in app.markdown)
    assert app.radio(key="page").options[:3] == ["Chat", "Rückmeldungen", "Dokumente einlesen"]
    app.button(key="sign_out").click().run()
    assert app.session_state["staff_user"] is None


def test_sign_in_rejects_a_wrong_password_and_unknown_users(app):
    sign_in(app, "alice", "falsch")
    assert app.session_state["staff_user"] is None
    assert app.error[0].value == "Benutzername oder Passwort ist falsch."
    sign_in(app, "mallory", STAFF_PASSWORD)
    assert app.session_state["staff_user"] is None


def test_sign_in_locks_after_repeated_failures(app):
    for _ in range(5):
        sign_in(app, "alice", "falsch")
    assert app.error[0].value.startswith("Zu viele Fehlversuche")
    assert "neu" not in app.error[0].value  # a reload does not help, and the message does not suggest it
    sign_in(app, "alice", STAFF_PASSWORD)  # locked: not even the right password is checked
    assert app.session_state["staff_user"] is None


def test_no_staff_accounts_means_no_sign_in(app_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.ui.conftest import APP

    monkeypatch.setenv("RATSINFO_STAFF_USERS", "")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not [t for t in at.text_input if t.key == "signin_password"]
    assert any("nicht eingerichtet" in c.value for c in at.caption)


def test_verdicts_are_stored_and_exported_as_eval_questions(app, app_env: Path, tmp_path: Path):
    sign_in(app, "alice", STAFF_PASSWORD)
    answer = ask(app, REGIONAL_DE)
    app.radio(key="fb-0-verdict").set_value("incomplete")
    app.radio(key="fb-0-c1").set_value("correct")
    app.text_input(key="fb-0-contains").input("Haushalt")
    app.text_area(key="fb-0-comment").input("Betrag fehlt")
    app.selectbox(key="fb-0-kind").set_value("financial")
    app.button(key="fb-0-save").click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Bewertung gespeichert")

    entries = FeedbackStore(app_env).list()
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.question, entry.verdict, entry.staff_user, entry.comment) == (
        REGIONAL_DE, "incomplete", "alice", "Betrag fehlt")
    assert entry.citation_verdicts == {1: "correct"}
    assert entry.answer == answer.text and entry.language == "de" and entry.kind == "financial"
    assert entry.citations[0]["source"] == "aachen_regionalmarketing_vorlage.txt"
    assert entry.retrieval["filters"]["public_only"] is True and "mode" in entry.retrieval

    # the feedback page lists it and offers the export
    app.radio(key="page").set_value("feedback").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table["question"]) == [REGIONAL_DE]
    assert [b.label for b in app.get("download_button")] == ["Als Eval-Fragen exportieren (JSONL)"]
    app.selectbox(key="fb_filter_verdict").set_value("wrong").run()
    assert not app.dataframe and app.info[0].value == "Noch keine Rückmeldungen."

    target = tmp_path / "questions.jsonl"
    FeedbackStore(app_env).export_questions(target)
    record = json.loads(target.read_text(encoding="utf-8"))
    assert record["gold"] == [{"source": "aachen_regionalmarketing_vorlage.txt",
                               "evidence": "Finanzielle Auswirkungen: Sind im Haushalt eingeplant."}]
    assert record["answer_contains"] == ["Haushalt"] and record["regression"] is True
    [item] = load_questions(target)
    assert item.answerable and item.kind == "financial" and item.lang == "de"


def test_ingestion_page_ingests_a_folder_and_reports_errors(app_env, index_dir: Path, tmp_path: Path,
                                                           monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.ui.conftest import APP

    data = tmp_path / "data"
    shutil.copytree(index_dir, data)
    monkeypatch.setenv("RATSINFO_DATA_DIR", str(data))
    folder = tmp_path / "neu"
    folder.mkdir()
    shutil.copy(SHARED_FIXTURES / "karlsruhe_file_658931.txt", folder)
    shutil.copy(SHARED_FIXTURES / "corrupt.pdf", folder)

    at = AppTest.from_file(str(APP), default_timeout=300)
    at.run()
    sign_in(at, "alice", STAFF_PASSWORD)
    at.radio(key="page").set_value("ingest").run()
    before = {m.label: m.value for m in at.metric}
    assert before["Dokumente"] == "5"
    at.text_input(key="ingest_folder").input(str(folder))
    at.button(key="ingest_submit").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("1 neu, 0 aktualisiert, 0 unverändert")
    skipped = at.dataframe[0].value
    assert list(skipped["file"]) == ["corrupt.pdf"]
    assert {m.label: m.value for m in at.metric}["Dokumente"] == "6"

    at.text_input(key="ingest_folder").input(str(tmp_path / "fehlt"))
    at.button(key="ingest_submit").click().run()
    assert at.error[0].value.startswith("Ordner nicht gefunden")
