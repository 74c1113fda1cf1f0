"""Staff-verified answers: an answer staff marked correct is shown again for the same question, as long as
none of the records it cites changed, and only to askers who may see every one of them.

* ``verify`` stores the answer (without its hits) under the normalised question (case, whitespace,
  punctuation and umlauts do not matter: "Gebühren?" = "gebuehren" = "GEBUHREN"), with the content hash of
  each cited chunk's document and the facts the access rule needs (public, type, body, date).
* ``lookup`` gives ``Verified`` (the stored answer, ``verified_on`` set) when every cited chunk is still in the
  store with the recorded content hash and passes the asker's filters (a citizen's ``public_only``: a
  verification citing a non-public record is never shown to a citizen); ``Outdated`` when a cited record
  changed or is gone (the verification is marked outdated and lands in the review queue); else None.
* ``asked`` counts questions as they are asked: only the normalised text, a count and the day last asked; no
  user, session or address, and a question holding an e-mail address, phone number or IBAN is not logged.
* ``review_queue`` lists outdated verifications, then the most asked questions without a verification.

The tables live in the feedback database (``FeedbackStore.path_for``) with their own schema version table
(``verified_schema_version``), so the feedback schema and releases that do not know verified answers are
unaffected.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

from assistant import access
from assistant.errors import RatsinfoError
from assistant.feedback import FeedbackStore
from assistant.models import Answer, Chunk, Citation, SearchFilters
from assistant.settings import Settings
from assistant.sqlite_schema import SchemaError, connect

log = logging.getLogger(__name__)

VERSION_TABLE = "verified_schema_version"
# Each entry moves the schema one version up; never edit a released entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE verified_answer (
        question_key TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        cited TEXT NOT NULL,
        staff_user TEXT,
        verified_on TEXT NOT NULL,
        outdated_on TEXT
    );
    CREATE TABLE asked_question (
        question_key TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        asked INTEGER NOT NULL,
        last_asked TEXT NOT NULL
    );
    CREATE INDEX asked_question_count ON asked_question(asked);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
_EVERYTHING = SearchFilters(public_only=False)  # whether a cited chunk changed, whoever may see it

_NOT_WORD = re.compile(r"[\W_]+")
_TRANSLITERATED = re.compile(r"(?<=[aou])e")
_PERSONAL = (
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail address
    re.compile(r"(?:\+|(?<!\d)0)\d(?:[ /-]?\d){6,}"),  # phone number (+49 …, 0761 …)
    re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,}"),  # IBAN
)


class ChunkSource(Protocol):
    """What the store must offer (``assistant.store.ChunkStore``)."""

    def get_chunks(self, chunk_ids: Sequence[str], filters: SearchFilters | None = None) -> dict[str, Chunk]: ...


def display_form(question: str) -> str:
    """Lower case, punctuation gone, whitespace collapsed (umlauts kept): what the review queue shows."""
    text = unicodedata.normalize("NFKC", question).casefold()
    return " ".join(_NOT_WORD.sub(" ", text).split())


def normalise(question: str) -> str:
    """The key two questions share when they differ only in case, whitespace, punctuation or umlaut spelling
    (ä = ae = a, ß = ss, accents dropped)."""
    text = unicodedata.normalize("NFKD", display_form(question).replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _TRANSLITERATED.sub("", text)


def has_personal_data(question: str) -> bool:
    return any(p.search(question) for p in _PERSONAL)


def _today() -> str:
    return date.today().isoformat()


@dataclass(frozen=True)
class CitedRecord:
    """A cited chunk as it was when staff verified the answer."""

    chunk_id: str
    document_id: str
    content_hash: str
    public: bool | None = None
    document_type: str | None = None
    body: str | None = None
    date: str | None = None

    def visible(self, filters: SearchFilters | None) -> bool:
        return access.allows(filters, public=self.public, document_type=self.document_type, body=self.body,
                             document_id=self.document_id, date=self.date)


@dataclass(frozen=True)
class Verified:
    answer: Answer  # the stored answer, asked as the new question, with ``verified_on``
    on: str
    staff_user: str | None


@dataclass(frozen=True)
class Outdated:
    on: str  # the day of the verification that no longer holds
    question: str


@dataclass(frozen=True)
class ReviewItem:
    kind: Literal["outdated", "unverified"]
    question: str  # the verified question as staff asked it, or the normalised asked question
    asked: int
    last_asked: str | None = None
    verified_on: str | None = None
    staff_user: str | None = None
    outdated_on: str | None = None


class VerifyError(RatsinfoError):
    """An answer cannot be verified (a refusal, no citations, a cited chunk whose record is unknown)."""


class VerifiedAnswers:
    """Verified answers and asked-question counts in one SQLite file; a connection per call."""

    def __init__(self, path: Path | str, *, today: Callable[[], str] = _today) -> None:
        self.path = Path(path)
        self.today = today
        self._migrate()

    @classmethod
    def from_settings(cls, settings: Settings) -> VerifiedAnswers:
        return cls(FeedbackStore.path_for(settings))

    def _migrate(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(connect(self.path)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER NOT NULL)")
            row = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
            current = int(row["version"]) if row else 0
            if row is None:
                conn.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (0)")
            if current > SCHEMA_VERSION:
                conn.rollback()
                raise SchemaError(f"{self.path}: verified answers schema version {current} is newer than this "
                                  f"code ({SCHEMA_VERSION}); upgrade ratsinfo-assistant")
            for version in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"UPDATE {VERSION_TABLE} SET version = ?", (version + 1,))
            conn.commit()

    @property
    def schema_version(self) -> int:
        with closing(connect(self.path)) as conn:
            row = conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
            return int(row["version"]) if row else 0

    # -- staff -------------------------------------------------------------------------------------------
    def verify(self, question: str, answer: Answer, staff_user: str | None,
               store: ChunkSource | None = None) -> str:
        """Store ``answer`` as the checked answer to ``question``; returns the day (yyyy-mm-dd).

        Content hashes come from the answer's hits (what staff saw), else from ``store``."""
        if answer.refused or not answer.citations:
            raise VerifyError("only an answer that cites records can be verified")
        cited = _cited_records(answer, store)
        day = self.today()
        stored = replace(answer, hits=(), verified_on=None, verification_outdated=None)
        with closing(connect(self.path)) as conn, conn:
            conn.execute(
                "INSERT OR REPLACE INTO verified_answer (question_key, question, answer, cited, staff_user, "
                "verified_on, outdated_on) VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (normalise(question), question.strip(), json.dumps(_answer_to_json(stored), ensure_ascii=False),
                 json.dumps([asdict(c) for c in cited], ensure_ascii=False), staff_user, day))
        return day

    def withdraw(self, question: str) -> bool:
        """Remove the verification of ``question`` (staff judged a later answer wrong or incomplete)."""
        with closing(connect(self.path)) as conn, conn:
            return conn.execute("DELETE FROM verified_answer WHERE question_key = ?",
                                (normalise(question),)).rowcount > 0

    def on_verdict(self, question: str, answer: Answer, verdict: str, citation_verdicts: Mapping[int, str],
                   staff_user: str | None, store: ChunkSource | None = None) -> str | None:
        """A staff verdict from the chat: 'correct' with no citation marked wrong verifies the answer (returns
        the day); 'wrong' or 'incomplete' withdraws an existing verification of the question."""
        if verdict == "correct" and "wrong" not in citation_verdicts.values():
            if answer.refused or not answer.citations:
                return None
            return self.verify(question, answer, staff_user, store)
        if verdict in ("wrong", "incomplete"):
            self.withdraw(question)
        return None

    # -- asking --------------------------------------------------------------------------------------------
    def asked(self, question: str) -> bool:
        """Count one asking of ``question`` (normalised, no personal data); False when it was not logged."""
        key = normalise(question)
        if not key or has_personal_data(question):
            return False
        with closing(connect(self.path)) as conn, conn:
            conn.execute(
                "INSERT INTO asked_question (question_key, question, asked, last_asked) VALUES (?, ?, 1, ?) "
                "ON CONFLICT(question_key) DO UPDATE SET asked = asked + 1, last_asked = excluded.last_asked, "
                "question = excluded.question", (key, display_form(question), self.today()))
        return True

    def lookup(self, question: str, filters: SearchFilters | None, store: ChunkSource) -> Verified | Outdated | None:
        """The checked answer to ``question`` for an asker with ``filters`` (see the module docstring)."""
        with closing(connect(self.path)) as conn:
            row = conn.execute("SELECT * FROM verified_answer WHERE question_key = ?",
                               (normalise(question),)).fetchone()
        if row is None:
            return None
        cited = [CitedRecord(**c) for c in json.loads(row["cited"])]
        if not all(c.visible(filters) for c in cited):
            return None  # as verified, not for this asker: not even its being outdated is told
        if row["outdated_on"] or self._changed(cited, store):
            if not row["outdated_on"]:
                self._mark_outdated(row["question_key"])
            return Outdated(on=row["verified_on"], question=row["question"])
        visible = store.get_chunks([c.chunk_id for c in cited], filters)
        if len(visible) != len({c.chunk_id for c in cited}):
            return None  # a cited record is no longer public (or outside the asker's filters) now
        answer = _answer_from_json(json.loads(row["answer"]))
        answer = replace(answer, question=question, verified_on=row["verified_on"])
        return Verified(answer=answer, on=row["verified_on"], staff_user=row["staff_user"])

    @staticmethod
    def _changed(cited: Sequence[CitedRecord], store: ChunkSource) -> bool:
        now = store.get_chunks([c.chunk_id for c in cited], _EVERYTHING)
        return any(c.chunk_id not in now or now[c.chunk_id].content_hash != c.content_hash for c in cited)

    def _mark_outdated(self, key: str) -> None:
        with closing(connect(self.path)) as conn, conn:
            conn.execute("UPDATE verified_answer SET outdated_on = ? WHERE question_key = ? AND outdated_on IS NULL",
                         (self.today(), key))

    def refresh(self, store: ChunkSource) -> int:
        """Check every current verification against the store; returns how many became outdated."""
        with closing(connect(self.path)) as conn:
            rows = conn.execute("SELECT question_key, cited FROM verified_answer WHERE outdated_on IS NULL").fetchall()
        changed = 0
        for row in rows:
            if self._changed([CitedRecord(**c) for c in json.loads(row["cited"])], store):
                self._mark_outdated(row["question_key"])
                changed += 1
        return changed

    # -- review --------------------------------------------------------------------------------------------
    def review_queue(self, limit: int = 20, min_asked: int = 1) -> list[ReviewItem]:
        """Outdated verifications (oldest check first), then the most asked questions without a verification."""
        with closing(connect(self.path)) as conn:
            outdated = conn.execute(
                "SELECT v.*, coalesce(a.asked, 0) AS asked, a.last_asked FROM verified_answer v "
                "LEFT JOIN asked_question a USING (question_key) WHERE v.outdated_on IS NOT NULL "
                "ORDER BY v.outdated_on, v.verified_on LIMIT ?", (limit,)).fetchall()
            frequent = conn.execute(
                "SELECT a.* FROM asked_question a WHERE a.asked >= ? AND NOT EXISTS "
                "(SELECT 1 FROM verified_answer v WHERE v.question_key = a.question_key) "
                "ORDER BY a.asked DESC, a.last_asked DESC LIMIT ?", (min_asked, limit)).fetchall()
        items = [ReviewItem("outdated", r["question"], r["asked"], r["last_asked"], r["verified_on"],
                            r["staff_user"], r["outdated_on"]) for r in outdated]
        items += [ReviewItem("unverified", r["question"], r["asked"], r["last_asked"]) for r in frequent]
        return items[:limit]


