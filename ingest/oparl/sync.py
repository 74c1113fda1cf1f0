"""OParl sync: System/Body -> organizations, meetings (agenda items), papers, files -> the index.

The walk is a generator of SourceDocuments handed to ``Indexer.ingest_documents``: when the generator is
resumed, the document it yielded is in the store, and only then is the object recorded in the sync state.
The lexical index is rebuilt once at the end (or by the next process that sees a newer store generation).
Later runs ask each list only for what changed (``modified_since``), skip objects and files whose modified
date/checksum is unchanged, and remove the chunks of objects flagged ``deleted``. Files (text or download,
unchanged checks, retries) are handled by ``ingest.oparl.files``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from assistant.errors import ParseError
from assistant.models import IngestReport, SourceDocument
from assistant.settings import Settings
from ingest.oparl.client import ClientConfig, FetchError, OParlClient
from ingest.oparl.files import FileSync
from ingest.oparl.mapping import (
    Context,
    FileText,
    MeetingInfo,
    committee_of,
    meeting_files,
    meeting_info,
    meeting_record,
    paper_files,
    paper_record,
)
from ingest.oparl.reading import clean, kind_of, name_of
from ingest.oparl.state import SyncState
from ingest.parsers import ParseContext
from ingest.parsers.base import document_id_for

if TYPE_CHECKING:
    from ingest.indexer import Indexer

log = logging.getLogger(__name__)

# the next run asks for changes since the start of this one minus this margin (clock skew, slow commits)
WATERMARK_OVERLAP = timedelta(minutes=10)


@dataclass
class SyncReport:
    bodies: int = 0
    objects: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    retried: int = 0  # records read again because they or one of their files failed in an earlier run
    files_downloaded: int = 0
    files_from_text: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    chunks_removed: int = 0
    requests: int = 0
    seconds: float = 0.0
    complete: bool = True
    errors: list[tuple[str, str]] = field(default_factory=list)  # (object or file id, reason)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)
    ingest: IngestReport | None = None

    @property
    def objects_per_second(self) -> float:
        return self.objects / self.seconds if self.seconds else 0.0

    @property
    def files(self) -> int:
        return self.files_downloaded + self.files_from_text

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k not in ("ingest", "errors", "skipped_files")}
        out["errors"] = [{"id": i, "reason": r} for i, r in self.errors]
        out["skipped_files"] = [{"id": i, "reason": r} for i, r in self.skipped_files]
        out["objects_per_second"] = round(self.objects_per_second, 2)
        out["files_per_second"] = round(self.files / self.seconds, 2) if self.seconds else 0.0
        out["seconds"] = round(self.seconds, 3)
        out["ingest"] = self.ingest.to_json() if self.ingest else None
        return out


class OParlSync:
    """Keeps one index in step with an OParl endpoint (a System or a single Body URL)."""

    def __init__(
        self,
        indexer: Indexer,
        client: OParlClient,
        state: SyncState,
        *,
        default_public: bool = True,
        progress: bool = False,
        full: bool = False,
    ) -> None:
        self.indexer = indexer
        self.client = client
        self.state = state
        self.default_public = default_public
        self.progress = progress
        self.full = full
        self.ctx: ParseContext = indexer.parse_context
        self.report = SyncReport()
        self.files = FileSync(client, state, self.report, self.ctx)
        self.meetings: dict[str, MeetingInfo] = {}  # meetings of this run, for the papers' Beratungsfolge
        self.done: set[str] = set()

    def run(self, url: str) -> SyncReport:
        started = time.perf_counter()
        try:
            root = self.client.get_json(url)
            kind = kind_of(root)
            if kind == "System":
                bodies = [b for page in self.client.iter_pages(str(root["body"])) for b in page["data"]
                          if isinstance(b, dict)]
            elif kind == "Body":
                bodies = [root]
            else:
                raise FetchError(url, f"expected an OParl System or Body, got '{kind or 'no type'}'")
            self.report.ingest = self.indexer.ingest_documents(self._bodies(bodies))
        finally:
            self.files.shutdown()
            self.report.requests = self.client.requests
            self.report.seconds = time.perf_counter() - started
        return self.report

    # -- walk ------------------------------------------------------------------------------------
    def _bodies(self, bodies: list[dict[str, Any]]) -> Iterator[SourceDocument]:
        for body in bodies:
            self.report.bodies += 1
            yield from self._body(body)

    def _context(self, body_name: str) -> Context:
        return Context(default_public=self.default_public, body_name=body_name,
                       organization=self.state.organization_name, meeting=self._meeting)

    def _meeting(self, meeting_id: str) -> MeetingInfo | None:
        if meeting_id in self.meetings:
            return self.meetings[meeting_id]
        known = self.state.meeting(meeting_id)  # synced in an earlier run: name and date only
        if not known:
            return None
        return MeetingInfo(committee_of({"name": known[0]}, Context())[0], known[1] or None)

    def _body(self, body: dict[str, Any]) -> Iterator[SourceDocument]:
        body_id = str(body["id"])
        name = name_of(body) or body_id
        started = datetime.now(UTC)
        since = None if self.full else self.state.watermark(body_id)
        params = {"modified_since": since} if since else None
        context = self._context(name)
        complete = True
        for org in self._list(body.get("organization"), params, f"{name}: organizations"):
            if org is None:
                complete = False
            elif org.get("id") and not org.get("deleted"):
                self.state.save_organization(str(org["id"]), name_of(org) or "")
        for kind in ("meeting", "paper"):
            for obj in self._list(body.get(kind), params, f"{name}: {kind}s"):
                if obj is None:
                    complete = False
                else:
                    yield from self._object(obj, kind, body_id, context)
        yield from self._retry(body_id, context)
        if complete:
            self.state.complete_body(
                body_id,
                name,
                (started - WATERMARK_OVERLAP).isoformat(timespec="seconds"),
                started.isoformat(timespec="seconds"),
            )
        else:
            self.report.complete = False

    def _list(self, url: Any, params: dict[str, str] | None, label: str) -> Iterator[dict[str, Any] | None]:
        """Objects of a list; yields None once if the list could not be read to the end."""
        if not clean(url):
            return
        bar = tqdm(desc=label, unit="obj", disable=not self.progress, leave=True)
        try:
            for page in self.client.iter_pages(str(url), params):
                total = (page.get("pagination") or {}).get("totalElements")
                if isinstance(total, int) and bar.total != total:
                    bar.total = total
                for obj in page["data"]:
                    bar.update(1)
                    bar.set_postfix(new=self.report.added, upd=self.report.updated, same=self.report.unchanged,
                                    deleted=self.report.deleted, files=self.report.files,
                                    errors=len(self.report.errors), refresh=False)
                    if isinstance(obj, dict):
                        yield obj
        except FetchError as exc:
            log.warning("list %s stopped: %s", label, exc)
            self.report.errors.append((exc.url, exc.reason))
            yield None
        finally:
            bar.close()

    # -- one object ------------------------------------------------------------------------------
    def _object(self, obj: dict[str, Any], kind: str, body_id: str, context: Context, *,
                force: bool = False) -> Iterator[SourceDocument]:
        object_id = clean(obj.get("id")) or ""
        if not object_id:
            self.report.errors.append(("?", f"{kind} without id"))
            return
        if not force:
            self.report.objects += 1
        self.done.add(object_id)
        try:
            if obj.get("deleted") is True:  # deleted objects often carry nothing but id and deleted
                self._delete(object_id)
                return
            kind = {"Paper": "paper", "Meeting": "meeting"}.get(str(kind_of(obj)), kind)
            known = self.state.object(object_id)
            modified = str(obj.get("modified") or "")
            if kind == "meeting":
                self._remember_meeting(obj, object_id, context)
            if known and modified and known.modified == modified and not force:
                self.report.unchanged += 1
                return
            files = [f for f, _ in paper_files(obj)] if kind == "paper" else [f for f, _, _ in meeting_files(obj)]
            downloads = self.files.prefetch(files, object_id)
            texts: dict[str, FileText] = {}
            for file in files:
                text = self.files.text(file, object_id, downloads)
                if text is not None:
                    texts[str(file["id"])] = text
            make = paper_record if kind == "paper" else meeting_record
            document = make(obj, source=object_id, source_path=object_id, document_id=document_id_for(object_id),
                            context=context, texts=texts)
            yield document  # resumed => the record is in the store
            file_ids = [str(f["id"]) for f in files]
            for file in files:
                self.files.done(file, object_id, texts.get(str(file["id"])), document.document_id)
            for gone in set(known.file_ids if known else ()) - set(file_ids):
                self.state.forget_file(gone)
                self.report.files_removed += 1
            self.state.save_object(object_id, body_id, kind, modified, document.document_id, file_ids)
            if force:
                self.report.retried += 1
            elif known:
                self.report.updated += 1
            else:
                self.report.added += 1
        except (FetchError, ParseError) as exc:
            self._fail(object_id, body_id, kind, exc.reason)
        except Exception as exc:  # noqa: BLE001 - one bad object never stops the sync
            log.exception("unexpected error in %s", object_id)
            self._fail(object_id, body_id, kind, f"unexpected error: {exc.__class__.__name__}: {exc}")

    def _remember_meeting(self, meeting: dict[str, Any], object_id: str, context: Context) -> None:
        info = meeting_info(meeting, context)
        self.meetings[object_id] = info
        items = [i for i in meeting.get("agendaItem") or [] if isinstance(i, dict) and clean(i.get("id"))]
        self.state.save_meeting(
            object_id, name_of(meeting) or "", info.date or "",
            [str(o) for o in meeting.get("organization") or [] if isinstance(o, str)],
            [(str(i["id"]), i.get("public") if isinstance(i.get("public"), bool) else None) for i in items],
        )

    def _fail(self, object_id: str, body_id: str, kind: str, reason: str) -> None:
        log.warning("%s: %s", object_id, reason)
        self.report.errors.append((object_id, reason))
        self.state.mark_failed(object_id, body_id, kind, reason)

    def _delete(self, object_id: str) -> None:
        known = self.state.object(object_id)
        ids = [known.document_id if known and known.document_id else document_id_for(object_id)]
        # files were separate documents before records held them: remove those too
        ids += [document_id_for(file_id) for file_id in (known.file_ids if known else ())]
        self.report.chunks_removed += self.indexer.remove_documents(ids)
        for file_id in known.file_ids if known else ():
            self.state.forget_file(file_id)
        self.state.forget_object(object_id)
        self.report.deleted += 1

    # -- retries of earlier failures ---------------------------------------------------------------
    def _retry(self, body_id: str, context: Context) -> Iterator[SourceDocument]:
        """Objects that failed, and records with a file that failed, in an earlier run (read again)."""
        again = [(i, k) for i, k in self.state.failed_objects(body_id)]
        again += [(i, "") for i in self.files.failed_parents()]
        for object_id, kind in again:
            if object_id in self.done:
                continue
            try:
                obj = self.client.get_json(object_id)
            except FetchError as exc:
                self.report.errors.append((object_id, exc.reason))
                continue
            yield from self._object(obj, kind or "paper", body_id, context, force=True)


def open_state(settings: Settings) -> SyncState:
    return SyncState(settings.data_dir / "oparl" / f"{settings.collection}.sqlite")


def sync(url: str, indexer: Indexer, settings: Settings, *, progress: bool = False, full: bool = False) -> SyncReport:
    """One sync run of ``url`` (System or Body) into ``indexer``'s index, configured by ``settings``."""
    with open_state(settings) as state:
        client = OParlClient(ClientConfig.from_settings(settings))
        default_public = settings.oparl_default_public or settings.oparl_public_api
        return OParlSync(indexer, client, state, default_public=default_public, progress=progress,
                         full=full).run(url)
