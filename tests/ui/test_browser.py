"""The real thing: `ratsinfo ui` in a subprocess, driven by headless Chromium through Playwright.

Needs the Debian packages `chromium` and `chromium-driver` (/usr/bin/chromium) and `pip install playwright`;
never `playwright install` (we use the system browser). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.processes import free_port, stop_process
from tests.ui.conftest import REGIONAL_DE, REGIONAL_EN, ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IMAGE_HOST = "127.0.0.1:9"


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ratsinfo ui exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not become healthy in {timeout}s")


@contextmanager
def launch_chromium() -> Iterator:  # noqa: ANN401 - a playwright Browser
    """Debian's Chromium, headless, driven by playwright (never a downloaded browser); closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def ratsinfo_bin() -> str:
    return shutil.which("ratsinfo", path=str(Path(sys.executable).parent)) or "ratsinfo"


@contextmanager
def serve_ui(env: dict[str, str], log: Path) -> Iterator[str]:
    """`ratsinfo ui` on a free port with ``env``, output to ``log``; yields its URL once healthy, stops it after."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen([ratsinfo_bin(), "ui", "--port", str(port)], env=env, cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            yield url
        finally:
            stop_process(process, timeout_s=15)


@pytest.fixture(scope="module")
def server(index_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing: apt-get install -y chromium chromium-driver")
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (no `playwright install`)")
    env = dict(os.environ, RATSINFO_DATA_DIR=str(index_dir), RATSINFO_STAFF_USERS="",
               RATSINFO_FEEDBACK_DB=str(tmp_path_factory.mktemp("browser") / "feedback.sqlite3"))
    with serve_ui(env, tmp_path_factory.mktemp("browser-log") / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(server: str):
    ARTIFACTS.mkdir(exist_ok=True)
    with launch_chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE")
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(server)
        yield page


def _ask(page, question: str) -> None:
    box = page.get_by_placeholder("Ihre Frage an die Ratsunterlagen")
    box.fill(question)
    box.press("Enter")


def test_citation_opens_the_highlighted_passage(page):
    _ask(page, REGIONAL_DE)
    summary = page.locator("summary", has_text="Finanzielle Auswirkungen").first
    summary.wait_for()
    page.screenshot(path=str(ARTIFACTS / "browser-answer.png"), full_page=True)
    summary.click()
    details = page.locator("details", has=summary)
    highlighted = details.locator("strong", has_text="Sind im Haushalt eingeplant")
    highlighted.wait_for(state="visible")
    assert "Finanzielle Auswirkungen" in highlighted.inner_text()
    assert details.get_by_text("Originaldatei herunterladen").is_visible()
    page.screenshot(path=str(ARTIFACTS / "browser-citation.png"), full_page=True)


def test_english_question_gets_an_english_short_answer_whose_citation_opens(page):
    _ask(page, REGIONAL_EN)
    short = page.locator("h3", has_text="According to").first  # the short answer, first and large
    short.wait_for()
    assert "Sind im Haushalt eingeplant" in short.inner_text()
    assert page.get_by_text("Answer", exact=True).first.is_visible()  # headings follow the answer's language
    assert page.get_by_text("Sources", exact=True).first.is_visible()
    summary = page.locator("summary", has_text="[1]").first
    summary.click()
    details = page.locator("details", has=summary)
    details.locator("strong", has_text="Sind im Haushalt eingeplant").wait_for(state="visible")
    page.screenshot(path=str(ARTIFACTS / "browser-english-short-answer.png"), full_page=True)


def test_script_and_image_in_a_document_stay_inert(page):
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url) if IMAGE_HOST in r.url else None)
    _ask(page, "Sanierung des Spielplatzes Mühlenteich")
    summary = page.locator("summary", has_text="Sanierung des Spielplatzes Mühlenteich").first
    summary.wait_for()
    for s in page.locator("summary").all():
        if "Mitarbeitende" not in s.inner_text():
            s.click()
    page.get_by_text("<script>alert(1)</script>", exact=False).first.wait_for(state="visible")
    assert page.get_by_text("<img src=x onerror=alert(1)>", exact=False).first.is_visible()
    assert page.get_by_text("![x](http://", exact=False).first.is_visible()
    assert page.locator("main a[href*='127.0.0.1']").count() == 0  # a bare URL is not even a link
    page.wait_for_timeout(1500)  # give a fetch or an onerror handler time to happen if it were going to
    page.screenshot(path=str(ARTIFACTS / "browser-xss.png"), full_page=True)
    assert page.locator("main img[src='x'], main img[src*='127.0.0.1']").count() == 0
    assert dialogs == [] and requests == []
