"""Verified-answer tests: a small real index (real chromadb, bundled e5, BM25) per test, so a test can change
and re-ingest a cited record at its own path; the embedder is loaded once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.ui.conftest import app, app_env, index_dir  # noqa: F401 - the UI fixtures, for tests/verified/test_ui.py

FILES = ("aachen_regionalmarketing_vorlage.txt", "karlsruhe_file_662089.txt",
         "nonpublic/nichtoeffentliche_vorlage_grundstueck.txt")
REGIONAL = "Welche finanziellen Auswirkungen hat das Regionalmarketing?"
NONPUBLIC_QUESTION = "Zu welchem Kaufpreis wird das Grundstück Flurstück 4711 an der Musterstraße verkauft?"


@pytest.fixture(scope="session")
def embedder():  # noqa: ANN201 - assistant.embeddings.Embedder
    from assistant.embeddings import build_embedder
    from assistant.settings import Settings

    return build_embedder(Settings(_env_file=None))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in FILES:
        shutil.copy(FIXTURES / name, folder / Path(name).name)
    return folder


@pytest.fixture
def assistant(corpus: Path, tmp_path: Path, embedder, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN201
    from assistant.service import Assistant
    from assistant.settings import Settings

    monkeypatch.delenv("RATSINFO_FEEDBACK_DB", raising=False)
    built = Assistant.from_settings(Settings(data_dir=tmp_path / "data", _env_file=None), embedder=embedder)
    report = built.ingest([corpus])
    assert report.documents_added == len(FILES) and not report.skipped, report
    return built
