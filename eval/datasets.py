"""Question sets: the dev set in `eval/data/` and staff feedback exported by the UI.

Both use the JSONL format of `shared/eval/README.md`, one object per line::

    {"id": "d001", "question": "...", "lang": "en", "answerable": true, "kind": "amount",
     "gold": [{"source": "karlsruhe_file_662089.txt", "evidence": "..."}], "answer_contains": ["75"]}

Unknown fields (a feedback export adds e.g. ``feedback`` or ``comment``) are ignored; a missing ``id``
is generated from the file name and line number. Anything else that is wrong raises
:class:`QuestionSetError` naming the file and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import RatsinfoError

LANGS = frozenset({"en", "de"})
KINDS = frozenset({"fact", "amount", "date", "decision", "financial", "staff", "vote", "who", "why", "list"})


class QuestionSetError(RatsinfoError):
    """A question file cannot be read; the message names file, line and problem."""


@dataclass(frozen=True)
class GoldEvidence:
    """One acceptable piece of evidence: a verbatim phrase of the file ``source`` (a file name)."""

    source: str
    evidence: str


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    lang: str
    answerable: bool
    kind: str
    gold: tuple[GoldEvidence, ...] = ()
    answer_contains: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "lang": self.lang,
            "answerable": self.answerable,
            "kind": self.kind,
            "gold": [{"source": g.source, "evidence": g.evidence} for g in self.gold],
            "answer_contains": list(self.answer_contains),
        }


def load_questions(path: Path | str) -> list[QAItem]:
    """Read and validate a JSONL question set (dev set or staff feedback export)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QuestionSetError(f"{path}: cannot read question set ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise QuestionSetError(f"{path}: not UTF-8 text") from exc

    items: list[QAItem] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionSetError(f"{where}: invalid JSON ({exc.msg})") from exc
        item = _parse_record(record, where, default_id=f"{path.stem}-{lineno}")
        if item.id in seen:
            raise QuestionSetError(f"{where}: duplicate id {item.id!r} (first on line {seen[item.id]})")
        seen[item.id] = lineno
        items.append(item)
    if not items:
        raise QuestionSetError(f"{path}: no questions in file")
    return items


def select(items: list[QAItem], ids: tuple[str, ...] = (), limit: int | None = None) -> list[QAItem]:
    """The subset with the given ids (in file order), then the first ``limit`` of it."""
    if ids:
        known = {item.id for item in items}
        missing = [i for i in ids if i not in known]
        if missing:
            raise QuestionSetError(f"unknown question ids: {', '.join(missing)}")
        wanted = set(ids)
        items = [item for item in items if item.id in wanted]
    return items[:limit] if limit is not None else items


def _parse_record(record: Any, where: str, default_id: str) -> QAItem:
    if not isinstance(record, dict):
        raise QuestionSetError(f"{where}: expected a JSON object, got {type(record).__name__}")

    def field(name: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if name not in record:
            if default is ...:
                raise QuestionSetError(f"{where}: missing field {name!r}")
            return default
        value = record[name]
        if not isinstance(value, kind):
            raise QuestionSetError(f"{where}: field {name!r} has type {type(value).__name__}")
        return value

    qid = str(field("id", (str, int), default_id))
    question = field("question", str).strip()
    if not question:
        raise QuestionSetError(f"{where}: empty question")
    lang = field("lang", str)
    if lang not in LANGS:
        raise QuestionSetError(f"{where}: lang {lang!r} is not one of {sorted(LANGS)}")
    answerable = field("answerable", bool)
    kind = field("kind", str, "fact")
    if kind not in KINDS:
        raise QuestionSetError(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")

    gold = []
    for n, entry in enumerate(field("gold", list, []), start=1):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("source"), str)
            or not isinstance(entry.get("evidence"), str)
        ):
            raise QuestionSetError(f"{where}: gold entry {n} needs string fields 'source' and 'evidence'")
        if not entry["evidence"].strip():
            raise QuestionSetError(f"{where}: gold entry {n} has empty evidence")
        gold.append(GoldEvidence(source=Path(entry["source"]).name, evidence=entry["evidence"]))
    contains = field("answer_contains", list, [])
    if not all(isinstance(c, str) and c.strip() for c in contains):
        raise QuestionSetError(f"{where}: answer_contains must be a list of non-empty strings")

    if answerable and not gold:
        raise QuestionSetError(f"{where}: answerable question {qid!r} has no gold evidence")
    if not answerable and (gold or contains):
        raise QuestionSetError(
            f"{where}: unanswerable question {qid!r} must have empty gold and answer_contains"
        )
    return QAItem(
        id=qid,
        question=question,
        lang=lang,
        answerable=answerable,
        kind=kind,
        gold=tuple(gold),
        answer_contains=tuple(contains),
    )
