"""Versioned SQLite files beside the index (matters, alerts, verified answers): one migration routine.

Each store lists its migrations; entry *n* moves the schema from version *n* to *n + 1*. A file written by a
newer release (a higher version than the code knows) is refused with one clear error, never half-read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from assistant.errors import RatsinfoError


class SchemaError(RatsinfoError):
    """A database file has a newer schema than this code knows."""


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def migrate(path: Path, migrations: Sequence[str]) -> None:
    """Create or upgrade the schema of ``path`` to ``len(migrations)``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(connect(path)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        current = int(row["version"]) if row else 0
        if row is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
        if current > len(migrations):
            conn.rollback()
            raise SchemaError(f"{path}: schema version {current} is newer than this code ({len(migrations)}); "
                              "upgrade ratsinfo-assistant")
        for version in range(current, len(migrations)):
            for statement in migrations[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("UPDATE schema_version SET version = ?", (version + 1,))
        conn.commit()


def schema_version(path: Path) -> int:
    with closing(connect(path)) as conn:
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        return int(row["version"]) if row else 0
