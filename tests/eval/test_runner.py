"""End to end: a real Assistant on a temporary data dir with two real fixture files and a few questions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eval.baselines import BM25WindowBaseline, LangChainTutorialBaseline, load_corpus
from eval.datasets import GoldEvidence, QAItem, load_questions
from eval.report import write_report
from eval.runner import EvalResult, regression_check, run_eval

FIXTURES = Path(__file__).parents[1] / "fixtures"
FILES = ("aachen_regionalmarketing_vorlage.txt", "karlsruhe_file_10212.txt")

QUESTIONS = [
    QAItem(
        id="q-en",
        question="When did the indoor pool (Schwimmstätte) in Wettersbach close?",
        lang="en",
        answerable=True,
        kind="date",
        gold=(
            GoldEvidence(
                "karlsruhe_file_10212.txt",
                "Die Schwimmstätte hat bis zu ihrer Schließung am 19.07.2008 funktioniert.",
            ),
        ),
        answer_contains=("2008",),
    ),
    QAItem(
        id="q-de",
        question="Wo wird das Ergebnis der Regionalanalyse vorgestellt?",
        lang="de",
        answerable=True,
        kind="fact",
        gold=(
            GoldEvidence(
                "aachen_regionalmarketing_vorlage.txt",
                "Vorgestellt wird das Ergebnis der "
                "Regionalanalyse bei der Internationalen Immobilienmesse „Expo Real“",
            ),
        ),
        answer_contains=("Expo Real",),
    ),
    # its gold document is not in the index: can never be a hit, so the metrics are known exactly
    QAItem(
        id="q-missing",
        question="Wie viele Parkplätze entfallen in der Basler-Tor-Straße?",
        lang="de",
        answerable=True,
        kind="amount",
        gold=(
            GoldEvidence(
                "karlsruhe_file_662089.txt",
                "Je nach Planungsvariante sollen im Zuge der "
                "Einrichtung der Fahrradstraße 75 bzw. 41 Parkplätze entfallen.",
            ),
        ),
        answer_contains=("75",),
    ),
    QAItem(
        id="q-none",
        question="When did Krefeld's city council last approve its budget?",
        lang="en",
        answerable=False,
        kind="date",
    ),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.service import Assistant
    from assistant.settings import Settings

    root = tmp_path_factory.mktemp("eval")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in FILES:
        shutil.copy(FIXTURES / name, corpus / name)
    a = Assistant.from_settings(Settings(data_dir=root / "data", _env_file=None))
    report = a.ingest([corpus])
    assert report.chunks_added > 0
    return a, corpus


@pytest.fixture(scope="module")
def result(assistant):
    a, corpus = assistant
    docs = load_corpus([corpus])
    baselines = {
        "bm25-windows": BM25WindowBaseline(docs),
        "langchain-tutorial": LangChainTutorialBaseline(docs, a.embedder),
    }
    return run_eval(a, QUESTIONS, modes=("dense", "lexical", "hybrid"), k=10, baselines=baselines)


def test_retrieval_metrics_per_mode_and_language(result: EvalResult):
    for system in ("dense", "lexical", "hybrid", "bm25-windows", "langchain-tutorial"):
        table = result.retrieval[system]
        assert table["all"]["n"] == 3 and table["lang=en"]["n"] == 1 and table["lang=de"]["n"] == 2
        # the index holds only the two fixture files, so both findable questions are hits within 10,
        # and the question whose document is missing never is: recall@10 = 2/3, en 1, de 1/2
        assert table["all"]["recall@10"] == pytest.approx(2 / 3), system
        assert table["lang=en"]["recall@10"] == 1.0
        assert table["lang=de"]["recall@10"] == pytest.approx(0.5)
        assert table["kind=amount"]["recall@10"] == 0.0
        recalls = [table["all"][f"recall@{n}"] for n in (1, 3, 5, 10)]
        assert recalls == sorted(recalls)
        assert 0 < table["all"]["mrr@10"] <= table["all"]["ndcg@10"] <= 2 / 3
        assert result.per_question[system]["q-missing"] is None


def test_langchain_tutorial_is_also_scored_at_its_k_of_4(result: EvalResult):
    at4 = result.retrieval["langchain-tutorial@4"]["all"]
    full = result.retrieval["langchain-tutorial"]["all"]
    assert at4["recall@1"] == full["recall@1"] and at4["recall@3"] == full["recall@3"]
    assert at4["recall@10"] == at4["recall@5"] <= full["recall@5"]


def test_failures_show_what_came_back(result: EvalResult):
    missing = [f for f in result.failures if f["id"] == "q-missing" and f["system"] == "hybrid"]
    assert len(missing) == 1
    failure = missing[0]
    assert failure["expected"][0]["source"] == "karlsruhe_file_662089.txt"
    assert failure["first_hit"] is None
    assert 1 <= len(failure["top"]) <= 5
    assert all(t["source"] in FILES and len(t["text"]) <= 120 and not t["hit"] for t in failure["top"])


def test_answer_metrics(result: EvalResult):
    answers = result.answers["all"]
    assert answers["n_answerable"] == 3 and answers["n_unanswerable"] == 1
    assert answers["refusal_accuracy"] in (0.0, 1.0)
    assert 0.0 <= answers["answer_contains"] <= 2 / 3  # the answer to q-missing cannot contain "75"
    if answers["n_answered"]:
        assert answers["citation_correct"] <= (2 / answers["n_answered"])
    assert result.latency_ms["ask"]["n"] == 4
    assert result.latency_ms["search:hybrid"]["p50"] <= result.latency_ms["search:hybrid"]["p95"]


def test_report_and_json(result: EvalResult, tmp_path: Path):
    report = write_report(result, tmp_path / "report")
    text = report.read_text(encoding="utf-8")
    assert "## Retrieval: mode × language" in text and "bm25-windows" in text and "q-missing" in text
    for plot in ("recall_at_k.png", "per_language.png", "latency.png"):
        assert (tmp_path / "report" / plot).stat().st_size > 1000
    again = EvalResult.from_json(
        json.loads((tmp_path / "report" / "results.json").read_text(encoding="utf-8"))
    )
    assert again.retrieval == result.retrieval
    passed, now, then, n = regression_check(result, again, "hybrid")
    assert passed and now == then and n == 3


def test_regression_check_compares_the_shared_subset():
    committed = EvalResult(
        k=10, default_mode="hybrid", questions=4, per_question={"hybrid": {"a": 1, "b": 2, "c": 7, "d": None}}
    )
    subset_same = EvalResult(
        k=10, default_mode="hybrid", questions=2, per_question={"hybrid": {"a": 1, "b": 3}}
    )
    assert regression_check(subset_same, committed) == (True, 100.0, 100.0, 2)
    subset_worse = EvalResult(
        k=10, default_mode="hybrid", questions=2, per_question={"hybrid": {"a": 1, "b": 6}}
    )
    assert regression_check(subset_worse, committed) == (False, 50.0, 100.0, 2)
    # 1 of 4 lost = 25 points: fails at max_drop 2, passes at 30
    full = EvalResult(
        k=10,
        default_mode="hybrid",
        questions=4,
        per_question={"hybrid": {"a": 1, "b": None, "c": 7, "d": None}},
    )
    assert not regression_check(full, committed)[0]
    assert regression_check(full, committed, max_drop=30)[0]


def test_dev_set_loads():
    items = load_questions(Path(__file__).parents[2] / "eval" / "data" / "dev.jsonl")
    assert len(items) == 90
    assert sum(i.answerable for i in items) == 78
    assert {i.lang for i in items} == {"en", "de"}


def test_cli_writes_json_and_checks_the_committed_baseline(assistant, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from eval.commands import eval_command

    a, _ = assistant
    monkeypatch.setenv("RATSINFO_DATA_DIR", str(a.settings.data_dir))
    monkeypatch.setenv("RATSINFO_RETRIEVAL_MODE", "lexical")
    qa = tmp_path / "qa.jsonl"
    qa.write_text("\n".join(json.dumps(q.to_json()) for q in QUESTIONS), encoding="utf-8")
    out = tmp_path / "run.json"
    args = ["--qa", str(qa), "--modes", "lexical", "--no-answers"]

    run = CliRunner().invoke(eval_command, [*args, "--json", str(out)])
    assert run.exit_code == 0, run.output
    assert "lexical" in run.output and out.exists()

    check = CliRunner().invoke(eval_command, [*args, "--check-baseline", str(out), "--ids", "q-en,q-de"])
    assert check.exit_code == 0, check.output
    assert "ok: recall@5 of lexical on 2 shared questions" in check.output

    # a committed baseline that also found q-missing at rank 1: 100 -> 66.7 points is a regression
    better = json.loads(out.read_text(encoding="utf-8"))
    better["per_question"]["lexical"]["q-missing"] = 1
    committed = tmp_path / "baseline.json"
    committed.write_text(json.dumps(better), encoding="utf-8")
    failed = CliRunner().invoke(eval_command, [*args, "--check-baseline", str(committed)])
    assert failed.exit_code == 1
    assert "REGRESSION" in failed.output
