"""Following the council in a real browser: headless Chromium (Playwright) against a real `ratsinfo ui` server.

1. A citizen saves a search on the alerts page and is shown a feed URL; a new matching record is ingested
   (`ratsinfo ingest`), `ratsinfo alerts run` finds it, `ratsinfo feeds serve` serves the feed, and the
   browser opening the feed URL sees the new record's entry.
2. Staff sign in, ask, mark the answer correct and sign out; a citizen in a fresh browser context asking the
   same question sees the "checked by staff" badge.

Every step is a real subprocess on the same data dir (the CLI, the streamlit server, the feed server); all are
stopped by the test. Needs /usr/bin/chromium and `pip install playwright` (never `playwright install`);
screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from assistant.auth import MIN_ITERATIONS, hash_password
from assistant.processes import free_port, stop_process
from tests.ui.conftest import REGIONAL_DE, ROOT, SHARED_FIXTURES, STAFF_PASSWORD
from tests.ui.test_browser import ARTIFACTS, CHROMIUM, launch_chromium, ratsinfo_bin, serve_ui

pytestmark = pytest.mark.browser

CORPUS = ("aachen_regionalmarketing_vorlage.txt", "karlsruhe_file_662089.txt", "karlsruhe_file_10212.txt")
SAVED_SEARCH = "Kosten des Regionalmarketings der Region Aachen"
NEW_TITLE = "Fortschreibung des Regionalmarketings der Region Aachen 2025"
NEW_RECORD = f"""Bürgerinformationssystem
Beschlussvorlage
Vorlage Nr.: 2025/0417
Gremium: Städteregionsausschuss
Datum: 20.05.2025
Betreff: {NEW_TITLE}
Sachverhalt: Das Regionalmarketing der Region Aachen wird fortgeschrieben. Die Kosten des Regionalmarketings der
Region Aachen steigen im Jahr 2025 auf 450.000 Euro; die Städteregion trägt davon 180.000 Euro, die übrigen Kosten
teilen sich die Kreise Düren, Euskirchen und Heinsberg. Das Regionalmarketing soll weiterhin Fachkräfte für die
Region Aachen gewinnen und die Region als Standort für Unternehmen bekannt machen.
Finanzielle Auswirkungen: Die Kosten des Regionalmarketings von 180.000 Euro jährlich sind im Haushalt 2025
eingeplant.
Beschlussvorschlag: Der Städteregionsausschuss beschließt die Fortschreibung des Regionalmarketings der Region
Aachen und stellt die Mittel bereit.
"""


@dataclass
class Setup:
    env: dict[str, str]
    root: Path
    url: str  # the streamlit server
    feeds_port: int


def _cli(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run([ratsinfo_bin(), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"ratsinfo {' '.join(args)}: {result.stdout}\n{result.stderr}"
    return result.stdout


def _wait_listening(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"feed server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {port} after {timeout}s")


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    """A small index built with the CLI, an alerts baseline run, and `ratsinfo ui` with one staff account."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing: apt-get install -y chromium chromium-driver")
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (no `playwright install`)")
    root = tmp_path_factory.mktemp("browser-follow")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in CORPUS:
        shutil.copy(SHARED_FIXTURES / name, corpus / name)
    feeds_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RATSINFO_")}
    env.update(RATSINFO_DATA_DIR=str(root / "data"), RATSINFO_FEEDBACK_DB=str(root / "feedback.sqlite3"),
               RATSINFO_FEEDS_DIR=str(root / "feeds"), RATSINFO_FEEDS_URL=f"http://127.0.0.1:{feeds_port}",
               RATSINFO_STAFF_USERS=f"alice:{hash_password(STAFF_PASSWORD, iterations=MIN_ITERATIONS)}")
    out = _cli(env, "ingest", str(corpus))
    assert f"documents: {len(CORPUS)} added" in out, out
    assert "first run" in _cli(env, "alerts", "run")  # the baseline: what is indexed now is not news
    with serve_ui(env, root / "streamlit.log") as url:
        yield Setup(env, root, url, feeds_port)


@pytest.fixture
def browser(setup: Setup):
    ARTIFACTS.mkdir(exist_ok=True)
    with launch_chromium() as chromium:
        yield chromium


def _new_page(browser, url: str):  # noqa: ANN001, ANN202 - playwright Browser / Page
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(url)
    page.get_by_placeholder("Ihre Frage an die Ratsunterlagen").wait_for()
    return page


