"""The one access and filter rule (``assistant.access.allows``) and each backend's translation of it.

One table of records and one table of filters: for every filter, the records ``allows`` admits are exactly
the ones chroma's ``where`` returns (embedded store and a real ``chroma run`` server), the ones the store's
own metadata check keeps, and the ones the BM25 index's mask keeps.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from assistant import access
from assistant.lexical import LexicalIndex
from assistant.models import Chunk, SearchFilters
from assistant.store import ChunkStore, make_client
from tests.chroma_server import IndexRef

# (public, document_type, body, document_id, date)
FACTS = [
    (True, "Beschlussvorlage", "Gemeinderat", "doc-a", "2024-03-05"),
    (True, "Niederschrift", "Ortschaftsrat Durlach", "doc-b", "2019-12-31"),
    (False, "Beschlussvorlage", "Gemeinderat", "doc-c", "2024-06-01"),
    (None, "Anfrage", "Hauptausschuss", "doc-d", "2025-01-01"),
    (True, None, None, "doc-e", None),
    (True, "Antrag", "Gemeinderat", "doc-f", "2024"),  # a partial date counts as no date
    (False, "Niederschrift", "Ortschaftsrat Durlach", "doc-g", "2020-01-01"),
]

FILTERS = [
    SearchFilters(),
    SearchFilters(public_only=False),
    SearchFilters(date_from="2024-01-01"),
    SearchFilters(date_to="2019-12-31", public_only=False),
    SearchFilters(date_from="2019-12-31", date_to="2024-03-05"),
    SearchFilters(document_types=("Beschlussvorlage",)),
    SearchFilters(document_types=("Beschlussvorlage", "Anfrage"), public_only=False),
    SearchFilters(bodies=("Ortschaftsrat Durlach",), public_only=False),
    SearchFilters(bodies=("Gemeinderat",), date_from="2024-01-01", date_to="2024-12-31"),
    SearchFilters(document_ids=("doc-c", "doc-e")),
    SearchFilters(document_ids=("doc-c", "doc-e"), public_only=False),
]


def _chunks() -> list[Chunk]:
    chunks = []
    for i, (public, doc_type, body, doc_id, date) in enumerate(FACTS):
        chunks.append(Chunk(chunk_id=f"c{i}", document_id=doc_id, source=f"{doc_id}.txt", source_path=f"{doc_id}.txt",
                            title=f"Record {i}", section="Sachverhalt", section_path=("Sachverhalt",),
                            text=f"Sachverhalt des Radwegs Nummer {i}", embed_text=f"Radweg Sachverhalt {i}",
                            ordinal=0, document_type=doc_type, body=body, date=date, public=public))
    return chunks


def _expected(filters: SearchFilters) -> set[str]:
    return {c.chunk_id for c in _chunks()
            if access.allows(filters, public=c.public, document_type=c.document_type, body=c.body,
                             document_id=c.document_id, date=c.date)}


def test_rule_table() -> None:
    """The rule itself, spelled out: citizens never see non-public or unknown records."""
    assert _expected(SearchFilters()) == {"c0", "c1", "c4", "c5"}
    assert _expected(SearchFilters(public_only=False)) == {f"c{i}" for i in range(len(FACTS))}
    assert _expected(SearchFilters(date_from="2024-01-01")) == {"c0"}
    assert _expected(SearchFilters(date_to="2019-12-31", public_only=False)) == {"c1", "c4", "c5"}
    assert _expected(SearchFilters(document_ids=("doc-c", "doc-e"))) == {"c4"}
    assert access.allows(None, public=None) is False
    assert access.date_int("2024-03-05") == 20240305 and access.date_int("2024") == 0 and access.date_int(None) == 0


@pytest.fixture
def filled_store(fresh_backend: IndexRef) -> ChunkStore:
    settings = fresh_backend.settings()
    store = ChunkStore(make_client(settings), settings.collection)
    store.bind_embedder("test-vectors", 4)
    vectors = np.random.default_rng(7).random((len(FACTS), 4)).astype(np.float32)
    store.add(_chunks(), vectors)
    return store


def test_chroma_and_store_checks_follow_the_rule(filled_store: ChunkStore) -> None:
    ids = [c.chunk_id for c in _chunks()]
    for filters in FILTERS:
        where = access.chroma_where(filters)
        by_chroma = set(filled_store._collection.get(ids=ids, where=where)["ids"]) if where else set(ids)
        assert by_chroma == _expected(filters), filters
        assert set(filled_store.get_chunks(ids, filters)) == _expected(filters), filters
        vector = filled_store.embeddings(["c0"])[0]
        for k in (1, 3, len(FACTS)):
            got = {m.chunk.chunk_id for m in filled_store.query(vector, k, filters)}
            assert got <= _expected(filters) and len(got) == min(k, len(_expected(filters))), (filters, k)


def test_bm25_mask_follows_the_rule(tmp_path) -> None:  # noqa: ANN001
    index = LexicalIndex(tmp_path)
    index.build(_chunks(), generation=1)
    for filters, k in itertools.product(FILTERS, (1, len(FACTS))):
        got = {m.chunk_id for m in index.search("Radweg Sachverhalt", k, filters)}
        assert got <= _expected(filters) and len(got) == min(k, len(_expected(filters))), filters
