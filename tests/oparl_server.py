"""A small OParl 1.1 server for tests (stdlib only), serving real Karlsruhe objects from tests/fixtures/oparl.

    python -m tests.oparl_server --port 0      # prints "READY <system URL>", serves until killed

Object ids of the fixtures (https://web1.karlsruhe.de/oparl/...) are rewritten to this server's address.
Lists are paginated (``links.next``) and honour ``modified_since``; deleted objects stay in the lists with
``deleted: true``. File behaviours (see tests/fixtures/oparl/SOURCES.md): real corpus texts/PDFs, one file
delivered inline as ``File.text``, one that never answers in time, one that fails with 500 twice, one
oversized file, and 404 for files whose content the corpus does not have.

Test control (POST unless noted): /_control/reset, /_control/modify?id=URL, /_control/delete?id=URL,
/_control/hold?path=SUBSTRING (the next matching request hangs until /_control/release), GET /_control/log,
/_control/add?name=STEM (adds tests/fixtures/oparl/extra/STEM.json, modified now: the matters and alerts
tests' papers, meetings and organizations; not in the world after a reset).

Quirks of real endpoints (``--quirks``, ``OParlHTTPServer(quirks=True)`` or POST /_control/quirks?on=1|0; off by
default), applied when objects are served, the world itself is unchanged: (a) the Body list answers with the
one Body object; (b) a list asked with ``modified_since`` that has nothing answers 404 (papers, organizations)
or a bare ``[]`` (meetings); (c) ``accessUrl``/``downloadUrl`` carry ``//`` in their path; (d) a Paper's
``location`` is an embedded object, a single ``auxiliaryFile`` is an object, not an array, and paper 23367's
``date`` is "N/A"; (e) deleted objects are only ``{"id", "deleted": true}`` (no type, no modified), and the
paper list holds one such object that the server never had (QUIRK_GHOST); (f) Papers and Meetings have no
``type``.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OPARL = FIXTURES / "oparl"
EXTRA = OPARL / "extra"
REAL_BASE = "https://web1.karlsruhe.de/oparl"
BODY_PATH = "/oparl/bodies/0001"
PAGE_SIZE = {"paper": 2, "meeting": 1, "organization": 10}

# file number -> behaviour; numbers not listed answer 404 (the corpus has no content for them)
FILE_CONTENT: dict[str, tuple[str, Path]] = {
    "662089": ("text/plain; charset=utf-8", FIXTURES / "karlsruhe_file_662089.txt"),
    "655629": ("text/plain; charset=utf-8", OPARL / "files" / "karlsruhe_file_655629.txt"),
    "665262": (
        "application/pdf",
        FIXTURES / "erlangen_sbr_2025-03-11_Einladung_Einladung_1_Sitzung_Buechenbach.pdf",
    ),
    # files of the extra objects (/_control/add)
    **{n: ("text/plain; charset=utf-8", OPARL / "files" / f"karlsruhe_file_{n}.txt")
       for n in ("671242", "648879", "149987", "645356")},
}
INLINE_TEXT = {"10212": FIXTURES / "karlsruhe_file_10212.txt"}  # served as File.text, no download needed
FLAKY_FILE = "662089"  # 500, 500, then the content
SLOW_FILE = "658374"  # answers after --slow-seconds
HUGE_FILE = "658375"  # --huge-mb of bytes
QUIRK_GHOST = f"{REAL_BASE}/bodies/0001/papers/vo/99999"  # quirk (e): a deleted paper in the list, never known
QUIRK_NA_PAPER = f"{REAL_BASE}/bodies/0001/papers/vo/23367"  # quirk (d): its date is "N/A"

# Organization names derived from the names of the real meetings that reference them (no real
# Organization objects are in the corpus).
ORGANIZATIONS = {"gr/32130": "Gemeinderat", "gr/40333": "Ortschaftsrat Durlach"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _when(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _file_number(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0].lstrip("0")


class Fixtures:
    """The mutable world of the server: papers, meetings, organizations (ids in the real Karlsruhe form)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.objects: dict[str, dict[str, dict[str, Any]]] = {
                "paper": {},
                "meeting": {},
                "organization": {},
            }
            for path in sorted(OPARL.glob("karlsruhe_*.json")):
                obj = json.loads(path.read_text(encoding="utf-8"))
                kind = "paper" if "_paper_" in path.name else "meeting"
                self.objects[kind][obj["id"]] = obj
            for paper in self.objects["paper"].values():
                for file in [
                    *(paper.get("mainFile") and [paper["mainFile"]] or []),
                    *paper.get("auxiliaryFile", []),
                ]:
                    number = _file_number(file["id"])
                    if number in INLINE_TEXT:
                        file["text"] = INLINE_TEXT[number].read_text(encoding="utf-8")
            for key, name in ORGANIZATIONS.items():
                org_id = f"{REAL_BASE}/bodies/0001/organizations/{key}"
                self.objects["organization"][org_id] = {
                    "id": org_id,
                    "type": "https://schema.oparl.org/1.1/Organization",
                    "name": name,
                    "body": f"{REAL_BASE}/bodies/0001",
                    "created": "2016-10-12T09:08:40+02:00",
                    "modified": "2025-03-03T13:33:42+01:00",
                }
            self.flaky_calls = 0
            self.log: list[str] = []
            self.hold: str | None = None
            self.released = threading.Event()

    def find(self, object_id: str) -> tuple[str, dict[str, Any]] | None:
        for kind, objects in self.objects.items():
            if object_id in objects:
                return kind, objects[object_id]
        return None

    def modify(self, object_id: str) -> None:
        with self.lock:
            found = self.find(object_id)
            if not found:
                raise KeyError(object_id)
            found[1]["name"] = str(found[1].get("name", "")) + " (geändert)"
            found[1]["modified"] = _now()

    def add(self, name: str) -> None:
        """Add one extra object (paper, meeting or organization) as if it had just been created or changed."""
        path = EXTRA / f"{name}.json"
        if "/" in name or not path.is_file():
            raise KeyError(name)
        obj = json.loads(path.read_text(encoding="utf-8"))
        kind = str(obj.get("type", "")).rsplit("/", 1)[-1].lower()
        with self.lock:
            obj["modified"] = _now()
            self.objects[kind][obj["id"]] = obj

    def delete(self, object_id: str) -> None:
        with self.lock:
            found = self.find(object_id)
            if not found:
                raise KeyError(object_id)
            kind, obj = found
            self.objects[kind][object_id] = {
                "id": obj["id"],
                "type": obj["type"],
                "created": obj.get("created"),
                "modified": _now(),
                "deleted": True,
            }

    def files(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}

        def collect(value: Any) -> None:
            if isinstance(value, dict):
                if str(value.get("type", "")).endswith("/File"):
                    out[value["id"]] = value
                for v in value.values():
                    collect(v)
            elif isinstance(value, list):
                for v in value:
                    collect(v)

        collect(self.objects)
        return out


