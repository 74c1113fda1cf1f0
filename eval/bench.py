"""Benchmarks (``ratsinfo bench``, not part of the unit tests): throughput, latency at scale, memory, disk.

* Ingest throughput: chunks/s of ``Assistant.ingest`` end to end (parse, section, chunk, embed, store,
  lexical rebuild) on a fresh temporary data dir, next to the raw encoder throughput of
  ``embedder.embed_documents`` on the same chunk texts — the physical limit on this machine.
* Unchanged re-ingest time of the same corpus, against the first ingest.
* Query latency p50/p95 of ``search`` and ``ask`` at growing index sizes. The index is grown with synthetic
  chunks: copies of the real chunks (distinct ids and documents) whose real embeddings get a little
  Gaussian noise, inserted directly with ``ChunkStore.add`` in batches, so 100k chunks need no 100k
  encoder calls. The lexical index is rebuilt over the grown store.
* Peak memory (``ru_maxrss``) and index size on disk after each stage.

Every figure is the median of ``runs`` runs; results go to ``bench.json`` and ``bench.png``.
"""

from __future__ import annotations

import json
import logging
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import numpy as np

from assistant.cli_support import domain_errors, settings_from
from assistant.models import Chunk
from eval.metrics import percentile

log = logging.getLogger(__name__)

DEFAULT_SIZES = (1_000, 10_000, 100_000)
NOISE = 0.02  # per-dimension std of the perturbation of synthetic vectors (384 dims -> cos ~0.93)


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def _timed(fn, *args, **kwargs) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def _assistant(settings, data_dir: Path):
    from assistant.service import Assistant

    return Assistant.from_settings(settings.model_copy(update={"data_dir": data_dir}))


def bench_ingest(settings, corpus: list[Path], runs: int, work: Path) -> dict[str, Any]:
    """First ingest, unchanged re-ingest and raw encoder throughput, medians of ``runs``."""
    first, again, encoder, chunks = [], [], [], 0
    texts: list[str] = []
    for run in range(runs):
        assistant = _assistant(settings, work / f"ingest-{run}")
        report = assistant.ingest(corpus)
        chunks = report.chunks_embedded
        first.append(report.seconds)
        again.append(assistant.ingest(corpus).seconds)
        texts = [c.embed_text for c in assistant.store.iter_chunks()]
        _, seconds = _timed(assistant.embedder.embed_documents, texts)
        encoder.append(seconds)
        log.info(
            "ingest run %d: %d chunks in %.1fs, re-ingest %.2fs, encoder %.1fs",
            run + 1,
            chunks,
            report.seconds,
            again[-1],
            seconds,
        )
    first_s, again_s, enc_s = (statistics.median(x) for x in (first, again, encoder))
    return {
        "chunks": chunks,
        "first_ingest_s": first_s,
        "reingest_unchanged_s": again_s,
        "reingest_speedup": first_s / again_s if again_s else None,
        "ingest_chunks_per_s": chunks / first_s,
        "encoder_chunks_per_s": len(texts) / enc_s,
        "ingest_share_of_encoder": (chunks / first_s) / (len(texts) / enc_s),
        "runs": {"first_ingest_s": first, "reingest_unchanged_s": again, "encoder_s": encoder},
        "index_mb": disk_mb(work / f"ingest-{runs - 1}"),
        "peak_memory_mb": peak_memory_mb(),
    }


def synthetic_chunks(
    base: list[Chunk], vectors: np.ndarray, start: int, count: int, rng: np.random.Generator
) -> tuple[list[Chunk], np.ndarray]:
    """``count`` perturbed copies of the real chunks, numbered from ``start`` (ids stay distinct)."""
    picks = [(start + i) % len(base) for i in range(count)]
    chunks = [
        replace(
            base[p],
            chunk_id=f"synthetic-{start + i:07d}",
            document_id=f"synthetic-doc-{(start + i) // 20:06d}",
            source=f"synthetic_{(start + i) // 20:06d}.txt",
            ordinal=(start + i) % 20,
        )
        for i, p in enumerate(picks)
    ]
    noisy = vectors[picks] + rng.normal(0.0, NOISE, size=(count, vectors.shape[1])).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    return chunks, noisy


