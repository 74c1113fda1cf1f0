"""Saved searches and alerts: a question or search with filters, saved once, reports every new matching record.

``ratsinfo alerts run`` (after each ``ratsinfo sync`` in the scheduled job) finds the records added to the
index since its last run, scores them against every saved search with the same retrieval the chat uses
(restricted to the new records) and keeps a record when one of its passages has at least
``RATSINFO_ALERT_MIN_SIMILARITY`` dense similarity to the search (an absolute score: a fused rank score means
nothing among a handful of new records). Each match becomes one feed entry; feeds are rewritten; every
e-mail subscriber (staff) gets one digest of their new entries. The first run only takes note of what is
indexed. Citizens' searches always run public-only; only staff may save a search over non-public records
(for staff) or subscribe by e-mail. SQLite ``<data_dir>/alerts.sqlite3``, versioned schema.
"""

from __future__ import annotations

import json
import logging
import secrets
import smtplib
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np

from assistant.errors import RatsinfoError
from assistant.feeds import atom, feed_url, write_feed
from assistant.models import Chunk, SearchFilters
from assistant.settings import Settings
from assistant.sqlite_schema import connect, migrate

if TYPE_CHECKING:
    from assistant.service import Assistant

log = logging.getLogger(__name__)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE saved_search (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        token TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL,
        filters TEXT NOT NULL,
        language TEXT NOT NULL DEFAULT 'de',
        created_at TEXT NOT NULL,
        created_by TEXT,
        email TEXT
    );
    CREATE TABLE entry (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        search_id INTEGER NOT NULL REFERENCES saved_search(id) ON DELETE CASCADE,
        document_id TEXT NOT NULL,
        chunk_id TEXT NOT NULL,
        title TEXT NOT NULL,
        reference TEXT,
        date TEXT,
        section TEXT,
        passage TEXT NOT NULL,
        link TEXT NOT NULL,
        score REAL NOT NULL,
        added_at TEXT NOT NULL,
        emailed INTEGER NOT NULL DEFAULT 0,
        UNIQUE (search_id, document_id)
    );
    CREATE TABLE known_document (document_id TEXT PRIMARY KEY);
    CREATE TABLE run (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        new_documents INTEGER NOT NULL,
        entries INTEGER NOT NULL,
        emails INTEGER NOT NULL
    );
    """,
)
PASSAGE_CHARS = 600


class AlertError(RatsinfoError):
    """A saved search cannot be created (e.g. a citizen asking for e-mail or non-public records)."""


@dataclass(frozen=True)
class SavedSearch:
    id: int
    token: str
    query: str
    filters: SearchFilters
    language: str
    created_at: str
    created_by: str | None = None  # staff user; None = a citizen
    email: str | None = None


@dataclass(frozen=True)
class AlertEntry:
    search_id: int
    document_id: str
    chunk_id: str
    title: str
    passage: str
    link: str
    score: float
    added_at: str
    reference: str | None = None
    date: str | None = None
    section: str | None = None


@dataclass
class RunReport:
    baseline: bool = False  # first run: only took note of what is indexed
    new_documents: int = 0
    entries: int = 0
    feeds: int = 0
    emails: int = 0
    matches: dict[str, list[str]] = field(default_factory=dict)  # token -> document ids

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _filters_json(filters: SearchFilters) -> str:
    return json.dumps(asdict(filters), ensure_ascii=False)


def _filters_from(text: str) -> SearchFilters:
    data: dict[str, Any] = json.loads(text)
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return SearchFilters(**values)


class AlertStore:
    """Saved searches, their entries and the documents already seen; one connection per call."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        migrate(self.path, MIGRATIONS)

    @classmethod
    def from_settings(cls, settings: Settings) -> AlertStore:
        return cls(settings.data_dir / "alerts.sqlite3")

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        with closing(connect(self.path)) as conn, conn:
            yield conn

    def create(self, query: str, filters: SearchFilters | None = None, *, language: str = "de",
               staff_user: str | None = None, email: str | None = None) -> SavedSearch:
        """Save a search; a citizen's (no ``staff_user``) is always public-only and has no e-mail."""
        query = query.strip()
        if not query:
            raise AlertError("a saved search needs a question or search words")
        filters = replace(filters or SearchFilters(), document_ids=())
        if staff_user is None:
            if email:
                raise AlertError("e-mail alerts are for staff; citizens subscribe to the feed")
            filters = replace(filters, public_only=True)
        if email and "@" not in email:
            raise AlertError(f"not an e-mail address: {email!r}")
        token = secrets.token_urlsafe(24)
        created = _now()
        with self._conn() as conn:
            cursor = conn.execute(
                "INSERT INTO saved_search (token, query, filters, language, created_at, created_by, email) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token, query, _filters_json(filters), language, created, staff_user, email or None))
            search_id = int(cursor.lastrowid or 0)
        return SavedSearch(search_id, token, query, filters, language, created, staff_user, email or None)

    def searches(self) -> list[SavedSearch]:
        with self._conn() as conn:
            rows = conn.execute("SELECT * FROM saved_search ORDER BY id").fetchall()
        return [SavedSearch(r["id"], r["token"], r["query"], _filters_from(r["filters"]), r["language"],
                            r["created_at"], r["created_by"], r["email"]) for r in rows]

    def delete(self, token: str) -> bool:
        with self._conn() as conn:
            return conn.execute("DELETE FROM saved_search WHERE token = ?", (token,)).rowcount > 0

    def entries(self, search_id: int, *, unsent_only: bool = False) -> list[AlertEntry]:
        sql = "SELECT * FROM entry WHERE search_id = ?" + (" AND emailed = 0" if unsent_only else "")
        with self._conn() as conn:
            rows = conn.execute(sql + " ORDER BY added_at DESC, id DESC", (search_id,)).fetchall()
        return [AlertEntry(r["search_id"], r["document_id"], r["chunk_id"], r["title"], r["passage"], r["link"],
                           r["score"], r["added_at"], r["reference"], r["date"], r["section"]) for r in rows]

    def add_entry(self, entry: AlertEntry) -> bool:
        with self._conn() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO entry (search_id, document_id, chunk_id, title, reference, date, section, "
                "passage, link, score, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.search_id, entry.document_id, entry.chunk_id, entry.title, entry.reference, entry.date,
                 entry.section, entry.passage, entry.link, entry.score, entry.added_at))
            return cursor.rowcount > 0

    def mark_emailed(self, search_ids: Sequence[int]) -> None:
        with self._conn() as conn:
            conn.executemany("UPDATE entry SET emailed = 1 WHERE search_id = ?", [(i,) for i in search_ids])

    def known(self) -> set[str] | None:
        """Document ids seen by the last run; None before the first run."""
        with self._conn() as conn:
            if conn.execute("SELECT COUNT(*) FROM run").fetchone()[0] == 0:
                return None
            return {r[0] for r in conn.execute("SELECT document_id FROM known_document")}

    def finish_run(self, documents: set[str], report: RunReport) -> None:
        with self._conn() as conn:
            conn.execute("DELETE FROM known_document")
            conn.executemany("INSERT INTO known_document (document_id) VALUES (?)", [(d,) for d in documents])
            conn.execute("INSERT INTO run (started_at, new_documents, entries, emails) VALUES (?, ?, ?, ?)",
                         (_now(), report.new_documents, report.entries, report.emails))


