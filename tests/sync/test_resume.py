"""`kill -9` of a real sync process at three points, then reruns: 0 duplicate chunks, 0 lost documents.

The test server holds one request open at each point, so the kill lands exactly there:
1. the meeting's document is indexed, its PDF is being downloaded;
2. meetings and the first page of papers are done, page 2 of the paper list is being read;
3. a paper of page 2 is indexed, its attachment is being downloaded.
Each rerun is itself killed at the next point; the last one runs to the end and must equal the reference
index of an uninterrupted sync.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.service import Assistant
from tests.sync.conftest import (
    ROOT,
    CountingEmbedder,
    FirstSync,
    OParlServer,
    run_sync,
    snapshot,
    sync_env,
    sync_settings,
)

KILL_POINTS = ("downloadfiles/a/00665262", "papers?page=2", "downloadfiles/a/00655629")


def _start(server: OParlServer, data_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest.oparl_cli", server.system_url, "--json"],
        cwd=ROOT,
        env=sync_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for_request(
    server: OParlServer, fragment: str, process: subprocess.Popen[bytes], seen: int, timeout: float = 600
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(fragment in path for path in server.log()[seen:]):
            return
        assert process.poll() is None, f"sync ended (status {process.returncode}) before reaching {fragment}"
        time.sleep(0.2)
    pytest.fail(f"sync never requested {fragment}")


def test_kill_9_at_three_points_then_rerun(
    first_sync: FirstSync, oparl_server: OParlServer, embedder: CountingEmbedder, tmp_path: Path
) -> None:
    oparl_server.control("reset")
    data_dir = tmp_path / "killed"
    for point in KILL_POINTS:
        seen = len(oparl_server.log())
        oparl_server.control("hold", path=point)
        process = _start(oparl_server, data_dir)
        try:
            _wait_for_request(oparl_server, point, process, seen)
            process.send_signal(signal.SIGKILL)
            assert process.wait(timeout=30) == -signal.SIGKILL
        finally:
            if process.poll() is None:
                process.kill()
            oparl_server.control("release")
        with sqlite3.connect(data_dir / "oparl" / "ratsinfo.sqlite") as db:  # state survives kill -9 intact
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    final = _start(oparl_server, data_dir)
    assert final.wait(timeout=900) == 0

    assistant = Assistant.from_settings(sync_settings(data_dir), embedder=embedder)
    after = snapshot(assistant)
    reference = first_sync.reference
    assert after.chunks == after.keys, "duplicate chunks"
    assert after.document_ids == reference.document_ids, "lost or extra documents"
    assert after.chunk_ids == reference.chunk_ids

    calls = embedder.calls
    report = run_sync(oparl_server.system_url, assistant)
    assert embedder.calls == calls and report.added == report.updated == 0
