"""Measure the alert threshold on the sample corpus (not a test; ``python -m tests.alerts.measure_threshold``).

For each answerable dev question (eval/data/dev.jsonl) every indexed record gets its best dense similarity
(the question's e5 query vector against the record's stored passage vectors, as ``assistant.alerts`` scores a
new record). Records holding the gold passage are matches, all others non-matches; prints both distributions
and the threshold with the best balanced accuracy.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from assistant.service import Assistant
from assistant.settings import Settings
from eval.datasets import load_questions

ROOT = Path(__file__).resolve().parents[2]


def main(data_dir: str | None = None) -> None:
    data = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="alert-threshold-"))
    assistant = Assistant.from_settings(Settings(_env_file=None, data_dir=data))  # type: ignore[call-arg]
    if assistant.store.count() == 0:
        assistant.ingest([ROOT / "samples" / "corpus"])
    chunks = list(assistant.store.iter_chunks())
    vectors = assistant.store.embeddings([c.chunk_id for c in chunks])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    docs = sorted({c.document_id for c in chunks})
    index = {d: i for i, d in enumerate(docs)}
    owner = np.array([index[c.document_id] for c in chunks])
    matches, others = [], []
    for item in load_questions(ROOT / "eval" / "data" / "dev.jsonl"):
        if not item.answerable or not item.gold:
            continue
        gold_sources = {g.source for g in item.gold}
        gold = {index[c.document_id] for c in chunks
                if c.source in gold_sources or Path(c.source_path).name in gold_sources}
        if not gold:
            continue
        q = np.asarray(assistant.embedder.embed_query(item.question), dtype=np.float32)
        sims = vectors @ (q / np.linalg.norm(q))
        best = np.full(len(docs), -1.0)
        np.maximum.at(best, owner, sims)
        for i, value in enumerate(best):
            (matches if i in gold else others).append(float(value))
    m, o = np.array(matches), np.array(others)
    grid = np.arange(0.70, 0.95, 0.005)
    balanced = [((m >= t).mean() + (o < t).mean()) / 2 for t in grid]
    best_t = float(grid[int(np.argmax(balanced))])
    report = {
        "data_dir": str(data), "questions": len(matches), "match_records": len(m), "non_match_records": len(o),
        "match_percentiles_5_25_50": [round(float(np.percentile(m, p)), 4) for p in (5, 25, 50)],
        "non_match_percentiles_50_95_99": [round(float(np.percentile(o, p)), 4) for p in (50, 95, 99)],
        "best_threshold": round(best_t, 3), "balanced_accuracy": round(float(max(balanced)), 4),
        "at_best": {"matches_kept": round(float((m >= best_t).mean()), 4),
                    "non_matches_kept": round(float((o >= best_t).mean()), 4)},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