def _ask(page, question: str) -> None:  # noqa: ANN001
    box = page.get_by_placeholder("Ihre Frage an die Ratsunterlagen")
    box.fill(question)
    box.press("Enter")


def test_citizen_saves_a_search_and_the_feed_shows_a_new_record(setup: Setup, browser) -> None:
    page = _new_page(browser, setup.url)
    page.locator("section[data-testid='stSidebar']").get_by_text("Suchen abonnieren", exact=True).click()
    page.get_by_role("heading", name="Suche abonnieren").wait_for()
    page.get_by_label("Frage oder Suchwörter").fill(SAVED_SEARCH)
    page.get_by_role("button", name="Suche speichern").click()
    page.get_by_text("Gespeichert. Ihre Feed-Adresse:").wait_for()
    feed_url = page.locator("[data-testid='stCode'] code").first.inner_text().strip()
    assert feed_url.startswith(f"http://127.0.0.1:{setup.feeds_port}/") and feed_url.endswith(".xml"), feed_url
    page.screenshot(path=str(ARTIFACTS / "browser-follow-saved.png"), full_page=True)

    new = setup.root / "new"
    new.mkdir()
    (new / "aachen_regionalmarketing_fortschreibung.txt").write_text(NEW_RECORD, encoding="utf-8")
    assert "documents: 1 added" in _cli(setup.env, "ingest", str(new))
    out = _cli(setup.env, "alerts", "run")
    assert "new records: 1; feed entries: 1" in out, out

    feeds = subprocess.Popen([ratsinfo_bin(), "feeds", "serve", "--port", str(setup.feeds_port)], env=setup.env,
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(setup.feeds_port, feeds)
        response = page.goto(feed_url)
        assert response is not None and response.status == 200
        assert response.headers["content-type"].startswith("application/atom+xml")
        content = page.content()
        assert NEW_TITLE in content, content[:3000]
        assert f"Ratsinfo: {SAVED_SEARCH}" in content
        page.screenshot(path=str(ARTIFACTS / "browser-follow-feed.png"), full_page=True)
    finally:
        stop_process(feeds, timeout_s=10)


def test_staff_check_an_answer_and_a_citizen_sees_the_badge(setup: Setup, browser) -> None:
    checked = f"Von der Verwaltung geprüft am {date.today():%d.%m.%Y}"
    staff = _new_page(browser, setup.url)
    sidebar = staff.locator("section[data-testid='stSidebar']")
    sidebar.get_by_text("Mitarbeitende", exact=True).click()
    sidebar.get_by_label("Benutzername").fill("alice")
    sidebar.get_by_label("Passwort").fill(STAFF_PASSWORD)
    sidebar.get_by_role("button", name="Anmelden").click()
    sidebar.get_by_text("Angemeldet als alice").wait_for()

    _ask(staff, REGIONAL_DE)
    verdict = staff.locator("[data-testid='stExpander']", has_text="Bewertung der Antwort").first
    verdict.wait_for()
    assert staff.get_by_text(checked).count() == 0
    verdict.locator("summary").first.click()
    form = verdict.locator("[data-testid='stForm']")
    form.locator("[role='radiogroup']").first.get_by_text("richtig", exact=True).click()
    form.get_by_role("button", name="Bewertung speichern").click()
    staff.get_by_text("Als geprüfte Antwort gespeichert").wait_for()
    staff.screenshot(path=str(ARTIFACTS / "browser-follow-staff-verdict.png"), full_page=True)
    sidebar.get_by_role("button", name="Abmelden").click()
    sidebar.get_by_text("Angemeldet als alice").wait_for(state="detached")
    sidebar.get_by_label("Passwort").wait_for(state="attached")  # the sign-in form is back
    staff.context.close()

    citizen = _new_page(browser, setup.url)  # a fresh context: no cookies, no session of the staff member
    assert citizen.locator("section[data-testid='stSidebar']").get_by_text("Angemeldet als").count() == 0
    _ask(citizen, REGIONAL_DE)
    citizen.get_by_text(checked).wait_for()
    assert citizen.locator("[data-testid='stExpander']", has_text="Bewertung der Antwort").count() == 0
    citizen.screenshot(path=str(ARTIFACTS / "browser-follow-checked.png"), full_page=True)
