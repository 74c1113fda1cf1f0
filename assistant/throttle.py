"""Server-side throttling of staff sign-in: per account and per client address, shared by all sessions.

A browser session is not a boundary an attacker respects (a fresh one costs a reload), so failures are
counted in SQLite (the feedback database under the data directory; every UI worker of the deployment sees
the same counts). After ``max_failures`` failures of an account name — existing or not, so a lockout does
not tell which names exist — or from one client address, that key is locked for ``lockout_s`` seconds,
doubling with every further failure up to ``max_lockout_s``. While a key is locked no password is checked.
A successful sign-in clears its account's count; an address's count only expires (``forget_after_s`` after
its last failure), so one known account cannot be used to reset the counter for guessing others.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sign_in_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure REAL NOT NULL,
    locked_until REAL NOT NULL
)
"""


def throttle_keys(username: str, address: str | None) -> list[str]:
    """The counters a sign-in attempt touches: its account name (normalised) and, when known, its address."""
    keys = [f"account:{username.strip().casefold()}"]
    if address:
        keys.append(f"address:{address.strip()}")
    return keys


@dataclass
class SignInThrottle:
    """Failure counts and lockouts in the SQLite file ``path`` (its own table; created on first use)."""

    path: Path
    max_failures: int = 5
    lockout_s: float = 30.0
    max_lockout_s: float = 3600.0
    forget_after_s: float = 24 * 3600.0
    clock: Callable[[], float] = field(default=time.time, repr=False)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.execute(_SCHEMA)
        return conn

    def lockout_for(self, failures: int) -> float:
        """Seconds of lockout after ``failures`` consecutive failures (0 below the limit)."""
        if failures < self.max_failures:
            return 0.0
        return float(min(self.lockout_s * 2 ** min(failures - self.max_failures, 40), self.max_lockout_s))

    def locked_for(self, username: str, address: str | None) -> float:
        """Seconds until ``username`` may be tried from ``address`` again (0: now)."""
        keys = throttle_keys(username, address)
        now = self.clock()
        conn = self._connect()
        try:
            rows = conn.execute(f"SELECT locked_until FROM sign_in_throttle WHERE key IN "
                                f"({','.join('?' * len(keys))})", keys).fetchall()
        finally:
            conn.close()
        return max([0.0, *(float(until) - now for (until,) in rows)])

    def failed(self, username: str, address: str | None) -> float:
        """Count a failed attempt on every key; returns the lockout (seconds) now in force, 0 if none."""
        now = self.clock()
        longest = 0.0
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            for key in throttle_keys(username, address):
                row = conn.execute("SELECT failures, last_failure FROM sign_in_throttle WHERE key = ?",
                                   (key,)).fetchone()
                failures = 0 if row is None or now - float(row[1]) > self.forget_after_s else int(row[0])
                failures += 1
                lockout = self.lockout_for(failures)
                longest = max(longest, lockout)
                conn.execute("INSERT INTO sign_in_throttle (key, failures, last_failure, locked_until) "
                             "VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, "
                             "last_failure = excluded.last_failure, locked_until = excluded.locked_until",
                             (key, failures, now, now + lockout))
            conn.execute("COMMIT")
        finally:
            conn.close()
        if longest:
            log.warning("staff sign-in locked for %.0f s (account %r, address %r)", longest, username, address)
        return longest

    def succeeded(self, username: str) -> None:
        """A correct password clears the account's count (not the address's)."""
        conn = self._connect()
        try:
            conn.execute("DELETE FROM sign_in_throttle WHERE key = ?", (throttle_keys(username, None)[0],))
        finally:
            conn.close()
