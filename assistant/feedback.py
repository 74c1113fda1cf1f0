"""Staff feedback on answers: a versioned SQLite store and its export as an eval question set.

Staff mark each answer, and each of its citations, ``correct``, ``wrong`` or ``incomplete``, with a comment.
The store keeps question, answer text, language, the citations (JSON), the retrieval settings (mode, filters,
search query), the staff user and the time. ``export_questions`` writes the JSONL format of the eval set
(``eval/datasets.py``), so reviewed questions become regression cases:

* correct answer → answerable; gold = the citations marked correct (no per-citation marks: all citations
  not marked wrong).
* incomplete answer → answerable; gold = citations marked correct or incomplete (else all not marked wrong).
* wrong answer → if a citation was marked correct, answerable with that passage as gold (the right source
  was found, the answer must use it); otherwise ``answerable: false`` — the expected behaviour is to say the
  records do not answer it rather than repeat the wrong answer (staff can edit the exported line).
* a refusal marked correct → ``answerable: false``; a refusal marked wrong/incomplete has no evidence to
  check against and is skipped (counted in the summary).

Gold evidence is the cited quote (its first segment when the quote joins several sentences with " … "),
clipped to 20 words, so it stays a verbatim phrase of the source after whitespace normalisation. The latest
feedback on a question wins; ``answer_contains`` comes from the key terms staff typed, if any.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from assistant.errors import RatsinfoError
from assistant.models import Answer, SearchFilters
from assistant.settings import Settings
from assistant.sqlite_schema import SchemaError, connect, migrate, schema_version

Verdict = Literal["correct", "wrong", "incomplete"]
VERDICTS: tuple[Verdict, ...] = ("correct", "wrong", "incomplete")
KINDS = ("fact", "amount", "date", "decision", "financial", "staff", "vote", "who", "why", "list")
FILE_NAME = "feedback.sqlite3"
MAX_EVIDENCE_WORDS = 20

# Each entry moves the schema one version up; never edit a released entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        staff_user TEXT,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        language TEXT NOT NULL,
        refused INTEGER NOT NULL,
        citations TEXT NOT NULL,
        retrieval TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'wrong', 'incomplete')),
        comment TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE citation_verdict (
        feedback_id INTEGER NOT NULL REFERENCES feedback(id) ON DELETE CASCADE,
        n INTEGER NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'wrong', 'incomplete')),
        PRIMARY KEY (feedback_id, n)
    );
    CREATE INDEX feedback_created ON feedback(created_at);
    """,
    """
    ALTER TABLE feedback ADD COLUMN kind TEXT NOT NULL DEFAULT 'fact';
    ALTER TABLE feedback ADD COLUMN answer_contains TEXT NOT NULL DEFAULT '[]';
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class FeedbackError(RatsinfoError):
    """Feedback cannot be stored or read (bad verdict, newer schema than this code knows)."""


@dataclass(frozen=True)
class FeedbackEntry:
    id: int
    created_at: str
    staff_user: str | None
    question: str
    answer: str
    language: str
    refused: bool
    citations: tuple[dict[str, Any], ...]
    retrieval: dict[str, Any]
    verdict: Verdict
    comment: str
    kind: str = "fact"
    answer_contains: tuple[str, ...] = ()
    citation_verdicts: dict[int, Verdict] = field(default_factory=dict)


@dataclass(frozen=True)
class FeedbackFilter:
    verdict: Verdict | None = None
    staff_user: str | None = None
    language: str | None = None
    date_from: str | None = None  # yyyy-mm-dd, inclusive
    date_to: str | None = None
    text: str | None = None  # substring of the question (case-insensitive)


@dataclass(frozen=True)
class ExportSummary:
    written: int
    skipped: int


def retrieval_settings(filters: SearchFilters, mode: str | None,
                       answer: Answer | None = None) -> dict[str, Any]:
    """What to store about how an answer was retrieved."""
    data: dict[str, Any] = {"mode": mode, "filters": asdict(filters)}
    if answer is not None:
        data["search_query"] = answer.search_query
        data["generator"] = answer.generator
    return data


class FeedbackStore:
    """Feedback in one SQLite file; each call opens its own connection (safe across streamlit threads)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    @staticmethod
    def path_for(settings: Settings) -> Path:
        """RATSINFO_FEEDBACK_DB, else <data_dir>/feedback.sqlite3."""
        configured = settings.feedback_db
        if configured is not None and str(configured) not in ("", "."):
            return Path(configured)
        return settings.data_dir / FILE_NAME

    @classmethod
    def from_settings(cls, settings: Settings) -> FeedbackStore:
        return cls(cls.path_for(settings))

    def _connect(self) -> sqlite3.Connection:
        return connect(self.path)

    @property
    def schema_version(self) -> int:
        return schema_version(self.path)

    def _migrate(self) -> None:
        try:
            migrate(self.path, MIGRATIONS[:SCHEMA_VERSION])
        except SchemaError as exc:
            raise FeedbackError(str(exc)) from None

    def record(self, answer: Answer, verdict: Verdict, *,
               citation_verdicts: Mapping[int, Verdict] | None = None, comment: str = "",
               staff_user: str | None = None, retrieval: Mapping[str, Any] | None = None, kind: str = "fact",
               answer_contains: Sequence[str] = ()) -> int:
        """Store a verdict on ``answer`` (and optionally on its citations by number); returns the id."""
        citation_verdicts = dict(citation_verdicts or {})
        for v in (verdict, *citation_verdicts.values()):
            if v not in VERDICTS:
                raise FeedbackError(f"unknown verdict {v!r}; expected one of {', '.join(VERDICTS)}")
        if kind not in KINDS:
            raise FeedbackError(f"unknown question kind {kind!r}")
        numbers = {c.n for c in answer.citations}
        unknown = set(citation_verdicts) - numbers
        if unknown:
            raise FeedbackError(f"the answer has no citation {sorted(unknown)}")
        citations = [dict(c.to_json(), passage=c.passage) for c in answer.citations]
        contains = [s.strip() for s in answer_contains if s.strip()]
        with closing(self._connect()) as conn, conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, staff_user, question, answer, language, refused, "
                "citations, retrieval, verdict, comment, kind, answer_contains) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (datetime.now(UTC).isoformat(timespec="seconds"), staff_user, answer.question, answer.text,
                 answer.language, int(answer.refused), json.dumps(citations, ensure_ascii=False),
                 json.dumps(dict(retrieval or {}), ensure_ascii=False), verdict, comment.strip(), kind,
                 json.dumps(contains, ensure_ascii=False)))
            feedback_id = int(cursor.lastrowid or 0)
            conn.executemany("INSERT INTO citation_verdict (feedback_id, n, verdict) VALUES (?, ?, ?)",
                             [(feedback_id, n, v) for n, v in sorted(citation_verdicts.items())])
        return feedback_id

    def list(self, filters: FeedbackFilter | None = None) -> list[FeedbackEntry]:
        """Feedback entries, newest first."""
        f = filters or FeedbackFilter()
        where, params = [], []
        for column, value in (("verdict", f.verdict), ("staff_user", f.staff_user), ("language", f.language)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        if f.date_from:
            where.append("substr(created_at, 1, 10) >= ?")
            params.append(f.date_from)
        if f.date_to:
            where.append("substr(created_at, 1, 10) <= ?")
            params.append(f.date_to)
        if f.text:
            where.append("instr(lower(question), lower(?)) > 0")
            params.append(f.text)
        sql = "SELECT * FROM feedback" + (" WHERE " + " AND ".join(where) if where else "")
        with closing(self._connect()) as conn:
            rows = conn.execute(sql + " ORDER BY id DESC", params).fetchall()
            marks: dict[int, dict[int, Verdict]] = {}
            for row in conn.execute("SELECT feedback_id, n, verdict FROM citation_verdict"):
                marks.setdefault(row["feedback_id"], {})[row["n"]] = row["verdict"]
        return [_entry(row, marks.get(row["id"], {})) for row in rows]

    def export_questions(self, target: Path | str | IO[str],
                         filters: FeedbackFilter | None = None) -> ExportSummary:
        """Write the reviewed questions as eval JSONL (see the module docstring for the rules)."""
        items, skipped = to_eval_items(self.list(filters))
        lines = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
        if isinstance(target, (str, Path)):
            Path(target).write_text(lines, encoding="utf-8")
        else:
            target.write(lines)
        return ExportSummary(written=len(items), skipped=skipped)


def _entry(row: sqlite3.Row, marks: dict[int, Verdict]) -> FeedbackEntry:
    return FeedbackEntry(
        id=row["id"], created_at=row["created_at"], staff_user=row["staff_user"], question=row["question"],
        answer=row["answer"], language=row["language"], refused=bool(row["refused"]),
        citations=tuple(json.loads(row["citations"])), retrieval=json.loads(row["retrieval"]),
        verdict=row["verdict"], comment=row["comment"], kind=row["kind"],
        answer_contains=tuple(json.loads(row["answer_contains"])), citation_verdicts=marks)


def evidence_phrase(quote: str) -> str:
    """A verbatim phrase of the quote: its first ' … ' segment, at most MAX_EVIDENCE_WORDS words."""
    first = quote.split(" … ")[0]
    return " ".join(first.split()[:MAX_EVIDENCE_WORDS])


def _gold(entry: FeedbackEntry, accept: Iterable[Verdict]) -> list[dict[str, str]]:
    accepted = set(accept)
    marked = [c for c in entry.citations if entry.citation_verdicts.get(c["n"]) in accepted]
    if not marked and entry.verdict != "wrong":
        marked = [c for c in entry.citations if entry.citation_verdicts.get(c["n"]) != "wrong"]
    gold = []
    for c in marked:
        evidence = evidence_phrase(c.get("quote") or "")
        if evidence:
            gold.append({"source": Path(c["source"]).name, "evidence": evidence})
    return gold


def to_eval_items(entries: Sequence[FeedbackEntry]) -> tuple[list[dict[str, Any]], int]:
    """(eval records, number of entries skipped); the newest entry per question wins."""
    latest: dict[str, FeedbackEntry] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        latest[" ".join(entry.question.lower().split())] = entry
    items, skipped = [], len(entries) - len(latest)
    for entry in sorted(latest.values(), key=lambda e: e.id):
        if entry.refused:
            if entry.verdict != "correct":
                skipped += 1
                continue
            gold: list[dict[str, str]] = []
        elif entry.verdict == "incomplete":
            gold = _gold(entry, ("correct", "incomplete"))
        else:
            gold = _gold(entry, ("correct",))
        answerable = bool(gold)
        items.append({
            "id": f"fb-{entry.id}",
            "question": entry.question,
            "lang": entry.language if entry.language in ("de", "en") else "de",
            "answerable": answerable,
            "kind": entry.kind,
            "gold": gold,
            "answer_contains": list(entry.answer_contains) if answerable else [],
            "feedback": entry.verdict,
            "comment": entry.comment,
            "regression": entry.verdict != "correct",
        })
    return items, skipped
