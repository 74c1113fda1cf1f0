"""Build the answerer and the follow-up rewriter that ``settings`` asks for."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answering import AnswerGenerator, ExtractiveAnswerer, RefusalPolicy
from assistant.conversation import ChatTurn, StandaloneQuery, standalone_query
from assistant.settings import Settings
from assistant.text_analysis import GermanAnalyzer

from .backends import build_chat_model, model_name
from .grounding import GroundingGuard
from .llm import LLMAnswerer
from .rewriting import LLMQueryRewriter

QueryRewriter = Callable[[str, Sequence[ChatTurn]], StandaloneQuery]


def build_generator(settings: Settings, *, analyzer: GermanAnalyzer | None = None,
                    fallback: Callable[..., AnswerGenerator] = ExtractiveAnswerer,
                    refusal: RefusalPolicy | None = None) -> AnswerGenerator:
    """The configured answerer; an LLM backend gets the grounding guard and ``fallback`` behind it.

    ``refusal`` is shared by the LLM answerer (checked before the model is called) and the fallback; the
    service passes its own (with ``known=lexical.knows``), else one is built from the settings.
    Raises ``ConfigurationError`` (one clear line) when a backend's package or required setting is missing.
    A server that is down is *not* an error here: it shows at answer time as a fallback with a notice.
    """
    analyzer = analyzer or GermanAnalyzer()
    refusal = refusal or RefusalPolicy(settings.refusal_threshold, settings.refusal_threshold_en)
    extractive = fallback(analyzer, refusal=refusal, max_sentences=settings.answer_max_sentences,
                          max_citations=settings.answer_max_citations)
    if settings.answer_backend == "extractive":
        return extractive
    model = model_name(settings)
    return LLMAnswerer(
        build_chat_model(settings), extractive, name=f"{settings.answer_backend}:{model}",
        guard=GroundingGuard(settings.grounding_mode, analyzer), refusal=refusal,
        prompt_version=settings.prompt_version, passages=settings.llm_passages,
        passage_chars=settings.llm_passage_chars, max_retries=settings.llm_max_retries,
        backend=settings.answer_backend, model=model, base_url=settings.llm_base_url,
        timeout_s=settings.llm_timeout_s)


def build_rewriter(settings: Settings, generator: AnswerGenerator | None = None) -> QueryRewriter:
    """The LLM rewriter when an LLM answers (sharing its chat model), else the heuristic."""
    if isinstance(generator, LLMAnswerer) and settings.llm_rewrite_queries:
        return LLMQueryRewriter(generator.chat_model, prompt_version=settings.prompt_version)
    return standalone_query
