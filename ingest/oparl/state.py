"""Sync state in one SQLite file under the data directory: what was indexed from which OParl object.

Each object is committed in its own transaction *after* its documents are in the store, so a sync killed at
any moment leaves the state behind the store, never ahead: the rerun re-indexes at most the object it was
working on (idempotent chunk ids make that a no-op or a completion). A body's ``modified_since`` watermark
only moves when all its lists were read to the end. A lock file keeps a second sync of the same data away.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from assistant.errors import RatsinfoError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bodies (body_id TEXT PRIMARY KEY, name TEXT, watermark TEXT, completed TEXT);
CREATE TABLE IF NOT EXISTS objects (
    object_id TEXT PRIMARY KEY, body_id TEXT, kind TEXT, modified TEXT, document_id TEXT, file_ids TEXT);
CREATE TABLE IF NOT EXISTS files (
    file_id TEXT PRIMARY KEY, parent_id TEXT, modified TEXT, checksum TEXT, status TEXT, reason TEXT,
    document_id TEXT, file_json TEXT);
CREATE TABLE IF NOT EXISTS failed (object_id TEXT PRIMARY KEY, body_id TEXT, kind TEXT, reason TEXT);
CREATE TABLE IF NOT EXISTS organizations (org_id TEXT PRIMARY KEY, name TEXT);
CREATE TABLE IF NOT EXISTS meetings (meeting_id TEXT PRIMARY KEY, name TEXT, start TEXT, organizations TEXT);
CREATE TABLE IF NOT EXISTS agenda_items (item_id TEXT PRIMARY KEY, meeting_id TEXT, public INTEGER);
"""


class SyncLockedError(RatsinfoError):
    """Another sync is running on the same data directory."""


@dataclass(frozen=True)
class ObjectState:
    modified: str
    document_id: str | None
    file_ids: tuple[str, ...]


@dataclass(frozen=True)
class FileState:
    modified: str
    checksum: str
    status: str  # "ok" | "skipped" (permanent: too large, unparsable) | "failed" (retried next sync)
    reason: str
    parent_id: str
    document_id: str | None


class SyncState:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock_file: IO[str] | None = open(path.with_suffix(".lock"), "w")  # noqa: SIM115
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise SyncLockedError(
                f"another sync is running on {path.parent} (lock {path.name}.lock)"
            ) from None
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> SyncState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, sql: str, *params: object) -> None:
        with self._db:  # one transaction, committed (and fsynced) on exit
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(sql, params)

    # -- bodies ----------------------------------------------------------------------------------
    def watermark(self, body_id: str) -> str | None:
        row = self._db.execute("SELECT watermark FROM bodies WHERE body_id=?", (body_id,)).fetchone()
        return row[0] if row else None

    def complete_body(self, body_id: str, name: str, watermark: str, completed: str) -> None:
        self._write("INSERT OR REPLACE INTO bodies VALUES (?,?,?,?)", body_id, name, watermark, completed)

    # -- objects ---------------------------------------------------------------------------------
    def object(self, object_id: str) -> ObjectState | None:
        row = self._db.execute(
            "SELECT modified, document_id, file_ids FROM objects WHERE object_id=?", (object_id,)
        ).fetchone()
        return ObjectState(row[0], row[1], tuple(json.loads(row[2]))) if row else None

    def save_object(
        self,
        object_id: str,
        body_id: str,
        kind: str,
        modified: str,
        document_id: str | None,
        file_ids: list[str],
    ) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT OR REPLACE INTO objects VALUES (?,?,?,?,?,?)",
                (object_id, body_id, kind, modified, document_id, json.dumps(file_ids)),
            )
            self._db.execute("DELETE FROM failed WHERE object_id=?", (object_id,))

    def forget_object(self, object_id: str) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM objects WHERE object_id=?", (object_id,))
            self._db.execute("DELETE FROM failed WHERE object_id=?", (object_id,))
            self._db.execute("DELETE FROM agenda_items WHERE meeting_id=?", (object_id,))

    def mark_failed(self, object_id: str, body_id: str, kind: str, reason: str) -> None:
        self._write("INSERT OR REPLACE INTO failed VALUES (?,?,?,?)", object_id, body_id, kind, reason)

    def failed_objects(self, body_id: str) -> list[tuple[str, str]]:
        return [
            (r[0], r[1])
            for r in self._db.execute("SELECT object_id, kind FROM failed WHERE body_id=?", (body_id,))
        ]

    # -- files -----------------------------------------------------------------------------------
    def file(self, file_id: str) -> FileState | None:
        row = self._db.execute(
            "SELECT modified, checksum, status, reason, parent_id, document_id FROM files WHERE file_id=?",
            (file_id,),
        ).fetchone()
        return FileState(*row) if row else None

    def file_json(self, file_id: str) -> str | None:
        row = self._db.execute("SELECT file_json FROM files WHERE file_id=?", (file_id,)).fetchone()
        return str(row[0]) if row and row[0] is not None else None

    def save_file(
        self,
        file_id: str,
        parent_id: str,
        modified: str,
        checksum: str,
        status: str,
        reason: str,
        document_id: str | None,
        file_json: str,
    ) -> None:
        self._write(
            "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?)",
            file_id,
            parent_id,
            modified,
            checksum,
            status,
            reason,
            document_id,
            file_json,
        )

    def forget_file(self, file_id: str) -> None:
        self._write("DELETE FROM files WHERE file_id=?", file_id)

    def retry_files(self) -> Iterator[tuple[str, str, str]]:
        """(file id, parent id, file JSON) of files that failed transiently last time."""
        rows = self._db.execute("SELECT file_id, parent_id, file_json FROM files WHERE status='failed'")
        yield from [(r[0], r[1], r[2]) for r in rows]

    def counts(self) -> dict[str, int]:
        out = {
            f"objects_{k}": n for k, n in self._db.execute("SELECT kind, count(*) FROM objects GROUP BY kind")
        }
        out.update(
            {
                f"files_{k}": n
                for k, n in self._db.execute("SELECT status, count(*) FROM files GROUP BY status")
            }
        )
        return out

    # -- lookups for metadata ----------------------------------------------------------------------
    def save_organization(self, org_id: str, name: str) -> None:
        self._write("INSERT OR REPLACE INTO organizations VALUES (?,?)", org_id, name)

    def organization_name(self, org_id: str) -> str | None:
        row = self._db.execute("SELECT name FROM organizations WHERE org_id=?", (org_id,)).fetchone()
        return row[0] if row else None

    def save_meeting(
        self,
        meeting_id: str,
        name: str,
        start: str,
        organizations: list[str],
        items: list[tuple[str, bool | None]],
    ) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT OR REPLACE INTO meetings VALUES (?,?,?,?)",
                (meeting_id, name, start, json.dumps(organizations)),
            )
            self._db.execute("DELETE FROM agenda_items WHERE meeting_id=?", (meeting_id,))
            self._db.executemany(
                "INSERT OR REPLACE INTO agenda_items VALUES (?,?,?)",
                [(i, meeting_id, None if p is None else int(p)) for i, p in items],
            )

    def meeting(self, meeting_id: str) -> tuple[str, str] | None:
        row = self._db.execute(
            "SELECT name, start FROM meetings WHERE meeting_id=?", (meeting_id,)
        ).fetchone()
        return (row[0], row[1]) if row else None

    def agenda_item_public(self, item_id: str) -> bool | None:
        row = self._db.execute("SELECT public FROM agenda_items WHERE item_id=?", (item_id,)).fetchone()
        return None if not row or row[0] is None else bool(row[0])
