"""The lexical index follows the store by updates that analyse only new chunks, and equals a full build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.lexical import LexicalIndex
from assistant.models import SearchFilters
from tests.conftest import make_assistant

QUERY = "Fahrradstraße Basler-Tor-Straße Tagesordnung Antrag"
ALL = SearchFilters(public_only=False)


def _ranking(index: LexicalIndex) -> list[tuple[str, float]]:
    return [(m.chunk_id, round(m.score, 6)) for m in index.search(QUERY, 20, ALL)]


def _count_analysed(monkeypatch: pytest.MonkeyPatch, index: LexicalIndex) -> list[str]:
    seen: list[str] = []
    original = index.analyzer.tokens

    def counting(text: str) -> list[str]:
        seen.append(text)
        return original(text)

    monkeypatch.setattr(index.analyzer, "tokens", counting)
    return seen


def test_remove_and_re_ingest_update_the_index_like_a_full_build(writable_index: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  core_corpus: Path) -> None:
    assistant = make_assistant(writable_index)
    before = _ranking(assistant.lexical)
    assert before, "the query must match the Fahrradstraße records"

    (doc_id,) = assistant.store.document_ids_for_source("karlsruhe_file_662089.txt")
    gone = set(assistant.store.document_chunks(doc_id))
    documents, removed = assistant.remove("karlsruhe_file_662089.txt")
    assert documents == 1 and removed == len(gone) > 0
    assert len(assistant.lexical) == assistant.store.count()
    assert not gone & {m.chunk_id for m in assistant.lexical.search(QUERY, 50, ALL)}

    analysed = _count_analysed(monkeypatch, assistant.lexical)
    report = assistant.ingest([core_corpus / "karlsruhe_file_662089.txt"])
    assert report.chunks_added == removed
    # only the re-added chunks were analysed
    assert len(analysed) == removed
    monkeypatch.undo()

    full = LexicalIndex(tmp_path / "full")
    full.build(list(assistant.store.iter_chunks()), assistant.store.generation)
    assert sorted(_ranking(assistant.lexical)) == sorted(_ranking(full))
    assert sorted(_ranking(assistant.lexical)) == sorted(before)


def test_another_process_picks_up_the_index_the_writer_saved(writable_index: Path, core_corpus: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Several workers on one data directory: after one ingests, the others load its saved index instead of
    analysing anything, and a worker that only searches never reads the kept tokens (~7 GB at 1M chunks)."""
    writer = make_assistant(writable_index)
    writer.remove("karlsruhe_file_658931.txt")
    reader = make_assistant(writable_index)
    assert len(reader.lexical) == reader.store.count()
    assert reader.lexical._tokens is None  # loaded for searching only

    writer.ingest([core_corpus / "karlsruhe_file_658931.txt"])  # the store's generation moves on
    analysed = _count_analysed(monkeypatch, reader.lexical)
    reader.indexer.refresh_lexical()
    assert analysed == []
    assert len(reader.lexical) == reader.store.count()
    assert reader.lexical.generation == reader.store.generation
    assert reader.lexical._tokens is None
    assert sorted(_ranking(reader.lexical)) == sorted(_ranking(writer.lexical))


def test_a_worker_whose_saved_index_is_behind_updates_from_the_kept_tokens(
        writable_index: Path, core_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker whose index folder nobody else updates (its own disk, a shared chroma server): it analyses only
    the chunks another process added, reading its kept tokens on this first update."""
    writer = make_assistant(writable_index)
    writer.remove("karlsruhe_file_658931.txt")
    reader = make_assistant(writable_index)
    folder = reader.lexical.directory
    shutil.copytree(folder, tmp_path / "stale")

    report = writer.ingest([core_corpus / "karlsruhe_file_658931.txt"])
    shutil.rmtree(folder)
    shutil.copytree(tmp_path / "stale", folder)  # the disk copy stays behind the store, as on another host
    analysed = _count_analysed(monkeypatch, reader.lexical)
    reader.indexer.refresh_lexical()
    assert len(analysed) == report.chunks_added > 0  # the reader analysed only the chunks the writer added
    assert len(reader.lexical) == reader.store.count()
    assert reader.lexical.generation == reader.store.generation
    monkeypatch.undo()
    full = LexicalIndex(tmp_path / "full")
    full.build(list(reader.store.iter_chunks()), reader.store.generation)
    assert sorted(_ranking(reader.lexical)) == sorted(_ranking(full))


def test_an_index_without_kept_tokens_is_built_from_scratch(writable_index: Path) -> None:
    assistant = make_assistant(writable_index)
    folder = assistant.lexical.directory
    (folder / "tokens.txt").unlink()
    reloaded = LexicalIndex(folder)
    assert reloaded.load()
    assert not reloaded.update(assistant.store.chunk_ids(), lambda ids: [], assistant.store.generation)
    shutil.rmtree(folder)
    again = make_assistant(writable_index)  # missing index: a full build, tokens kept again
    assert len(again.lexical) == again.store.count()
    assert (again.lexical.directory / "tokens.txt").exists()
