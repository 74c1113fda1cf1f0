"""(6) Sign-in throttling is server-side, per account and per client address; (7) a wrong name costs as long
as a wrong password; (4) signing out clears the conversation. Real streamlit AppTest sessions over the UI
index, a real SQLite file, real PBKDF2."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from assistant.auth import DEFAULT_ITERATIONS, StaffDirectory, hash_password
from assistant.throttle import SignInThrottle
from tests.ui.conftest import APP, NONPUBLIC_TITLE, STAFF_PASSWORD, app_env, index_dir  # noqa: F401
from tests.ui.test_chat import ask
from tests.ui.test_staff import sign_in


def fresh_session() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


# -- (6) throttle ---------------------------------------------------------------------------------------------
def test_fresh_sessions_do_not_reset_the_lockout(app_env: Path):  # noqa: F811
    first = fresh_session()
    for _ in range(5):
        sign_in(first, "alice", "falsch")
    assert errors(first)[-1].startswith("Zu viele Fehlversuche")
    # before: each new browser session started at 0 failures (13 more guesses in 3 fresh sessions)
    for _ in range(3):
        session = fresh_session()
        for password in ("falsch", "auch-falsch", STAFF_PASSWORD):
            sign_in(session, "alice", password)
            assert session.session_state["staff_user"] is None
            assert errors(session)[-1].startswith("Zu viele Fehlversuche")
            assert "neu" not in errors(session)[-1] and "reload" not in errors(session)[-1].lower()


def test_the_lockout_message_names_no_reload_in_english(app_env: Path):  # noqa: F811
    at = fresh_session()
    at.selectbox(key="lang").set_value("en").run()
    for _ in range(5):
        sign_in(at, "mallory", "wrong")
    assert errors(at)[-1].startswith("Too many failed attempts") and "reload" not in errors(at)[-1].lower()


def test_lockout_grows_and_is_per_account_and_per_address(tmp_path: Path):
    now = [1000.0]
    throttle = SignInThrottle(tmp_path / "feedback.sqlite3", max_failures=5, lockout_s=30, max_lockout_s=300,
                              clock=lambda: now[0])
    for _ in range(4):
        assert throttle.failed("alice", "10.0.0.1") == 0
    assert throttle.failed("alice", "10.0.0.1") == 30  # the fifth failure locks
    assert throttle.locked_for("alice", None) == 30  # the account, from any address
    assert throttle.locked_for("bob", "10.0.0.1") == 30  # the address, for any account
    assert throttle.locked_for("bob", "10.0.0.2") == 0
    assert throttle.locked_for(" ALICE ", "10.0.0.9") == 30  # the name as the directory compares it
    lockouts = []
    for _ in range(5):
        now[0] += 1000
        assert throttle.locked_for("alice", None) == 0
        lockouts.append(throttle.failed("alice", None))
    assert lockouts == [60, 120, 240, 300, 300]  # doubling, capped
    # one address guessing many names is locked, too
    for i in range(5):
        throttle.failed(f"name{i}", "10.0.0.3")
    assert throttle.locked_for("someone-else", "10.0.0.3") == 30
    # a correct sign-in clears the account, not the address
    now[0] += 10_000
    throttle.succeeded("alice")
    assert throttle.failed("alice", None) == 0


def test_the_counts_are_shared_by_every_throttle_on_the_same_file(tmp_path: Path):
    path = tmp_path / "feedback.sqlite3"
    for _ in range(5):
        SignInThrottle(path).failed("alice", "10.0.0.1")
    assert SignInThrottle(path).locked_for("alice", None) > 0  # another worker / session sees it


# -- (7) timing ----------------------------------------------------------------------------------------------
def test_unknown_and_known_names_take_the_same_time():
    directory = StaffDirectory({"alice": hash_password(STAFF_PASSWORD, iterations=DEFAULT_ITERATIONS)})
    known, unknown = [], []
    for _ in range(5):  # interleaved, so load on the shared machine hits both alike
        for name, times in (("alice", known), ("mallory", unknown)):
            start = time.perf_counter()
            assert not directory.check(name, "falsch")
            times.append(time.perf_counter() - start)
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.7 <= ratio <= 1.4, (statistics.median(known), statistics.median(unknown))


def test_the_dummy_hash_follows_the_configured_iteration_count():
    directory = StaffDirectory({"alice": hash_password(STAFF_PASSWORD, iterations=250_000)})
    assert directory._dummy.split("$")[1] == "250000"
    assert not directory.check("mallory", STAFF_PASSWORD) and directory.check("alice", STAFF_PASSWORD)


# -- (4) sign-out --------------------------------------------------------------------------------------------
def test_sign_out_clears_non_public_answers_quotes_and_downloads(app_env: Path):  # noqa: F811
    at = fresh_session()
    sign_in(at, "alice", STAFF_PASSWORD)
    at.toggle(key="include_nonpublic").set_value(True).run()
    answer = ask(at, "Wie hoch ist der Kaufpreis für das Flurstück 4711 am Kiebitzweg?")
    assert any(c.public is False for c in answer.citations)
    shown = " ".join(m.value for m in at.markdown) + " ".join(e.label for e in at.expander)
    assert "Kiebitzweg" in shown and at.get("download_button")
    at.button(key="sign_out").click().run()
    assert not at.exception
    assert at.session_state["staff_user"] is None and at.session_state["exchanges"] == []
    shown = " ".join(m.value for m in at.markdown) + " ".join(e.label for e in at.expander)
    shown += " ".join(str(c.value) for c in at.caption)
    assert "Kiebitzweg" not in shown and "1\\.234\\.567" not in shown and "1.234.567" not in shown
    assert NONPUBLIC_TITLE not in shown
    assert not at.get("download_button")
    # and nothing of it is left as history for a follow-up
    follow_up = ask(at, "und der Kaufpreis?")
    assert all(c.public is True for c in follow_up.citations)
