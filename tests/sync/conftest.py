"""Fixtures of the OParl sync tests: the test server as a real process, one real embedder, one first sync."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.embeddings import Embedder, build_embedder
from assistant.service import Assistant
from assistant.settings import Settings
from ingest.oparl.sync import SyncReport, sync

ROOT = Path(__file__).resolve().parents[2]
SYNC_ENV = {  # small timeouts so the slow file costs seconds, not minutes; 2 retries beat the flaky file
    "RATSINFO_OPARL_TIMEOUT_S": "1",
    "RATSINFO_OPARL_MAX_RETRIES": "2",
    "RATSINFO_OPARL_BACKOFF_S": "0.05",
    "RATSINFO_OPARL_MAX_FILE_MB": "1",
    "RATSINFO_OPARL_REQUESTS_PER_SECOND": "50",
    "RATSINFO_OPARL_CONCURRENCY": "2",
}


class CountingEmbedder:
    """The real embedder, counting how often it is asked to embed passages."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.calls = 0
        self.texts = 0

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_queries(texts)


@dataclass
class OParlServer:
    system_url: str
    base: str
    process: subprocess.Popen[str]

    def control(self, action: str, **params: str) -> None:
        query = urllib.parse.urlencode(params)
        request = urllib.request.Request(f"{self.base}/_control/{action}?{query}", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    def log(self) -> list[str]:
        with urllib.request.urlopen(f"{self.base}/_control/log", timeout=10) as response:
            return list(json.loads(response.read()))


def sync_settings(data_dir: Path) -> Settings:
    env = {k[len("RATSINFO_") :].lower(): v for k, v in SYNC_ENV.items()}
    return Settings(_env_file=None, data_dir=data_dir, **env)  # type: ignore[call-arg]


def sync_env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, **SYNC_ENV, "RATSINFO_DATA_DIR": str(data_dir)}


@contextmanager
def start_oparl_server(*args: str) -> Iterator[OParlServer]:
    """`python -m tests.oparl_server` on a free port with ``args``; stopped afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oparl_server", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("READY "), line
    url = line.split()[1]
    try:
        yield OParlServer(url, url.rsplit("/oparl/", 1)[0], process)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def oparl_server() -> Iterator[OParlServer]:
    with start_oparl_server("--slow-seconds", "2") as server:
        yield server


@pytest.fixture(scope="session")
def embedder() -> CountingEmbedder:
    return CountingEmbedder(build_embedder(Settings(_env_file=None)))  # type: ignore[call-arg]


@dataclass
class Snapshot:
    chunk_ids: set[str]
    document_ids: set[str]
    chunks: int
    keys: int  # distinct (document, section path, text): equals chunks when nothing is duplicated


def snapshot(assistant: Assistant) -> Snapshot:
    chunks = list(assistant.store.iter_chunks())
    return Snapshot(
        {c.chunk_id for c in chunks},
        {c.document_id for c in chunks},
        len(chunks),
        len({(c.document_id, c.section_path, c.text) for c in chunks}),
    )


@dataclass
class FirstSync:
    assistant: Assistant
    report: SyncReport
    reference: Snapshot
    embedded_texts: int
    settings: Settings


@pytest.fixture(scope="session")
def first_sync(
    oparl_server: OParlServer, embedder: CountingEmbedder, tmp_path_factory: pytest.TempPathFactory
) -> FirstSync:
    oparl_server.control("reset")
    settings = sync_settings(tmp_path_factory.mktemp("first-sync"))
    assistant = Assistant.from_settings(settings, embedder=embedder)
    before = embedder.texts
    report = run_sync(oparl_server.system_url, assistant)
    return FirstSync(assistant, report, snapshot(assistant), embedder.texts - before, settings)


def run_sync(url: str, assistant: Assistant) -> SyncReport:
    """One sync into the assistant's index: the sync takes the indexer and the settings, not the facade."""
    return sync(url, assistant.indexer, assistant.settings)


def documents_by_source(assistant: Assistant) -> dict[str, dict[str, Any]]:
    """Records by their OParl id (server address cut off); a record's chunks may cite its files."""
    return {str(d["source_path"]).rsplit("/oparl/", 1)[-1]: d for d in assistant.documents()}
