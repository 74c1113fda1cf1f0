"""Run a question set against the assistant (and baselines) and score it with :mod:`eval.metrics`.

Every retrieval system — a search mode of the assistant or a baseline — is a :class:`Searcher`: a
function from (question, k) to ranked :class:`Passage` s. Retrieval metrics are computed per system and per
group ("all", "lang=en", "kind=amount", ...) over answerable questions; answer metrics come from
``Assistant.ask`` in the default mode.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from tqdm import tqdm

from eval.datasets import QAItem
from eval.metrics import (
    citation_correct,
    contains_all,
    false_refusal_rate,
    first_hit_rank,
    is_hit,
    mean,
    ndcg_at_k,
    percentile,
    recall_at_k,
    reciprocal_rank,
    refusal_accuracy,
)

log = logging.getLogger(__name__)

RECALL_KS = (1, 3, 5, 10)
HIT_RULE = (
    "gold source and (verbatim evidence, or >= 80% of evidence words in order), lowercased, "
    "whitespace collapsed; nDCG binary, first hit only (one relevant passage)"
)


@dataclass(frozen=True)
class Passage:
    source: str
    section: str
    text: str


Searcher = Callable[[str, int], Sequence[Passage]]


class AssistantLike(Protocol):
    def search(self, query: str, k: int | None = None, filters: Any = None, mode: Any = None) -> list[Any]: ...

    def ask(self, question: str, filters: Any = None, history: Any = ()) -> Any: ...


@dataclass(frozen=True)
class Retrieved:
    """One question's ranked result list under one system."""

    id: str
    lang: str
    kind: str
    first_hit: int | None
    relevance: tuple[bool, ...]
    latency_ms: float
    top: tuple[dict[str, Any], ...] = ()  # ranks 1-5: source, section, text (first 120 chars), hit


@dataclass(frozen=True)
class Answered:
    id: str
    lang: str
    kind: str
    answerable: bool
    refused: bool
    contains_ok: bool | None
    citation_ok: bool | None
    latency_ms: float
    text: str
    cited_sources: tuple[str, ...] = ()
    related: bool = False  # refused with "related records, no answer" (still a refusal)


@dataclass
class EvalResult:
    k: int
    default_mode: str
    questions: int
    retrieval: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # system -> group -> m
    recall_curves: dict[str, list[float]] = field(default_factory=dict)  # system -> recall@1..k (all)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # group -> metric
    latency_ms: dict[str, dict[str, Any]] = field(default_factory=dict)  # "search:hybrid" / "ask" -> p50/p95
    latencies: dict[str, list[float]] = field(default_factory=dict)  # raw samples for the histogram
    failures: list[dict[str, Any]] = field(default_factory=list)
    per_question: dict[str, dict[str, int | None]] = field(default_factory=dict)  # system -> id -> first hit
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EvalResult:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def groups_of(item: QAItem) -> tuple[str, ...]:
    return ("all", f"lang={item.lang}", f"kind={item.kind}")


# ------------------------------------------------------------------------------------------ retrieval


def assistant_searcher(assistant: AssistantLike, mode: str) -> Searcher:
    def search(question: str, k: int) -> list[Passage]:
        return [
            Passage(h.chunk.source, h.chunk.section, h.chunk.text)
            for h in assistant.search(question, k=k, mode=mode)
        ]

    return search


def retrieve(name: str, searcher: Searcher, questions: Sequence[QAItem], k: int) -> list[Retrieved]:
    """Ask every answerable question of one system and judge each returned passage."""
    out = []
    for item in tqdm(questions, desc=f"search {name}", disable=not log.isEnabledFor(logging.INFO)):
        if not item.answerable:
            continue
        start = time.perf_counter()
        passages = list(searcher(item.question, k))[:k]
        latency = (time.perf_counter() - start) * 1000
        relevance = tuple(is_hit(p.text, p.source, item.gold) for p in passages)
        top = tuple(
            {"rank": r, "source": p.source, "section": p.section, "text": p.text[:120], "hit": hit}
            for r, (p, hit) in enumerate(zip(passages[:5], relevance, strict=False), start=1)
        )
        out.append(
            Retrieved(item.id, item.lang, item.kind, first_hit_rank(relevance), relevance, latency, top)
        )
    return out


