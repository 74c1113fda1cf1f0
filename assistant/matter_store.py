"""Matters beside the index: one SQLite file with every record's head and an OParl paper's consultations
and links, written as records are indexed (``MatterIndexer``), read by ``assistant.matters`` for timelines.

The chunk store holds text for retrieval; what a timeline needs in structured form (which body dealt with
a paper when, in which role, with what result; which papers belong together) is kept here instead of in
chroma metadata. ``<data_dir>/matters/<collection>.sqlite3``; versioned schema (``assistant.sqlite_schema``).
Records indexed before this file existed are picked up by the next ingest or ``sync --full`` of them;
timelines of records without OParl facts are assembled from the index itself.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.models import Consultation, MatterFacts, PaperLink, SourceDocument
from assistant.settings import Settings
from assistant.sqlite_schema import connect, migrate
from ingest.indexer import Indexer, _Tally

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE records (
        document_id TEXT PRIMARY KEY,
        oparl_id TEXT,
        kind TEXT,
        title TEXT NOT NULL,
        reference TEXT,
        document_type TEXT,
        paper_type TEXT,
        date TEXT,
        body TEXT,
        public INTEGER,
        source TEXT NOT NULL,
        source_path TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        files TEXT NOT NULL DEFAULT '[]',
        first_seen TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX records_oparl ON records(oparl_id);
    CREATE INDEX records_reference ON records(reference);
    CREATE TABLE consultations (
        document_id TEXT NOT NULL REFERENCES records(document_id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        body TEXT, date TEXT, agenda_number TEXT, role TEXT, result TEXT, resolution TEXT,
        meeting_id TEXT, agenda_item_id TEXT, public INTEGER,
        PRIMARY KEY (document_id, ordinal)
    );
    CREATE TABLE links (
        document_id TEXT NOT NULL REFERENCES records(document_id) ON DELETE CASCADE,
        relation TEXT NOT NULL,
        target TEXT NOT NULL,
        PRIMARY KEY (document_id, relation, target)
    );
    CREATE INDEX links_target ON links(target);
    """,
)


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


@dataclass(frozen=True)
class RecordHead:
    """A record as the matters file knows it (metadata only; the text is in the chunk store)."""

    document_id: str
    title: str
    source: str
    source_path: str
    content_hash: str
    oparl_id: str | None = None
    kind: str | None = None
    reference: str | None = None
    document_type: str | None = None
    paper_type: str | None = None
    date: str | None = None
    body: str | None = None
    public: bool | None = None
    files: tuple[str, ...] = ()
    first_seen: str = ""

    @classmethod
    def from_row(cls, row: Any) -> RecordHead:
        return cls(document_id=row["document_id"], title=row["title"], source=row["source"],
                   source_path=row["source_path"], content_hash=row["content_hash"], oparl_id=row["oparl_id"],
                   kind=row["kind"], reference=row["reference"], document_type=row["document_type"],
                   paper_type=row["paper_type"], date=row["date"], body=row["body"], public=_flag(row["public"]),
                   files=tuple(json.loads(row["files"] or "[]")), first_seen=row["first_seen"])


