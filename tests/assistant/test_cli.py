"""The CLI's JSON outputs are contracts; errors are one line, not a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

SEARCH_KEYS = {"rank", "score", "chunk_id", "document_id", "source", "title", "reference", "document_type",
               "date", "section", "page", "text"}
ASK_KEYS = {"question", "answer", "language", "refused", "citations"}
CITATION_KEYS = {"n", "document_id", "source", "title", "reference", "date", "section", "page", "quote"}


def ratsinfo(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RATSINFO_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_search_json_contract(core_index: Path) -> None:
    result = ratsinfo(core_index, "search", "what financial impact does regional marketing have?", "--k", "3",
                      "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert all(SEARCH_KEYS <= set(row) for row in rows)
    assert rows[0]["source"] == "aachen_regionalmarketing_vorlage.txt"
    assert rows[0]["section"] == "Finanzielle Auswirkungen"
    assert [r["rank"] for r in rows] == [1, 2, 3]


def test_ask_json_contract(core_index: Path) -> None:
    result = ratsinfo(core_index, "ask", "what financial impact does regional marketing have?", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert ASK_KEYS <= set(payload)
    assert payload["refused"] is False and payload["language"] == "en"
    assert CITATION_KEYS <= set(payload["citations"][0])
    assert payload["citations"][0]["section"] == "Finanzielle Auswirkungen"


def test_stats_json_contract(core_index: Path) -> None:
    result = ratsinfo(core_index, "stats", "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert {"documents", "chunks", "embedder"} <= set(stats)
    assert stats["documents"] == 6 and stats["chunks"] > 10


def test_ingest_reports_bad_files_in_one_line_each(tmp_path: Path) -> None:
    result = ratsinfo(tmp_path / "data", "ingest", str(FIXTURES / "corrupt.pdf"), str(FIXTURES / "zero.txt"))
    assert result.returncode == 0
    skipped = [line for line in result.stdout.splitlines() if line.startswith("skipped:")]
    assert len(skipped) == 2
    assert "corrupt.pdf" in skipped[0] and "zero.txt" in skipped[1]
    assert "Traceback" not in result.stderr


def test_remove_unknown_source_is_a_clear_error(tmp_path: Path) -> None:
    result = ratsinfo(tmp_path / "data", "remove", "nothing.pdf")
    assert result.returncode == 1
    assert result.stderr.strip() == "error: no indexed document matches 'nothing.pdf'"


def test_ingest_output_off_a_terminal_has_no_bar_and_one_line_per_skipped_file(tmp_path: Path) -> None:
    result = ratsinfo(tmp_path / "data", "ingest", str(FIXTURES / "aachen_regionalmarketing_vorlage.txt"),
                      str(FIXTURES / "corrupt.pdf"), str(FIXTURES / "zero.txt"))
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "\r" not in output
    assert sum("corrupt.pdf" in line for line in output.splitlines()) == 1
    assert "DEBUG" not in output
    assert len(output.splitlines()) <= 3 + 1  # one line per file at most, plus the summary


def test_data_dir_option_is_honoured_by_every_subcommand(tmp_path: Path) -> None:
    """RATSINFO_DATA_DIR points at a filled index, --data-dir at an empty one: every command uses the latter."""
    filled, empty = tmp_path / "filled", tmp_path / "empty"
    assert ratsinfo(filled, "ingest", str(FIXTURES / "aachen_regionalmarketing_vorlage.txt")).returncode == 0
    stats = ratsinfo(filled, "--data-dir", str(empty), "stats", "--json")
    assert json.loads(stats.stdout)["documents"] == 0
    search = ratsinfo(filled, "--data-dir", str(empty), "search", "Regionalmarketing", "--json")
    assert json.loads(search.stdout) == []
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps({"id": "q1", "question": "Regionalmarketing?", "lang": "de", "answerable": False,
                              "kind": "fact", "gold": [], "answer_contains": []}) + "\n", encoding="utf-8")
    evaluation = ratsinfo(filled, "--data-dir", str(empty), "eval", "--qa", str(qa))
    assert evaluation.returncode == 1 and str(empty) in evaluation.stderr, evaluation.stderr
    assert "Traceback" not in evaluation.stderr
