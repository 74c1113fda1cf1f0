"""Fixtures of the matters tests: the OParl test server (in this process) with the matters' extra objects,
synced once into a fresh index with the real embedder."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.embeddings import build_embedder
from assistant.service import Assistant
from assistant.settings import Settings
from ingest.oparl.sync import sync
from tests.oparl_server import OParlHTTPServer
from tests.sync.conftest import sync_settings

# the Karlstraße Vorlage (2023/0386, three consultations), its amendment (2023/0386/4), the two meetings
# that dealt with both, and an Anfrage whose Stellungnahme is a paper of its own (see fixtures/oparl/SOURCES.md)
MATTER_EXTRAS = (
    "synthetic_organization_28964",
    "karlsruhe_meeting_9049",
    "synthetic_meeting_9064",
    "karlsruhe_paper_48449",
    "karlsruhe_paper_48880",
    "split_paper_52486_anfrage",
    "split_paper_52486_stellungnahme",
)


@dataclass
class Served:
    server: OParlHTTPServer

    @property
    def system_url(self) -> str:
        return self.server.system_url

    def add(self, *names: str) -> None:
        for name in names:
            self.server.world.add(name)

    def url(self, path: str) -> str:
        return f"{self.server.base}/oparl/{path}"


@pytest.fixture(scope="session")
def matter_server() -> Iterator[Served]:
    server = OParlHTTPServer(0, slow_seconds=0.2, huge_mb=0.5)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(server)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def shared_embedder():  # type: ignore[no-untyped-def]
    return build_embedder(Settings(_env_file=None))  # type: ignore[call-arg]


def synced_assistant(url: str, data_dir: Path, embedder) -> Assistant:  # type: ignore[no-untyped-def]
    settings: Settings = sync_settings(data_dir)
    assistant = Assistant.from_settings(settings, embedder=embedder)
    sync(url, assistant.indexer, assistant.settings)
    return assistant


@pytest.fixture(scope="session")
def matters_index(matter_server: Served, shared_embedder, tmp_path_factory: pytest.TempPathFactory) -> Assistant:  # type: ignore[no-untyped-def]
    matter_server.server.world.reset()
    matter_server.add(*MATTER_EXTRAS)
    return synced_assistant(matter_server.system_url, tmp_path_factory.mktemp("matters"), shared_embedder)
