"""``ratsinfo bench-scale`` (``make bench-scale``): the store and search at city scale, embedded vs chroma server.

Nobody embeds a million chunks on 2 CPU cores (the encoder does ~30 chunks/s here), so the index is grown
with synthetic chunks whose vectors are *pre-computed*: real embeddings of the bundled records plus a little
Gaussian noise. Their texts are varied too: each synthetic chunk mixes sentences of its base chunk with
sentences of random other chunks in shuffled order, so BM25 posting lists look like a real archive, not like
hundreds of copies of the same passage. What is measured, per backend (``embedded`` = chromadb's
PersistentClient in the process, ``server`` = ``chroma run`` started and stopped by the bench) and size:

* store ingest rate: chunks/s of ``ChunkStore.add`` with pre-computed vectors, in batches (no encoder);
* search latency p50/p95 of the full hybrid ``Assistant.search`` (query embedding, dense, BM25, fusion) over
  the dev questions: median over ``runs`` runs;
* the lexical index (bm25s): build time and peak memory measured in a fresh subprocess (peak RSS during the
  build minus RSS before it), the memory a worker holds after loading it (another fresh subprocess), disk.

Sizes run in ascending order, each backend in turn; a growth stage can be capped in wall time
(``--max-grow-minutes``, per stage): the JSON then says which size was reached, and that backend stops there.
"""

from __future__ import annotations

import fcntl
import gc
import json
import logging
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
import numpy as np
from tqdm import tqdm

from assistant.cli_support import domain_errors, settings_from
from assistant.models import Chunk
from assistant.processes import status_mb
from eval.bench import NOISE, disk_mb, latencies, peak_memory_mb
from eval.chroma_server import ChromaServer

log = logging.getLogger(__name__)

DEFAULT_SIZES = (100_000, 1_000_000)
BACKENDS = ("embedded", "server")
COLLECTION = "bench_scale"
OUT_DIR = Path("eval/results/bench_scale")
CACHE_DIR = Path("data/bench-scale-cache")
NOTE = (
    "Vectors are pre-computed (real embeddings of the bundled records plus Gaussian noise): the ingest rate "
    "is the store's rate for adding chunks with vectors, not an embedding rate. Embedding 1M chunks on this "
    "2-core machine would take days."
)
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")


# -- base chunks: the real records, embedded once and cached ------------------------------------------
@dataclass(frozen=True)
class Base:
    chunks: list[Chunk]
    vectors: np.ndarray
    sentences: list[str]
    embedder: str


def _chunk_from_dict(row: dict[str, Any]) -> Chunk:
    return Chunk(**{**row, "section_path": tuple(row["section_path"])})


def load_base(cache: Path) -> Base:
    meta = json.loads((cache / "base.json").read_text(encoding="utf-8"))
    chunks = [_chunk_from_dict(row) for row in meta["chunks"]]
    sentences = [s for c in chunks for s in split_sentences(c.text)]
    return Base(chunks, np.load(cache / "vectors.npy"), sentences, str(meta["embedder"]))


def prepare_base(corpus: Sequence[Path], cache: Path, settings: Any) -> Base:
    """Ingest the real records once (real embedder) and cache their chunks and vectors in ``cache``."""
    key = sorted(str(p.resolve()) for p in corpus)
    if (cache / "base.json").exists() and (cache / "vectors.npy").exists():
        cached = json.loads((cache / "base.json").read_text(encoding="utf-8"))
        if cached.get("corpus") == key:
            log.info("base chunks from cache %s", cache)
            return load_base(cache)
    from assistant.service import Assistant

    shutil.rmtree(cache, ignore_errors=True)
    assistant = Assistant.from_settings(settings.model_copy(update={"data_dir": cache / "index", "chroma_url": None}))
    log.info("embedding the base corpus %s (once; cached in %s)", ", ".join(map(str, corpus)), cache)
    assistant.ingest(list(corpus), progress=True)
    chunks = list(assistant.store.iter_chunks())
    vectors = assistant.store.embeddings([c.chunk_id for c in chunks])
    np.save(cache / "vectors.npy", vectors)
    (cache / "base.json").write_text(
        json.dumps({"corpus": key, "embedder": assistant.embedder.name, "chunks": [asdict(c) for c in chunks]}),
        encoding="utf-8",
    )
    return load_base(cache)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if len(s.strip()) > 2]


