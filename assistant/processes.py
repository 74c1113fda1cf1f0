"""Local child processes for the benchmarks and the tests: a free port to serve on, a clean stop."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    """Terminate ``process`` and wait for it; kill it when it does not exit within ``timeout_s``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def status_mb(pid: int, field: str) -> float | None:
    """A memory field of ``/proc/PID/status`` in MB (``VmRSS``, ``VmHWM`` = peak RSS); None where there is
    no such file or field (not Linux, process gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None
