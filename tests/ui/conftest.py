"""UI tests: one real index over small real fixtures, built once per session, shared read-only.

Tests that write to the index (ingestion) work on a copy. Feedback goes to a per-test SQLite file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.auth import MIN_ITERATIONS, hash_password

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"
SHARED_FIXTURES = ROOT / "tests" / "fixtures"
UI_FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS_FILES = (
    SHARED_FIXTURES / "aachen_regionalmarketing_vorlage.txt",
    SHARED_FIXTURES / "karlsruhe_file_662089.txt",
    SHARED_FIXTURES / "karlsruhe_file_10212.txt",
    UI_FIXTURES / "nichtoeffentlich_grundstueck_vorlage.txt",
    UI_FIXTURES / "xss_spielplatz_vorlage.txt",
)
NONPUBLIC_SOURCE = "nichtoeffentlich_grundstueck_vorlage.txt"
NONPUBLIC_TITLE = "Ankauf des Grundstücks Flurstück 4711 am Kiebitzweg"
XSS_SOURCE = "xss_spielplatz_vorlage.txt"
REGIONAL_DE = "Welche finanziellen Auswirkungen hat das Regionalmarketing?"
REGIONAL_EN = "What financial impact does regional marketing have?"
STAFF_PASSWORD = "korrekt-Pferd-Batterie"


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the fixtures ingested (the corpus folder next to it keeps the originals)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    root = tmp_path_factory.mktemp("ui-index")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in CORPUS_FILES:
        shutil.copy(path, corpus / path.name)
    data = root / "data"
    assistant = Assistant.from_settings(Settings(data_dir=data, _env_file=None))
    report = assistant.ingest([corpus])
    assert report.documents_added == len(CORPUS_FILES) and not report.skipped
    return data


@pytest.fixture
def app_env(index_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for one app run: the shared index, a fresh feedback db, one staff account."""
    monkeypatch.setenv("RATSINFO_DATA_DIR", str(index_dir))
    monkeypatch.setenv("RATSINFO_FEEDBACK_DB", str(tmp_path / "feedback.sqlite3"))
    monkeypatch.setenv("RATSINFO_STAFF_USERS",
                       f"alice:{hash_password(STAFF_PASSWORD, iterations=MIN_ITERATIONS)}")
    monkeypatch.delenv("RATSINFO_STAFF_SSO_EMAILS", raising=False)
    return tmp_path / "feedback.sqlite3"


@pytest.fixture
def app(app_env: Path):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at