def _cited_records(answer: Answer, store: ChunkSource | None) -> list[CitedRecord]:
    seen = {h.chunk.chunk_id: h.chunk for h in answer.hits}
    missing = [c.chunk_id for c in answer.citations if c.chunk_id not in seen]
    if missing and store is not None:
        seen.update(store.get_chunks(missing, _EVERYTHING))
    records = []
    for c in answer.citations:
        chunk = seen.get(c.chunk_id)
        if chunk is None or not chunk.content_hash:
            raise VerifyError(f"citation [{c.n}] ({c.source}) is not in the index: the answer cannot be verified")
        records.append(CitedRecord(c.chunk_id, c.document_id, chunk.content_hash, chunk.public,
                                   chunk.document_type, chunk.body, chunk.date))
    return records


def _answer_to_json(answer: Answer) -> dict[str, Any]:
    data = asdict(answer)
    data.pop("hits", None)
    return data


def _citation(data: Mapping[str, Any]) -> Citation:
    known = {f.name for f in fields(Citation)}
    values = {k: v for k, v in data.items() if k in known}
    values["section_path"] = tuple(values.get("section_path") or ())
    return Citation(**values)


def _answer_from_json(data: Mapping[str, Any]) -> Answer:
    known = {f.name for f in fields(Answer)} - {"hits"}
    values = {k: v for k, v in data.items() if k in known}
    values["citations"] = tuple(_citation(c) for c in values.get("citations") or ())
    values["newer"] = tuple(_citation(c) for c in values.get("newer") or ())
    values["dropped_sentences"] = tuple(values.get("dropped_sentences") or ())
    return Answer(**values)


def _day(day: str, language: str) -> str:
    return f"{day[8:10]}.{day[5:7]}.{day[:4]}" if language == "de" and len(day) >= 10 else day


def verification_line(answer: Answer) -> str | None:
    """The note on a staff check in the answer's language (CLI), or None when there is none."""
    de = answer.language == "de"
    if answer.verified_on:
        day = _day(answer.verified_on, answer.language)
        return f"Von der Verwaltung geprüft am {day}." if de else f"Checked by staff on {day}."
    if answer.verification_outdated:
        return ("Geprüfte Antwort veraltet: eine zitierte Unterlage hat sich geändert. Die Antwort wurde neu "
                "erstellt." if de else
                "Checked answer outdated: a cited record changed. This answer was produced afresh.")
    return None


def safely(action: Callable[[], Any], what: str) -> Any:
    """Run a verified-answers step; a broken or locked database never stops an answer (logged, None)."""
    try:
        return action()
    except (sqlite3.Error, RatsinfoError, ValueError, TypeError, KeyError):
        log.warning("verified answers: %s failed", what, exc_info=True)
        return None
