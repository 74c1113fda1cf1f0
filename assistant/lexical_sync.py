"""Keeps the BM25 index at the store's generation: used by the write path (after an ingest) and the read path
(a search picks up what another process wrote) alike, so the read path needs no ingest code."""

from __future__ import annotations

import logging
from collections.abc import Collection

from assistant.lexical import LexicalIndex
from assistant.models import SearchFilters
from assistant.store import ChunkStore

log = logging.getLogger(__name__)


def bring_up_to_date(store: ChunkStore, lexical: LexicalIndex, *, force: bool = False,
                     changed: Collection[str] = ()) -> None:
    """Bring the lexical index up to the store when forced or behind the store's generation: load what another
    process saved, or update (analysing only the chunks added since; ``changed``: ids whose metadata was
    rewritten), or build from scratch when the index is missing."""
    generation = store.generation
    if not force and lexical.reload_if_current(generation, store.count()):
        return  # current already, or another process saved the current index: nothing to analyse

    def fetch(chunk_ids):  # noqa: ANN001, ANN202 - every chunk, whatever its access (the index masks later)
        return list(store.get_chunks(chunk_ids, SearchFilters(public_only=False)).values())

    if lexical.update(store.chunk_ids(), fetch, generation, changed):
        return
    chunks = list(store.iter_chunks())
    log.info("building lexical index over %d chunks", len(chunks))
    lexical.build(chunks, generation)


def refresh_if_stale(store: ChunkStore, lexical: LexicalIndex) -> None:
    """The read path's cheap check: one read of the store's generation; work only when it moved."""
    if store.generation != lexical.generation:
        bring_up_to_date(store, lexical)
