"""The chat with staff-checked answers (streamlit AppTest over the UI test index): staff mark an answer correct,
sign out, a citizen asking the same question sees it as checked by staff; the staff review queue."""

from __future__ import annotations

from datetime import date

from tests.ui.conftest import APP, REGIONAL_DE, STAFF_PASSWORD
from tests.ui.test_chat import ask
from tests.ui.test_staff import sign_in


def _notes(at) -> list[str]:
    return [s.value for s in at.success] + [w.value for w in at.warning]


def test_staff_check_an_answer_and_a_citizen_sees_it_checked(app, app_env):
    from streamlit.testing.v1 import AppTest

    today = date.today()
    checked = f"Von der Verwaltung geprüft am {today:%d.%m.%Y}"

    sign_in(app, "alice", STAFF_PASSWORD)
    answer = ask(app, REGIONAL_DE)
    assert not answer.refused and answer.verified_on is None
    assert not any(checked in n for n in _notes(app))
    app.radio(key="fb-0-verdict").set_value("correct")
    app.button(key="fb-0-save").click().run()
    assert not app.exception, app.exception
    assert any(s.value.startswith("Als geprüfte Antwort gespeichert") for s in app.success)
    app.button(key="sign_out").click().run()
    assert app.session_state["staff_user"] is None and not app.session_state["exchanges"]

    # a citizen, in a new session, asks the same question written differently
    citizen = AppTest.from_file(str(APP), default_timeout=120)
    citizen.run()
    again = ask(citizen, "welche finanziellen auswirkungen hat das regionalmarketing")
    assert again.verified_on == today.isoformat() and again.text == answer.text
    assert any(checked in n for n in _notes(citizen))
    assert not [r for r in citizen.radio if r.key == "page"]  # citizens have no review page
    other = ask(citizen, "Welche Maßnahmen zum Regionalmarketing wurden bereits begonnen?")
    assert other.verified_on is None


def test_the_review_queue_lists_asked_questions_for_staff(app, app_env):
    ask(app, "Was kostet das Regionalmarketing?")
    ask(app, "was kostet das Regionalmarketing")
    sign_in(app, "alice", STAFF_PASSWORD)
    assert "Prüfliste" in app.radio(key="page").options
    app.radio(key="page").set_value("review").run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Prüfliste"
    table = app.dataframe[0].value
    assert list(table["Frage"])[:1] == ["was kostet das regionalmarketing"]
    assert list(table["gestellt"])[:1] == [2] and list(table["Stand"])[:1] == ["ungeprüft"]
    app.button(key="review_ask").click().run()
    assert not app.exception, app.exception
    assert app.session_state["page"] == "chat"
    assert app.session_state["exchanges"][-1].question == "was kostet das regionalmarketing"
