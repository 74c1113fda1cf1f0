"""OParl files of one sync run: their text for the record they belong to (a Paper's or Meeting's parts).

``File.text`` is used when the server provides it, otherwise the file is downloaded; downloads of one
object's files start together (bounded by the client's concurrency). The extracted pages of a file are kept
in the sync state, so a file whose checksum (or, without one, modified date) is unchanged is neither
downloaded nor parsed again when its paper changes. Too large or unparsable files are recorded as skipped
until they change; network failures are recorded as failed, and the next run fetches the record again.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from assistant.errors import ParseError
from assistant.models import Page
from ingest.oparl.client import Download, FetchError, OParlClient
from ingest.oparl.mapping import FileText
from ingest.oparl.reading import clean
from ingest.oparl.state import SyncState
from ingest.parsers import ParseContext, parse_bytes

if TYPE_CHECKING:
    from ingest.oparl.sync import SyncReport

log = logging.getLogger(__name__)

Downloads = dict[str, Future[Download | FetchError]]
_SUFFIX_BY_TYPE = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
}


def file_checksum(file: dict[str, Any]) -> str:
    return str(clean(file.get("sha512Checksum")) or clean(file.get("sha1Checksum")) or "")


def file_name_for(file: dict[str, Any], content_type: str) -> str:
    """A name whose suffix picks the parser: the server's Content-Type first, then mimeType, then fileName."""
    base = str(clean(file.get("fileName")) or clean(file.get("name")) or "file").replace("/", "_")
    for mime in (content_type, str(file.get("mimeType") or "").lower()):
        suffix = _SUFFIX_BY_TYPE.get(mime)
        if suffix:
            stem = base.rsplit(".", 1)[0] if "." in base else base
            return stem + suffix
    return base


class FileSync:
    """Reads the texts of OParl File objects and records each file's outcome in the sync state."""

    def __init__(self, client: OParlClient, state: SyncState, report: SyncReport, ctx: ParseContext) -> None:
        self.client = client
        self.state = state
        self.report = report
        self.ctx = ctx
        self._pool = ThreadPoolExecutor(max_workers=client.config.concurrency, thread_name_prefix="oparl")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _cached(self, file: dict[str, Any], parent_id: str) -> FileText | None | bool:
        """The stored text of an unchanged file (None: unchanged and without text); False: read it again."""
        known = self.state.file(str(file["id"]))
        if not known or known.status == "failed" or known.parent_id != parent_id:
            return False
        checksum, modified = file_checksum(file), str(file.get("modified") or "")
        same = bool(checksum and known.checksum == checksum) or bool(
            not checksum and modified and known.modified == modified
        )
        if not same:
            return False
        if known.status != "ok":
            return None
        saved = json.loads(self.state.file_json(str(file["id"])) or "{}")
        if "pages" not in saved:
            return False  # stored by an older version without its text
        return FileText(str(file["id"]), tuple(Page(n, t) for n, t in saved["pages"]))

    def prefetch(self, files: list[dict[str, Any]], parent_id: str) -> Downloads:
        """Start downloading the files of one object in parallel (bounded by the client's concurrency)."""
        futures = {}
        for file in files:
            file_id = str(file["id"])
            if clean(file.get("text")) or self._cached(file, parent_id) is not False:
                continue
            url = clean(file.get("accessUrl")) or clean(file.get("downloadUrl"))
            if url:
                futures[file_id] = self._pool.submit(self._download, url, file)
        return futures

    def _download(self, url: str, file: dict[str, Any]) -> Download | FetchError:
        try:
            return self.client.download(url)
        except FetchError as exc:
            fallback = clean(file.get("downloadUrl"))
            if exc.status is not None and exc.status < 500 and fallback and fallback != url:
                try:
                    return self.client.download(fallback)
                except FetchError as second:
                    return second
            return exc

    def _content(self, file: dict[str, Any], downloads: Downloads) -> tuple[bytes, str]:
        """(bytes, file name) from ``File.text`` or the finished download; FetchError when there is none."""
        file_id = str(file["id"])
        if clean(file.get("text")):
            self.report.files_from_text += 1
            return str(file["text"]).encode("utf-8"), file_name_for(file, "text/plain")
        if file_id not in downloads:
            raise FetchError(file_id, "no accessUrl or downloadUrl")
        got = downloads[file_id].result()
        if isinstance(got, FetchError):
            raise got
        self.report.files_downloaded += 1
        return got.data, file_name_for(file, got.content_type)

    def text(self, file: dict[str, Any], parent_id: str, downloads: Downloads) -> FileText | None:
        """The file's text for its parent's record, or None (no text, failed or skipped: recorded)."""
        file_id = str(file["id"])
        cached = self._cached(file, parent_id)
        if cached is not False:
            self.report.files_unchanged += 1
            return cached if isinstance(cached, FileText) else None
        try:
            data, name = self._content(file, downloads)
            return FileText(file_id, parse_bytes(data, name, file_id, self.ctx).pages)
        except FetchError as exc:  # too large or 4xx: skipped until the file changes; else retried next run
            client_error = exc.status is not None and 400 <= exc.status < 500 and exc.status != 429
            self._problem(file, parent_id, exc.reason, permanent="too large" in exc.reason or client_error)
        except ParseError as exc:
            self._problem(file, parent_id, exc.reason, permanent=True)
        return None

    def done(self, file: dict[str, Any], parent_id: str, text: FileText | None, document_id: str) -> None:
        """Record a file that is now in its parent's record (after the record is in the store)."""
        known = self.state.file(str(file["id"]))
        if text is None and known and known.status in ("failed", "skipped"):
            return  # the problem recorded by ``text`` stays
        saved = {"file": file, "pages": [[p.number, p.text] for p in text.pages] if text else []}
        self.state.save_file(str(file["id"]), parent_id, str(file.get("modified") or ""), file_checksum(file),
                             "ok", "", document_id, json.dumps(saved, ensure_ascii=False))

    def _problem(self, file: dict[str, Any], parent_id: str, reason: str, permanent: bool) -> None:
        """Too large / unparsable files are skipped until they change; network failures are retried."""
        file_id = str(file["id"])
        log.warning("file %s: %s", file_id, reason)
        (self.report.skipped_files if permanent else self.report.errors).append((file_id, reason))
        self.state.save_file(file_id, parent_id, str(file.get("modified") or ""), file_checksum(file),
                             "skipped" if permanent else "failed", reason, None,
                             json.dumps({"file": file}, ensure_ascii=False))

    def failed_parents(self) -> list[str]:
        """Records with a file that failed transiently: the next run reads them again."""
        return sorted({parent_id for _, parent_id, _ in self.state.retry_files()})
