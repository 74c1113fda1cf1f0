"""The chunk store: chromadb, always with our own embeddings.

The collection records which embedder built it and refuses vectors of another one. Chunk ids are content
hashes, so adding the same chunk twice is a no-op and a changed document only touches what changed.
This module is the one adapter between chroma's nested result lists and our ``Chunk``/``Hit`` types.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant import access
from assistant.errors import ConfigurationError, EmbedderMismatchError
from assistant.models import Chunk, SearchFilters
from assistant.settings import Settings

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
OVERFETCH = 2  # unfiltered nearest neighbours fetched per wanted filtered one (see ChunkStore.query)
_PATH_SEP = " > "


def chunk_to_metadata(chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "document_id": chunk.document_id,
        "source": chunk.source,
        "source_path": chunk.source_path,
        "title": chunk.title,
        "section": chunk.section,
        "section_path": _PATH_SEP.join(chunk.section_path),
        "ordinal": chunk.ordinal,
        "page": chunk.page if chunk.page is not None else -1,
        "reference": chunk.reference or "",
        "document_type": chunk.document_type or "",
        "date": chunk.date or "",
        "date_int": access.date_int(chunk.date),
        "body": chunk.body or "",
        # fail closed: unknown is stored as not public, and public_known tells the two apart
        "public": bool(chunk.public),
        "public_known": chunk.public is not None,
        "content_hash": chunk.content_hash,
        "embed_text": chunk.embed_text,
    }
    if chunk.ocr:
        meta["ocr"] = True  # only when set: chunks stored before the field existed read back as False
    return meta


def _optional(meta: dict[str, Any], key: str) -> str | None:
    value = meta.get(key)
    return str(value) if value not in (None, "") else None


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    page = int(meta.get("page", -1))
    section_path = str(meta.get("section_path", ""))
    return Chunk(
        chunk_id=chunk_id,
        document_id=str(meta.get("document_id", "")),
        source=str(meta.get("source", "")),
        source_path=str(meta.get("source_path", "")),
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        section_path=tuple(section_path.split(_PATH_SEP)) if section_path else (),
        text=text,
        embed_text=str(meta.get("embed_text", text)),
        ordinal=int(meta.get("ordinal", 0)),
        page=page if page >= 0 else None,
        reference=_optional(meta, "reference"),
        document_type=_optional(meta, "document_type"),
        date=_optional(meta, "date"),
        body=_optional(meta, "body"),
        public=bool(meta.get("public")) if meta.get("public_known") else None,
        content_hash=str(meta.get("content_hash", "")),
        ocr=bool(meta.get("ocr", False)),
    )


@dataclass(frozen=True)
class DenseMatch:
    chunk: Chunk
    similarity: float


def make_client(settings: Settings) -> Any:
    """Embedded ``PersistentClient`` under the data directory, or ``HttpClient`` for a chroma server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise ConfigurationError(f"RATSINFO_CHROMA_URL is not a URL: {settings.chroma_url!r}")
        return chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                   settings=chroma_settings)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class ChunkStore:
    """Chunks with their vectors in one chroma collection, bound to one embedder."""

    def __init__(self, client: Any, collection_name: str, *, ef_search: int = 400,
                 ef_construction: int = 200, max_neighbors: int = 32) -> None:
        self._client = client
        self._name = collection_name
        # embedding_function=None: chroma must never embed anything itself (its default downloads a model).
        # The e5 similarities of council text are tightly packed (0.78-0.95), so the HNSW graph needs a wider
        # search than chroma's default (ef 100 missed the exact best passage for some queries at k=80).
        self._collection = client.get_or_create_collection(
            name=collection_name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "ef_search": ef_search,
                                    "ef_construction": ef_construction, "max_neighbors": max_neighbors}},
        )
        current = (self._collection.configuration or {}).get("hnsw") or {}
        if current.get("ef_search") != ef_search:
            self._collection.modify(configuration={"hnsw": {"ef_search": ef_search}})
        self._max_batch = int(getattr(client, "get_max_batch_size", lambda: 5000)() or 5000)

    @property
    def max_batch_size(self) -> int:
        """Records per chroma call (the client's limit); ``add`` splits larger inputs."""
        return self._max_batch

    # -- embedder identity -------------------------------------------------------------------------
    @property
    def embedder_name(self) -> str | None:
        meta = self._collection.metadata or {}
        name = meta.get("embedder")
        return str(name) if name else None

    def bind_embedder(self, name: str, dimension: int) -> None:
        """Record the embedder on first use; refuse a different one afterwards."""
        recorded = self.embedder_name
        if recorded is None:
            if self.count() > 0:
                raise EmbedderMismatchError("the index has vectors but no recorded embedder; rebuild it")
            meta = dict(self._collection.metadata or {})
            meta.update({"embedder": name, "dimension": dimension, "schema_version": SCHEMA_VERSION})
            self._collection.modify(metadata=meta)
            return
        if recorded != name:
            raise EmbedderMismatchError(
                f"the index was built with embedder '{recorded}', but '{name}' is configured; "
                "mixing vectors of two embedders would make search meaningless. Use the same embedder "
                "(RATSINFO_EMBEDDING_BACKEND / RATSINFO_EMBEDDING_MODEL) or a new RATSINFO_DATA_DIR / "
                "RATSINFO_COLLECTION."
            )

    @property
    def generation(self) -> int:
        """Bumped on every write; the lexical index compares it to know when it is stale."""
        fresh = self._client.get_collection(self._name, embedding_function=None)  # other processes write too
        return int((fresh.metadata or {}).get("generation", 0))

    @property
    def updated_at(self) -> str | None:
        """ISO time of the last write, or None for an empty store."""
        fresh = self._client.get_collection(self._name, embedding_function=None)
        value = (fresh.metadata or {}).get("updated_at")
        return str(value) if value else None

    def bump_generation(self) -> int:
        meta = dict(self._client.get_collection(self._name, embedding_function=None).metadata or {})
        meta["generation"] = int(meta.get("generation", 0)) + 1
        meta["updated_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        meta.pop("hnsw:space", None)
        self._collection.modify(metadata=meta)
        return int(meta["generation"])

    # -- writing -----------------------------------------------------------------------------------
    def add(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        if len(chunks) != len(embeddings):
            raise ValueError("one embedding per chunk")
        for start in range(0, len(chunks), self._max_batch):
            part = chunks[start:start + self._max_batch]
            self._collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=np.asarray(embeddings[start:start + self._max_batch], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[chunk_to_metadata(c) for c in part],
            )

    def update_metadata(self, chunks: Sequence[Chunk]) -> None:
        for start in range(0, len(chunks), self._max_batch):
            part = chunks[start:start + self._max_batch]
            self._collection.update(ids=[c.chunk_id for c in part],
                                    metadatas=[chunk_to_metadata(c) for c in part])

    def delete(self, chunk_ids: Iterable[str]) -> int:
        ids = list(chunk_ids)
        for start in range(0, len(ids), self._max_batch):
            self._collection.delete(ids=ids[start:start + self._max_batch])
        return len(ids)

    # -- reading -----------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._collection.count())

    def document_chunks(self, document_id: str) -> dict[str, str]:
        """chunk id -> content hash of every stored chunk of one document."""
        got = self._collection.get(where={"document_id": document_id}, include=["metadatas"])
        return {cid: str(meta.get("content_hash", "")) for cid, meta in zip(got["ids"], got["metadatas"])}

    def documents_with_hash(self, content_hash: str) -> dict[str, str]:
        """document id -> source path of stored documents with these exact bytes."""
        got = self._collection.get(where={"content_hash": content_hash}, include=["metadatas"])
        return {str(m["document_id"]): str(m.get("source_path", "")) for m in got["metadatas"]}

    def document_ids_for_source(self, source: str) -> set[str]:
        """Documents whose file name / URL or full path equals ``source``."""
        ids: set[str] = set()
        for key in ("source", "source_path", "document_id"):
            got = self._collection.get(where={key: source}, include=["metadatas"])
            ids.update(str(m["document_id"]) for m in got["metadatas"])
        return ids

    def get_chunks(self, chunk_ids: Sequence[str], filters: SearchFilters | None = None) -> dict[str, Chunk]:
        """Chunks by id (in batches of the client's limit); the filters are checked on the stored metadata of
        each record.

        Not as a chroma ``where`` next to ``ids``: chroma evaluates such a filter over the whole collection
        before it intersects with the ids (12.7 s for 80 ids at 100k chunks, 24 ms without the ``where``).
        """
        found: dict[str, Chunk] = {}
        ids = list(chunk_ids)
        for start in range(0, len(ids), self._max_batch):
            got = self._collection.get(ids=ids[start:start + self._max_batch], include=["documents", "metadatas"])
            found.update((cid, chunk_from_record(cid, doc or "", meta))
                         for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])
                         if access.allows_metadata(filters, meta))
        return found

    def embeddings(self, chunk_ids: Sequence[str]) -> np.ndarray:
        """The stored vectors of these chunks, in the given order (rows of a float32 matrix)."""
        vectors: dict[str, np.ndarray] = {}
        ids = list(chunk_ids)
        for start in range(0, len(ids), self._max_batch):
            got = self._collection.get(ids=ids[start:start + self._max_batch], include=["embeddings"])
            vectors.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))
        return np.stack([vectors[cid] for cid in ids]) if ids else np.zeros((0, 0), dtype=np.float32)

    def chunk_ids(self, batch_size: int = 20000) -> list[str]:
        """Every stored chunk id (no texts, no metadata)."""
        ids: list[str] = []
        while True:
            got = self._collection.get(include=[], limit=batch_size, offset=len(ids))
            if not got["ids"]:
                return ids
            ids += got["ids"]

    def iter_chunks(self, batch_size: int = 2000) -> Iterator[Chunk]:
        offset = 0
        while True:
            got = self._collection.get(include=["documents", "metadatas"], limit=batch_size, offset=offset)
            if not got["ids"]:
                return
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
                yield chunk_from_record(cid, doc or "", meta)
            offset += len(got["ids"])

    def query(self, embedding: np.ndarray, k: int, filters: SearchFilters | None = None) -> list[DenseMatch]:
        """The ``k`` nearest chunks that pass the filters.

        chroma pre-filters a ``where`` over the whole collection (1.1 s per query at 100k chunks, 40 ms
        without), so the nearest ``OVERFETCH * k`` chunks are fetched unfiltered and filtered on their
        metadata; only when fewer than ``k`` pass (a selective filter) does chroma run the filtered query.
        Both give the same chunks: any passing chunk nearer than the k-th kept one is among the unfiltered
        nearest, too.
        """
        count = self.count()
        if k <= 0 or count == 0:
            return []
        where = access.chroma_where(filters)
        if where is None:
            return [m for m, _ in self._nearest(embedding, k, None)]
        fetched = min(count, OVERFETCH * k)
        candidates = self._nearest(embedding, fetched, None)
        passing = [m for m, meta in candidates if access.allows_metadata(filters, meta)]
        if len(passing) >= k or fetched == count:
            return passing[:k]
        return [m for m, _ in self._nearest(embedding, k, where)]

    def _nearest(self, embedding: np.ndarray, k: int, where: dict[str, Any] | None
                 ) -> list[tuple[DenseMatch, dict[str, Any]]]:
        result = self._collection.query(
            query_embeddings=[np.asarray(embedding, dtype=np.float32)],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [(DenseMatch(chunk_from_record(cid, doc or "", meta), 1.0 - float(dist)), meta)
                for cid, doc, meta, dist in zip(result["ids"][0], result["documents"][0], result["metadatas"][0],
                                                result["distances"][0])]

    def documents(self) -> list[dict[str, Any]]:
        """One summary row per stored document (id, source, title, type, date, body, public, chunks)."""
        rows: dict[str, dict[str, Any]] = {}
        offset = 0
        while True:
            got = self._collection.get(include=["metadatas"], limit=5000, offset=offset)
            if not got["ids"]:
                break
            for meta in got["metadatas"]:
                doc_id = str(meta["document_id"])
                row = rows.setdefault(doc_id, {
                    "document_id": doc_id, "source": meta.get("source"), "source_path": meta.get("source_path"),
                    "title": meta.get("title"), "document_type": meta.get("document_type") or None,
                    "date": meta.get("date") or None, "body": meta.get("body") or None,
                    "reference": meta.get("reference") or None,
                    "public": bool(meta.get("public")) if meta.get("public_known") else None, "chunks": 0})
                row["chunks"] += 1
            offset += len(got["ids"])
        return sorted(rows.values(), key=lambda r: str(r["source"]))
