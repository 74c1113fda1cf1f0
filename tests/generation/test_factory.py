from __future__ import annotations

import pytest

from assistant.answering import ExtractiveAnswerer
from assistant.conversation import standalone_query
from assistant.errors import ConfigurationError
from assistant.generation import build_generator, build_rewriter
from assistant.settings import Settings


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_extractive_is_the_default():
    generator = build_generator(settings())
    assert isinstance(generator, ExtractiveAnswerer) and generator.name == "extractive"
    assert build_rewriter(settings(), generator) is standalone_query


@pytest.mark.parametrize("values, message", [
    ({"answer_backend": "ollama"}, "needs RATSINFO_LLM_MODEL"),
    ({"answer_backend": "llamacpp"}, "needs RATSINFO_LLM_GGUF_PATH"),
    ({"answer_backend": "llamacpp", "llm_gguf_path": "/nonexistent.gguf"}, "/nonexistent.gguf"),
    ({"answer_backend": "openai"}, "needs RATSINFO_LLM_MODEL"),
])
def test_missing_configuration_is_one_clear_line(values, message):
    with pytest.raises(ConfigurationError, match=message) as info:
        build_generator(settings(**values))
    assert "\n" not in str(info.value)


def test_openai_backend_builds_without_contacting_the_server():
    pytest.importorskip("langchain_openai")
    s = settings(answer_backend="openai", llm_model="m", llm_base_url="http://127.0.0.1:9/v1",
                 llm_timeout_s=3)
    generator = build_generator(s)
    assert generator.name == "openai:m" and generator.fallback.name == "extractive"
    assert build_rewriter(s, generator).chat_model is generator.chat_model
    assert build_rewriter(settings(answer_backend="openai", llm_model="m", llm_rewrite_queries=False),
                          generator) is standalone_query