def retrieval_metrics(results: Iterable[Retrieved], k: int = 10) -> dict[str, dict[str, Any]]:
    """group -> {recall@1/3/5/10, mrr@10, ndcg@10, n}."""
    by_group: dict[str, list[Retrieved]] = {}
    for r in results:
        for group in ("all", f"lang={r.lang}", f"kind={r.kind}"):
            by_group.setdefault(group, []).append(r)
    table = {}
    for group, rs in sorted(by_group.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        row: dict[str, Any] = {
            f"recall@{n}": mean(recall_at_k(r.relevance, n) for r in rs) for n in RECALL_KS
        }
        row[f"mrr@{k}"] = mean(reciprocal_rank(r.relevance, k) for r in rs)
        row[f"ndcg@{k}"] = mean(ndcg_at_k(r.relevance, k) for r in rs)
        row["n"] = len(rs)
        table[group] = row
    return table


def recall_curve(results: Sequence[Retrieved], k: int) -> list[float]:
    return [mean(recall_at_k(r.relevance, n) for r in results) or 0.0 for n in range(1, k + 1)]


def add_system(
    result: EvalResult,
    name: str,
    searcher: Searcher,
    questions: Sequence[QAItem],
    k: int,
    truncate: dict[str, int] | None = None,
) -> list[Retrieved]:
    """Run one system and store its metrics, curve, latency and failures in ``result``.

    ``truncate`` adds derived systems scored on a shorter list, e.g. {"langchain-tutorial@4": 4}.
    """
    runs = retrieve(name, searcher, questions, k)
    gold = {q.id: q for q in questions}
    variants = {name: runs}
    for alias, cut in (truncate or {}).items():
        variants[alias] = [
            Retrieved(
                r.id,
                r.lang,
                r.kind,
                first_hit_rank(r.relevance[:cut]),
                r.relevance[:cut],
                r.latency_ms,
                r.top[:cut],
            )
            for r in runs
        ]
    for sys_name, rs in variants.items():
        result.retrieval[sys_name] = retrieval_metrics(rs, k)
        result.recall_curves[sys_name] = recall_curve(rs, k)
        result.per_question[sys_name] = {r.id: r.first_hit for r in rs}
    lat = [r.latency_ms for r in runs]
    result.latencies[f"search:{name}"] = lat
    result.latency_ms[f"search:{name}"] = {
        "p50": percentile(lat, 50),
        "p95": percentile(lat, 95),
        "n": len(lat),
    }
    for r in runs:
        if r.first_hit is None or r.first_hit > 5:
            q = gold[r.id]
            result.failures.append(
                {
                    "system": name,
                    "id": r.id,
                    "lang": r.lang,
                    "kind": r.kind,
                    "question": q.question,
                    "expected": [{"source": g.source, "evidence": g.evidence} for g in q.gold],
                    "first_hit": r.first_hit,
                    "top": list(r.top),
                }
            )
    return runs


# -------------------------------------------------------------------------------------------- answers


def answer_all(assistant: AssistantLike, questions: Sequence[QAItem]) -> list[Answered]:
    out = []
    for item in tqdm(questions, desc="ask", disable=not log.isEnabledFor(logging.INFO)):
        start = time.perf_counter()
        answer = assistant.ask(item.question)
        latency = (time.perf_counter() - start) * 1000
        cited = [(c.source, c.passage) for c in answer.citations]
        out.append(
            Answered(
                id=item.id,
                lang=item.lang,
                kind=item.kind,
                answerable=item.answerable,
                refused=bool(answer.refused),  # both refusals: related records, and nothing found
                contains_ok=contains_all(answer.text, item.answer_contains) if item.answerable else None,
                citation_ok=citation_correct(cited, item.gold)
                if item.answerable and not answer.refused
                else None,
                latency_ms=latency,
                text=answer.text,
                cited_sources=tuple(s for s, _ in cited),
                related=bool(answer.refused and getattr(answer, "related", False)),
            )
        )
    return out


def answer_metrics(answers: Iterable[Answered]) -> dict[str, dict[str, Any]]:
    """group -> refusal accuracy (unanswerable), false-refusal rate, answer_contains rate and citation
    correctness (answerable; the latter over answered, i.e. not refused, questions). A refusal is either
    outcome with ``refused: true``: "related records, no answer" or "nothing found"; ``n_related_*`` count
    the former."""
    by_group: dict[str, list[Answered]] = {}
    for a in answers:
        for group in ("all", f"lang={a.lang}", f"kind={a.kind}"):
            by_group.setdefault(group, []).append(a)
    table = {}
    for group, items in sorted(by_group.items(), key=lambda kv: (kv[0] != "all", kv[0])):
        answerable = [a for a in items if a.answerable]
        answered = [a for a in answerable if not a.refused]
        table[group] = {
            "refusal_accuracy": refusal_accuracy(a.refused for a in items if not a.answerable),
            "false_refusal_rate": false_refusal_rate(a.refused for a in answerable),
            "answer_contains": mean(1.0 if a.contains_ok else 0.0 for a in answerable),
            "citation_correct": mean(1.0 if a.citation_ok else 0.0 for a in answered),
            "n_answerable": len(answerable),
            "n_unanswerable": len(items) - len(answerable),
            "n_answered": len(answered),
            "n_related_unanswerable": sum(1 for a in items if not a.answerable and a.related),
            "n_related_answerable": sum(1 for a in answerable if a.related),
        }
    return table


def _answer_failures(answers: Sequence[Answered], questions: Sequence[QAItem]) -> list[dict[str, Any]]:
    gold = {q.id: q for q in questions}
    out = []
    for a in answers:
        q = gold[a.id]
        problem = None
        if not a.answerable and not a.refused:
            problem = "answered an unanswerable question"
        elif a.answerable and a.refused:
            problem = "refused an answerable question"
        elif a.answerable and not a.contains_ok:
            problem = "answer lacks " + ", ".join(repr(s) for s in q.answer_contains)
        elif a.answerable and not a.citation_ok:
            problem = "no citation contains the gold evidence"
        if problem:
            out.append(
                {
                    "system": "ask",
                    "id": a.id,
                    "lang": a.lang,
                    "kind": a.kind,
                    "question": q.question,
                    "problem": problem,
                    "answer": a.text[:300],
                    "cited": list(a.cited_sources),
                    "expected": [{"source": g.source, "evidence": g.evidence} for g in q.gold],
                }
            )
    return out


# -------------------------------------------------------------------------------------------- the run


def run_eval(
    assistant: AssistantLike,
    questions: Sequence[QAItem],
    modes: Sequence[str] = ("dense", "lexical", "hybrid"),
    k: int = 10,
    with_answers: bool = True,
    default_mode: str = "hybrid",
    baselines: dict[str, Searcher] | None = None,
    meta: dict[str, Any] | None = None,
) -> EvalResult:
    """Score every mode (and baseline searcher) on the answerable questions; answers via ``ask``."""
    result = EvalResult(
        k=k,
        default_mode=default_mode,
        questions=len(questions),
        meta={"hit_rule": HIT_RULE, "modes": list(modes), **(meta or {})},
    )
    for mode in modes:
        log.info("retrieval: mode %s", mode)
        add_system(result, mode, assistant_searcher(assistant, mode), questions, k)
    for name, searcher in (baselines or {}).items():
        log.info("retrieval: baseline %s", name)
        truncate = {f"{name}@4": 4} if name == "langchain-tutorial" else None
        add_system(result, name, searcher, questions, k, truncate=truncate)
    if with_answers:
        log.info("answers: %d questions", len(questions))
        answers = answer_all(assistant, questions)
        result.answers = answer_metrics(answers)
        lat = [a.latency_ms for a in answers]
        result.latencies["ask"] = lat
        result.latency_ms["ask"] = {"p50": percentile(lat, 50), "p95": percentile(lat, 95), "n": len(lat)}
        result.failures.extend(_answer_failures(answers, questions))
    return result


# -------------------------------------------------------------------------------- regression check


def regression_check(
    result: EvalResult, baseline: EvalResult, system: str | None = None, max_drop: float = 2.0, at: int = 5
) -> tuple[bool, float, float, int]:
    """Compare recall@``at`` of ``system`` on the questions both runs share.

    Returns (passed, current, committed, n) with recall in points (0-100). The committed baseline keeps
    the first-hit rank of every question, so a CI run on a subset is compared on that same subset.
    """
    system = system or result.default_mode
    now = result.per_question.get(system)
    then = baseline.per_question.get(system)
    if now is None or then is None:
        raise KeyError(f"system {system!r} is missing from the run or the baseline")
    shared = [qid for qid in now if qid in then]
    if not shared:
        raise KeyError("the run and the baseline share no questions")

    def points(ranks: dict[str, int | None]) -> float:
        hits = 0
        for q in shared:
            rank = ranks[q]
            hits += rank is not None and rank <= at
        return 100 * hits / len(shared)

    current, committed = points(now), points(then)
    return current >= committed - max_drop, current, committed, len(shared)
