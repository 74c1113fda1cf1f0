"""``ratsinfo bench-scale`` at a tiny size on both backends (a real `chroma run` server): JSON keys, sanity (~12 s)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from eval.bench_scale import load_base, markdown_table, run_bench_scale, synthetic_batch
from eval.chroma_server import chroma_cli
from tests.conftest import FIXTURES

RESULT_KEYS = {"backend", "target_chunks", "chunks", "complete", "ingest", "search", "lexical", "store_disk_mb",
               "bench_process_peak_rss_mb", "server_peak_rss_mb", "load_average"}
LEXICAL_KEYS = {"chunks", "build_s", "rss_before_build_mb", "build_peak_rss_mb", "build_peak_delta_mb", "disk_mb",
                "load_s", "loaded_delta_mb", "build_process_max_rss_mb", "load_process_max_rss_mb"}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """One real Vorlage: the base chunks behind the synthetic ones."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "vorlage.txt").write_bytes((FIXTURES / "aachen_regionalmarketing_vorlage.txt").read_bytes())
    return folder


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    from assistant.settings import Settings

    return Settings(_env_file=None, data_dir=tmp_path / "unused")  # type: ignore[call-arg]


@pytest.mark.skipif(chroma_cli() is None, reason="the chroma CLI is not installed")
def test_bench_scale_tiny_on_both_backends(tmp_path: Path, corpus: Path, settings: Any) -> None:
    results = run_bench_scale(settings, [corpus], ["Welche finanziellen Auswirkungen hat das Regionalmarketing?",
                                                   "regional marketing staff costs"],
                              sizes=(300,), runs=1, batch=128, cache=tmp_path / "cache", out_dir=tmp_path / "out",
                              work=tmp_path)

    written = json.loads((tmp_path / "out" / "bench_scale.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(results))
    out = tmp_path / "out"
    assert (out / "bench_scale.md").exists() and not (out / "bench_scale.partial.json").exists()
    assert {"note", "embedder", "base_chunks", "sizes", "backends", "runs", "queries", "wall_s"} <= set(written["meta"])
    rows = written["results"]
    assert [r["backend"] for r in rows] == ["embedded", "server"]
    for row in rows:
        assert set(row) == RESULT_KEYS
        assert row["chunks"] == row["target_chunks"] == 300 and row["complete"]
        assert row["ingest"]["chunks_added"] == 300 and row["ingest"]["chunks_per_s"] > 0
        assert {"p50_ms", "p95_ms", "queries", "runs"} <= set(row["search"]) and row["search"]["p50_ms"] > 0
        assert LEXICAL_KEYS <= set(row["lexical"]) and row["lexical"]["chunks"] == 300
    assert rows[1]["server_peak_rss_mb"] > 0
    assert "| server | 300 |" in markdown_table(written) and "| 300 chunks |" in markdown_table(written)
    assert (tmp_path / "cache" / "vectors.npy").exists()  # the embedded base chunks are cached for the next run


def test_shared_lexical_dir_builds_each_index_once(tmp_path: Path, corpus: Path, settings: Any) -> None:
    """Two bench processes (one per backend) share ``--lexical-dir``: the second reuses the first's index."""
    shared = tmp_path / "lexical"
    for i in range(2):
        (tmp_path / f"w{i}").mkdir()
    runs = [run_bench_scale(settings, [corpus], ["Regionalmarketing Kosten"], sizes=(200,), backends=("embedded",),
                            runs=1, batch=64, cache=tmp_path / "cache", out_dir=None, work=tmp_path / f"w{i}",
                            lexical_dir=shared) for i in range(2)]
    first, second = (r["results"][0]["lexical"] for r in runs)
    assert first == second and first["chunks"] == 200
    assert (shared / "lexical-200-seed0" / "state.json").exists()
    assert json.loads((shared / "lexical-200-seed0.json").read_text(encoding="utf-8")) == first
    assert all(r["results"][0]["chunks"] == 200 for r in runs)


def test_synthetic_chunks_are_deterministic_and_varied(tmp_path: Path) -> None:
    import dataclasses

    from assistant.models import Chunk

    base_chunk = Chunk(chunk_id="a", document_id="d", source="s.txt", source_path="s.txt", title="T", section="S",
                       section_path=("S",), text="Erster Satz. Zweiter Satz. Dritter Satz.",
                       embed_text="T\nS\nErster Satz. Zweiter Satz. Dritter Satz.", ordinal=0)
    other = dataclasses.replace(base_chunk, chunk_id="b", text="Haushalt und Kosten. Die Stadt plant.",
                                embed_text="T\nS\nHaushalt und Kosten. Die Stadt plant.")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "base.json").write_text(json.dumps({"corpus": [], "embedder": "x", "chunks": [
        dataclasses.asdict(base_chunk), dataclasses.asdict(other)]}), encoding="utf-8")
    np.save(cache / "vectors.npy", np.eye(2, 8, dtype=np.float32))
    base = load_base(cache)
    chunks, vectors = synthetic_batch(base, 40, 50)
    again, _ = synthetic_batch(base, 40, 50)
    assert [c.text for c in chunks] == [c.text for c in again]
    assert len({c.chunk_id for c in chunks}) == 50 and chunks[0].chunk_id == "synthetic-00000040"
    assert len({c.text for c in chunks}) > 10  # texts vary, not copies
    assert all(c.embed_text.startswith("T\nS\n") and c.embed_text.endswith(c.text) for c in chunks)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.skipif(chroma_cli() is None, reason="the chroma CLI is not installed")
def test_one_process_per_backend_then_merge(tmp_path: Path, corpus: Path, settings: Any) -> None:
    """The parallel recipe: each backend in its own run (sharing the lexical index), then ``--merge``."""
    from click.testing import CliRunner

    from eval.bench_scale import bench_scale_command

    for backend in ("server", "embedded"):
        (tmp_path / f"w-{backend}").mkdir()
        run_bench_scale(settings, [corpus], ["Regionalmarketing Kosten"], sizes=(150,), backends=(backend,), runs=1,
                        batch=64, cache=tmp_path / "cache", out_dir=tmp_path / f"out-{backend}",
                        work=tmp_path / f"w-{backend}", lexical_dir=tmp_path / "lexical")
    parts = [str(tmp_path / f"out-{b}" / "bench_scale.json") for b in ("server", "embedded")]
    result = CliRunner().invoke(bench_scale_command,
                                ["--merge", parts[0], "--merge", parts[1], "--out", str(tmp_path / "merged")])
    assert result.exit_code == 0, result.output
    merged = json.loads((tmp_path / "merged" / "bench_scale.json").read_text(encoding="utf-8"))
    assert [r["backend"] for r in merged["results"]] == ["embedded", "server"]
    assert merged["meta"]["backends"] == ["server", "embedded"] and merged["meta"]["parallel_parts"] == 2
    assert "| server | 150 |" in (tmp_path / "merged" / "bench_scale.md").read_text(encoding="utf-8")
    again = CliRunner().invoke(bench_scale_command, ["--merge", parts[0], "--merge", parts[0],
                                                     "--out", str(tmp_path / "bad")])
    assert again.exit_code != 0 and "more than one result" in again.output
