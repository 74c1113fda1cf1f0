"""Baselines a user would otherwise pick, built on the same parsed documents as the assistant.

* ``bm25-windows``: plain BM25 (bm25s, lowercase word tokens, no stemming, no stop words) over fixed,
  non-overlapping 500-character windows of each document's text.
* ``langchain-tutorial``: the LangChain RAG tutorial pipeline — ``RecursiveCharacterTextSplitter(
  chunk_size=1000, chunk_overlap=200)``, one dense model (our configured embedder, behind a LangChain
  ``Embeddings`` adapter) and LangChain's ``InMemoryVectorStore`` (brute-force cosine), k=4. The runner
  also scores it at k=10 so the two are compared on the same ranks.

Each baseline is a :data:`eval.runner.Searcher`; LangChain documents are converted at one adapter.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from assistant.errors import ParseError
from eval.runner import Passage

log = logging.getLogger(__name__)

CORPUS_SUFFIXES = (".txt", ".pdf", ".json", ".html", ".htm")


@dataclass(frozen=True)
class CorpusDocument:
    source: str  # file name, as in the gold entries
    text: str


def load_corpus(paths: Iterable[Path]) -> list[CorpusDocument]:
    """Parse files (folders are searched recursively) with the assistant's own parsers."""
    from ingest.parsers import ParseContext, parse_file

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in CORPUS_SUFFIXES))
        else:
            files.append(path)
    docs = []
    ctx = ParseContext()
    for path in files:
        try:
            doc = parse_file(path, ctx)
        except ParseError as exc:
            log.warning("baseline corpus: skipping %s", exc)
            continue
        text = doc.text.strip() or "\n\n".join(s.text for s in doc.sections or ())
        if text.strip():
            docs.append(CorpusDocument(source=doc.source, text=text))
    return docs


def fixed_windows(text: str, size: int = 500) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size) if text[i : i + size].strip()]


class BM25WindowBaseline:
    """Plain BM25 over fixed character windows."""

    name = "bm25-windows"

    def __init__(self, docs: Sequence[CorpusDocument], window: int = 500) -> None:
        self.passages = [
            Passage(d.source, f"chars {i * window}-{(i + 1) * window}", w)
            for d in docs
            for i, w in enumerate(fixed_windows(d.text, window))
        ]
        self._retriever = bm25s.BM25()
        self._retriever.index(
            bm25s.tokenize([p.text for p in self.passages], stopwords=None, show_progress=False),
            show_progress=False,
        )

    def __call__(self, question: str, k: int) -> list[Passage]:
        tokens = bm25s.tokenize([question], stopwords=None, show_progress=False)
        k = min(k, len(self.passages))
        if k == 0 or not tokens.vocab:
            return []
        ids, scores = self._retriever.retrieve(tokens, k=k, show_progress=False)
        return [self.passages[int(i)] for i, s in zip(ids[0], scores[0], strict=False) if s > 0]


def _langchain_embeddings(embedder, cache_dir: Path | None = None):
    """Adapter: our Embedder as a LangChain ``Embeddings`` (the one place LangChain types are seen).

    With ``cache_dir``, document embeddings are kept as .npy files keyed by embedder name and texts, so a
    rerun of the evaluation on the same corpus skips the encoder.
    """
    from langchain_core.embeddings import Embeddings

    def embed(texts: list[str]) -> np.ndarray:
        return np.asarray(embedder.embed_documents(texts), dtype=np.float32)

    class Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            if cache_dir is None:
                return embed(texts).tolist()
            digest = hashlib.sha256(str(getattr(embedder, "name", "?")).encode())
            for text in texts:
                digest.update(hashlib.sha256(text.encode()).digest())
            path = cache_dir / f"langchain-{digest.hexdigest()[:16]}.npy"
            if path.exists():
                log.info("langchain baseline: cached embeddings %s", path)
                return np.load(path).tolist()
            vectors = embed(texts)
            cache_dir.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
            return vectors.tolist()

        def embed_query(self, text: str) -> list[float]:
            return np.asarray(embedder.embed_query(text), dtype=np.float32).tolist()

    return Adapter()


class LangChainTutorialBaseline:
    """RecursiveCharacterTextSplitter(1000, 200) + one dense model + InMemoryVectorStore."""

    name = "langchain-tutorial"

    def __init__(
        self,
        docs: Sequence[CorpusDocument],
        embedder,
        chunk_size: int = 1000,
        chunk_overlap: int = 200,
        cache_dir: Path | None = None,
    ) -> None:
        from langchain_core.documents import Document
        from langchain_core.vectorstores import InMemoryVectorStore
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        splits = splitter.split_documents(
            [Document(page_content=d.text, metadata={"source": d.source}) for d in docs]
        )
        log.info("langchain baseline: %d splits of %d documents", len(splits), len(docs))
        self.store = InMemoryVectorStore(_langchain_embeddings(embedder, cache_dir))
        self.store.add_documents(splits)
        self.size = len(splits)

    def __call__(self, question: str, k: int) -> list[Passage]:
        found = self.store.similarity_search(question, k=k)
        return [Passage(d.metadata["source"], "", d.page_content) for d in found]


def build_baselines(
    docs: Sequence[CorpusDocument], embedder, cache_dir: Path | None = None
) -> dict[str, object]:
    """Both baselines by name, ready to be passed to :func:`eval.runner.run_eval`."""
    return {
        BM25WindowBaseline.name: BM25WindowBaseline(docs),
        LangChainTutorialBaseline.name: LangChainTutorialBaseline(docs, embedder, cache_dir=cache_dir),
    }
