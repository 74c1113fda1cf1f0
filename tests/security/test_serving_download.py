"""(1) A citizen gets an original file only when every part of its document is public. A public agenda item of
a meeting whose file also holds non-public items offers the cited public passage as text instead, with one
sentence why. Real streamlit AppTest over ``secret_index`` (real chromadb, bundled e5), real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.auth import MIN_ITERATIONS, hash_password
from tests.security.test_citizen_sweep import PUBLIC_FILE, SECRETS, secret_index  # noqa: F401
from tests.ui.conftest import APP, STAFF_PASSWORD
from tests.ui.test_chat import ask
from tests.ui.test_staff import sign_in

MEETING = "sitzung_wirtschaft.json"
MEETING_QUESTION = "Was hat der Ausschuss zur Kampagne Sommerfest im Nordpark beschlossen?"


@pytest.fixture
def secret_app(secret_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:  # noqa: F811
    monkeypatch.setenv("RATSINFO_DATA_DIR", str(secret_index))
    monkeypatch.setenv("RATSINFO_FEEDBACK_DB", str(tmp_path / "feedback.sqlite3"))
    monkeypatch.setenv("RATSINFO_STAFF_USERS", f"alice:{hash_password(STAFF_PASSWORD, iterations=MIN_ITERATIONS)}")
    monkeypatch.delenv("RATSINFO_STAFF_SSO_EMAILS", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _expander(at: AppTest, answer, source: str):  # noqa: ANN001, ANN202
    cited = [c for c in answer.citations if c.source == source]
    assert cited, [c.source for c in answer.citations]
    return at.main.expander[answer.citations.index(cited[0])]


def test_a_public_item_of_a_partly_non_public_file_offers_only_its_public_text(secret_app: AppTest):
    answer = ask(secret_app, MEETING_QUESTION)
    expander = _expander(secret_app, answer, MEETING)
    buttons = expander.get("download_button")
    labels = [b.label for b in buttons]
    assert "Originaldatei herunterladen" not in labels  # before: the whole JSON, non-public TOP N 1 included
    assert labels == ["Öffentlichen Abschnitt als Text herunterladen"]
    assert any("nichtöffentliche Teile" in c.value for c in expander.caption)
    cited = next(c for c in answer.citations if c.source == MEETING)
    offered = cited.passage  # what the passage button serves
    assert "Sommerfest" in offered and not [s for s in SECRETS if s in offered]
    full = Path(cited.source_path).read_text(encoding="utf-8")
    assert [s for s in SECRETS if s in full]  # the withheld file does hold secrets


def test_english_says_why_too(secret_app: AppTest):
    secret_app.selectbox(key="lang").set_value("en").run()  # headings follow the answer's language: ask in English
    answer = ask(secret_app, "What did the committee decide about the Sommerfest campaign in the Nordpark?")
    expander = _expander(secret_app, answer, MEETING)
    assert [b.label for b in expander.get("download_button")] == ["Download the public passage as text"]
    assert any("non-public parts" in c.value for c in expander.caption)


def test_a_wholly_public_document_is_still_offered_as_the_original(secret_app: AppTest):
    answer = ask(secret_app, "Welche finanziellen Auswirkungen hat das Regionalmarketing in Aachen?")
    expander = _expander(secret_app, answer, PUBLIC_FILE)
    assert [b.label for b in expander.get("download_button")] == ["Originaldatei herunterladen"]


def test_staff_who_see_non_public_records_get_the_original(secret_app: AppTest):
    sign_in(secret_app, "alice", STAFF_PASSWORD)
    secret_app.toggle(key="include_nonpublic").set_value(True).run()
    answer = ask(secret_app, MEETING_QUESTION)
    expander = _expander(secret_app, answer, MEETING)
    assert [b.label for b in expander.get("download_button")] == ["Originaldatei herunterladen"]


def test_a_file_changed_on_disk_since_ingest_is_not_served(secret_app: AppTest, secret_index: Path,  # noqa: F811
                                                           tmp_path: Path):
    original = secret_index.parent / "corpus" / PUBLIC_FILE
    kept = original.read_bytes()
    try:
        original.write_bytes(kept + "\nNichtöffentlicher Nachtrag: Zackenbarsch\n".encode())
        answer = ask(secret_app, "Welche finanziellen Auswirkungen hat das Regionalmarketing in Aachen?")
        expander = _expander(secret_app, answer, PUBLIC_FILE)
        assert "Originaldatei herunterladen" not in [b.label for b in expander.get("download_button")]
    finally:
        original.write_bytes(kept)
