"""Folder ingest of exported OParl objects: read every Paper/Meeting JSON first, then join the file texts.

A text (or PDF) named ``<prefix>_file_<id>.<suffix>`` (e.g. ``karlsruhe_file_659811.txt``) belongs to the
File whose id ends in ``/<id>``; the Paper or Meeting that lists that File gets its text as a part, and the
file itself is not indexed on its own. When several exports share a folder, the prefix of the JSON name
(``karlsruhe_paper_50440.json``) picks the text with the same prefix. Meetings in the folder give the
papers' Beratungsfolge its committee, date, agenda item number and result. Ingest order does not matter:
everything is planned before anything is indexed.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import ParseError
from assistant.models import SourceDocument
from ingest.oparl.mapping import (
    Context,
    FileText,
    MeetingInfo,
    committee_of,
    meeting_files,
    meeting_info,
    paper_files,
)
from ingest.oparl.reading import clean, kind_of
from ingest.parsers import ParseContext, check_document, parse_file
from ingest.parsers.base import check_size
from ingest.parsers.oparl import RECORD_KINDS, read_object, record_of

log = logging.getLogger(__name__)

_TEXT_NAME = re.compile(r"^(?:(?P<prefix>.+?)_)?file_(?P<id>[\w-]+)$", re.IGNORECASE)
_RECORD_NAME = re.compile(r"^(?P<prefix>.+?)_(?:paper|meeting)_", re.IGNORECASE)


def file_key(file_id: str) -> str:
    """The last segment of a File id ('.../files/659811' -> '659811')."""
    return file_id.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]


@dataclass
class OParlFolder:
    """The plan of one ingest run: records of the OParl JSON files and the file texts they claim."""

    records: dict[Path, SourceDocument | ParseError] = field(default_factory=dict)
    claimed: dict[Path, Path] = field(default_factory=dict)  # file text -> JSON of the record holding it

    def record(self, path: Path) -> SourceDocument | None:
        """The planned record of ``path`` (None when it is not an OParl JSON of this run); raises its error."""
        got = self.records.get(path)
        if isinstance(got, ParseError):
            raise got
        return got

    def claimed_by(self, path: Path) -> Path | None:
        return self.claimed.get(path)


def _texts_by_key(files: Sequence[Path]) -> dict[str, list[tuple[str | None, Path]]]:
    out: dict[str, list[tuple[str | None, Path]]] = {}
    for path in files:
        m = _TEXT_NAME.match(path.stem)
        if m and path.suffix.lower() != ".json":
            out.setdefault(m.group("id").lstrip("0") or "0", []).append((m.group("prefix"), path))
    return out


def _pick(candidates: list[tuple[str | None, Path]], prefix: str | None) -> Path | None:
    same = [p for pre, p in candidates if prefix and pre and pre.lower() == prefix.lower()]
    if same:
        return same[0]
    return candidates[0][1] if len(candidates) == 1 else None


def _file_ids(obj: dict[str, Any], kind: str) -> list[str]:
    files = [f for f, _ in paper_files(obj)] if kind == "Paper" else [f for f, _, _ in meeting_files(obj)]
    return [str(clean(f.get("id"))) for f in files]


def _read_text(path: Path, ctx: ParseContext) -> FileText:
    try:
        return FileText(path.name, parse_file(path, ctx).pages)
    except ParseError as exc:  # e.g. a scanned sheet extracted as "\n\n": no text, still the paper's file
        log.info("file text %s: %s", path, exc.reason)
        return FileText(path.name, ())


def _organization_names(meetings: list[dict[str, Any]], context: Context) -> dict[str, str]:
    """Committee names of organization ids, from the names of the folder's meetings of one organization
    (an export has no Organization objects; 'Gemeinderat (öffentlich/nicht öffentlich)' -> 'Gemeinderat')."""
    seen: dict[str, Counter[str]] = {}
    for meeting in meetings:
        organization = meeting.get("organization")
        orgs = [o for o in organization if isinstance(o, str)] if isinstance(organization, list) else []
        try:
            committee = committee_of(meeting, context)[0]
        except Exception:  # noqa: BLE001 - a malformed meeting names no committee; its record reports it
            continue
        if len(orgs) == 1 and committee:
            seen.setdefault(orgs[0], Counter())[committee] += 1
    return {org: names.most_common(1)[0][0] for org, names in seen.items()}


def plan_folder(files: Sequence[Path], ctx: ParseContext) -> OParlFolder:
    """Read all OParl JSON files of ``files``, then build their records with the file texts they claim."""
    plan = OParlFolder()
    objects: dict[Path, tuple[dict[str, Any], str | None]] = {}
    for path in files:
        if path.suffix.lower() != ".json":
            continue
        source_path = str(path.resolve())
        try:
            data = path.read_bytes()
            check_size(data, source_path, ctx)
            obj = read_object(data, source_path)
        except ParseError as exc:
            plan.records[path] = exc
            continue
        except OSError as exc:
            plan.records[path] = ParseError(source_path, f"cannot read file ({exc.strerror})")
            continue
        objects[path] = (obj, kind_of(obj))

    base = Context(default_public=ctx.default_public)
    organizations = _organization_names([obj for obj, kind in objects.values() if kind == "Meeting"], base)
    base = Context(default_public=ctx.default_public, organization=organizations.get)
    meetings: dict[str, MeetingInfo] = {}
    for path, (obj, kind) in objects.items():
        if kind == "Meeting" and clean(obj.get("id")):
            try:
                meetings[str(clean(obj.get("id")))] = meeting_info(obj, base)
            except Exception:  # noqa: BLE001 - a bad meeting is reported when its own record is built
                log.debug("meeting %s not usable for its papers' Beratungsfolge", path, exc_info=True)
    context = Context(default_public=ctx.default_public, organization=organizations.get, meeting=meetings.get)

    texts = _texts_by_key(files)
    for path, (obj, kind) in objects.items():
        claimed: dict[str, FileText] = {}
        text_paths: list[Path] = []
        if kind in RECORD_KINDS:
            m = _RECORD_NAME.match(path.stem)
            for file_id in _file_ids(obj, str(kind)):
                text_path = _pick(texts.get(file_key(file_id).lstrip("0") or "0", []), m and m.group("prefix"))
                if text_path is not None:
                    text_paths.append(text_path)
                    claimed[file_id] = _read_text(text_path, ctx)
        source_path = str(path.resolve())
        try:
            # the same boundary as every parsed file: control characters out, text that is not text rejected
            plan.records[path] = check_document(record_of(obj, name=path.name, source_path=source_path,
                                                          context=context, texts=claimed), source_path)
            plan.claimed.update(dict.fromkeys(text_paths, path))
        except ParseError as exc:
            plan.records[path] = exc
        except (RecursionError, MemoryError) as exc:
            plan.records[path] = ParseError(source_path, f"too deeply nested or too large ({type(exc).__name__})")
        except Exception as exc:  # noqa: BLE001 - one bad object never stops the rest: one line, not a traceback
            log.debug("unexpected error mapping %s", path, exc_info=True)
            detail = " ".join(str(exc).split())[:200]
            plan.records[path] = ParseError(source_path, f"unreadable ({type(exc).__name__}: {detail})")
    return plan
