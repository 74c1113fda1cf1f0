"""Generated vs extractive answers on a question set: grounding, fallback rate, latency.

    python -m eval.llm_eval --questions /work/shared/eval/dev.jsonl --data-dir data --limit 20 \\
        --base-url http://127.0.0.1:8080/v1 --model gemma3-270m \\
        [--corpus samples/corpus/text ...] [--json out.json]

Both systems share one Assistant (same index, same retrieval); only the generator differs. "Grounded" means
every sentence the user sees carries a citation to a passage that was given (the generated path), or the
answer is extractive quotes with a citation per paragraph (the extractive path and the fallback), or a
refusal. After the guard it must be 100 %.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from assistant.answering import AnswerGenerator
from assistant.generation.grounding import split_claims
from assistant.models import Answer
from eval.datasets import QAItem, load_questions, select
from eval.metrics import contains_all, percentile

_END_MARKER = re.compile(r"\[(\d+)\]\s*$")


def all_grounded(answer: Answer) -> bool:
    """Does every sentence shown carry a valid citation (see the module docstring)?"""
    if answer.refused:
        return True
    numbers = {c.n for c in answer.citations}
    paragraphs = [p for p in answer.text.split("\n\n") if p.strip()]
    if answer.fallback:
        paragraphs = paragraphs[1:]  # the notice
    if answer.generator == "extractive":
        return bool(paragraphs) and all((m := _END_MARKER.search(p)) and int(m.group(1)) in numbers
                                        for p in paragraphs)
    claims = split_claims(answer.text)
    return bool(claims) and all(c.markers and set(c.markers) <= numbers for c in claims)


def measure(assistant: Any, generator: AnswerGenerator, questions: Sequence[QAItem]) -> dict[str, Any]:
    assistant.generator = generator
    rows = []
    for item in questions:
        start = time.perf_counter()
        answer = assistant.ask(item.question)
        seconds = time.perf_counter() - start
        rows.append({"id": item.id, "seconds": round(seconds, 3), "grounded": all_grounded(answer),
                     "fallback": answer.fallback, "refused": answer.refused,
                     "dropped": len(answer.dropped_sentences), "generator": answer.generator,
                     "contains": bool(item.answerable and item.answer_contains
                                      and contains_all(answer.text, item.answer_contains)),
                     "answer": answer.text})
    latencies = [r["seconds"] for r in rows]
    n = len(rows)
    answerable = [r for r, q in zip(rows, questions, strict=True) if q.answerable and q.answer_contains]
    return {
        "name": generator.name, "n": n,
        "grounded_share": sum(r["grounded"] for r in rows) / n,
        "fallback_rate": sum(r["fallback"] for r in rows) / n,
        "refusal_rate": sum(r["refused"] for r in rows) / n,
        "answers_with_dropped_sentences": sum(r["dropped"] > 0 for r in rows) / n,
        "answer_contains": (sum(r["contains"] for r in answerable) / len(answerable)) if answerable else None,
        "latency_p50_s": percentile(latencies, 50), "latency_p95_s": percentile(latencies, 95),
        "rows": rows,
    }


@click.command()
@click.option("--questions", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--data-dir", type=click.Path(path_type=Path), required=True, help="Index to answer from.")
@click.option("--corpus", type=click.Path(path_type=Path, exists=True), multiple=True,
              help="Ingest these first (skipped when unchanged).")
@click.option("--limit", type=int, default=20)
@click.option("--backend", type=click.Choice(["openai", "ollama", "llamacpp"]), default="openai")
@click.option("--base-url", default=None)
@click.option("--model", default="")
@click.option("--max-tokens", type=int, default=160)
@click.option("--json", "json_path", type=click.Path(path_type=Path), default=None)
def main(questions: Path, data_dir: Path, corpus: tuple[Path, ...], limit: int, backend: str,
         base_url: str | None, model: str, max_tokens: int, json_path: Path | None) -> None:
    from assistant.generation import build_generator
    from assistant.service import Assistant
    from assistant.settings import Settings

    settings = Settings(data_dir=data_dir, answer_backend=backend, llm_base_url=base_url, llm_model=model,
                        llm_max_tokens=max_tokens, _env_file=None)  # type: ignore[call-arg]
    assistant = Assistant.from_settings(settings)
    if corpus:
        assistant.ingest(list(corpus), progress=True)
    extractive = assistant.generator  # the service's default: same refusal policy for both systems
    llm = build_generator(settings, analyzer=assistant.lexical.analyzer, refusal=extractive.refusal)
    items = select(load_questions(questions), limit=limit)
    results = [measure(assistant, extractive, items), measure(assistant, llm, items)]
    for r in results:
        contains = "n/a" if r["answer_contains"] is None else f"{r['answer_contains']:.0%}"
        click.echo(f"{r['name']:<28} n={r['n']} grounded={r['grounded_share']:.0%} "
                   f"fallback={r['fallback_rate']:.0%} refused={r['refusal_rate']:.0%} "
                   f"dropped>0={r['answers_with_dropped_sentences']:.0%} "
                   f"answer_contains={contains} "
                   f"p50={r['latency_p50_s']:.2f}s p95={r['latency_p95_s']:.2f}s")
    if json_path:
        json_path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
