"""A polite HTTP client for OParl servers: timeouts, retries with backoff, a request rate and a size limit.

stdlib only (urllib). Every failure becomes one ``FetchError`` naming the URL and the reason, so the sync
can report it per object and carry on.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from assistant.errors import RatsinfoError
from assistant.settings import Settings
from ingest.oparl.reading import kind_of, load_json

log = logging.getLogger(__name__)

USER_AGENT = "ratsinfo-assistant-sync/0.1 (+OParl 1.0/1.1)"
_READ_BLOCK = 64 * 1024
_MAX_RETRY_AFTER_S = 60.0


class FetchError(RatsinfoError):
    """A request failed for good (after retries, or at once for 4xx and oversized files)."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.wait_s = wait_s


@dataclass(frozen=True)
class ClientConfig:
    requests_per_second: float = 4.0
    concurrency: int = 2
    timeout_s: float = 30.0
    max_retries: int = 3
    backoff_s: float = 1.0
    max_file_bytes: int = 50 * 2**20

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientConfig:
        return cls(
            requests_per_second=settings.oparl_requests_per_second,
            concurrency=max(1, settings.oparl_concurrency),
            timeout_s=settings.oparl_timeout_s,
            max_retries=max(0, settings.oparl_max_retries),
            backoff_s=settings.oparl_backoff_s,
            max_file_bytes=int(settings.oparl_max_file_mb * 2**20),
        )


@dataclass(frozen=True)
class Download:
    url: str
    data: bytes
    content_type: str  # lower case, without parameters; "" when the server sent none


class RateLimiter:
    """At most ``rate`` request starts per second across all threads (0 or less = unlimited)."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            time.sleep(start - now)


def squash_slashes(url: str) -> str:
    """'https://host/oparl//files/1' -> 'https://host/oparl/files/1' (seen in real File URLs)."""
    parts = urllib.parse.urlsplit(url.strip())
    return urllib.parse.urlunsplit(parts._replace(path=re.sub(r"/{2,}", "/", parts.path)))


def with_params(url: str, params: dict[str, str] | None) -> str:
    if not params:
        return url
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    query = [(k, v) for k, v in query if k not in params] + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


class OParlClient:
    """GET JSON objects, walk paginated lists, download files; thread-safe."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self._limiter = RateLimiter(config.requests_per_second)
        self._slots = threading.BoundedSemaphore(config.concurrency)
        self.requests = 0
        self._count_lock = threading.Lock()

    # -- public API ------------------------------------------------------------------------------
    def _get(self, url: str) -> Any:
        body = self._request(url, accept="application/json", limit=None).data
        try:
            return load_json(body)  # strict=False: raw control characters inside strings are accepted
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchError(url, f"not a JSON response ({exc})") from None

    def get_json(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        full = with_params(url, params)
        obj = self._get(full)
        if not isinstance(obj, dict):
            raise FetchError(full, "JSON response is not an object")
        return obj

    def iter_pages(self, url: str, params: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Each page of an OParl list (``data``, ``pagination``, ``links``), following ``links.next``.

        Tolerated: a bare JSON array instead of a list object, a single object where a list was expected
        (a Body URL answering with the Body), and 404 for an empty result under ``modified_since``.
        """
        seen: set[str] = set()
        next_url: str | None = with_params(url, params)
        while next_url:
            if next_url in seen:
                raise FetchError(next_url, "pagination loops back to a page already read")
            seen.add(next_url)
            try:
                page = self._get(next_url)
            except FetchError as exc:
                if exc.status == 404 and params and "modified_since" in params:
                    return  # some servers answer "nothing changed" with 404
                raise
            if isinstance(page, list):
                page = {"data": page}
            elif isinstance(page, dict) and not isinstance(page.get("data"), list):
                if page.get("data") is None and kind_of(page) is not None:
                    page = {"data": [page]}
                else:
                    raise FetchError(next_url, "not an OParl list (no 'data' array)")
            yield page
            links = page.get("links") if isinstance(page.get("links"), dict) else {}
            following = links.get("next") if links else None
            next_url = str(following) if following else None

    def download(self, url: str) -> Download:
        return self._request(url, accept="*/*", limit=self.config.max_file_bytes)

    # -- one request with retries ----------------------------------------------------------------
    def _request(self, url: str, *, accept: str, limit: int | None) -> Download:
        url = squash_slashes(url)
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(url, "not an http(s) URL")
        attempt = 0
        while True:
            try:
                with self._slots:
                    self._limiter.wait()
                    return self._once(url, accept, limit)
            except _Retryable as exc:
                if attempt >= self.config.max_retries:
                    tries = attempt + 1
                    raise FetchError(
                        url, f"{exc.reason} (gave up after {tries} attempts)", exc.status
                    ) from None
                wait = exc.wait_s if exc.wait_s is not None else self.config.backoff_s * 2**attempt
                wait = min(wait, _MAX_RETRY_AFTER_S) * (1.0 + 0.1 * random.random())
                log.info("retrying %s in %.2fs: %s", url, wait, exc.reason)
                time.sleep(wait)
                attempt += 1

    def _once(self, url: str, accept: str, limit: int | None) -> Download:
        with self._count_lock:
            self.requests += 1
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout_s) as response:
                content_type = (response.headers.get_content_type() or "").lower()
                length = response.headers.get("Content-Length")
                if limit is not None and length and length.isdigit() and int(length) > limit:
                    raise FetchError(url, _too_large(int(length), limit))
                data = self._read(response, url, limit)
                return Download(url, data, content_type if response.headers.get("Content-Type") else "")
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise _Retryable(
                    f"HTTP {exc.code}", exc.code, _retry_after(exc.headers.get("Retry-After"))
                ) from None
            raise FetchError(url, f"HTTP {exc.code} {exc.reason}", exc.code) from None
        except TimeoutError:
            raise _Retryable(f"timed out after {self.config.timeout_s:g}s") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise _Retryable(f"timed out after {self.config.timeout_s:g}s") from None
            raise _Retryable(f"connection failed ({exc.reason})") from None
        except (ConnectionError, OSError, http.client.HTTPException) as exc:
            raise _Retryable(f"connection failed ({exc.__class__.__name__}: {exc})") from None

    @staticmethod
    def _read(response: Any, url: str, limit: int | None) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            block = response.read(_READ_BLOCK)
            if not block:
                return b"".join(parts)
            size += len(block)
            if limit is not None and size > limit:
                raise FetchError(url, _too_large(size, limit, at_least=True))
            parts.append(block)


def _too_large(size: int, limit: int, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return f"file too large ({more}{size / 2**20:.1f} MB > limit {limit / 2**20:.1f} MB), not downloaded"


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None
