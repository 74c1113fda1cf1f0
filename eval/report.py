"""Write an evaluation run to a folder: report.md, results.json and PNG plots (matplotlib, Agg backend)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from eval.runner import RECALL_KS, EvalResult

log = logging.getLogger(__name__)

_MAIN_GROUPS = ("all", "lang=en", "lang=de")
_BASELINE_FOR_HEADLINE = ("langchain-tutorial@4", "langchain-tutorial", "bm25-windows")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _retrieval_rows(result: EvalResult, systems: list[str], groups: tuple[str, ...]) -> list[list[str]]:
    rows = []
    for system in systems:
        table = result.retrieval[system]
        for group in groups:
            m = table.get(group)
            if m is None:
                continue
            rows.append(
                [system, group]
                + [_pct(m[f"recall@{n}"]) for n in RECALL_KS]
                + [_pct(m[f"mrr@{result.k}"]), _pct(m[f"ndcg@{result.k}"]), str(m["n"])]
            )
    return rows


def headline(result: EvalResult) -> list[str]:
    """One sentence per baseline: how far the default mode is ahead on recall@5 (points)."""
    ours = result.retrieval.get(result.default_mode, {}).get("all", {}).get("recall@5")
    lines: list[str] = []
    if ours is None:
        return lines
    for name in _BASELINE_FOR_HEADLINE:
        theirs = result.retrieval.get(name, {}).get("all", {}).get("recall@5")
        if theirs is not None:
            lines.append(
                f"- recall@5 of `{result.default_mode}`: {_pct(ours)} vs `{name}`: {_pct(theirs)} "
                f"→ **{100 * (ours - theirs):+.1f} points**"
            )
    return lines


def markdown(result: EvalResult, max_failures: int = 60) -> str:
    systems = list(result.retrieval)
    modes = [s for s in systems if s in result.meta.get("modes", [])]
    baselines = [s for s in systems if s not in modes]
    hdr = ["system", "group", *(f"R@{n}" for n in RECALL_KS), f"MRR@{result.k}", f"nDCG@{result.k}", "n"]
    out = [f"# Evaluation report — {result.meta.get('qa', 'question set')}", ""]
    out += [
        (
            f"{result.questions} questions; k={result.k}; default mode `{result.default_mode}`; "
            f"embedder `{result.meta.get('embedder', '?')}`."
        ),
        "",
        f"Hit rule: {result.meta.get('hit_rule', '')}. Values are percentages.",
        "",
    ]
    out += headline(result) + [""]
    out += ["## Retrieval: mode × language", ""] + _table(hdr, _retrieval_rows(result, modes, _MAIN_GROUPS))
    if baselines:
        out += ["", "## Baselines (same documents, same metrics)", ""]
        out += _table(hdr, _retrieval_rows(result, baselines, _MAIN_GROUPS))
        out += [
            "",
            (
                "`langchain-tutorial@4` is the tutorial as written (k=4: R@5 and R@10 are scored on 4 "
                "passages); `langchain-tutorial` is the same index asked for k passages."
            ),
        ]
    if result.default_mode in result.retrieval:
        kinds = tuple(g for g in result.retrieval[result.default_mode] if g.startswith("kind="))
        out += ["", f"## Retrieval by question kind (`{result.default_mode}`)", ""]
        out += _table(hdr, _retrieval_rows(result, [result.default_mode], kinds))
    if result.answers:
        out += ["", f"## Answers (`ask`, default mode `{result.default_mode}`)", ""]
        rows = [
            [
                g,
                _pct(m["refusal_accuracy"]),
                _pct(m["false_refusal_rate"]),
                _pct(m["answer_contains"]),
                _pct(m["citation_correct"]),
                str(m["n_answerable"]),
                str(m["n_unanswerable"]),
            ]
            for g, m in result.answers.items()
        ]
        out += _table(
            [
                "group",
                "refusal acc.",
                "false refusal",
                "answer_contains",
                "citation correct",
                "n answerable",
                "n unanswerable",
            ],
            rows,
        )
        out += [
            "",
            (
                "Refusal accuracy is over unanswerable questions; the other three over answerable ones "
                "(citation correctness over those not refused)."
            ),
        ]
    out += ["", "## Latency (ms)", ""]
    out += _table(
        ["call", "p50", "p95", "n"],
        [[name, _ms(v["p50"]), _ms(v["p95"]), str(v["n"])] for name, v in result.latency_ms.items()],
    )
    out += ["", "## Failures", ""]
    counts: dict[str, int] = {}
    for f in result.failures:
        counts[f["system"]] = counts.get(f["system"], 0) + 1
    out += [
        "Retrieval failures are questions without a hit in the top 5; answer failures are listed with "
        "the problem. Count per system: " + ", ".join(f"`{s}` {n}" for s, n in counts.items()),
        "",
    ]
    shown = [f for f in result.failures if f["system"] in (result.default_mode, "ask")]
    for f in shown[:max_failures]:
        out += _failure(f)
    if len(shown) > max_failures:
        out.append(f"… {len(shown) - max_failures} more in results.json")
    out += [
        "",
        "## Plots",
        "",
        "![recall@k](recall_at_k.png)",
        "",
        "![per language](per_language.png)",
        "",
        "![latency](latency.png)",
        "",
    ]
    return "\n".join(out)


def _failure(f: dict[str, Any]) -> list[str]:
    expected = "; ".join(f"{e['source']}: “{e['evidence']}”" for e in f.get("expected", []))
    lines = [
        f"### {f['id']} ({f['lang']}, {f['kind']}) — {f['system']}",
        "",
        f"Q: {f['question']}",
        "",
        f"Expected: {expected or '(unanswerable)'}",
        "",
    ]
    if "problem" in f:
        lines += [
            f"Problem: {f['problem']}. Answer: “{f['answer']}”; cited: {', '.join(f['cited']) or '–'}",
            "",
        ]
    else:
        first = f"first hit at rank {f['first_hit']}" if f.get("first_hit") else "no hit in the top k"
        lines += [f"Got ({first}):", ""]
        for t in f.get("top", []):
            text = t["text"].replace("\n", " ").replace("|", "/")
            lines.append(f"{t['rank']}. `{t['source']}` § {t['section'] or '–'}: {text}")
        lines.append("")
    return lines


def plot(result: EvalResult, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for system, curve in result.recall_curves.items():
        style = "-" if system in result.meta.get("modes", []) else "--"
        ax.plot(range(1, len(curve) + 1), [100 * v for v in curve], style, marker="o", ms=3, label=system)
    ax.set(xlabel="k", ylabel="recall@k (%)", title="Recall@k on answerable questions", ylim=(0, 100))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    paths.append(_save(fig, folder / "recall_at_k.png"))

    systems = list(result.retrieval)
    langs = ["lang=en", "lang=de"]
    fig, ax = plt.subplots(figsize=(max(6, len(systems) * 1.2), 4.5))
    width = 0.8 / len(langs)
    for i, lang in enumerate(langs):
        values = [100 * (result.retrieval[s].get(lang, {}).get("recall@5") or 0) for s in systems]
        ax.bar([x + i * width for x in range(len(systems))], values, width, label=lang.split("=")[1])
    ax.set_xticks([x + width / 2 for x in range(len(systems))], systems, rotation=20, fontsize=8)
    ax.set(ylabel="recall@5 (%)", title="Recall@5 per question language", ylim=(0, 100))
    ax.legend()
    paths.append(_save(fig, folder / "per_language.png"))

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, samples in result.latencies.items():
        if samples:
            ax.hist(samples, bins=30, alpha=0.5, label=name)
    ax.set(xlabel="latency (ms)", ylabel="questions", title="Latency of search and ask")
    ax.legend(fontsize=8)
    paths.append(_save(fig, folder / "latency.png"))
    return paths


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_report(result: EvalResult, folder: Path) -> Path:
    """Write report.md, results.json and the plots into ``folder``; returns the report path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(
        json.dumps(result.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    plot(result, folder)
    report = folder / "report.md"
    report.write_text(markdown(result), encoding="utf-8")
    log.info("report written to %s", report)
    return report
