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
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tqdm import tqdm

from assistant.errors import ParseError
from assistant.models import IngestReport, SourceDocument
from assistant.service import Assistant
from ingest.oparl.client import ClientConfig, FetchError, OParlClient
from ingest.oparl.documents import (
    Lookups,
    meeting_document,
    meeting_files,
    paper_document,
    paper_files,
    type_name,
)
from ingest.oparl.files import FileSync
from ingest.oparl.state import SyncState
from ingest.parsers import ParseContext
from ingest.parsers.base import document_id_for

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
        assistant: Assistant,
        client: OParlClient,
        state: SyncState,
        *,
        public_api: bool = False,
        progress: bool = False,
        full: bool = False,
    ) -> None:
        self.assistant = assistant
        self.client = client
        self.state = state
        self.public_api = public_api
        self.progress = progress
        self.full = full
        self.ctx: ParseContext = assistant.indexer.parse_context
        self.report = SyncReport()
        self.files = FileSync(client, state, self.report, self.ctx)

    def run(self, url: str) -> SyncReport:
        started = time.perf_counter()
        try:
            root = self.client.get_json(url)
            kind = type_name(root)
            if kind == "System":
                bodies = [
                    b
                    for page in self.client.iter_pages(str(root["body"]))
                    for b in page["data"]
                    if isinstance(b, dict)
                ]
            elif kind == "Body":
                bodies = [root]
            else:
                raise FetchError(url, f"expected an OParl System or Body, got '{kind or 'no type'}'")
            self.report.ingest = self.assistant.indexer.ingest_documents(self._bodies(bodies))
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

    def _body(self, body: dict[str, Any]) -> Iterator[SourceDocument]:
        body_id, name = str(body["id"]), str(body.get("name") or body.get("shortName") or body["id"])
        started = datetime.now(UTC)
        since = None if self.full else self.state.watermark(body_id)
        params = {"modified_since": since} if since else None
        lookups = Lookups(
            name,
            self.state.organization_name,
            self.state.meeting,
            self.state.agenda_item_public,
            self.public_api,
        )
        complete = True
        for org in self._list(body.get("organization"), params, f"{name}: organizations"):
            if org is None:
                complete = False
            elif org.get("id") and not org.get("deleted"):
                self.state.save_organization(
                    str(org["id"]), str(org.get("name") or org.get("shortName") or "")
                )
        for kind in ("meeting", "paper"):
            for obj in self._list(body.get(kind), params, f"{name}: {kind}s"):
                if obj is None:
                    complete = False
                else:
                    yield from self._object(obj, kind, body_id, lookups)
        yield from self._retry(body_id, lookups)
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
        if not url:
            return
        bar = tqdm(desc=label, unit="obj", disable=not self.progress, leave=True)
        try:
            for page in self.client.iter_pages(str(url), params):
                total = (page.get("pagination") or {}).get("totalElements")
                if isinstance(total, int) and bar.total != total:
                    bar.total = total
                for obj in page["data"]:
                    bar.update(1)
                    bar.set_postfix(
                        new=self.report.added,
                        upd=self.report.updated,
                        same=self.report.unchanged,
                        deleted=self.report.deleted,
                        files=self.report.files,
                        errors=len(self.report.errors),
                        refresh=False,
                    )
                    if isinstance(obj, dict):
                        yield obj
        except FetchError as exc:
            log.warning("list %s stopped: %s", label, exc)
            self.report.errors.append((exc.url, exc.reason))
            yield None
        finally:
            bar.close()

    # -- one object ------------------------------------------------------------------------------
    def _object(
        self, obj: dict[str, Any], kind: str, body_id: str, lookups: Lookups
    ) -> Iterator[SourceDocument]:
        object_id = str(obj.get("id") or "")
        if not object_id:
            self.report.errors.append(("?", f"{kind} without id"))
            return
        self.report.objects += 1
        try:
            if obj.get("deleted"):
                self._delete(object_id)
                return
            known = self.state.object(object_id)
            modified = str(obj.get("modified") or "")
            if known and modified and known.modified == modified:
                self.report.unchanged += 1
                return
            files: list[tuple[dict[str, Any], str | None, bool]]
            if kind == "meeting":
                items = [i for i in obj.get("agendaItem") or [] if isinstance(i, dict) and i.get("id")]
                self.state.save_meeting(
                    object_id,
                    str(obj.get("name") or ""),
                    str(obj.get("start") or "")[:10],
                    [str(o) for o in obj.get("organization") or []],
                    [
                        (str(i["id"]), i.get("public") if isinstance(i.get("public"), bool) else None)
                        for i in items
                    ],
                )
                document, inherited = meeting_document(obj, lookups, self.ctx)
                files = meeting_files(obj, self.public_api)
            else:
                document, inherited = paper_document(obj, lookups)
                files = [
                    (f, (inherited.document_type if main else "Anlage"), False)
                    for f, main in paper_files(obj)
                ]
            yield document  # resumed => the document is in the store
            downloads = self.files.prefetch([f for f, _, _ in files], inherited.parent_id)
            file_ids = []
            for file, doc_type, restricted in files:
                if file.get("id"):
                    file_ids.append(str(file["id"]))
                    parent = replace(inherited, public=False) if restricted else inherited
                    yield from self.files.documents(file, parent, doc_type, downloads)
            for gone in set(known.file_ids if known else ()) - set(file_ids):
                self._remove_document(document_id_for(gone))
                self.state.forget_file(gone)
                self.report.files_removed += 1
            self.state.save_object(object_id, body_id, kind, modified, document.document_id, file_ids)
            if known:
                self.report.updated += 1
            else:
                self.report.added += 1
        except (FetchError, ParseError) as exc:
            self._fail(object_id, body_id, kind, exc.reason)
        except Exception as exc:  # noqa: BLE001 - one bad object never stops the sync
            log.exception("unexpected error in %s", object_id)
            self._fail(object_id, body_id, kind, f"unexpected error: {exc.__class__.__name__}: {exc}")

    def _fail(self, object_id: str, body_id: str, kind: str, reason: str) -> None:
        log.warning("%s: %s", object_id, reason)
        self.report.errors.append((object_id, reason))
        self.state.mark_failed(object_id, body_id, kind, reason)

    def _delete(self, object_id: str) -> None:
        known = self.state.object(object_id)
        self._remove_document(
            known.document_id if known and known.document_id else document_id_for(object_id)
        )
        for file_id in known.file_ids if known else ():
            self._remove_document(document_id_for(file_id))
            self.state.forget_file(file_id)
        self.state.forget_object(object_id)
        self.report.deleted += 1

    def _remove_document(self, document_id: str) -> None:
        store = self.assistant.store
        removed = store.delete(store.document_chunks(document_id))
        if removed:
            store.bump_generation()
            self.report.chunks_removed += removed

    # -- retries of earlier failures ---------------------------------------------------------------
    def _retry(self, body_id: str, lookups: Lookups) -> Iterator[SourceDocument]:
        for object_id, kind in self.state.failed_objects(body_id):
            try:
                obj = self.client.get_json(object_id)
            except FetchError as exc:
                self.report.errors.append((object_id, exc.reason))
                continue
            yield from self._object(obj, kind, body_id, lookups)
        yield from self.files.retry()


def open_state(assistant: Assistant) -> SyncState:
    settings = assistant.settings
    return SyncState(settings.data_dir / "oparl" / f"{settings.collection}.sqlite")


def sync(url: str, assistant: Assistant, *, progress: bool = False, full: bool = False) -> SyncReport:
    """One sync run of ``url`` (System or Body) into the assistant's index, configured by its settings."""
    settings = assistant.settings
    with open_state(assistant) as state:
        client = OParlClient(ClientConfig.from_settings(settings))
        return OParlSync(
            assistant, client, state, public_api=settings.oparl_public_api, progress=progress, full=full
        ).run(url)
