"""AppTest: a citizen saves a search and gets a feed URL; the matter page shows a matter's course."""

from __future__ import annotations

from pathlib import Path

import feedparser

from assistant.alerts import AlertStore
from assistant.settings import Settings


def test_citizen_saves_a_search_and_sees_the_feed_url(app, index_dir: Path) -> None:
    app.radio(key="citizen_page").set_value("alerts").run()
    assert not app.exception, app.exception
    app.text_input(key="alert_query").input("Regionalmarketing Kosten")
    app.button(key="alert_save").click().run()
    assert not app.exception, app.exception
    url = app.code[0].value
    assert url.startswith("http://127.0.0.1:8502/") and url.endswith(".xml")
    token = url.rsplit("/", 1)[-1].removesuffix(".xml")
    settings = Settings(_env_file=None, data_dir=index_dir)  # type: ignore[call-arg]
    saved = [s for s in AlertStore.from_settings(settings).searches() if s.token == token]
    assert saved and saved[0].filters.public_only and saved[0].created_by is None
    feed = feedparser.parse((settings.feeds_path / f"{token}.xml").read_bytes())
    assert not feed.bozo and feed.feed.title == "Ratsinfo: Regionalmarketing Kosten"
    assert not [t for t in app.text_input if t.key == "alert_email"]  # e-mail alerts are for staff


def test_matter_page_shows_a_course(app) -> None:
    app.radio(key="citizen_page").set_value("matter").run()
    app.text_input(key="matter_query").input("aachen_regionalmarketing_vorlage.txt").run()
    assert not app.exception, app.exception
    assert any(m.value.startswith("Verlauf von „Regionalmarketing“") for m in app.markdown), \
        [m.value for m in app.markdown]