def record_link(chunk: Chunk, app_url: str) -> str:
    """Where a reader opens the record: its web address, else the UI's matter page for it."""
    for candidate in (chunk.source_path, chunk.source):
        if candidate.startswith(("https://", "http://")):
            return candidate
    return f"{app_url.rstrip('/')}/?matter={quote(chunk.reference or chunk.source)}"


class Alerts:
    """Runs the saved searches of one index; writes feeds; sends digests."""

    def __init__(self, assistant: Assistant, store: AlertStore, settings: Settings) -> None:
        self.assistant = assistant
        self.store = store
        self.settings = settings

    def feed_url(self, search: SavedSearch) -> str:
        return feed_url(self.settings.feeds_url, search.token)

    def write_feed(self, search: SavedSearch) -> Path:
        content = atom(search, self.store.entries(search.id), self_url=self.feed_url(search),
                       app_url=self.settings.app_url)
        return write_feed(self.settings.feeds_path, search.token, content)

    def scores(self, search: SavedSearch, document_ids: Sequence[str]) -> list[tuple[float, Chunk]]:
        """(best dense similarity, its passage) per new record that the search's retrieval finds."""
        filters = replace(search.filters, document_ids=tuple(document_ids))
        hits = self.assistant.search(search.query, k=max(20, 3 * len(document_ids)), filters=filters)
        if not hits:
            return []
        query = np.asarray(self.assistant.embedder.embed_query(search.query), dtype=np.float32)
        vectors = self.assistant.store.embeddings([h.chunk.chunk_id for h in hits])
        sims = vectors @ (query / np.linalg.norm(query)) / np.linalg.norm(vectors, axis=1)
        best: dict[str, tuple[float, Chunk]] = {}
        for hit, sim in zip(hits, sims):
            if hit.chunk.document_id not in best or sim > best[hit.chunk.document_id][0]:
                best[hit.chunk.document_id] = (float(sim), hit.chunk)
        return sorted(best.values(), key=lambda pair: -pair[0])

    def run(self) -> RunReport:
        report = RunReport()
        current = {str(d["document_id"]) for d in self.assistant.documents()}
        known = self.store.known()
        report.baseline = known is None
        new = sorted(current - known) if known is not None else []
        report.new_documents = len(new)
        searches = self.store.searches()
        added = _now()
        for search in searches:
            for score, chunk in self.scores(search, new) if new else []:
                if score < self.settings.alert_min_similarity:
                    continue
                entry = AlertEntry(search.id, chunk.document_id, chunk.chunk_id, chunk.title,
                                   chunk.text[:PASSAGE_CHARS], record_link(chunk, self.settings.app_url), score,
                                   added, chunk.reference, chunk.date, chunk.section)
                if self.store.add_entry(entry):
                    report.entries += 1
                    report.matches.setdefault(search.token, []).append(chunk.document_id)
            self.write_feed(search)
            report.feeds += 1
        report.emails = self.send_digests(searches)
        self.store.finish_run(current, report)
        return report

    # -- e-mail ------------------------------------------------------------------------------------
    def send_digests(self, searches: Sequence[SavedSearch]) -> int:
        """One digest per subscriber with their unsent entries; nothing without SMTP host and sender."""
        s = self.settings
        if not (s.smtp_host and s.smtp_sender):
            return 0
        by_address: dict[str, list[tuple[SavedSearch, list[AlertEntry]]]] = {}
        for search in searches:
            if search.email and search.created_by:
                entries = self.store.entries(search.id, unsent_only=True)
                if entries:
                    by_address.setdefault(search.email, []).append((search, entries))
        sent = 0
        for address, items in by_address.items():
            try:
                self._send(address, items)
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("alert digest to %s not sent: %s", address, exc)
                continue
            self.store.mark_emailed([search.id for search, _ in items])
            sent += 1
        return sent

    def _send(self, address: str, items: list[tuple[SavedSearch, list[AlertEntry]]]) -> None:
        s = self.settings
        count = sum(len(entries) for _, entries in items)
        message = EmailMessage()
        message["From"] = s.smtp_sender
        message["To"] = address
        message["Subject"] = f"Ratsinfo: {count} neue Unterlage(n) zu Ihren gespeicherten Suchen"
        lines = []
        for search, entries in items:
            lines.append(f"Suche: {search.query}\nFeed: {self.feed_url(search)}\n")
            for e in entries:
                head = " – ".join(x for x in (e.reference, e.title, e.date) if x)
                lines.append(f"* {head}\n  {e.link}\n  „{e.passage[:300]}“\n")
        message.set_content("\n".join(lines))
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password.get_secret_value() if s.smtp_password else "")
            smtp.send_message(message)
