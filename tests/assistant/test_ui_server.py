"""`ratsinfo ui` as a new user starts it: no terminal, a fresh HOME, no display — and SIGTERM stops it all."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from assistant.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _streamlit_pids(port: int) -> list[int]:
    found = subprocess.run(["pgrep", "-f", f"streamlit run .*--server.port {port}"], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def test_ui_starts_without_prompt_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(HOME=str(home), RATSINFO_STAFF_USERS="")
    ratsinfo = shutil.which("ratsinfo", path=str(Path(sys.executable).parent)) or "ratsinfo"
    out = tmp_path / "ui.log"
    with out.open("wb") as log:
        process = subprocess.Popen([ratsinfo, "--data-dir", str(tmp_path / "data"), "ui", "--browser",
                                    "--port", str(port)], stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while not _healthy(url):
            assert process.poll() is None, out.read_text()
            assert time.monotonic() < deadline, "the UI did not become healthy in 90 s"
            time.sleep(0.5)
        assert _streamlit_pids(port)
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        process.wait(timeout=10)
        assert time.monotonic() - started < 5
        time.sleep(0.3)
        assert not _streamlit_pids(port), "the streamlit server outlived `ratsinfo ui`"
        assert not _healthy(url)
    finally:
        if process.poll() is None:
            process.kill()
        for pid in _streamlit_pids(port):
            os.kill(pid, signal.SIGKILL)
    text = out.read_text()
    assert f"localhost:{port}" in text and "no display" in text
    assert "Email" not in text and "gatherUsageStats" not in text