# -- synthetic chunks ----------------------------------------------------------------------------------
def _mixed_text(own: list[str], pool: list[str], rng: np.random.Generator) -> str:
    """Half the base chunk's sentences, the rest drawn from the whole corpus, shuffled."""
    n = max(len(own), 2)
    keep = [own[i] for i in rng.permutation(len(own))[: max(1, n // 2)]] if own else []
    mixed = keep + [pool[i] for i in rng.integers(0, len(pool), size=n - len(keep))]
    rng.shuffle(mixed)
    return " ".join(mixed)


def synthetic_batch(base: Base, start: int, count: int, seed: int = 0) -> tuple[list[Chunk], np.ndarray]:
    """Chunks ``start .. start+count`` of the synthetic archive; the same arguments give the same chunks."""
    text_rng = np.random.default_rng([seed, start, 0])
    vector_rng = np.random.default_rng([seed, start, 1])
    picks = text_rng.integers(0, len(base.chunks), size=count)
    chunks: list[Chunk] = []
    for i, p in enumerate(picks):
        number = start + i
        origin = base.chunks[int(p)]
        text = _mixed_text(split_sentences(origin.text), base.sentences, text_rng)
        prefix = origin.embed_text[: -len(origin.text)] if origin.embed_text.endswith(origin.text) else ""
        chunks.append(
            replace(
                origin,
                chunk_id=f"synthetic-{number:08d}",
                document_id=f"synthetic-doc-{number // 20:07d}",
                source=f"synthetic_{number // 20:07d}.txt",
                source_path=f"synthetic/synthetic_{number // 20:07d}.txt",
                ordinal=number % 20,
                text=text,
                embed_text=prefix + text,
                content_hash=f"synthetic-{number // 20:07d}",
            )
        )
    noisy = base.vectors[picks] + vector_rng.normal(0.0, NOISE, size=(count, base.vectors.shape[1]))
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    return chunks, noisy.astype(np.float32)


def batches(start: int, stop: int, size: int) -> Iterator[tuple[int, int]]:
    for first in range(start, stop, size):
        yield first, min(size, stop - first)


# -- memory ------------------------------------------------------------------------------------------
def _status_mb(field: str) -> float:
    """This process's ``/proc`` memory field in MB; the peak RSS where there is none."""
    value = status_mb(os.getpid(), field)
    return peak_memory_mb() if value is None else value


def _reset_peak() -> bool:
    """Reset VmHWM (Linux: write 5 to clear_refs) so the next peak belongs to what follows."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="utf-8")
        return True
    except OSError:
        return False


# -- the lexical index, measured in fresh subprocesses ----------------------------------------------------
def lexical_build_worker(cache: Path, size: int, directory: Path, generation: int, seed: int) -> dict[str, Any]:
    """Generate ``size`` synthetic chunks, build and save the BM25 index; memory of the build alone."""
    from assistant.lexical import LexicalIndex

    base = load_base(cache)
    chunks: list[Chunk] = []
    for start, count in batches(0, size, 10_000):
        chunks.extend(synthetic_batch(base, start, count, seed)[0])
    del base
    gc.collect()
    before = _status_mb("VmRSS")
    peak_is_fresh = _reset_peak()
    started = time.perf_counter()
    LexicalIndex(directory).build(chunks, generation)
    build_s = time.perf_counter() - started
    peak = _status_mb("VmHWM") if peak_is_fresh else peak_memory_mb()
    return {
        "chunks": size,
        "build_s": build_s,
        "rss_before_build_mb": before,
        "build_peak_rss_mb": peak,
        "build_peak_delta_mb": peak - before,
        "disk_mb": disk_mb(directory),
    }


def lexical_load_worker(directory: Path) -> dict[str, Any]:
    """What one UI worker holds: RSS after loading the saved index minus RSS before."""
    from assistant.lexical import LexicalIndex

    index = LexicalIndex(directory)
    gc.collect()
    before = _status_mb("VmRSS")
    started = time.perf_counter()
    if not index.load():
        raise RuntimeError(f"lexical index at {directory} did not load")
    load_s = time.perf_counter() - started
    return {"load_s": load_s, "loaded_delta_mb": _status_mb("VmRSS") - before}


def _subprocess_json(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "eval.bench_scale", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"lexical worker failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure_lexical(cache: Path, size: int, directory: Path, generation: int, seed: int) -> dict[str, Any]:
    """Build ``size`` synthetic chunks' index in ``directory`` and measure it, once per folder.

    The figures are kept beside the index (``<directory>.json``) and an exclusive lock is held while building,
    so two bench processes sharing ``--lexical-dir`` (one per backend, run side by side) build the same index
    (same seed, same chunks) once, not twice at ~10 GB each.
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    figures = directory.with_suffix(".json")
    with open(directory.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if figures.exists() and (directory / "state.json").exists():
            log.info("lexical index over %d chunks from %s", size, directory)
            return dict(json.loads(figures.read_text(encoding="utf-8")))
        measured = _measure_lexical(cache, size, directory, generation, seed)
        figures.write_text(json.dumps(measured), encoding="utf-8")
        return measured


def _measure_lexical(cache: Path, size: int, directory: Path, generation: int, seed: int) -> dict[str, Any]:
    log.info("lexical index over %d chunks (subprocess)", size)
    built = _subprocess_json("build", str(cache), str(size), str(directory), str(generation), str(seed))
    loaded = _subprocess_json("load", str(directory))
    built["build_process_max_rss_mb"] = built.pop("max_rss_mb")
    loaded["load_process_max_rss_mb"] = loaded.pop("max_rss_mb")
    return {**built, **loaded}


# -- growing a store -------------------------------------------------------------------------------------
@dataclass
class Growth:
    added: int
    seconds: float
    complete: bool
    samples: list[dict[str, float]]

    def as_dict(self) -> dict[str, Any]:
        rate = self.added / self.seconds if self.seconds else None
        return {"chunks_added": self.added, "seconds": self.seconds, "chunks_per_s": rate,
                "complete": self.complete, "rate_samples": self.samples}


def grow(store: Any, base: Base, start: int, target: int, batch: int, seed: int,
         deadline: float | None) -> Growth:
    """Add synthetic chunks ``start .. target`` in batches; only ``store.add`` is timed."""
    added, seconds = 0, 0.0
    samples: list[dict[str, float]] = []
    every = max(1, (target - start) // batch // 10)
    with tqdm(total=target - start, desc=f"store {start}->{target}", unit="chunk", mininterval=5) as bar:
        for n, (first, count) in enumerate(batches(start, target, batch)):
            if deadline is not None and time.monotonic() > deadline:
                log.warning("growth stopped by the time cap at %d chunks", start + added)
                return Growth(added, seconds, False, samples)
            chunks, vectors = synthetic_batch(base, first, count, seed)
            began = time.perf_counter()
            store.add(chunks, vectors)
            took = time.perf_counter() - began
            seconds += took
            added += count
            bar.update(count)
            if n % every == 0:
                samples.append({"chunks": float(start + added), "batch_chunks_per_s": count / took})
    return Growth(added, seconds, True, samples)


# -- one backend -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    sizes: tuple[int, ...]
    queries: tuple[str, ...]
    runs: int
    batch: int | None
    seed: int
    max_grow_s: float | None
    cache: Path
    work: Path
    lexical_dir: Path | None = None

    def lexical_index(self, size: int) -> Path:
        """Where the index over ``size`` synthetic chunks is built (shared between runs with ``--lexical-dir``)."""
        return (self.lexical_dir or self.work) / f"lexical-{size}-seed{self.seed}"


def _settings(base_settings: Any, data_dir: Path, url: str | None) -> Any:
    return base_settings.model_copy(update={"data_dir": data_dir, "chroma_url": url, "collection": COLLECTION})


def _install_lexical(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)


def run_stage(backend: str, target: int, plan: Plan, base: Base, settings: Any, embedder: Any,
              lexical_cache: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Grow one backend's store to ``target`` (from what it holds), then measure search at that size.

    The server is started for the stage and stopped after it (its data persists in its ``--path``).
    """
    from assistant.service import Assistant
    from assistant.store import ChunkStore, make_client

    root = plan.work / backend
    server = ChromaServer(root / "server", log_file=plan.work / "chroma-server.log") if backend == "server" else None
    try:
        if server:
            server.start()
        cfg = _settings(settings, root / "data", server.url if server else None)
        store = ChunkStore(make_client(cfg), COLLECTION, ef_search=cfg.hnsw_ef_search)
        store.bind_embedder(embedder.name, embedder.dimension)
        batch = plan.batch or store.max_batch_size
        current = store.count()
        deadline = time.monotonic() + plan.max_grow_s if plan.max_grow_s else None
        growth = grow(store, base, current, target, batch, plan.seed, deadline)
        reached = store.count()
        generation = store.bump_generation()
        if target not in lexical_cache:
            lexical_cache[target] = measure_lexical(plan.cache, target, plan.lexical_index(target), generation,
                                                    plan.seed)
        source = plan.lexical_index(target)
        if reached != target:  # capped growth: search with an index of exactly what the store holds
            source = plan.work / f"lexical-{backend}-{reached}"
            _subprocess_json("build", str(plan.cache), str(reached), str(source), str(generation), str(plan.seed))
        _install_lexical(source, cfg.lexical_dir / COLLECTION)
        _set_generation(cfg.lexical_dir / COLLECTION, generation)
        assistant = Assistant.from_settings(cfg, embedder=embedder)
        if len(assistant.lexical) != reached:
            raise RuntimeError(f"lexical index has {len(assistant.lexical)} chunks, the store {reached}")
        search = latencies(lambda q: assistant.search(q), plan.queries, plan.runs)
        ingest = {**growth.as_dict(), "batch": batch, "from_chunks": current}
        row: dict[str, Any] = {
            "backend": backend, "target_chunks": target, "chunks": reached, "complete": reached == target,
            "ingest": ingest,
            "search": search, "lexical": lexical_cache[target],
            "store_disk_mb": disk_mb(root / ("server" if server else "data/chroma")),
            "bench_process_peak_rss_mb": peak_memory_mb(),
            "server_peak_rss_mb": server.peak_rss_mb() if server else None,
        }
        log.info("%s %d chunks: %.0f chunks/s; search p50 %.0f / p95 %.0f ms", backend, reached,
                 ingest["chunks_per_s"] or 0, search["p50_ms"], search["p95_ms"])
        return row
    finally:
        if server:
            server.stop()


def _set_generation(directory: Path, generation: int) -> None:
    path = directory / "state.json"
    state = json.loads(path.read_text(encoding="utf-8"))
    state["generation"] = generation
    path.write_text(json.dumps(state), encoding="utf-8")


# -- the whole bench -------------------------------------------------------------------------------------
def run_bench_scale(settings: Any, corpus: Sequence[Path], queries: Sequence[str], *,
                    sizes: Sequence[int] = DEFAULT_SIZES, backends: Sequence[str] = BACKENDS, runs: int = 3,
                    batch: int | None = None, max_grow_minutes: float | None = None, cache: Path = CACHE_DIR,
                    out_dir: Path | None = OUT_DIR, work: Path | None = None, seed: int = 0,
                    lexical_dir: Path | None = None) -> dict[str, Any]:
    from assistant.embeddings import build_embedder

    started = time.perf_counter()
    base = prepare_base(corpus, cache, settings)
    embedder = build_embedder(settings, prefer=base.embedder)
    results: dict[str, Any] = {
        "meta": {
            "note": NOTE, "started": datetime.now(UTC).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
            "embedder": embedder.name, "base_chunks": len(base.chunks), "noise": NOISE, "sizes": sorted(sizes),
            "backends": list(backends), "runs": runs, "queries": len(queries), "seed": seed,
            "max_grow_minutes": max_grow_minutes, "hnsw_ef_search": settings.hnsw_ef_search,
            "load_average_start": list(os.getloadavg()),
        },
        "results": [],
    }
    with tempfile.TemporaryDirectory(prefix="ratsinfo-bench-scale-", dir=work) as tmp:
        plan = Plan(tuple(sorted(sizes)), tuple(queries), runs, batch, seed,
                    max_grow_minutes * 60 if max_grow_minutes else None, cache, Path(tmp), lexical_dir)
        lexical_cache: dict[int, dict[str, Any]] = {}
        capped: set[str] = set()
        for target in plan.sizes:  # size by size, so every backend gets the smaller sizes before a long growth
            for backend in backends:
                if backend in capped:
                    continue
                row = run_stage(backend, target, plan, base, settings, embedder, lexical_cache)
                row["load_average"] = list(os.getloadavg())  # the machine is shared: 1-min, 5-min, 15-min
                results["results"].append(row)
                if not row["complete"]:
                    capped.add(backend)
                write_partial(results, out_dir)
    results["meta"]["wall_s"] = time.perf_counter() - started
    results["meta"]["load_average_end"] = list(os.getloadavg())
    if out_dir:
        write_results(results, out_dir)
    return results


def markdown_table(results: dict[str, Any]) -> str:
    """Store and search rows at the size reached; the lexical index rows at each target size."""
    lines = [
        "| backend | chunks | store ingest (chunks/s) | search p50 (ms) | search p95 (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    lexical: dict[int, dict[str, Any]] = {}
    for r in results["results"]:
        rate = r["ingest"]["chunks_per_s"]
        reached = f"{r['chunks']:,}" + ("" if r["complete"] else f" (cap; target {r['target_chunks']:,})")
        lines.append(f"| {r['backend']} | {reached} | {rate:.0f} | {r['search']['p50_ms']:.0f}"
                     f" | {r['search']['p95_ms']:.0f} |")
        lexical[r["target_chunks"]] = r["lexical"]
    lines += ["", "| lexical index (bm25s) | build (s) | build peak RSS delta (MB) | loaded in a worker (MB) "
              "| disk (MB) |", "|---|---:|---:|---:|---:|"]
    for size, lex in sorted(lexical.items()):
        lines.append(f"| {size:,} chunks | {lex['build_s']:.0f} | {lex['build_peak_delta_mb']:.0f}"
                     f" | {lex['loaded_delta_mb']:.0f} | {lex['disk_mb']:.0f} |")
    meta = results["meta"]
    lines.append("")
    lines.append(f"{meta['note']} Search: full hybrid `search` over {meta['queries']} dev questions, median of "
                 f"{meta['runs']} runs. Store ingest rate for the chunks added to reach that size (one run).")
    return "\n".join(lines) + "\n"


def write_partial(results: dict[str, Any], out_dir: Path | None) -> None:
    """Stage results as they come, so a long run that is stopped still leaves its figures."""
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "bench_scale.partial.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


def write_results(results: dict[str, Any], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench_scale.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out_dir / "bench_scale.md").write_text(markdown_table(results), encoding="utf-8")
    (out_dir / "bench_scale.partial.json").unlink(missing_ok=True)


def merge_results(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One result from bench runs of different backends (e.g. one process per backend, run side by side).

    Store and search rows are concatenated in size order; the lexical index figures are the same synthetic
    index for every backend (shared with ``--lexical-dir``), so each row keeps its own copy. ``meta`` keeps the
    first run's settings, the union of backends and sizes, and each part's own meta under ``parts``.
    """
    if not parts:
        raise ValueError("nothing to merge")
    rows = [row for part in parts for row in part["results"]]
    backends = [b for part in parts for b in part["meta"]["backends"]]
    if len(set(backends)) != len(backends):
        raise ValueError(f"a backend occurs in more than one result: {backends}")
    meta = {**parts[0]["meta"], "backends": backends,
            "sizes": sorted({s for part in parts for s in part["meta"]["sizes"]}),
            "wall_s": max(part["meta"].get("wall_s") or 0.0 for part in parts),
            "parallel_parts": len(parts), "parts": [part["meta"] for part in parts]}
    order = {b: i for i, b in enumerate(BACKENDS)}
    rows.sort(key=lambda r: (r["target_chunks"], order.get(r["backend"], len(order))))
    return {"meta": meta, "results": rows}


def _int_list(value: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(s.replace("_", "")) for s in value.split(",") if s.strip())
    except ValueError:
        raise click.BadParameter(f"comma separated integers, got {value!r}") from None
    if not sizes or min(sizes) <= 0:
        raise click.BadParameter("at least one positive size")
    return sizes


@click.command("bench-scale")
@click.option("--corpus", "corpus", multiple=True, type=click.Path(exists=True, path_type=Path),
              default=(Path("samples/corpus"),), show_default=True, help="Real records behind the synthetic chunks.")
@click.option("--qa", "qa_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path(__file__).parent / "data" / "dev.jsonl", show_default=True, help="Query questions.")
@click.option("--sizes", default=",".join(map(str, DEFAULT_SIZES)), show_default=True,
              help="Index sizes in chunks, comma separated (e.g. 2000 for a smoke run).")
@click.option("--backends", default=",".join(BACKENDS), show_default=True, help="embedded, server or both.")
@click.option("--runs", type=click.IntRange(1), default=3, show_default=True, help="Latency runs (median).")
@click.option("--queries", "n_queries", type=click.IntRange(1), default=30, show_default=True,
              help="Questions per latency run.")
@click.option("--batch", type=click.IntRange(1), default=None, help="Chunks per add (default: chroma's maximum).")
@click.option("--max-grow-minutes", type=float, default=None,
              help="Stop growing a backend's store after this much wall time; the JSON records the size reached.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path), default=CACHE_DIR, show_default=True,
              help="Cache of the embedded base chunks.")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the temporary stores (default: the system temp dir).")
@click.option("--lexical-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the synthetic lexical indexes here and reuse them (e.g. one bench process per backend).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=OUT_DIR,
              show_default=True, help="Folder for bench_scale.json and bench_scale.md.")
@click.option("--merge", "merge", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Do not run: merge these bench_scale.json files (one per backend) into --out.")
@click.pass_context
@domain_errors
def bench_scale_command(ctx: click.Context, corpus: tuple[Path, ...], qa_file: Path, sizes: str, backends: str,
                        runs: int, n_queries: int, batch: int | None, max_grow_minutes: float | None, cache: Path,
                        work: Path | None, lexical_dir: Path | None, out_dir: Path, merge: tuple[Path, ...]) -> None:
    """Store ingest rate, hybrid search p50/p95 and lexical index memory at 100k-1M chunks, embedded vs server."""
    from eval.datasets import load_questions

    if merge:
        try:
            merged = merge_results([json.loads(p.read_text(encoding="utf-8")) for p in merge])
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            raise click.ClickException(f"cannot merge {', '.join(map(str, merge))}: {exc}") from None
        write_results(merged, out_dir)
        click.echo(markdown_table(merged))
        click.echo(f"merged {len(merge)} results into {out_dir / 'bench_scale.json'}")
        return

    chosen = tuple(b.strip() for b in backends.split(",") if b.strip())
    if not chosen or set(chosen) - set(BACKENDS):
        raise click.BadParameter(f"choose from {', '.join(BACKENDS)}, got {backends!r}")
    if work:
        work.mkdir(parents=True, exist_ok=True)
    queries = [q.question for q in load_questions(qa_file)][:n_queries]
    results = run_bench_scale(settings_from(ctx), corpus, queries, sizes=_int_list(sizes), backends=chosen,
                              runs=runs, batch=batch, max_grow_minutes=max_grow_minutes, cache=cache,
                              out_dir=out_dir, work=work, lexical_dir=lexical_dir)
    click.echo(NOTE)
    click.echo(markdown_table(results))
    click.echo(f"results written to {out_dir / 'bench_scale.json'} ({results['meta']['wall_s']:.0f}s)")


def _worker_main(argv: list[str]) -> None:
    """``python -m eval.bench_scale build CACHE SIZE DIR GENERATION SEED`` | ``load DIR``: one JSON line."""
    logging.basicConfig(level=logging.WARNING)
    if argv[0] == "build":
        cache, size, directory, generation, seed = argv[1:6]
        result = lexical_build_worker(Path(cache), int(size), Path(directory), int(generation), int(seed))
    elif argv[0] == "load":
        result = lexical_load_worker(Path(argv[1]))
    else:
        raise SystemExit(f"unknown worker command {argv[0]!r}")
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    _worker_main(sys.argv[1:])
