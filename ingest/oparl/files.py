"""OParl files of one sync run: ``File.text`` when the server provides it, otherwise a download.

Downloads of one object's files start together (bounded by the client's concurrency) while its document is
being indexed. Files whose checksum (or, without one, modified date) is unchanged are skipped; too large or
unparsable files are recorded as skipped until they change; network failures are recorded as failed and
retried on the next run (``retry``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from assistant.errors import ParseError
from assistant.models import SourceDocument
from ingest.oparl.client import Download, FetchError, OParlClient
from ingest.oparl.documents import Inherited, file_checksum, file_document, file_name_for
from ingest.oparl.state import SyncState
from ingest.parsers import ParseContext

if TYPE_CHECKING:
    from ingest.oparl.sync import SyncReport

log = logging.getLogger(__name__)

Downloads = dict[str, Future[Download | FetchError]]


class FileSync:
    """Turns OParl File objects into SourceDocuments and records each file's outcome in the sync state."""

    def __init__(self, client: OParlClient, state: SyncState, report: SyncReport, ctx: ParseContext) -> None:
        self.client = client
        self.state = state
        self.report = report
        self.ctx = ctx
        self.tried: set[str] = set()
        self._pool = ThreadPoolExecutor(max_workers=client.config.concurrency, thread_name_prefix="oparl")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def unchanged(self, file: dict[str, Any], parent_id: str) -> bool:
        known = self.state.file(str(file["id"]))
        if not known or known.status == "failed" or known.parent_id != parent_id:
            return False
        checksum, modified = file_checksum(file), str(file.get("modified") or "")
        return bool(checksum and known.checksum == checksum) or bool(
            not checksum and modified and known.modified == modified
        )

    def prefetch(self, files: list[dict[str, Any]], parent_id: str) -> Downloads:
        """Start downloading the files of one object in parallel (bounded by the client's concurrency)."""
        wanted = {str(f["id"]): f for f in files if f.get("id") and not str(f.get("text") or "").strip()}
        futures = {}
        for file_id, file in wanted.items():
            if self.unchanged(file, parent_id):
                continue
            url = file.get("accessUrl") or file.get("downloadUrl")
            if url:
                futures[file_id] = self._pool.submit(self._download, str(url), file)
        return futures

    def _download(self, url: str, file: dict[str, Any]) -> Download | FetchError:
        try:
            return self.client.download(url)
        except FetchError as exc:
            fallback = file.get("downloadUrl")
            if exc.status is not None and exc.status < 500 and fallback and fallback != url:
                try:
                    return self.client.download(str(fallback))
                except FetchError as second:
                    return second
            return exc

    def _content(self, file: dict[str, Any], downloads: Downloads) -> tuple[bytes, str]:
        """(bytes, file name) from ``File.text`` or the finished download; FetchError when there is none."""
        file_id = str(file["id"])
        if str(file.get("text") or "").strip():
            self.report.files_from_text += 1
            return str(file["text"]).encode("utf-8"), file_name_for(file, "text/plain")
        if file_id not in downloads:
            raise FetchError(file_id, "no accessUrl or downloadUrl")
        got = downloads[file_id].result()
        if isinstance(got, FetchError):
            raise got
        self.report.files_downloaded += 1
        return got.data, file_name_for(file, got.content_type)

    def documents(
        self, file: dict[str, Any], parent: Inherited, doc_type: str | None, downloads: Downloads
    ) -> Iterator[SourceDocument]:
        """The file's document (none when unchanged or failed); recorded as done once the caller resumes."""
        file_id = str(file["id"])
        self.tried.add(file_id)
        if self.unchanged(file, parent.parent_id):
            self.report.files_unchanged += 1
            return
        saved = json.dumps({"file": file, "parent": asdict(parent), "doc_type": doc_type}, ensure_ascii=False)
        checksum, modified = file_checksum(file), str(file.get("modified") or "")
        try:
            data, name = self._content(file, downloads)
            document = file_document(file, data, name, parent, doc_type, self.ctx)
        except FetchError as exc:
            permanent = "too large" in exc.reason
            self._problem(file_id, parent, modified, checksum, saved, exc.reason, permanent)
            return
        except ParseError as exc:
            self._problem(file_id, parent, modified, checksum, saved, exc.reason, permanent=True)
            return
        yield document
        self.state.save_file(file_id, parent.parent_id, modified, checksum, "ok", "", document.document_id, saved)

    def _problem(
        self,
        file_id: str,
        parent: Inherited,
        modified: str,
        checksum: str,
        saved: str,
        reason: str,
        permanent: bool,
    ) -> None:
        """Too large / unparsable files are skipped until they change; network failures are retried."""
        log.warning("file %s: %s", file_id, reason)
        (self.report.skipped_files if permanent else self.report.errors).append((file_id, reason))
        self.state.save_file(
            file_id,
            parent.parent_id,
            modified,
            checksum,
            "skipped" if permanent else "failed",
            reason,
            None,
            saved,
        )

    def retry(self) -> Iterator[SourceDocument]:
        """Files that failed in an earlier run and were not tried again in this one."""
        for file_id, _parent_id, saved in self.state.retry_files():
            if file_id in self.tried:
                continue
            record = json.loads(saved)
            parent = Inherited(**record["parent"])
            downloads = self.prefetch([record["file"]], parent.parent_id)
            yield from self.documents(record["file"], parent, record["doc_type"], downloads)
