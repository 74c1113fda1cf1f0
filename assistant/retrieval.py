"""Retrieval: dense (chroma), lexical (BM25) and their language-weighted fusion.

A naive fusion with BM25 hurts English questions over German records (BM25 sees no shared words), so
the lexical weight depends on the question's language, and English questions are carried over with
German council vocabulary (``glossary``): a second dense query and the lexical query use it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from assistant.answer_types import matches_answer_type
from assistant.embeddings import Embedder
from assistant.lexical import LexicalIndex
from assistant.models import Chunk, Hit, SearchFilters
from assistant.query import QueryAnalysis, analyse
from assistant.settings import Settings
from assistant.store import ChunkStore

log = logging.getLogger(__name__)

Mode = Literal["dense", "lexical", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "lexical", "hybrid")


@dataclass(frozen=True)
class RetrievalConfig:
    mode: Mode = "hybrid"
    top_k: int = 5
    candidate_k: int = 80
    rrf_k: int = 10
    lexical_weight_de: float = 2.5
    lexical_weight_en: float = 1.5
    query_translation: bool = True
    fusion: str = "rrf"
    answer_type_boost: float = 0.6

    @classmethod
    def from_settings(cls, settings: Settings) -> RetrievalConfig:
        return cls(mode=settings.retrieval_mode, top_k=settings.top_k, candidate_k=settings.candidate_k,
                   rrf_k=settings.rrf_k, lexical_weight_de=settings.lexical_weight_de,
                   lexical_weight_en=settings.lexical_weight_en, query_translation=settings.query_translation,
                   fusion=settings.fusion, answer_type_boost=settings.answer_type_boost)


@dataclass(frozen=True)
class _Ranked:
    """One retriever's ranked list: chunk ids with their raw scores."""

    name: str
    weight: float
    ids: tuple[str, ...]
    scores: tuple[float, ...]


class HybridRetriever:
    """Searches the store and the lexical index and fuses them with weighted reciprocal-rank fusion."""

    def __init__(self, store: ChunkStore, lexical: LexicalIndex, embedder: Embedder,
                 config: RetrievalConfig) -> None:
        self.store = store
        self.lexical = lexical
        self.embedder = embedder
        self.config = config

    def search(self, query: str | QueryAnalysis, k: int | None = None, filters: SearchFilters | None = None,
               mode: Mode | None = None, language: str | None = None) -> list[Hit]:
        """The ``k`` best passages for a query (a string is analysed here; the service passes its analysis)."""
        cfg = self.config
        analysis = query if isinstance(query, QueryAnalysis) else analyse(
            query, language=language, translate=cfg.query_translation)
        k = k or cfg.top_k
        mode = mode or cfg.mode
        if mode not in MODES:
            raise ValueError(f"unknown retrieval mode {mode!r}; use one of {', '.join(MODES)}")
        filters = filters or SearchFilters()
        n = max(cfg.candidate_k, k)

        chunks: dict[str, Chunk] = {}
        similarity: dict[str, float] = {}
        lists: list[_Ranked] = []
        if mode in ("dense", "hybrid"):
            texts = analysis.dense_queries
            vectors = self.embedder.embed_queries(texts) if len(texts) > 1 else [self.embedder.embed_query(texts[0])]
            for i, vector in enumerate(vectors):
                matches = self.store.query(vector, n, filters)
                for m in matches:
                    chunks[m.chunk.chunk_id] = m.chunk
                    similarity[m.chunk.chunk_id] = max(similarity.get(m.chunk.chunk_id, -1.0), m.similarity)
                lists.append(_Ranked("dense" if i == 0 else "dense_translated", 1.0,
                                     tuple(m.chunk.chunk_id for m in matches),
                                     tuple(m.similarity for m in matches)))
        if mode in ("lexical", "hybrid"):
            weight = 1.0 if mode == "lexical" else (
                cfg.lexical_weight_en if analysis.language == "en" else cfg.lexical_weight_de)
            if weight > 0:
                matches_l = self.lexical.search(analysis.text, n, filters, extra_terms=analysis.terms)
                missing = [m.chunk_id for m in matches_l if m.chunk_id not in chunks]
                chunks.update(self.store.get_chunks(missing, filters))
                kept = [m for m in matches_l if m.chunk_id in chunks]  # the store query re-applies filters
                lists.append(_Ranked("lexical", weight, tuple(m.chunk_id for m in kept),
                                     tuple(m.score for m in kept)))
        hybrid = mode == "hybrid"
        fused = self._fuse(lists, chunks, similarity, max(k, n) if hybrid else k)
        if hybrid:
            fused = self._apply_priors(fused, analysis)
        return fused[:k]

    def _apply_priors(self, hits: list[Hit], analysis: QueryAnalysis) -> list[Hit]:
        """The answer-type prior on the fused list (hybrid mode): the passage that states the sum, the vote, the
        party, the person or the place the question asks for moves up."""
        types = analysis.answer_types if self.config.answer_type_boost > 0 else ()
        if not types:
            return hits
        rescored = []
        for hit in hits:
            factor, scores = 1.0, dict(hit.scores)
            if matches_answer_type(hit.chunk.text, types):
                factor *= 1.0 + self.config.answer_type_boost
                scores["answer_type"] = self.config.answer_type_boost
            rescored.append((hit.score * factor, hit, scores))
        rescored.sort(key=lambda t: (-t[0], -t[1].scores.get("similarity", 0.0), t[1].chunk.chunk_id))
        return [replace(hit, score=score, rank=rank, scores=scores)
                for rank, (score, hit, scores) in enumerate(rescored, start=1)]

    def _fuse(self, lists: Sequence[_Ranked], chunks: dict[str, Chunk], similarity: dict[str, float],
              k: int) -> list[Hit]:
        fused: dict[str, float] = {}
        parts: dict[str, dict[str, float]] = {}
        for ranked in lists:
            if self.config.fusion == "zscore" and ranked.scores:
                values = np.array(ranked.scores, dtype=np.float64)
                z = (values - values.mean()) / (values.std() + 1e-9)
                floor = float(z.min())
                for cid, zi in zip(ranked.ids, z):
                    fused[cid] = fused.get(cid, 0.0) + ranked.weight * (float(zi) - floor)
            else:
                for rank, cid in enumerate(ranked.ids, start=1):
                    fused[cid] = fused.get(cid, 0.0) + ranked.weight / (self.config.rrf_k + rank)
            for cid, raw in zip(ranked.ids, ranked.scores):
                parts.setdefault(cid, {})[ranked.name] = raw
        order = sorted(fused, key=lambda cid: (-fused[cid], -similarity.get(cid, 0.0), cid))[:k]
        hits = []
        for rank, cid in enumerate(order, start=1):
            scores = dict(parts[cid])
            if cid in similarity:
                scores["similarity"] = similarity[cid]
            hits.append(Hit(chunk=chunks[cid], score=fused[cid], rank=rank, scores=scores))
        return hits
