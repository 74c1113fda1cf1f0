"""Chat models for the configured backend: the one place that knows langchain-openai, langchain-ollama and
llama-cpp-python.

* ``openai``: ``ChatOpenAI`` against any OpenAI-compatible server (vLLM, LM Studio, llama.cpp server,
  hosted) via ``llm_base_url`` and ``llm_api_key``.
* ``ollama``: ``ChatOllama`` against an Ollama server.
* ``llamacpp``: with ``llm_base_url``, a llama.cpp server (``python -m llama_cpp.server``) through its
  OpenAI-compatible API; without, the GGUF at ``llm_gguf_path`` loaded in-process by ``llama_cpp.Llama``
  and wrapped in ``LlamaCppChatModel`` (no langchain-community).

The clients are built here, at the entry point's request — never at import. Retries happen in
``LLMAnswerer`` (same policy for every backend), so the clients' own retries are off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field

from assistant.errors import ConfigurationError
from assistant.settings import Settings

log = logging.getLogger(__name__)

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def _missing(package: str, extra: str) -> ConfigurationError:
    return ConfigurationError(f"{package} is not installed; install it with: "
                              f"pip install 'ratsinfo-assistant[{extra}]'")


class LlamaCppChatModel(BaseChatModel):
    """A GGUF model run in-process by llama-cpp-python, as a langchain chat model."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    client: Any = Field(exclude=True)
    model_path: str
    max_tokens: int = 400
    temperature: float = 0.0

    @classmethod
    def load(cls, path: Path, *, n_ctx: int = 4096, max_tokens: int = 400, temperature: float = 0.0,
             n_threads: int | None = None) -> LlamaCppChatModel:
        """Load the GGUF now (explicit warm-up; takes seconds for small models)."""
        if not Path(path).is_file():
            raise ConfigurationError(f"GGUF model file not found: {path}")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise _missing("llama-cpp-python", "local-llm") from exc
        client = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False)
        return cls(client=client, model_path=str(path), max_tokens=max_tokens, temperature=temperature)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-python"

    def _payload(self, messages: list[BaseMessage], stop: list[str] | None) -> dict[str, Any]:
        chat = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]
        return {"messages": chat, "max_tokens": self.max_tokens, "temperature": self.temperature,
                "stop": stop}

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        result = self.client.create_chat_completion(**self._payload(messages, stop))
        text = result["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for part in self.client.create_chat_completion(**self._payload(messages, stop), stream=True):
            text = part["choices"][0].get("delta", {}).get("content") or ""
            if text:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                if run_manager:
                    run_manager.on_llm_new_token(text, chunk=chunk)
                yield chunk


def model_name(settings: Settings) -> str:
    if settings.llm_model:
        return settings.llm_model
    if settings.llm_gguf_path:
        return Path(settings.llm_gguf_path).stem
    return "default"


def _openai(settings: Settings, base_url: str | None) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise _missing("langchain-openai", "llm") from exc
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
    # ChatOpenAI sends the limit as max_completion_tokens, which self-hosted servers (llama_cpp.server,
    # older vLLM/LM Studio) ignore — a base model then writes until the context is full. They all read
    # the classic max_tokens, so a self-hosted server gets that one; the hosted API the new name.
    limit: dict[str, Any] = ({"extra_body": {"max_tokens": settings.llm_max_tokens}} if base_url
                             else {"max_completion_tokens": settings.llm_max_tokens})
    return ChatOpenAI(model=model_name(settings), base_url=base_url, api_key=key,  # type: ignore[arg-type]
                      timeout=settings.llm_timeout_s, max_retries=0, temperature=settings.llm_temperature,
                      **limit)


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The langchain chat model of ``settings.answer_backend`` (not for ``extractive``)."""
    backend = settings.answer_backend
    if backend == "openai":
        if not settings.llm_model and not settings.llm_base_url:
            raise ConfigurationError("answer_backend=openai needs RATSINFO_LLM_MODEL "
                                     "(and usually RATSINFO_LLM_BASE_URL)")
        return _openai(settings, settings.llm_base_url)
    if backend == "ollama":
        if not settings.llm_model:
            raise ConfigurationError("answer_backend=ollama needs RATSINFO_LLM_MODEL, "
                                     "e.g. qwen2.5:7b-instruct")
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise _missing("langchain-ollama", "llm") from exc
        return ChatOllama(model=settings.llm_model, base_url=settings.llm_base_url,
                          temperature=settings.llm_temperature, num_predict=settings.llm_max_tokens,
                          client_kwargs={"timeout": settings.llm_timeout_s})
    if backend == "llamacpp":
        if settings.llm_base_url:
            return _openai(settings, settings.llm_base_url)
        if not settings.llm_gguf_path:
            raise ConfigurationError("answer_backend=llamacpp needs RATSINFO_LLM_GGUF_PATH "
                                     "or RATSINFO_LLM_BASE_URL")
        return LlamaCppChatModel.load(Path(settings.llm_gguf_path), n_ctx=settings.llm_context_tokens,
                                      max_tokens=settings.llm_max_tokens,
                                      temperature=settings.llm_temperature,
                                      n_threads=settings.llm_threads or None)
    raise ConfigurationError(f"answer_backend={backend!r} has no chat model")
