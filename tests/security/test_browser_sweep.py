"""Citizen sweep in a real browser: headless Chromium (Playwright) against a real `ratsinfo ui` server.

The planted-secret corpus of ``test_citizen_sweep`` (marker-line Vorlagen, an OParl meeting with a non-public
agenda item, an OParl Paper ``public: false``, minutes with a non-public part, and the public record on the same
topic) is ingested with ``ratsinfo ingest``; ``ratsinfo ui`` runs as a citizen (no staff accounts). One page asks
the sweep's questions one after another; after each answer every citation expander is opened and every download
button in it clicked, and neither the page (its text and its HTML, minus the asker's own questions) nor any
downloaded file may contain a secret. Needs /usr/bin/chromium and `pip install playwright` (never
`playwright install`); one screenshot (the first answer with its citations open) goes to test-artifacts/.
"""

from __future__ import annotations

import html
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.security.test_citizen_sweep import QUESTIONS, SECRETS, write_secret_corpus
from tests.ui.conftest import ROOT
from tests.ui.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ratsinfo_bin, serve_ui

pytestmark = pytest.mark.browser

ASK = "Ihre Frage an die Ratsunterlagen"
ASSISTANT_MESSAGE = "[data-testid='stChatMessage']:has([data-testid='stChatMessageAvatarAssistant'])"
USER_MESSAGE = "[data-testid='stChatMessage']:has([data-testid='stChatMessageAvatarUser'])"


def _leaks(payload: str) -> list[str]:
    return [s for s in SECRETS if s.lower() in payload.lower()]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The secret corpus ingested with the CLI, then `ratsinfo ui` for citizens only."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium missing: apt-get install -y chromium chromium-driver")
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (no `playwright install`)")
    root = tmp_path_factory.mktemp("browser-sweep")
    corpus = write_secret_corpus(root / "corpus")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RATSINFO_")}
    env.update(RATSINFO_DATA_DIR=str(root / "data"), RATSINFO_FEEDBACK_DB=str(root / "feedback.sqlite3"),
               RATSINFO_STAFF_USERS="")
    result = subprocess.run([ratsinfo_bin(), "ingest", str(corpus)], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    added = len(list(corpus.iterdir()))
    assert f"documents: {added} added" in result.stdout, result.stdout
    with serve_ui(env, root / "streamlit.log") as url:
        yield url


def _wait_for_answer(page, answers: int, timeout: float = 180) -> None:  # noqa: ANN001 - playwright Page
    """The run is over (script idle) and the last assistant message holds the final answer, not the preview."""
    deadline = time.monotonic() + timeout
    stable = 0
    while time.monotonic() < deadline:
        state = page.locator("[data-testid='stApp']").get_attribute("data-test-script-state")
        messages = page.locator(ASSISTANT_MESSAGE)
        done = (state == "notRunning" and messages.count() == answers
                and messages.last.locator("[data-testid='stSpinner'], [data-testid='stText']").count() == 0
                and messages.last.locator("[data-testid='stAlert'], [data-testid='stMarkdown']").count() > 0)
        stable = stable + 1 if done else 0
        if stable >= 2:
            return
        page.wait_for_timeout(250)
    raise TimeoutError(f"answer {answers} did not finish in {timeout}s")


@dataclass
class Sweep:
    questions: int = 0
    expanders: int = 0
    downloads: int = 0
    leaked: dict[str, list[str]] = field(default_factory=dict)

    def check(self, where: str, payload: str) -> None:
        if found := _leaks(payload):
            self.leaked.setdefault(where, []).extend(found)


def _without_questions(text: str, asked: list[str]) -> str:
    """The page minus the asker's own words (the question echo is theirs, not the records')."""
    for question in asked:
        text = text.replace(question, " ").replace(html.escape(question, quote=False), " ")
    return text


def _download(page, expander, button):  # noqa: ANN001, ANN202 - playwright Page / Locators / Download
    """Click a download button and return the download; a click that streamlit's rerun swallowed (the expander
    closed under it) is repeated once with the expander open again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in (1, 2):
        if expander.locator("details").first.get_attribute("open") is None:
            expander.locator("summary").first.click()
        try:
            with page.expect_download(timeout=45_000) as info:
                button.click()
            return info.value
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def test_citizen_browser_sweep_shows_and_downloads_no_secret(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert len(QUESTIONS) >= 30
    ARTIFACTS.mkdir(exist_ok=True)
    sweep = Sweep()
    asked: list[str] = []
    shot = False
    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="de-DE",
                                          accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(90_000)
            page.goto(server)
            box = page.get_by_placeholder(ASK)
            box.wait_for()
            for i, question in enumerate(QUESTIONS, start=1):
                box.fill(question)
                box.press("Enter")
                asked.append(question)
                _wait_for_answer(page, i)
                sweep.questions += 1
                answer = page.locator(ASSISTANT_MESSAGE).last
                for expander in answer.locator("[data-testid='stExpander']").all():
                    summary = expander.locator("summary").first
                    if expander.locator("details").first.get_attribute("open") is None:
                        summary.click()
                    expander.locator("[data-testid='stExpanderDetails']").first.wait_for(state="visible")
                    sweep.expanders += 1
                    for button in expander.locator("[data-testid='stDownloadButton'] button").all():
                        download = _download(page, expander, button)
                        target = tmp_path / f"{sweep.downloads:03d}-{download.suggested_filename}"
                        download.save_as(target)
                        sweep.downloads += 1
                        data = target.read_bytes()
                        sweep.check(f"download {download.suggested_filename} for {question!r}",
                                    data.decode("utf-8", errors="replace"))
                        sweep.check(f"download {download.suggested_filename} (latin-1) for {question!r}",
                                    data.decode("latin-1"))
                sweep.check(f"answer text for {question!r}", answer.inner_text())
                main = page.locator("[data-testid='stMain'], section.main, main").first
                sweep.check(f"main text after {question!r}", _without_questions(main.inner_text(), asked))
                sweep.check(f"sidebar after {question!r}",
                            page.locator("section[data-testid='stSidebar']").inner_text())
                sweep.check(f"page HTML after {question!r}", _without_questions(page.content(), asked))
                if not shot and sweep.expanders:  # the first answer with its citations open
                    shot = True
                    answer.scroll_into_view_if_needed()
                    page.screenshot(path=str(ARTIFACTS / "browser-sweep-citizen.png"), full_page=True)
            user_texts = [m.inner_text() for m in page.locator(USER_MESSAGE).all()]
            assert len(user_texts) == len(QUESTIONS)  # every question was asked and kept in the conversation
            assert _leaks(page.content())  # the check reads the real page: the asker's own echoes are in it
            context.close()
        finally:
            browser.close()
    elapsed = time.monotonic() - started
    print(f"browser sweep: {sweep.questions} questions, {sweep.expanders} citations opened, "
          f"{sweep.downloads} downloads checked, {len(sweep.leaked)} leaks, {elapsed:.0f}s")
    assert sweep.questions == len(QUESTIONS)
    assert sweep.downloads > 0  # the sweep did reach the download buttons
    assert not sweep.leaked, sweep.leaked
