"""Saved searches end to end: `ratsinfo sync` twice against the OParl test server with a record added in
between, `ratsinfo alerts run` after each: the feed gains exactly the new matching record, a real SMTP
server receives exactly one digest, and a further run sends nothing."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from assistant.alerts import AlertError, AlertStore
from assistant.cli import cli
from assistant.feeds import FeedServer
from assistant.models import SearchFilters
from assistant.service import Assistant
from assistant.settings import Settings
from tests.sync.conftest import SYNC_ENV


def _ratsinfo(assistant: Assistant, *args: str) -> str:
    result = CliRunner().invoke(cli, list(args), obj={"assistant": assistant}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _feed(settings: Settings, url: str):  # type: ignore[no-untyped-def]
    token = url.rsplit("/", 1)[-1].removesuffix(".xml")
    parsed = feedparser.parse((settings.feeds_path / f"{token}.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


def test_sync_twice_alerts_run_feed_and_one_digest(matter_server, shared_embedder, smtp_server, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    port, inbox = smtp_server
    env = {**SYNC_ENV, "RATSINFO_DATA_DIR": str(tmp_path / "data"), "RATSINFO_FEEDS_DIR": str(tmp_path / "feeds"),
           "RATSINFO_SMTP_HOST": "127.0.0.1", "RATSINFO_SMTP_PORT": str(port),
           "RATSINFO_SMTP_SENDER": "ratsinfo@example.org", "RATSINFO_FEEDS_URL": "https://rats.example/feeds"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assistant = Assistant.from_settings(settings, embedder=shared_embedder)
    matter_server.server.world.reset()

    _ratsinfo(assistant, "sync", matter_server.system_url, "--json")
    citizen_url = _ratsinfo(assistant, "alerts", "add", "Tierschutzfonds").strip()
    staff_url = _ratsinfo(assistant, "alerts", "add", "Tierschutzfonds", "--staff", "alice",
                          "--email", "alice@example.org").strip()
    assert citizen_url.startswith("https://rats.example/feeds/") and citizen_url != staff_url
    assert len(citizen_url.rsplit("/", 1)[-1].removesuffix(".xml")) >= 32  # secrets.token_urlsafe(24)
    assert "first run" in _ratsinfo(assistant, "alerts", "run")
    assert _feed(settings, citizen_url).entries == [] and inbox.messages == []

    matter_server.add("karlsruhe_paper_33721", "karlsruhe_paper_48270")  # Tierschutzfonds; Kita staff (no match)
    _ratsinfo(assistant, "sync", matter_server.system_url, "--json")
    out = _ratsinfo(assistant, "alerts", "run")
    assert "new records: 2; feed entries: 2" in out, out  # one entry in each of the two feeds

    for url in (citizen_url, staff_url):
        feed = _feed(settings, url)
        assert [e.title for e in feed.entries] == ["2014/0282 – Karlsruher Tierschutzfonds"]
        entry = feed.entries[0]
        assert entry.link.endswith("/papers/vo/33721") and "Tierschutz" in entry.summary
    assert len(inbox.messages) == 1
    mail = inbox.messages[0]
    assert mail["To"] == "alice@example.org" and mail["From"] == "ratsinfo@example.org"
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "Karlsruher Tierschutzfonds" in body and staff_url in body and "Kita" not in body

    assert "new records: 0; feed entries: 0" in _ratsinfo(assistant, "alerts", "run")
    assert len(inbox.messages) == 1, "a second run sends nothing"
    assert len(_feed(settings, citizen_url).entries) == 1


def test_citizen_searches_are_public_only_and_without_email(tmp_path: Path) -> None:
    store = AlertStore(tmp_path / "alerts.sqlite3")
    search = store.create("Hallenbad", SearchFilters(public_only=False))
    assert search.filters.public_only is True and search.created_by is None
    with pytest.raises(AlertError):
        store.create("Hallenbad", email="someone@example.org")
    staff = store.create("Hallenbad", SearchFilters(public_only=False), staff_user="alice", email="a@example.org")
    assert staff.filters.public_only is False
    assert {s.token for s in store.searches()} == {search.token, staff.token}


def test_feed_server_serves_only_token_files(tmp_path: Path) -> None:
    folder = tmp_path / "feeds"
    folder.mkdir()
    token = "A" * 32
    (folder / f"{token}.xml").write_bytes(b"<feed xmlns='http://www.w3.org/2005/Atom'/>")
    (tmp_path / "alerts.sqlite3").write_bytes(b"secret")
    server = FeedServer(folder, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"{server.url}/{token}.xml", timeout=5) as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("application/atom+xml")
        for path in ("/", "/feeds/", "/../alerts.sqlite3", f"/{token}.xml/..", "/short.xml", f"/{'B' * 32}.xml"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(server.url + path, timeout=5)
            assert err.value.code == 404, path
        request = urllib.request.Request(f"{server.url}/{token}.xml", data=b"x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=5)
        assert err.value.code == 405
    finally:
        server.shutdown()
        server.server_close()
