"""Run the streamlit chat as a child process that starts without a prompt and stops with its parent.

Streamlit is always started headless (no first-run "Email:" prompt, no usage-statistics notice, no
``xdg-open``), with the toolbar in viewer mode (no "Deploy" button or developer menu for citizens). The URL is
printed either way; a browser is opened by us only where one can be opened (a display on Linux, or macOS /
Windows). SIGTERM, SIGINT and SIGHUP to ``ratsinfo ui`` are passed on to the server, which is killed if it has
not stopped within a few seconds, so no orphaned server keeps serving.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import webbrowser
from pathlib import Path
from types import FrameType

from assistant.processes import stop_process
from assistant.settings import Settings

log = logging.getLogger(__name__)

APP = Path(__file__).resolve().parent.parent / "ui" / "app.py"
STOP_GRACE_S = 4.0


def streamlit_command(settings: Settings, port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.address", settings.ui_address, "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer", "--client.showErrorDetails", "false",
            "--global.developmentMode", "false",
            "--", "--data-dir", str(settings.data_dir)]


def can_open_browser() -> bool:
    """A browser window can be shown: macOS/Windows, or a Linux/BSD session with a display."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open_when_healthy(url: str, health: str, proc: subprocess.Popen[bytes], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(health, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    webbrowser.open(url)
                    return
        except OSError:
            time.sleep(0.5)


def run(settings: Settings, port: int | None = None, open_browser: bool = False) -> int:
    """Serve the UI until the server exits or we are told to stop; returns the exit status."""
    port = port or settings.ui_port
    host = "localhost" if settings.ui_address in ("127.0.0.1", "0.0.0.0", "::") else settings.ui_address
    url = f"http://{host}:{port}"
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "STREAMLIT_SERVER_HEADLESS": "true"}
    proc = subprocess.Popen(streamlit_command(settings, port), env=env, stdin=subprocess.DEVNULL)
    print(f"ratsinfo chat: {url}  (health: {url}/_stcore/health; stop with Ctrl+C)", flush=True)
    if open_browser:
        if can_open_browser():
            threading.Thread(target=_open_when_healthy, args=(url, f"{url}/_stcore/health", proc),
                             daemon=True).start()
        else:
            print("no display: open the address above in a browser", flush=True)

    received: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        # only note the signal and pass it on: waiting here would race the main loop's wait on the child
        received.append(signum)
        if proc.poll() is None:
            proc.terminate()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        while proc.poll() is None and not received:
            time.sleep(0.2)
    finally:
        _terminate(proc)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        log.info("signal %d: UI server stopped", received[0])
        return 128 + received[0]
    return int(proc.returncode or 0)


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    stop_process(proc, timeout_s=STOP_GRACE_S)
