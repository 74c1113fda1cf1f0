"""One `ratsinfo ingest` run over >= 80 malformed files into a data dir that already holds a good record:
no traceback, exactly one line per bad file, the good record still searchable and unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.security.conftest import REPO
from tests.security.make_bad_files import BAD_FILES_ENV, REAL_TEXT, make_bad_files


def _ratsinfo(args: list[str], data_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RATSINFO_DATA_DIR": str(data_dir), "RATSINFO_EMBEDDING_BACKEND": "bundled",
           "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(REPO), **BAD_FILES_ENV}
    return subprocess.run([sys.executable, "-c", "from assistant.cli import main; main()", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def _search(data_dir: Path, cwd: Path) -> list[tuple[str, str, bool]]:
    result = _ratsinfo(["search", "Regionalmarketing Finanzielle Auswirkungen", "--json", "--k", "20"],
                       data_dir, cwd)
    assert result.returncode == 0, result.stderr
    return sorted((h["chunk_id"], h["text"], h["public"]) for h in json.loads(result.stdout))


def test_one_ingest_run_over_bad_files(tmp_path: Path) -> None:
    data_dir, good, bad = tmp_path / "data", tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    (good / REAL_TEXT.name).write_bytes(REAL_TEXT.read_bytes())
    first = _ratsinfo(["ingest", str(good)], data_dir, tmp_path)
    assert first.returncode == 0 and "1 added" in first.stdout, first.stdout + first.stderr
    before = _search(data_dir, tmp_path)
    assert before and any("Regionalmarketing" in text or "regionalmarketing" in text.lower() for _, text, _ in before)

    files = make_bad_files(bad)
    assert len(files) >= 80
    run = _ratsinfo(["ingest", str(bad)], data_dir, tmp_path)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "Traceback" not in output and "Error:" not in output.replace("ParseError", ""), output
    lines = [line for chunk in output.split("\n") for line in chunk.split("\r") if line.strip()]
    for path in files:
        naming = [line for line in lines if f"/{path.name}:" in line or line.endswith(f"/{path.name}")]
        assert len(naming) == 1, (path.name, naming)
        assert naming[0].startswith(f"skipped: {path}: "), naming[0]
    assert "0 added, 0 updated" in run.stdout and "chunks: 0 added, 0 removed" in run.stdout, run.stdout

    assert _search(data_dir, tmp_path) == before
    stats = _ratsinfo(["stats", "--json"], data_dir, tmp_path)
    assert json.loads(stats.stdout)["documents"] == 1
