"""Both store backends for the integration tests: the embedded PersistentClient and a real `chroma run` server.

The server is started once per test session on a free port (``eval.chroma_server``), unless
``RATSINFO_TEST_CHROMA_URL`` points at one that is already running (``.ci/run`` starts one that way).
Tests on the server get their own collection (a unique name) and their own data directory (lexical index).
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BACKENDS = ("embedded", "server")
TEST_URL_ENV = "RATSINFO_TEST_CHROMA_URL"


@dataclass(frozen=True)
class IndexRef:
    """Where one test's index lives: a data directory plus, on the server, its URL and collection."""

    data_dir: Path
    backend: str = "embedded"
    overrides: dict[str, Any] = field(default_factory=dict)

    def assistant(self, **overrides: object):  # noqa: ANN201 - assistant.service.Assistant
        from tests.conftest import make_assistant

        return make_assistant(self.data_dir, **{**self.overrides, **overrides})

    def settings(self):  # noqa: ANN201 - assistant.settings.Settings
        from assistant.settings import Settings

        return Settings(data_dir=self.data_dir, _env_file=None, **self.overrides)


def new_collection() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def server_ref(data_dir: Path, url: str, collection: str | None = None) -> IndexRef:
    return IndexRef(data_dir, "server", {"chroma_url": url, "collection": collection or new_collection()})


def copy_index(source: IndexRef, target: IndexRef) -> IndexRef:
    """Copy chunks, vectors and collection metadata (embedder, generation) and the lexical index."""
    from assistant.store import ChunkStore, make_client

    src_settings, dst_settings = source.settings(), target.settings()
    src_client, dst_client = make_client(src_settings), make_client(dst_settings)
    src = ChunkStore(src_client, src_settings.collection)
    dst = ChunkStore(dst_client, dst_settings.collection)
    chunks = list(src.iter_chunks())
    dst.add(chunks, src.embeddings([c.chunk_id for c in chunks]))
    meta = dict(src_client.get_collection(src_settings.collection, embedding_function=None).metadata or {})
    meta.pop("hnsw:space", None)
    dst_client.get_collection(dst_settings.collection, embedding_function=None).modify(metadata=meta)
    lexical = src_settings.lexical_dir / src_settings.collection
    if lexical.exists():
        target_lexical = dst_settings.lexical_dir / dst_settings.collection
        target_lexical.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(lexical, target_lexical)
    return target


def external_url() -> str | None:
    return os.environ.get(TEST_URL_ENV) or None
