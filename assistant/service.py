"""The library API: one ``Assistant`` that ingests, searches and answers. CLI and UI are thin layers on it.

Built explicitly from a ``Settings`` object (``Assistant.from_settings``); the store client and the
embedding model load then, never at import.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from assistant.agenda_answers import AskedDate, agenda_answer
from assistant.answering import AnswerGenerator, RefusalPolicy, refusal_answer
from assistant.conversation import ChatTurn, StandaloneQuery, is_follow_up
from assistant.embeddings import Embedder, build_embedder
from assistant.generation.base import AnswerStream, open_stream
from assistant.generation.factory import QueryRewriter, build_generator, build_rewriter
from assistant.language import detect_language
from assistant.lexical import LexicalIndex
from assistant.lexical_sync import refresh_if_stale
from assistant.matter_answers import timeline_answer, with_as_of
from assistant.matter_store import MatterIndexer, MatterStore
from assistant.matters import Matters, Timeline, is_matter_question
from assistant.models import Answer, Chunk, Hit, IngestReport, SearchFilters, SourceDocument
from assistant.query import QueryAnalysis, analyse
from assistant.retrieval import HybridRetriever, Mode, RetrievalConfig
from assistant.settings import Settings
from assistant.store import ChunkStore, make_client
from assistant.verified import Outdated, Verified, VerifiedAnswers, safely
from ingest.indexer import ChunkingConfig, Indexer, ProgressCallback
from ingest.parsers import ParseContext

log = logging.getLogger(__name__)


class Assistant:
    """Ingest council records, search them, and answer questions with citations."""

    def __init__(self, settings: Settings, store: ChunkStore, embedder: Embedder, lexical: LexicalIndex,
                 generator: AnswerGenerator | None = None, rewriter: QueryRewriter | None = None,
                 verified: VerifiedAnswers | None = None) -> None:
        self.settings = settings
        self._verified = verified  # staff-checked answers; opened on first use (the feedback database)
        self.store = store
        self.embedder = embedder
        self.lexical = lexical
        self.matters = MatterStore.from_settings(settings)
        self.indexer: Indexer = MatterIndexer(
            store, embedder, lexical, matters=self.matters,
            parse_context=ParseContext.from_settings(settings),
            chunking=ChunkingConfig(settings.chunk_max_chars, settings.chunk_overlap_chars),
            embed_batch=settings.embedding_batch_size)
        self.matter_index = Matters(store, self.matters, lambda q, k, f: self.search(q, k=k, filters=f))
        self.retriever = HybridRetriever(store, lexical, embedder, RetrievalConfig.from_settings(settings))
        self.refusal = RefusalPolicy(settings.refusal_threshold, settings.refusal_threshold_en,
                                     known=lexical.knows)
        self.generator: AnswerGenerator = generator or build_generator(
            settings, analyzer=lexical.analyzer, refusal=self.refusal)
        self.rewriter: QueryRewriter = rewriter or build_rewriter(settings, self.generator)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, embedder: Embedder | None = None,
                      generator: AnswerGenerator | None = None, rewriter: QueryRewriter | None = None
                      ) -> Assistant:
        settings = settings or Settings()
        store = ChunkStore(make_client(settings), settings.collection, ef_search=settings.hnsw_ef_search)
        embedder = embedder or build_embedder(settings, prefer=store.embedder_name)
        store.bind_embedder(embedder.name, embedder.dimension)
        lexical = LexicalIndex(settings.lexical_dir / settings.collection)
        lexical.load()
        assistant = cls(settings, store, embedder, lexical, generator, rewriter)
        refresh_if_stale(store, lexical)
        return assistant

    # -- ingestion -------------------------------------------------------------------------------------
    def ingest(self, paths: Sequence[Path], *, progress: bool = False,
               on_file: ProgressCallback | None = None) -> IngestReport:
        return self.indexer.ingest_paths([Path(p) for p in paths], progress=progress, on_file=on_file)

    def ingest_documents(self, documents: Sequence[SourceDocument]) -> IngestReport:
        return self.indexer.ingest_documents(documents)

    def remove(self, source: str) -> tuple[int, int]:
        return self.indexer.remove(source)

    # -- search and answers ---------------------------------------------------------------------------------
    def _fresh(self) -> None:
        """Pick up writes of other processes (a sync job, another worker): one cheap generation check."""
        refresh_if_stale(self.store, self.lexical)

    def analyse(self, text: str, language: str | None = None) -> QueryAnalysis:
        return analyse(text, language=language, translate=self.settings.query_translation)

    def search(self, query: str | QueryAnalysis, k: int | None = None, filters: SearchFilters | None = None,
               mode: Mode | None = None) -> list[Hit]:
        self._fresh()
        analysis = query if isinstance(query, QueryAnalysis) else self.analyse(query)
        return self.retriever.search(analysis, k=k, filters=filters, mode=mode)

    def retrieve(self, question: str, filters: SearchFilters | None = None,
                 history: Sequence[ChatTurn] = (), mode: Mode | None = None) -> tuple[str, str, list[Hit]]:
        """(language, search query, hits) for a chat question; follow-ups are scoped to the last answer."""
        language, query, hits, _analysis = self._retrieve(question, filters, history, mode)
        return language, query.text, hits

    def _retrieve(self, question: str, filters: SearchFilters | None, history: Sequence[ChatTurn],
                  mode: Mode | None) -> tuple[str, StandaloneQuery, list[Hit], QueryAnalysis]:
        language = detect_language(question)  # the asker's language: answers are framed in it
        query = self.rewriter(question, history)
        analysis = self.analyse(query.text, language)  # once: retrieval and priors use it
        k = max(self.settings.top_k, 5)
        hits = self.search(analysis, k=k, filters=self._scope(filters, query.document_ids), mode=mode)
        if query.document_ids and not hits:
            hits = self.search(analysis, k=k, filters=filters, mode=mode)
        return language, query, hits, analysis  # the generator gets the same analysis

    def _names_unknown(self, question: str, language: str, query: StandaloneQuery,
                       filters: SearchFilters | None) -> bool:
        """A new question naming something no record the asker may see contains is refused before any
        generator runs (a citizen's check consults public records only: the refusal is no oracle)."""
        public_only = (filters or SearchFilters()).public_only
        return not query.rewritten and bool(self.refusal.unknown_terms(question, language, public_only))

    def ask(self, question: str, filters: SearchFilters | None = None,
            history: Sequence[ChatTurn] = (), mode: Mode | None = None, *,
            verified: VerifiedAnswers | None = None) -> Answer:
        checked = self._checked(question, filters, history, verified)
        if isinstance(checked, Verified):
            return checked.answer
        language, query, hits, analysis = self._retrieve(question, filters, history, mode)
        if self._names_unknown(question, language, query, filters):
            answer = refusal_answer(question, hits, language, self.generator.name)
        else:
            answer = (self._structured_answer(question, language, query, hits, filters)
                      or self.generator.answer(question, hits, analysis))
        return self._finish(replace(answer, search_query=query.text), filters, checked)

    def stream(self, question: str, filters: SearchFilters | None = None,
               history: Sequence[ChatTurn] = (), *, verified: VerifiedAnswers | None = None) -> AnswerStream:
        """Text as it is produced; ``.answer`` of the returned stream is the final (guarded) Answer."""
        checked = self._checked(question, filters, history, verified)
        if isinstance(checked, Verified):
            stored = checked.answer
            return AnswerStream(iter([stored.text]), lambda _raw, _error: stored)
        language, query, hits, analysis = self._retrieve(question, filters, history, None)
        if self._names_unknown(question, language, query, filters):
            refused = self._finish(replace(refusal_answer(question, hits, language, self.generator.name),
                                           search_query=query.text), filters, checked)
            return AnswerStream(iter([refused.text]), lambda _raw, _error: refused)
        matter = self._structured_answer(question, language, query, hits, filters)
        if matter is not None:
            done = self._finish(replace(matter, search_query=query.text), filters, checked)
            return AnswerStream(iter([done.text]), lambda _raw, _error: done)
        inner = open_stream(self.generator, question, hits, analysis)
        return AnswerStream(inner, lambda _raw, _error: self._finish(
            replace(inner.answer, search_query=query.text), filters, checked))

    # -- staff-checked answers ---------------------------------------------------------------------------
    @property
    def verified(self) -> VerifiedAnswers:
        if self._verified is None:
            self._verified = VerifiedAnswers.from_settings(self.settings)
        return self._verified

    def _checked(self, question: str, filters: SearchFilters | None, history: Sequence[ChatTurn],
                 verified: VerifiedAnswers | None) -> Verified | Outdated | None:
        """Counts a new question (follow-ups mean nothing on their own) and looks up its staff-checked answer
        for this asker (``assistant.verified``); a database problem never stops the answer."""
        if history and is_follow_up(question):
            return None
        store: VerifiedAnswers | None = verified or safely(lambda: self.verified, "opening the database")
        if store is None:
            return None
        safely(lambda: store.asked(question), "counting a question")
        found: Verified | Outdated | None = safely(
            lambda: store.lookup(question, filters or SearchFilters(), self.store), "lookup")
        return found

    # -- matters ---------------------------------------------------------------------------------------
    def matter(self, query: str, filters: SearchFilters | None = None) -> Timeline | None:
        """The timeline of a matter named by reference, URL/OParl id/file name, or a question about it."""
        self._fresh()
        return self.matter_index.find(query, filters or SearchFilters())

    def _structured_answer(self, question: str, language: str, query: StandaloneQuery, hits: list[Hit],
                           filters: SearchFilters | None) -> Answer | None:
        """Answers from the records' structure: a meeting's agenda, a matter's course."""
        return (self._agenda_answer(question, language, query, hits, filters)
                or self._matter_answer(question, language, query, hits, filters))

    def _agenda_answer(self, question: str, language: str, query: StandaloneQuery, hits: list[Hit],
                       filters: SearchFilters | None) -> Answer | None:
        """'Welche Themen standen auf der Tagesordnung der Sitzung am …?' from the meeting record's items."""
        if query.rewritten or self.refusal.refuses(question, hits, language):
            return None

        def record_chunks(document_id: str) -> list[Chunk]:  # the parts of the record this asker may see
            ids = list(self.store.document_chunks(document_id))
            return list(self.store.get_chunks(ids, filters or SearchFilters()).values())

        def dated_search(when: AskedDate) -> list[Hit]:  # within the asked date, as far as the asker's own allow
            scope = filters or SearchFilters()
            first, last = when.bounds()
            scope = replace(scope, date_from=max(scope.date_from or first, first),
                            date_to=min(scope.date_to or last, last))
            return self.search(query.text, k=max(self.settings.top_k, 5), filters=scope)

        return agenda_answer(question, language, hits, record_chunks, dated_search)

    def _matter_answer(self, question: str, language: str, query: StandaloneQuery, hits: list[Hit],
                       filters: SearchFilters | None) -> Answer | None:
        """'Was wurde aus X?' from X's timeline, when the records support X and it has a course to tell."""
        if query.rewritten or not is_matter_question(question) or self.refusal.refuses(question, hits, language):
            return None
        timeline = self.matter_index.from_hits(hits, filters or SearchFilters())
        if timeline is None or not timeline.steps:
            return None
        return timeline_answer(question, timeline, language, tuple(hits))

    def _finish(self, answer: Answer, filters: SearchFilters | None,
                checked: Verified | Outdated | None = None) -> Answer:
        """After the generator: the answer's 'as of' date and newer records of the same matter; a refusal's
        next step (RATSINFO_NO_ANSWER_LINK with the URL-encoded question); a staff check that no longer holds."""
        if isinstance(checked, Outdated):
            answer = replace(answer, verification_outdated=checked.on)
        if answer.refused:
            template = self.settings.no_answer_link.strip()
            if template:
                answer = replace(answer, next_step=template.replace("{question}", quote(answer.question, safe="")))
            return answer
        try:
            return with_as_of(answer, self.matter_index, filters)
        except Exception:  # noqa: BLE001 - the answer stands without its 'as of' note
            log.exception("as-of for %r failed", answer.question)
            return answer

    @staticmethod
    def _scope(filters: SearchFilters | None, document_ids: Sequence[str]) -> SearchFilters:
        filters = filters or SearchFilters()
        return replace(filters, document_ids=tuple(document_ids)) if document_ids else filters

    # -- information -------------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        docs = self.store.documents()
        types: dict[str, int] = {}
        for d in docs:
            key = d["document_type"] or "unknown"
            types[key] = types.get(key, 0) + 1
        return {
            "documents": len(docs),
            "chunks": self.store.count(),
            "embedder": self.embedder.name,
            "dimension": self.embedder.dimension,
            "retrieval_mode": self.retriever.config.mode,
            "answer_backend": self.generator.name,
            "data_dir": str(self.settings.data_dir),
            "collection": self.settings.collection,
            "store": self.settings.chroma_url or "embedded",
            "generation": self.store.generation,
            "last_updated": self.store.updated_at,
            "lexical_chunks": len(self.lexical),
            "document_types": types,
            "public_documents": sum(1 for d in docs if d["public"]),
        }

    @property
    def generation(self) -> int:
        """Changes on every write to the index (by any process): a cache key for views of the index."""
        return self.store.generation

    def documents(self) -> list[dict[str, Any]]:
        return self.store.documents()
