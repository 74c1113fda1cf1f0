"""Atom feeds of saved searches (RFC 4287, written with feedgen) and the tiny read-only server for them.

A feed is one file ``<token>.xml`` in the feeds folder (``RATSINFO_FEEDS_DIR``, default ``<data_dir>/feeds``);
the token (``secrets.token_urlsafe``) is the only key to it, so the server answers nothing but
``GET /<token>.xml`` of an existing file: no listing, no other path, no other method.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Sequence
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.alerts import AlertEntry, SavedSearch

log = logging.getLogger(__name__)

TOKEN = re.compile(r"^/([A-Za-z0-9_-]{16,128})\.xml$")
MAX_ENTRIES = 100


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/{token}.xml"


def _urn(*parts: str) -> str:
    return "urn:sha256:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def atom(search: SavedSearch, entries: Sequence[AlertEntry], *, self_url: str, app_url: str) -> bytes:
    """The Atom document of one saved search, newest entries first."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(_urn("ratsinfo-search", search.token))  # stable, and not the token itself
    fg.title(f"Ratsinfo: {search.query}")
    fg.subtitle("Neue Unterlagen zu einer gespeicherten Suche / new records matching a saved search")
    fg.author({"name": "Ratsinfo-Assistent"})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.link(href=app_url, rel="alternate", type="text/html")
    fg.language(search.language or "de")
    fg.updated(_when(entries[0].added_at) if entries else _when(search.created_at))
    for e in reversed(list(entries[:MAX_ENTRIES])):  # feedgen prepends: add oldest first
        fe = fg.add_entry()
        fe.id(_urn("ratsinfo-entry", search.token, e.document_id))
        fe.title(" – ".join(x for x in (e.reference, e.title) if x))
        fe.link(href=e.link, rel="alternate")
        fe.updated(_when(e.added_at))
        fe.published(_when(e.added_at))
        where = " – ".join(x for x in (e.date, e.section) if x)
        fe.summary(f"{where}: {e.passage}" if where else e.passage)  # plain text: escaped by feedgen
    return bytes(fg.atom_str(pretty=True))


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def write_feed(folder: Path, token: str, content: bytes) -> Path:
    """Write ``<token>.xml`` atomically (a reader never sees half a feed)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{token}.xml"
    tmp = folder / f".{token}.xml.tmp"
    tmp.write_bytes(content)
    os.replace(tmp, path)
    return path


def remove_feed(folder: Path, token: str) -> None:
    (folder / f"{token}.xml").unlink(missing_ok=True)


class _FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("feeds: " + format, *args)

    def _send(self, status: int, body: bytes, content_type: str, *, head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _serve(self, head: bool) -> None:
        m = TOKEN.match(self.path.split("?", 1)[0])
        path = self.server.folder / f"{m.group(1)}.xml" if m else None
        if path is None or not path.is_file():
            self._send(404, b"not found\n", "text/plain; charset=utf-8", head=head)
            return
        self._send(200, path.read_bytes(), "application/atom+xml; charset=utf-8", head=head)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self._serve(head=True)

    def _refuse(self) -> None:
        self._send(405, b"method not allowed\n", "text/plain; charset=utf-8")

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse  # noqa: N815


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 8502) -> None:
        super().__init__((host, port), _FeedHandler)
        self.folder = folder

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"