class Handler(BaseHTTPRequestHandler):
    server: OParlHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    # -- plumbing --------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str = "application/json; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _json(self, obj: Any, status: int = 200) -> None:
        text = json.dumps(obj, ensure_ascii=False).replace(REAL_BASE, self.server.base + "/oparl")
        self._send(status, text.encode("utf-8"))

    def _real_id(self, path: str) -> str:
        return REAL_BASE + path[len("/oparl") :]

    # -- requests --------------------------------------------------------------------------------
    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        world = self.server.world
        target = query.get("id", "").replace(self.server.base + "/oparl", REAL_BASE)
        try:
            if url.path == "/_control/reset":
                world.released.set()
                world.reset()
            elif url.path == "/_control/modify":
                world.modify(target)
            elif url.path == "/_control/delete":
                world.delete(target)
            elif url.path == "/_control/add":
                world.add(query.get("name", ""))
            elif url.path == "/_control/hold":
                world.released = threading.Event()
                world.hold = query["path"]
            elif url.path == "/_control/release":
                world.hold = None
                world.released.set()
            elif url.path == "/_control/quirks":
                self.server.quirks = query.get("on", "1") not in ("0", "false", "")
            else:
                self._json({"error": "unknown control"}, 404)
                return
        except KeyError as exc:
            self._json({"error": f"no such object {exc}"}, 404)
            return
        self._json({"ok": True})

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        url = urllib.parse.urlsplit(self.path)
        world = self.server.world
        if url.path == "/_control/log":
            self._json(world.log)
            return
        world.log.append(self.path)
        hold = world.hold
        if hold and hold in self.path:
            world.hold = None
            world.released.wait(timeout=120)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path.rstrip("/")
        if path == "/oparl/system":
            self._json(self._system())
        elif path == "/oparl/bodies" and self.server.quirks:
            self._json(self._body())  # quirk (a): the one Body instead of a list
        elif path == "/oparl/bodies":
            self._json(self._page([self._body()], "/oparl/bodies", query, 10))
        elif path == BODY_PATH:
            self._json(self._body())
        elif path in (f"{BODY_PATH}/papers", f"{BODY_PATH}/meetings", f"{BODY_PATH}/organizations"):
            kind = path.rsplit("/", 1)[-1].rstrip("s")
            self._list(kind, path, query)
        elif "/downloadfiles/" in path:
            self._download(path)
        else:
            self._object(path)

    def _system(self) -> dict[str, Any]:
        return {
            "id": f"{REAL_BASE}/system",
            "type": "https://schema.oparl.org/1.1/System",
            "oparlVersion": "https://schema.oparl.org/1.1/",
            "name": "OParl test server (Karlsruhe fixtures)",
            "body": f"{REAL_BASE}/bodies",
        }

    def _body(self) -> dict[str, Any]:
        base = f"{REAL_BASE}/bodies/0001"
        return {
            "id": base,
            "type": "https://schema.oparl.org/1.1/Body",
            "system": f"{REAL_BASE}/system",
            "name": "Stadt Karlsruhe",
            "shortName": "Karlsruhe",
            "organization": f"{base}/organizations",
            "meeting": f"{base}/meetings",
            "paper": f"{base}/papers",
            "person": f"{base}/people",
            "created": "2016-10-12T09:08:40+02:00",
            "modified": "2025-03-03T13:33:42+01:00",
        }

    def _list(self, kind: str, path: str, query: dict[str, str]) -> None:
        world = self.server.world
        with world.lock:
            objects = [copy.deepcopy(o) for _, o in sorted(world.objects[kind].items())]
        since = query.get("modified_since")
        if since:
            try:
                cut = _when(since)
            except ValueError:
                self._json({"error": f"bad modified_since {since!r}"}, 400)
                return
            objects = [o for o in objects if o.get("modified") and _when(o["modified"]) >= cut]
        if self.server.quirks:
            if kind == "paper" and not since:
                objects.append({"id": QUIRK_GHOST, "deleted": True})  # quirk (e)
            if since and not objects:  # quirk (b): "nothing changed"
                if kind == "meeting":
                    self._json([])
                else:
                    self._json({"error": "no objects found"}, 404)
                return
            objects = [_quirky(o, kind) for o in objects]
        self._json(self._page(objects, path, query, PAGE_SIZE[kind]))

    def _page(
        self, objects: list[Any], path: str, query: dict[str, str], default_size: int
    ) -> dict[str, Any]:
        size = int(query.get("limit") or default_size)
        page = int(query.get("page") or 1)
        pages = max(1, -(-len(objects) // size))
        keep = {k: v for k, v in query.items() if k in ("modified_since", "limit")}

        def link(n: int) -> str:
            return self.server.base + path + "?" + urllib.parse.urlencode({**keep, "page": n})

        links = {"first": link(1), "last": link(pages)}
        if page < pages:
            links["next"] = link(page + 1)
        return {
            "data": objects[(page - 1) * size : page * size],
            "pagination": {
                "totalElements": len(objects),
                "elementsPerPage": size,
                "currentPage": page,
                "totalPages": pages,
            },
            "links": links,
        }

    def _object(self, path: str) -> None:
        world = self.server.world
        real = self._real_id(path)
        with world.lock:
            found = world.find(real)
            obj = found[1] if found else world.files().get(real)
            obj = copy.deepcopy(obj) if obj else None
        if obj is None:
            self._json({"error": "not found"}, 404)
        else:
            self._json(_quirky(obj, found[0] if found else "file") if self.server.quirks else obj)

    def _download(self, path: str) -> None:
        world = self.server.world
        number = _file_number(path)
        if number == SLOW_FILE:
            time.sleep(self.server.slow_seconds)
            self._send(200, b"too late", "text/plain")
            return
        if number == HUGE_FILE:
            self._huge()
            return
        if number == FLAKY_FILE:
            with world.lock:
                world.flaky_calls += 1
                calls = world.flaky_calls
            if calls <= 2:
                self._send(500, b"temporary failure", "text/plain")
                return
        if number not in FILE_CONTENT:
            self._send(404, b"not found", "text/plain")
            return
        content_type, source = FILE_CONTENT[number]
        self._send(200, source.read_bytes(), content_type)

    def _huge(self) -> None:
        size = int(self.server.huge_mb * 2**20)
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        block = b"%PDF-1.4 " + b"0" * (64 * 1024 - 9)
        try:
            sent = 0
            while sent < size:
                part = block[: size - sent]
                self.wfile.write(part)
                sent += len(part)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _quirky(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    """A (copied) object as a quirky real endpoint serves it: quirks (c) to (f), see the module docstring."""
    if obj.get("deleted") is True:
        return {"id": obj["id"], "deleted": True}  # (e)
    if kind in ("paper", "meeting"):
        obj.pop("type", None)  # (f)
    if kind == "paper":
        number = str(obj["id"]).rsplit("/", 1)[-1]
        obj["location"] = {  # (d)
            "id": f"{REAL_BASE}/bodies/0001/locations/{number}",
            "type": "https://schema.oparl.org/1.1/Location",
            "description": "Karlsruhe, Rathaus am Marktplatz",
        }
        aux = obj.get("auxiliaryFile")
        if isinstance(aux, list) and len(aux) == 1:
            obj["auxiliaryFile"] = aux[0]  # (d)
        if obj["id"] == QUIRK_NA_PAPER:
            obj["date"] = "N/A"  # (d)

    def double_slashes(value: Any) -> None:  # (c)
        if isinstance(value, dict):
            for key, v in value.items():
                if key in ("accessUrl", "downloadUrl") and isinstance(v, str):
                    value[key] = v.replace("/oparl/bodies/0001/", "/oparl//bodies/0001//")
                else:
                    double_slashes(v)
        elif isinstance(value, list):
            for v in value:
                double_slashes(v)

    double_slashes(obj)
    return obj


class OParlHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int = 0, *, slow_seconds: float = 3.0, huge_mb: float = 2.0, quirks: bool = False) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.world = Fixtures()
        self.slow_seconds = slow_seconds
        self.huge_mb = huge_mb
        self.quirks = quirks  # behave like real endpoints (see the module docstring)

    @property
    def system_url(self) -> str:
        return self.base + "/oparl/system"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--slow-seconds", type=float, default=3.0, help="Delay of the file that times out.")
    parser.add_argument("--huge-mb", type=float, default=2.0, help="Size of the oversized file.")
    parser.add_argument("--quirks", action="store_true", help="Behave like real endpoints (see the docstring).")
    args = parser.parse_args(argv)
    server = OParlHTTPServer(args.port, slow_seconds=args.slow_seconds, huge_mb=args.huge_mb, quirks=args.quirks)
    print(f"READY {server.system_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        sys.stdout.flush()


if __name__ == "__main__":
    main()
