"""Real passages from tests/fixtures as hits, a prompt-injection fixture, and small real chat models."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult

from assistant.answering import ExtractiveAnswerer
from assistant.generation.grounding import GroundingGuard
from assistant.generation.llm import LLMAnswerer
from assistant.models import Chunk, Hit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DATA = Path(__file__).resolve().parent / "data"


def lines(path: Path, first: int, last: int) -> str:
    return "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[first - 1:last]).strip()


def make_hit(text: str, source: str, title: str, rank: int, *, date: str | None = None) -> Hit:
    chunk_id = hashlib.sha1(f"{source}:{text}".encode()).hexdigest()[:16]
    chunk = Chunk(chunk_id=chunk_id, document_id=f"doc-{source}", source=source,
                  source_path=f"/corpus/{source}",
                  title=title, section="Sachlage", section_path=(title, "Sachlage"), text=text,
                  embed_text=f"{title}\n{text}", ordinal=0, date=date, public=True)
    return Hit(chunk=chunk, score=1.0 / rank, rank=rank)  # no dense similarity: the refusal policy answers


POOL = lines(FIXTURES / "karlsruhe_file_10212.txt", 40, 48)
TARIFF = lines(FIXTURES / "karlsruhe_file_658931.txt", 171, 177)
EXPO = lines(FIXTURES / "aachen_regionalmarketing_vorlage.txt", 3, 3)
INJECTION = (DATA / "injection_vorlage.txt").read_text(encoding="utf-8").strip()


@pytest.fixture
def hits() -> list[Hit]:
    return [
        make_hit(POOL, "karlsruhe_file_10212.txt", "Hallenbad Wettersbach", 1),
        make_hit(TARIFF, "karlsruhe_file_658931.txt", "Tarife Sonnenbad", 2),
        make_hit(EXPO, "aachen_regionalmarketing_vorlage.txt", "Regionalmarketing Aachen", 3),
    ]


@pytest.fixture
def injection_hits() -> list[Hit]:
    return [make_hit(INJECTION, "injection_vorlage.txt", "Stadtteilfest Nord", 1)]


class RecordingChatModel(FakeListChatModel):
    """FakeListChatModel that keeps the messages it was sent (our protocol boundary, nothing patched)."""

    seen: list[list[BaseMessage]] = []

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        self.seen.append(list(messages))
        return super()._generate(messages, stop, run_manager, **kwargs)


class DownChatModel(BaseChatModel):
    """A chat model whose server refuses every connection, counting the attempts."""

    calls: int = 0
    error: str = "connect"

    @property
    def _llm_type(self) -> str:
        return "down"

    def _fail(self) -> None:
        import httpx

        self.calls += 1
        if self.error == "connect":
            raise httpx.ConnectError("[Errno 111] Connection refused")
        raise RuntimeError("model 'nope' not found, try pulling it first")

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        self._fail()
        raise AssertionError

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        self._fail()
        yield from ()


def answerer(model: BaseChatModel, **kwargs: Any) -> LLMAnswerer:
    """The LLM answerer over ``model``; the guard tests skip the quote step (``verify_quotes=True`` for it)."""
    kwargs.setdefault("verify_quotes", False)
    return LLMAnswerer(model, ExtractiveAnswerer(), name="fake", retry_wait_s=0.0,
                       guard=GroundingGuard(kwargs.pop("mode", "drop")), **kwargs)


def fake(*responses: str) -> RecordingChatModel:
    return RecordingChatModel(responses=list(responses), seen=[])


@pytest.fixture(scope="session")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temp data dir indexed once per session: two real fixture files and the injection fixture."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    root = tmp_path_factory.mktemp("llm-corpus")
    corpus = root / "corpus"
    corpus.mkdir()
    for source in (FIXTURES / "aachen_regionalmarketing_vorlage.txt", FIXTURES / "karlsruhe_file_10212.txt",
                   DATA / "injection_vorlage.txt"):
        shutil.copy(source, corpus / source.name)
    assistant = Assistant.from_settings(Settings(data_dir=root / "data", _env_file=None))
    assert assistant.ingest([corpus]).chunks_added > 0
    return root


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "llm: drives a real local LLM server (slow; needs llama-cpp-python)")
