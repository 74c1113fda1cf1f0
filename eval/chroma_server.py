"""Start and stop a real ``chroma run`` server on a free local port (bench-scale and the test fixture use it)."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType

from assistant.processes import free_port, status_mb, stop_process

log = logging.getLogger(__name__)


def chroma_cli() -> str | None:
    """The ``chroma`` executable of this virtualenv, else the one on PATH."""
    return shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")


def wait_for_heartbeat(url: str, timeout_s: float = 60.0, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``/api/v2/heartbeat`` until the server answers; RuntimeError when it died or timed out."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                return
        except OSError:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"chroma server at {url} exited with code {process.returncode}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"chroma server at {url} did not answer within {timeout_s:.0f}s") from None
            time.sleep(0.3)


class ChromaServer:
    """``chroma run --path PATH --host 127.0.0.1 --port PORT`` as a child process (a context manager)."""

    def __init__(self, path: Path, port: int | None = None, log_file: Path | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_file = log_file
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60.0) -> ChromaServer:
        cli = chroma_cli()
        if cli is None:
            raise RuntimeError("the chroma CLI is not installed (pip install chromadb)")
        self.path.mkdir(parents=True, exist_ok=True)
        out = self.log_file.open("ab") if self.log_file else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [cli, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_heartbeat(self.url, timeout_s, self.process)
        except RuntimeError:
            self.stop()
            raise
        log.info("chroma server %s (pid %d) on %s", self.url, self.process.pid, self.path)
        return self

    def peak_rss_mb(self) -> float | None:
        """Peak resident memory of the server process so far (VmHWM)."""
        return status_mb(self.process.pid, "VmHWM") if self.process else None

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, timeout_s=30)

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