def latencies(call: Callable[[str], object], queries: Sequence[str], runs: int) -> dict[str, Any]:
    """p50/p95 in ms over the queries, median over ``runs`` runs (two warm-up queries first: model and index
    caches)."""
    for query in queries[:2]:
        call(query)
    p50s: list[float] = []
    p95s: list[float] = []
    for _ in range(runs):
        samples = []
        for query in queries:
            _, seconds = _timed(call, query)
            samples.append(seconds * 1000)
        p50s.append(percentile(samples, 50) or 0.0)
        p95s.append(percentile(samples, 95) or 0.0)
    return {"p50_ms": statistics.median(p50s), "p95_ms": statistics.median(p95s), "n": len(queries),
            "queries": len(queries), "runs": runs, "p50_runs_ms": p50s, "p95_runs_ms": p95s}


def bench_scale(
    settings,
    corpus: list[Path],
    sizes: tuple[int, ...],
    queries: list[str],
    runs: int,
    work: Path,
    batch: int = 5000,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """search/ask latency at each index size, growing one index from the real corpus."""
    data_dir = work / "scale"
    assistant = _assistant(settings, data_dir)
    assistant.ingest(corpus)
    base = list(assistant.store.iter_chunks())
    vectors = np.asarray(assistant.embedder.embed_documents([c.embed_text for c in base]), dtype=np.float32)
    rng = np.random.default_rng(seed)
    rows = []
    for size in sorted(sizes):
        current = assistant.store.count()
        grown = 0
        started = time.perf_counter()
        while current + grown < size:
            count = min(batch, size - current - grown)
            chunks, noisy = synthetic_chunks(base, vectors, current + grown, count, rng)
            assistant.store.add(chunks, noisy)
            grown += count
        assistant.store.bump_generation()
        _, lexical_s = _timed(assistant.indexer.refresh_lexical, force=True)
        insert_s = time.perf_counter() - started
        total = assistant.store.count()
        log.info(
            "index at %d chunks (grown %d in %.1fs, lexical rebuild %.1fs)", total, grown, insert_s, lexical_s
        )
        search = latencies(lambda q: assistant.search(q), queries, runs)
        lexical = latencies(lambda q: assistant.search(q, mode="lexical"), queries, runs)
        encode = latencies(assistant.embedder.embed_query, queries, runs)
        ask = latencies(lambda q: assistant.ask(q), queries, runs)
        rows.append(
            {
                "chunks": total,
                "search_lexical": lexical,
                "embed_query": encode,
                "search": search,
                "ask": ask,
                "grow_s": insert_s,
                "lexical_rebuild_s": lexical_s,
                "index_mb": disk_mb(data_dir),
                "peak_memory_mb": peak_memory_mb(),
            }
        )
        log.info(
            "%d chunks: search p50 %.1f / p95 %.1f ms; ask p50 %.1f / p95 %.1f ms",
            total,
            search["p50_ms"],
            search["p95_ms"],
            ask["p50_ms"],
            ask["p95_ms"],
        )
    return rows


def plot_bench(results: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    scale = results.get("scale", [])
    if scale:
        sizes = [r["chunks"] for r in scale]
        for call, style in (("search", "-"), ("ask", "--")):
            for q in ("p50_ms", "p95_ms"):
                left.plot(sizes, [r[call][q] for r in scale], style, marker="o", label=f"{call} {q[:3]}")
        left.axhline(100, color="grey", lw=0.8, ls=":", label="100 ms goal")
        left.set(xscale="log", xlabel="chunks in index", ylabel="latency (ms)", title="Query latency")
        left.legend(fontsize=8)
    ingest = results.get("ingest")
    if ingest:
        right.bar(
            ["ingest (end to end)", "encoder only"],
            [ingest["ingest_chunks_per_s"], ingest["encoder_chunks_per_s"]],
            color=["C0", "C1"],
        )
        right.set(ylabel="chunks / s", title=f"Throughput ({ingest['chunks']} chunks)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run_bench(
    settings,
    corpus: list[Path],
    queries: list[str],
    sizes: tuple[int, ...] = DEFAULT_SIZES,
    runs: int = 3,
    out_dir: Path | None = None,
    skip_ingest: bool = False,
) -> dict[str, Any]:
    results: dict[str, Any] = {"embedder": None, "runs": runs, "sizes": list(sizes), "noise": NOISE}
    with tempfile.TemporaryDirectory(prefix="ratsinfo-bench-") as tmp:
        work = Path(tmp)
        if not skip_ingest:
            results["ingest"] = bench_ingest(settings, corpus, runs, work)
        results["scale"] = bench_scale(settings, corpus, sizes, queries, runs, work)
        results["embedder"] = settings.embedding_model
    results["peak_memory_mb"] = peak_memory_mb()
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        plot_bench(results, out_dir / "bench.png")
    return results


@click.command("bench")
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="Documents to ingest (repeatable).",
)
@click.option(
    "--qa",
    "qa_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path(__file__).parent / "data" / "dev.jsonl",
    show_default=True,
    help="Questions used as queries.",
)
@click.option(
    "--sizes",
    default=",".join(str(s) for s in DEFAULT_SIZES),
    show_default=True,
    help="Index sizes (chunks), comma separated.",
)
@click.option(
    "--runs", type=click.IntRange(1), default=3, show_default=True, help="Runs per figure (median)."
)
@click.option(
    "--queries",
    "n_queries",
    type=click.IntRange(1),
    default=30,
    show_default=True,
    help="Questions per latency run.",
)
@click.option("--skip-ingest", is_flag=True, help="Only the latency-at-scale part.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("eval/results/bench"),
    show_default=True,
    help="Folder for bench.json and bench.png.",
)
@click.pass_context
@domain_errors
def bench_command(
    ctx: click.Context,
    corpus: tuple[Path, ...],
    qa_file: Path,
    sizes: str,
    runs: int,
    n_queries: int,
    skip_ingest: bool,
    out_dir: Path,
) -> None:
    """Measure ingest throughput, query latency at 1k-100k chunks, memory and index size."""
    from eval.datasets import load_questions

    try:
        size_list = tuple(int(s) for s in sizes.split(",") if s.strip())
    except ValueError:
        raise click.BadParameter(f"sizes must be integers, got {sizes!r}") from None
    queries = [q.question for q in load_questions(qa_file)][:n_queries]
    results = run_bench(settings_from(ctx), list(corpus), queries, size_list, runs, out_dir, skip_ingest)
    if "ingest" in results:
        i = results["ingest"]
        click.echo(
            f"ingest: {i['chunks']} chunks, {i['ingest_chunks_per_s']:.1f} chunks/s end to end vs "
            f"{i['encoder_chunks_per_s']:.1f} encoder-only ({100 * i['ingest_share_of_encoder']:.0f} %); "
            f"first {i['first_ingest_s']:.1f}s, unchanged re-ingest {i['reingest_unchanged_s']:.2f}s "
            f"({i['reingest_speedup']:.0f}x)"
        )
    for r in results["scale"]:
        click.echo(
            f"{r['chunks']:>7} chunks: search p50 {r['search']['p50_ms']:.1f} "
            f"p95 {r['search']['p95_ms']:.1f} ms; ask p50 {r['ask']['p50_ms']:.1f} "
            f"p95 {r['ask']['p95_ms']:.1f} ms; index {r['index_mb']:.0f} MB;"
            f" peak RSS {r['peak_memory_mb']:.0f} MB"
        )
    click.echo(f"results written to {out_dir / 'bench.json'}")