class MatterStore:
    """The matters file; each call opens its own connection (safe across threads and processes)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        migrate(self.path, MIGRATIONS)

    @staticmethod
    def path_for(settings: Settings) -> Path:
        return settings.data_dir / "matters" / f"{settings.collection}.sqlite3"

    @classmethod
    def from_settings(cls, settings: Settings) -> MatterStore:
        return cls(cls.path_for(settings))

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        with closing(connect(self.path)) as conn, conn:
            yield conn

    # -- writing ---------------------------------------------------------------------------------
    def record(self, document: SourceDocument) -> None:
        """Insert or update one record's head, consultations and links (its first_seen stays)."""
        facts = document.matter or MatterFacts(oparl_id=None, kind="")
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO records (document_id, oparl_id, kind, title, reference, document_type, paper_type, "
                "date, body, public, source, source_path, content_hash, files, first_seen, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(document_id) DO UPDATE SET oparl_id=excluded.oparl_id, kind=excluded.kind, "
                "title=excluded.title, reference=excluded.reference, document_type=excluded.document_type, "
                "paper_type=excluded.paper_type, date=excluded.date, body=excluded.body, public=excluded.public, "
                "source=excluded.source, source_path=excluded.source_path, content_hash=excluded.content_hash, "
                "files=excluded.files, updated_at=excluded.updated_at",
                (document.document_id, facts.oparl_id, facts.kind or None, document.title, document.reference,
                 document.document_type, facts.paper_type, document.date, document.body,
                 None if document.public is None else int(document.public), document.source,
                 document.source_path, document.content_hash, json.dumps(list(facts.files), ensure_ascii=False),
                 now, now))
            conn.execute("DELETE FROM consultations WHERE document_id = ?", (document.document_id,))
            conn.execute("DELETE FROM links WHERE document_id = ?", (document.document_id,))
            conn.executemany(
                "INSERT INTO consultations (document_id, ordinal, body, date, agenda_number, role, result, "
                "resolution, meeting_id, agenda_item_id, public) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(document.document_id, i, c.body, c.date, c.agenda_number, c.role, c.result, c.resolution,
                  c.meeting_id, c.agenda_item_id, None if c.public is None else int(c.public))
                 for i, c in enumerate(facts.consultations)])
            conn.executemany("INSERT OR IGNORE INTO links (document_id, relation, target) VALUES (?, ?, ?)",
                             [(document.document_id, link.relation, link.target) for link in facts.links])

    def forget(self, document_ids: Iterable[str]) -> None:
        with self._conn() as conn:
            conn.executemany("DELETE FROM records WHERE document_id = ?", [(d,) for d in document_ids])

    # -- reading ---------------------------------------------------------------------------------
    def head(self, document_id: str) -> RecordHead | None:
        with self._conn() as conn:
            row = conn.execute("SELECT * FROM records WHERE document_id = ?", (document_id,)).fetchone()
        return RecordHead.from_row(row) if row else None

    def by_oparl_id(self, oparl_id: str) -> RecordHead | None:
        with self._conn() as conn:
            row = conn.execute("SELECT * FROM records WHERE oparl_id = ?", (oparl_id,)).fetchone()
        return RecordHead.from_row(row) if row else None

    def heads(self, *, reference: str | None = None, reference_prefix: str | None = None,
              source: str | None = None) -> list[RecordHead]:
        """Records with this reference, a reference starting with ``reference_prefix`` + '/', or this source."""
        clauses, args = [], []
        if reference:
            clauses.append("reference = ?")
            args.append(reference)
        if reference_prefix:
            clauses.append("(reference = ? OR reference LIKE ? ESCAPE '\\')")
            escaped = reference_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args += [reference_prefix, escaped + "/%"]
        if source:
            clauses.append("(source = ? OR source_path = ? OR oparl_id = ?)")
            args += [source, source, source]
        where = " OR ".join(clauses) or "1"
        with self._conn() as conn:
            rows = conn.execute(f"SELECT * FROM records WHERE {where} ORDER BY date, document_id", args).fetchall()
        return [RecordHead.from_row(r) for r in rows]

    def consultations(self, document_id: str) -> list[Consultation]:
        with self._conn() as conn:
            rows = conn.execute("SELECT * FROM consultations WHERE document_id = ? ORDER BY ordinal",
                                (document_id,)).fetchall()
        return [Consultation(body=r["body"], date=r["date"], agenda_number=r["agenda_number"], role=r["role"],
                             result=r["result"], resolution=r["resolution"], meeting_id=r["meeting_id"],
                             agenda_item_id=r["agenda_item_id"], public=_flag(r["public"])) for r in rows]

    def links(self, document_id: str) -> list[PaperLink]:
        with self._conn() as conn:
            rows = conn.execute("SELECT relation, target FROM links WHERE document_id = ? ORDER BY rowid",
                                (document_id,)).fetchall()
        return [PaperLink(r["relation"], r["target"]) for r in rows]

    def linking_to(self, oparl_id: str) -> list[tuple[str, RecordHead]]:
        """(relation, record) of the records that link to ``oparl_id``."""
        with self._conn() as conn:
            rows = conn.execute("SELECT l.relation AS relation, r.* FROM links l JOIN records r "
                                "ON r.document_id = l.document_id WHERE l.target = ?", (oparl_id,)).fetchall()
        return [(r["relation"], RecordHead.from_row(r)) for r in rows]

    def count(self) -> int:
        with self._conn() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM records").fetchone()[0])


class MatterIndexer(Indexer):
    """The indexer that also keeps the matters file in step: every record it stores (or finds unchanged)
    is recorded with its facts; removed records are forgotten."""

    def __init__(self, *args: Any, matters: MatterStore, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matters = matters

    def ingest_document(self, document: SourceDocument, tally: _Tally) -> None:
        skipped = len(tally.skipped)
        super().ingest_document(document, tally)
        if len(tally.skipped) == skipped:  # stored (new, changed or unchanged), not skipped as twin/empty
            try:
                self.matters.record(document)
            except Exception:  # noqa: BLE001 - the index stays the truth; a timeline falls back to its text
                log.exception("matters: cannot record %s", document.source)

    def remove_documents(self, document_ids: Iterable[str]) -> int:
        ids = list(document_ids)
        removed = super().remove_documents(ids)
        self.matters.forget(ids)
        return removed
