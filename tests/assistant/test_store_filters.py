"""The store's own filter checks (``metadata_matches``, over-fetched dense queries) equal chroma's ``where``.

On both backends, over the real core index: every filter gives the same chunks whether chroma filters or the
store does, and non-public chunks never pass the default (citizen) filters.
"""

from __future__ import annotations

import pytest

from assistant.access import chroma_where as filters_to_where
from assistant.models import SearchFilters
from tests.chroma_server import IndexRef

FILTERS = [
    SearchFilters(),
    SearchFilters(public_only=False),
    SearchFilters(date_from="2025-01-01", date_to="2025-12-31"),
    SearchFilters(date_to="2000-01-01"),
    SearchFilters(document_types=("Vorlage", "Niederschrift")),
    SearchFilters(bodies=("Stadt Karlsruhe",), public_only=False),
]


@pytest.fixture(scope="module")
def store(backend_index: IndexRef):  # noqa: ANN201 - assistant.store.ChunkStore
    return backend_index.assistant().store


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: str(filters_to_where(f)))
def test_get_chunks_filters_like_a_chroma_where(store, filters: SearchFilters) -> None:
    ids = [c.chunk_id for c in store.iter_chunks()]
    where = filters_to_where(filters)
    expected = set(store._collection.get(ids=ids, where=where)["ids"]) if where else set(ids)
    assert set(store.get_chunks(ids, filters)) == expected


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: str(filters_to_where(f)))
@pytest.mark.parametrize("k", [1, 5, 40])
def test_dense_query_filters_like_a_chroma_where(store, filters: SearchFilters, k: int) -> None:
    probe = next(iter(store.iter_chunks()))
    vector = store.embeddings([probe.chunk_id])[0]
    got = store.query(vector, k, filters)
    expected = [m.chunk.chunk_id for m, _ in store._nearest(vector, k, filters_to_where(filters))]
    assert [m.chunk.chunk_id for m in got] == expected
    if filters.public_only:
        assert all(m.chunk.public is True for m in got)
