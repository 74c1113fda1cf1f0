"""Indexing: files -> parsed documents -> sections -> chunks -> vectors in the store + lexical index.

Idempotent and interruption-safe: chunk ids are content hashes, so for each document only chunks not yet
stored are embedded and added, then chunks that no longer exist are deleted. Re-ingesting an unchanged
file embeds nothing; a run cut off mid-way is completed by the next run, with no duplicates.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from assistant.embeddings import Embedder
from assistant.errors import ParseError
from assistant.lexical import LexicalIndex
from assistant.lexical_sync import bring_up_to_date
from assistant.models import Chunk, IngestReport, SkippedFile, SourceDocument
from assistant.store import ChunkStore
from ingest.chunking import chunk_document, min_chunks, too_many_chunks
from ingest.oparl.folder import plan_folder
from ingest.parsers import SUPPORTED_SUFFIXES, ParseContext, parse_file
from ingest.parsers.base import document_id_for
from ingest.sectioning import split_sections

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ChunkingConfig:
    max_chars: int = 900
    overlap_chars: int = 150


_FOLDER_NOTES = {"readme", "sources", "license", "licence", "changelog", "contributing", "notice"}


def _is_folder_notes(path: Path) -> bool:
    """README.md, SOURCES.md, LICENSE.txt ... of a corpus folder describe the folder; they are no council record."""
    return path.suffix.lower() in {".md", ".txt", ""} and path.stem.lower() in _FOLDER_NOTES


def discover_files(paths: Iterable[Path]) -> tuple[list[Path], list[SkippedFile]]:
    """Supported files under the given files/folders (sorted, hidden files ignored) and what was skipped."""
    files: list[Path] = []
    skipped: list[SkippedFile] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    if _is_folder_notes(child):
                        skipped.append(SkippedFile(str(child), "not a council record"))
                    elif child.suffix.lower() in SUPPORTED_SUFFIXES:
                        files.append(child)
                    else:
                        skipped.append(SkippedFile(str(child), f"unsupported file type '{child.suffix}'"))
        elif path.is_file():
            files.append(path)
        else:
            skipped.append(SkippedFile(str(path), "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, skipped


@dataclass
class _Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    embedded: int = 0
    retagged: set[str] = field(default_factory=set)
    skipped: list[SkippedFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def report(self, seconds: float) -> IngestReport:
        return IngestReport(
            documents_added=self.added, documents_updated=self.updated, documents_unchanged=self.unchanged,
            chunks_added=self.chunks_added, chunks_removed=self.chunks_removed, chunks_embedded=self.embedded,
            skipped=tuple(self.skipped), warnings=tuple(self.warnings), seconds=seconds)


class Indexer:
    """Writes documents into the chunk store and keeps the lexical index in step."""

    def __init__(self, store: ChunkStore, embedder: Embedder, lexical: LexicalIndex, *,
                 parse_context: ParseContext, chunking: ChunkingConfig, embed_batch: int = 32) -> None:
        self.store = store
        self.embedder = embedder
        self.lexical = lexical
        self.parse_context = parse_context
        self.chunking = chunking
        self.embed_batch = embed_batch

    # -- public API ----------------------------------------------------------------------------------
    def ingest_paths(self, paths: Sequence[Path], *, progress: bool = False,
                     on_file: ProgressCallback | None = None) -> IngestReport:
        started = time.perf_counter()
        files, skipped = discover_files(paths)
        tally = _Tally(skipped=list(skipped))
        oparl = plan_folder(files, self.parse_context)  # OParl records joined with the file texts they claim
        # a bar only on a terminal: piped or logged output gets no carriage-return line (the report lists skips)
        bar = tqdm(files, desc="ingest", unit="file", disable=not progress or not sys.stderr.isatty())
        try:
            for i, path in enumerate(bar):
                bar.set_postfix_str(path.name[:40])
                if on_file:
                    on_file(i, len(files), str(path))
                if oparl.claimed_by(path) is not None:  # indexed inside its paper's/meeting's record
                    tally.chunks_removed += self.remove_documents([document_id_for(str(path.resolve()))])
                    continue
                try:
                    document = oparl.record(path) or parse_file(path, self.parse_context)
                except ParseError as exc:
                    log.info("skipped %s", exc)  # reported once, in the IngestReport
                    tally.skipped.append(SkippedFile(str(path), exc.reason))
                    continue
                except Exception as exc:  # noqa: BLE001 - one bad file never stops the run
                    log.debug("unexpected error parsing %s", path, exc_info=True)
                    detail = " ".join(str(exc).split())[:200]
                    tally.skipped.append(SkippedFile(str(path), f"unexpected error ({type(exc).__name__}: {detail})"))
                    continue
                self.ingest_document(document, tally)
        finally:
            bar.close()
            self.refresh_lexical(force=tally.chunks_added + tally.chunks_removed > 0, changed=tally.retagged)
        return tally.report(time.perf_counter() - started)

    def ingest_documents(self, documents: Iterable[SourceDocument]) -> IngestReport:
        """Index already parsed documents (used by network sources such as OParl sync)."""
        started = time.perf_counter()
        tally = _Tally()
        try:
            for document in documents:
                self.ingest_document(document, tally)
        finally:
            self.refresh_lexical(force=tally.chunks_added + tally.chunks_removed > 0, changed=tally.retagged)
        return tally.report(time.perf_counter() - started)

    def remove(self, source: str) -> tuple[int, int]:
        """Delete every document whose file name, path or id is ``source``; (documents, chunks) removed."""
        doc_ids = self.store.document_ids_for_source(source)
        if not doc_ids and Path(source).exists():
            doc_ids = self.store.document_ids_for_source(str(Path(source).resolve()))
        removed = self.remove_documents(doc_ids)
        if removed:
            self.refresh_lexical(force=True)
        return len(doc_ids), removed

    def remove_documents(self, document_ids: Iterable[str]) -> int:
        """Delete the chunks of these documents (the lexical index follows at its next refresh)."""
        removed = 0
        for doc_id in document_ids:
            removed += self.store.delete(self.store.document_chunks(doc_id))
        if removed:
            self.store.bump_generation()
        return removed

    def refresh_lexical(self, *, force: bool = False, changed: Collection[str] = ()) -> None:
        """Bring the lexical index up to the store (see ``assistant.lexical_sync``)."""
        bring_up_to_date(self.store, self.lexical, force=force, changed=changed)

    # -- one document ----------------------------------------------------------------------------------
    def chunk(self, document: SourceDocument) -> list[Chunk]:
        """Chunks of ``document``; LimitExceeded past the chunk limit (checked before and while chunking)."""
        limit = self.parse_context.max_chunks
        at_least = min_chunks(document, self.chunking.max_chars, self.chunking.overlap_chars)
        if at_least > limit:
            raise too_many_chunks(document.source_path, f"at least {at_least:,}", limit)
        sections = split_sections(document)
        return chunk_document(document, sections, max_chars=self.chunking.max_chars,
                              overlap_chars=self.chunking.overlap_chars, max_chunks=limit)

    def ingest_document(self, document: SourceDocument, tally: _Tally) -> None:
        for warning in document.warnings:
            tally.warnings.append(warning)
        twins = {d: p for d, p in self.store.documents_with_hash(document.content_hash).items()
                 if d != document.document_id}
        live_twins = {d: p for d, p in twins.items() if p.startswith(("http://", "https://")) or Path(p).exists()}
        if live_twins:
            other = next(iter(live_twins.values()))
            tally.skipped.append(SkippedFile(document.source_path, f"same content as {other}, already indexed"))
            return
        for moved in twins:  # the same bytes were indexed under a path that no longer exists: a move
            tally.chunks_removed += self.store.delete(self.store.document_chunks(moved))

        try:
            chunks = self.chunk(document)
        except ParseError as exc:  # a limit: skip the file, leave its stored chunks as they are
            log.info("skipped %s", exc)
            tally.skipped.append(SkippedFile(document.source_path, exc.reason))
            return
        if not chunks:
            tally.skipped.append(SkippedFile(document.source_path, "no text to index"))
            return
        stored = self.store.document_chunks(document.document_id)
        wanted = {c.chunk_id for c in chunks}
        new = [c for c in chunks if c.chunk_id not in stored]
        stale = [cid for cid in stored if cid not in wanted]
        retagged = [c for c in chunks if c.chunk_id in stored and stored[c.chunk_id] != document.content_hash]
        if not new and not stale and not retagged:
            tally.unchanged += 1
            return
        for start in range(0, len(new), self.embed_batch * 4):
            part = new[start:start + self.embed_batch * 4]
            vectors = self.embedder.embed_documents([c.embed_text for c in part])
            self.store.add(part, vectors)
            tally.embedded += len(part)
        if retagged:
            self.store.update_metadata(retagged)
            tally.retagged.update(c.chunk_id for c in retagged)
        if stale:
            self.store.delete(stale)
        self.store.bump_generation()
        tally.chunks_added += len(new)
        tally.chunks_removed += len(stale)
        if stored:
            tally.updated += 1
        else:
            tally.added += 1
        log.info("indexed %s: %d new, %d removed chunks", document.source, len(new), len(stale))
