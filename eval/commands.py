"""``ratsinfo eval``, ``ratsinfo bench`` and ``ratsinfo bench-scale``: thin click commands over the eval library."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click

from assistant.cli_support import domain_errors, settings_from
from assistant.errors import ConfigurationError
from eval.bench import bench_command
from eval.bench_scale import bench_scale_command
from eval.datasets import load_questions, select
from eval.runner import RECALL_KS, EvalResult, regression_check, run_eval

log = logging.getLogger(__name__)

DEV_SET = Path(__file__).parent / "data" / "dev.jsonl"
MODES = ("dense", "lexical", "hybrid")


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _modes(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    modes = _split(value)
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise click.BadParameter(f"choose from {', '.join(MODES)} (comma separated), got {value!r}")
    return modes


# settings that shape the numbers; recorded in results JSON (an allowlist: never keys or URLs)
RECORDED_SETTINGS = (
    "embedding_backend",
    "embedding_model",
    "chunk_max_chars",
    "chunk_overlap_chars",
    "retrieval_mode",
    "top_k",
    "candidate_k",
    "rrf_k",
    "lexical_weight_de",
    "lexical_weight_en",
    "query_translation",
    "answer_type_boost",
    "answer_backend",
    "refusal_threshold",
    "answer_max_sentences",
    "answer_max_citations",
)


def _with_overrides(settings: Any, overrides: tuple[str, ...]) -> Any:
    """The settings with ``NAME=VALUE`` overrides, validated like the environment's values."""
    if not overrides:
        return settings
    values: dict[str, Any] = settings.model_dump()
    for item in overrides:
        name, sep, value = item.partition("=")
        name = name.strip().lower().removeprefix("ratsinfo_")
        if not sep or name not in type(settings).model_fields:
            raise ConfigurationError(f"--set {item!r}: expected NAME=VALUE with a setting name")
        values[name] = value.strip()
    try:
        return type(settings).model_validate(values)
    except ValueError as exc:
        raise ConfigurationError(f"--set: {exc}") from None


def _recorded_settings(settings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in RECORDED_SETTINGS if hasattr(settings, name)}


def _summary(result: EvalResult) -> str:
    lines = [f"{'system':24} {'group':9} " + " ".join(f"R@{n:<4}" for n in RECALL_KS) + " MRR   nDCG  n"]
    for system, groups in result.retrieval.items():
        for group in ("all", "lang=en", "lang=de"):
            m = groups.get(group)
            if m:
                values = [m[f"recall@{n}"] for n in RECALL_KS] + [m[f"mrr@{result.k}"], m[f"ndcg@{result.k}"]]
                lines.append(
                    f"{system:24} {group:9} " + " ".join(f"{100 * v:5.1f}" for v in values) + f" {m['n']}"
                )
    if result.answers:
        a = result.answers["all"]
        lines.append(
            "answers: "
            + ", ".join(
                f"{name} {'–' if a[name] is None else f'{100 * a[name]:.1f}'}"
                for name in ("refusal_accuracy", "false_refusal_rate", "answer_contains", "citation_correct")
            )
        )
    for name, v in result.latency_ms.items():
        lines.append(f"latency {name}: p50 {v['p50']:.1f} ms, p95 {v['p95']:.1f} ms")
    return "\n".join(lines)


@click.command("eval")
@click.option(
    "--qa",
    "qa_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEV_SET,
    show_default=True,
    help="Question set (JSONL); a staff feedback export works too.",
)
@click.option(
    "--modes",
    default=",".join(MODES),
    show_default=True,
    callback=_modes,
    help="Search modes to score, comma separated.",
)
@click.option(
    "--k", type=click.IntRange(1, 100), default=10, show_default=True, help="Passages per question."
)
@click.option(
    "--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), help="Write results JSON."
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write report.md, results.json and plots into this folder.",
)
@click.option(
    "--baselines/--no-baselines",
    default=False,
    show_default=True,
    help="Also score plain BM25 windows and the LangChain tutorial pipeline on the same documents.",
)
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Documents for the baselines (repeatable); default: the source files of the current index.",
)
@click.option("--answers/--no-answers", default=True, show_default=True, help="Score answers from `ask`.")
@click.option(
    "--check-baseline",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Committed results JSON; exit 1 if recall@5 of the default mode drops too far below it.",
)
@click.option(
    "--max-drop", type=float, default=2.0, show_default=True, help="Allowed drop in recall@5 points."
)
@click.option("--limit", type=click.IntRange(1), help="Only the first N questions.")
@click.option("--ids", default="", help="Only these question ids, comma separated.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a setting for this run only (repeatable), e.g. --set answer_type_boost=0: ablations "
                   "of retrieval and answer settings without re-ingesting.")
@click.pass_context
@domain_errors
def eval_command(
    ctx: click.Context,
    qa_file: Path,
    modes: tuple[str, ...],
    k: int,
    json_out: Path | None,
    report_dir: Path | None,
    baselines: bool,
    corpus: tuple[Path, ...],
    answers: bool,
    check_baseline: Path | None,
    max_drop: float,
    limit: int | None,
    ids: str,
    overrides: tuple[str, ...],
) -> None:
    """Score retrieval and answers on a question set over the current index."""
    from assistant.service import Assistant

    settings = _with_overrides(settings_from(ctx), overrides)  # the group's settings (honours --data-dir)
    questions = select(load_questions(qa_file), _split(ids), limit)
    assistant = Assistant.from_settings(settings)
    if not assistant.store.count():
        raise ConfigurationError(f"the index in {settings.data_dir} is empty; run `ratsinfo ingest` first")
    default_mode = settings.retrieval_mode
    if check_baseline and default_mode not in modes:
        modes = (*modes, default_mode)
    searchers: dict[str, Any] | None = None
    if baselines:
        from eval.baselines import build_baselines, load_corpus

        paths = list(corpus) or [
            Path(d["source_path"]) for d in assistant.documents() if d.get("source_path")
        ]
        docs = load_corpus(p for p in paths if p.exists())
        if not docs:
            raise ConfigurationError("no documents for the baselines; pass --corpus DIR")
        searchers = build_baselines(docs, assistant.embedder, cache_dir=settings.data_dir / "eval-cache")
    result = run_eval(
        assistant,
        questions,
        modes=modes,
        k=k,
        with_answers=answers,
        default_mode=default_mode,
        baselines=searchers,
        meta={
            "qa": str(qa_file),
            "embedder": assistant.embedder.name,
            "chunks": assistant.store.count(),
            "settings": _recorded_settings(settings),
        },
    )

    click.echo(_summary(result))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(result.dumps(), encoding="utf-8")
        click.echo(f"results written to {json_out}")
    if report_dir:
        from eval.report import write_report

        click.echo(f"report written to {write_report(result, report_dir)}")
    if check_baseline:
        committed = EvalResult.from_json(json.loads(check_baseline.read_text(encoding="utf-8")))
        try:
            passed, now, then, n = regression_check(result, committed, default_mode, max_drop)
        except KeyError as exc:
            raise ConfigurationError(f"cannot compare with {check_baseline}: {exc.args[0]}") from None
        verdict = "ok" if passed else "REGRESSION"
        click.echo(
            f"{verdict}: recall@5 of {default_mode} on {n} shared questions: {now:.1f} "
            f"(committed {then:.1f}, allowed drop {max_drop:.1f} points)"
        )
        if not passed:
            raise SystemExit(1)


__all__ = ["bench_command", "bench_scale_command", "eval_command"]
