"""The lexical index: BM25 (bm25s) over German-analysed chunk texts, persisted under the data directory.

bm25s has no incremental add, but three quarters of a build is the German analysis of the texts: the
analysed tokens of every chunk are kept beside the index, so an update (``update``) analyses only the chunks
added since, drops the removed ones and re-indexes the token lists. That happens after each ingest and whenever
the index is older than the store's generation (another process ingested); a full build only when the index is
missing or unreadable. A process that finds on disk the index another process saved at the store's generation
just loads it, and the kept tokens are read only by an update (a search-only worker never holds them).
Filters are applied with a weight mask built from per-chunk metadata kept beside the index, and the
chunks are then fetched from the store with the same filters, so the store query enforces them too.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from assistant import access
from assistant.models import Chunk, SearchFilters
from assistant.text_analysis import GermanAnalyzer

log = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STATE = "state.json"
_META = "chunks.json"
_LEXICON = "lexicon.json"
_TOKENS = "tokens.txt"  # one line per chunk, in index order: its analysed tokens, space separated
_EMPTY = "\u2205"  # stands in for a chunk without tokens (bm25s wants at least one per document)


@dataclass(frozen=True)
class LexicalMatch:
    chunk_id: str
    score: float


class LexicalIndex:
    """BM25 over chunk ``embed_text`` (title + heading + passage), with metadata for filter masks."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.generation: int = -1
        self._bm25: bm25s.BM25 | None = None
        self._ids: list[str] = []
        self._public = np.zeros(0, dtype=bool)
        self._types: list[str] = []
        self._bodies: list[str] = []
        self._dates = np.zeros(0, dtype=np.int64)
        self._docs: list[str] = []
        self._tokens: list[list[str]] | None = None
        self._tokens_pending = False  # kept tokens on disk, read only when an update needs them
        self.analyzer = GermanAnalyzer()
        self._sorted_vocab: list[str] | None = None
        self._public_vocab: tuple[set[str], list[str]] | None = None

    def __len__(self) -> int:
        return len(self._ids)

    # -- building ----------------------------------------------------------------------------------
    def build(self, chunks: list[Chunk], generation: int) -> None:
        """Index these chunks from scratch."""
        self.analyzer.lexicon.clear()  # same analyzer object: the answerer holds a reference to it
        self.analyzer.learn(c.embed_text for c in chunks)
        self._ids, self._tokens, self._tokens_pending = [], [], False
        self._public = np.zeros(0, dtype=bool)
        self._types, self._bodies, self._docs = [], [], []
        self._dates = np.zeros(0, dtype=np.int64)
        self._append(chunks)
        self._index(generation)

    def update(self, current_ids: Collection[str], fetch: Callable[[Sequence[str]], list[Chunk]],
               generation: int, changed: Collection[str] = ()) -> bool:
        """Bring the index to the store's chunk ids: drop the ids no longer there (and ``changed`` ones,
        whose metadata was rewritten), analyse only the chunks ``fetch`` returns for the ids not yet indexed.
        False when there are no kept tokens to start from (an index written before they were kept): the caller
        builds from scratch."""
        if self._tokens_pending:
            self._read_kept_tokens()
        if self._tokens is None or not self._ids:
            return False
        current, drop = set(current_ids), set(changed)
        keep = [i for i, cid in enumerate(self._ids) if cid in current and cid not in drop]
        kept = {self._ids[i] for i in keep}
        missing = [cid for cid in current_ids if cid not in kept]
        added = fetch(missing) if missing else []
        if len(keep) == len(self._ids) and not added:
            if generation != self.generation:
                self.generation = generation
                self._save()
            return True
        removed = len(self._ids) - len(keep)
        self._ids = [self._ids[i] for i in keep]
        self._tokens = [self._tokens[i] for i in keep]
        index = np.array(keep, dtype=np.int64)
        self._public, self._dates = self._public[index], self._dates[index]
        self._types = [self._types[i] for i in keep]
        self._bodies = [self._bodies[i] for i in keep]
        self._docs = [self._docs[i] for i in keep]
        self.analyzer.learn(c.embed_text for c in added)
        self._append(added)
        log.info("lexical index updated: %d kept, %d dropped, %d analysed", len(keep), removed, len(added))
        self._index(generation)
        return True

    def _append(self, chunks: Sequence[Chunk]) -> None:
        assert self._tokens is not None
        self._ids += [c.chunk_id for c in chunks]
        self._tokens += [self.analyzer.tokens(c.embed_text) for c in chunks]
        self._public = np.concatenate([self._public, np.array([bool(c.public) for c in chunks], dtype=bool)])
        self._types += [c.document_type or "" for c in chunks]
        self._bodies += [c.body or "" for c in chunks]
        self._dates = np.concatenate([self._dates, np.array([access.date_int(c.date) for c in chunks], dtype=np.int64)])
        self._docs += [c.document_id for c in chunks]

    def _index(self, generation: int) -> None:
        assert self._tokens is not None
        self.generation = generation
        self._sorted_vocab = None
        self._public_vocab = None
        if self._ids:
            self._bm25 = bm25s.BM25(k1=1.2, b=0.75)
            self._bm25.index([t or [_EMPTY] for t in self._tokens], show_progress=False)
        else:
            self._bm25 = None
        self._save()

    def _save(self) -> None:
        """Write to a temp folder, then swap it in, so readers never see a half-written index."""
        self.directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".lexical-", dir=self.directory.parent))
        if self._bm25 is not None:
            self._bm25.save(str(tmp), show_progress=False)
        (tmp / _META).write_text(json.dumps({
            "ids": self._ids, "public": self._public.tolist(), "types": self._types, "bodies": self._bodies,
            "dates": self._dates.tolist(), "docs": self._docs}), encoding="utf-8")
        (tmp / _LEXICON).write_text(json.dumps(sorted(self.analyzer.lexicon)), encoding="utf-8")
        if self._tokens is not None:
            (tmp / _TOKENS).write_text("".join(" ".join(t) + "\n" for t in self._tokens), encoding="utf-8")
        (tmp / _STATE).write_text(json.dumps({"generation": self.generation, "chunks": len(self._ids)}),
                                  encoding="utf-8")
        old = self.directory.with_name(self.directory.name + ".old")
        if self.directory.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(self.directory, old)
        os.replace(tmp, self.directory)
        shutil.rmtree(old, ignore_errors=True)

    def load(self) -> bool:
        """Load from disk; False when missing or unreadable (the caller rebuilds)."""
        try:
            state = json.loads((self.directory / _STATE).read_text(encoding="utf-8"))
            meta = json.loads((self.directory / _META).read_text(encoding="utf-8"))
            lexicon = json.loads((self.directory / _LEXICON).read_text(encoding="utf-8"))
            bm25 = bm25s.BM25.load(str(self.directory)) if meta["ids"] else None
        except (OSError, ValueError, KeyError) as exc:
            log.info("lexical index at %s not loadable (%s); it will be rebuilt", self.directory, exc)
            return False
        self.generation = int(state["generation"])
        self._ids = list(meta["ids"])
        self._public = np.array(meta["public"], dtype=bool)
        self._types = list(meta["types"])
        self._bodies = list(meta["bodies"])
        self._dates = np.array(meta["dates"], dtype=np.int64)
        self._docs = list(meta["docs"])
        self.analyzer.lexicon = set(lexicon)
        self._bm25 = bm25
        # The kept tokens are what an update starts from; a worker that only searches never needs them, and at
        # 1M chunks they are ~7 GB of Python strings: read them on the first update instead.
        self._tokens, self._tokens_pending = None, (self.directory / _TOKENS).exists()
        self._sorted_vocab = None
        self._public_vocab = None
        return True

    def _read_kept_tokens(self) -> None:
        """Read the tokens of the index this object holds. Another process may have swapped in a newer index
        since ``load``: then load that one first, so ids and tokens always belong together."""
        for _ in range(3):
            if self.saved_state() != (self.generation, len(self._ids)) and not self.load():
                break
            tokens = self._load_tokens()
            if self.saved_state() == (self.generation, len(self._ids)):
                self._tokens, self._tokens_pending = tokens, False
                return
        self._tokens, self._tokens_pending = None, False  # no consistent copy: the caller builds from scratch

    def reload_if_current(self, generation: int, chunks: int) -> bool:
        """Load the index from disk when another process saved it at the store's ``generation`` and size:
        cheaper than updating (nothing analysed, the kept tokens not read). True when this index is current."""
        if (self.generation, len(self._ids)) == (generation, chunks):
            return True
        if self.saved_state() != (generation, chunks):
            return False
        return self.load() and (self.generation, len(self._ids)) == (generation, chunks)

    def saved_state(self) -> tuple[int, int] | None:
        """(generation, chunks) of the index on disk, as the last writer saved it; None when there is none."""
        try:
            state = json.loads((self.directory / _STATE).read_text(encoding="utf-8"))
            return int(state["generation"]), int(state["chunks"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _load_tokens(self) -> list[list[str]] | None:
        try:
            lines = (self.directory / _TOKENS).read_text(encoding="utf-8").split("\n")[:-1]
        except OSError:
            return None  # written before tokens were kept: the next update builds from scratch
        return [line.split() for line in lines] if len(lines) == len(self._ids) else None

    def knows(self, word: str, public_only: bool = False) -> bool:
        """Does ``word`` occur in the indexed records (with ``public_only``: in a public one): as a word, as
        the start of a word ('Defis' -> 'Defibrillatoren'), or as a compound of two known words? One known
        part is not enough ('Nettersheim' is not known because 'heim' is)."""
        if self._bm25 is None:
            return False
        vocab, ordered = self._public_vocabulary() if public_only else self._vocabulary()
        for lowered in {w.lower() for w in _WORD.findall(word) if len(w) >= 3 or w.isdigit()}:
            if not self._known_word(lowered, vocab, ordered):
                parts = self.analyzer.split_compound(lowered)
                if len(parts) < 2 or not all(self._known_word(p, vocab, ordered) for p in parts):
                    return False
        return True

    def _vocabulary(self) -> tuple[Collection[str], list[str]]:
        assert self._bm25 is not None
        if self._sorted_vocab is None:
            self._sorted_vocab = sorted(self._bm25.vocab_dict)
        return self._bm25.vocab_dict, self._sorted_vocab

    def _public_vocabulary(self) -> tuple[Collection[str], list[str]]:
        """The words of public chunks only (a word's posting list holds at least one public chunk)."""
        assert self._bm25 is not None
        if self._public_vocab is None:
            matrix, vocab = self._bm25.scores, self._bm25.vocab_dict
            indptr = np.asarray(matrix["indptr"])
            postings = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
            public_rows = self._public[np.asarray(matrix["indices"])].astype(np.float64)
            has_public = np.bincount(postings, weights=public_rows, minlength=len(indptr) - 1) > 0
            words = {w for w, i in vocab.items() if i < len(has_public) and has_public[i]}
            self._public_vocab = (words, sorted(words))
        return self._public_vocab

    def _known_word(self, word: str, vocab: Collection[str], ordered: list[str]) -> bool:
        stems = {self.analyzer.stem(word), word}
        if word.endswith("s") and len(word) > 4:
            stems.add(word[:-1])
        for stem in stems:
            if stem in vocab:
                return True
            if len(stem) >= 4:
                i = bisect.bisect_left(ordered, stem)
                if i < len(ordered) and ordered[i].startswith(stem):
                    return True
        return False

    # -- searching ---------------------------------------------------------------------------------
    def _mask(self, filters: SearchFilters) -> np.ndarray:
        return access.mask(filters, public=self._public, document_types=self._types, bodies=self._bodies,
                           document_ids=self._docs, dates=self._dates)

    def _scores(self, token_ids: list[int]) -> np.ndarray:
        """BM25 scores of every chunk: the query tokens' posting lists summed with one bincount.

        (bm25s' own scorer loops in Python unless numba is installed: 4.6 s per query at 100k chunks.)
        """
        assert self._bm25 is not None
        matrix = self._bm25.scores
        indptr, indices, data = matrix["indptr"], matrix["indices"], matrix["data"]
        ids = np.asarray(token_ids, dtype=np.int64)
        starts, ends = indptr[ids], indptr[ids + 1]
        rows = np.concatenate([indices[a:b] for a, b in zip(starts, ends)])
        weights = np.concatenate([data[a:b] for a, b in zip(starts, ends)])
        scores = np.bincount(rows, weights=weights, minlength=int(matrix["num_docs"]))
        nonoccurrence = getattr(self._bm25, "nonoccurrence_array", None)
        if nonoccurrence is not None:
            scores = scores + nonoccurrence[ids].sum()
        return scores

    def search(self, query: str, k: int, filters: SearchFilters | None = None,
               extra_terms: str = "") -> list[LexicalMatch]:
        if self._bm25 is None or k <= 0:
            return []
        tokens = self.analyzer.tokens(f"{query} {extra_terms}")
        vocab = self._bm25.vocab_dict
        tokens = [t for t in tokens if t in vocab]
        if not tokens:
            return []
        mask = self._mask(filters or SearchFilters())
        if not mask.any():
            return []
        scores = self._scores([vocab[t] for t in tokens]) * mask
        k = min(k, int(np.count_nonzero(scores > 0)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [LexicalMatch(self._ids[i], float(scores[i])) for i in top]
