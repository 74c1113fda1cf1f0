"""Shared test set-up: one real index over real council records, built once per session.

Embedding is the slow part on 2 cores, so the session builds the index once (bundled multilingual-e5-small,
real chromadb, real BM25) and tests that write get their own copy of the data directory.

Store and retrieval tests run against both backends (``backend_index``, ``writable_backend``,
``fresh_backend``): the embedded store and a real ``chroma run`` server (``chroma_url``), which gets a copy of
the same vectors, so nothing is embedded twice.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chroma_server import BACKENDS, IndexRef, copy_index, external_url, server_ref

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

CORE_FILES = (
    "aachen_regionalmarketing_vorlage.txt",
    "karlsruhe_file_658931.txt",
    "karlsruhe_file_662089.txt",
    "karlsruhe_meeting_10023.json",
    "erlangen_sbr_2025-03-11_Einladung_Einladung_1_Sitzung_Buechenbach.pdf",
    "nonpublic/nichtoeffentliche_vorlage_grundstueck.txt",
)


@pytest.fixture(scope="session")
def core_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a few real records (text, PDF, OParl) and one non-public Vorlage."""
    folder = tmp_path_factory.mktemp("core_corpus")
    for name in CORE_FILES:
        target = folder / Path(name).name
        shutil.copy(FIXTURES / name, target)
    return folder


@pytest.fixture(scope="session")
def core_index(core_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data directory with ``core_corpus`` ingested (read-only for tests; copy it to write)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    data_dir = tmp_path_factory.mktemp("core_index")
    assistant = Assistant.from_settings(Settings(data_dir=data_dir, _env_file=None))
    report = assistant.ingest([core_corpus])
    assert report.documents_added == len(CORE_FILES), report
    return data_dir


@pytest.fixture
def writable_index(core_index: Path, tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "data"
    shutil.copytree(core_index, target)
    yield target


def make_assistant(data_dir: Path, **overrides: object):  # noqa: ANN201 - returns assistant.service.Assistant
    from assistant.service import Assistant
    from assistant.settings import Settings

    return Assistant.from_settings(Settings(data_dir=data_dir, _env_file=None, **overrides))


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real chroma server: $RATSINFO_TEST_CHROMA_URL when set, else one started for the session."""
    from eval.chroma_server import ChromaServer, chroma_cli, wait_for_heartbeat

    url = external_url()
    if url:
        wait_for_heartbeat(url, timeout_s=30)
        yield url
        return
    if chroma_cli() is None:
        pytest.skip("the chroma CLI is not installed")
    with ChromaServer(tmp_path_factory.mktemp("chroma-server")) as server:
        yield server.url


@pytest.fixture(scope="session", params=BACKENDS)
def backend_index(request: pytest.FixtureRequest, core_index: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> IndexRef:
    """``core_index`` on each backend (read-only); the server gets a copy of the embedded vectors."""
    embedded = IndexRef(core_index)
    if request.param == "embedded":
        return embedded
    url = request.getfixturevalue("chroma_url")
    return copy_index(embedded, server_ref(tmp_path_factory.mktemp("core_index_server"), url))


@pytest.fixture(params=BACKENDS)
def writable_backend(request: pytest.FixtureRequest, core_index: Path, tmp_path: Path) -> IndexRef:
    """A private, writable copy of ``core_index`` on each backend."""
    if request.param == "embedded":
        shutil.copytree(core_index, tmp_path / "data")
        return IndexRef(tmp_path / "data")
    url = request.getfixturevalue("chroma_url")
    return copy_index(IndexRef(core_index), server_ref(tmp_path / "data", url))


@pytest.fixture(params=BACKENDS)
def fresh_backend(request: pytest.FixtureRequest, tmp_path: Path) -> IndexRef:
    """An empty index on each backend."""
    if request.param == "embedded":
        return IndexRef(tmp_path / "data")
    return server_ref(tmp_path / "data", request.getfixturevalue("chroma_url"))
