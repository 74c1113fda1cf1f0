"""Generated answers: LLM backends through langchain, prompts from files, and the grounding guard.

Modules by role: ``prompting`` (prompt files -> messages), ``backends`` (langchain chat models),
``llm`` (the ``LLMAnswerer``), ``grounding`` + ``facts`` (the guard), ``rewriting`` (follow-up queries),
``base`` (errors, ``AnswerStream``), ``factory`` (what the settings ask for). Importing this package
loads no model and opens no connection.
"""

from .base import AnswerStream, describe_error, open_stream
from .factory import QueryRewriter, build_generator, build_rewriter
from .grounding import GroundingGuard, sanitize
from .llm import LLMAnswerer
from .rewriting import LLMQueryRewriter

__all__ = [
    "AnswerStream", "GroundingGuard", "LLMAnswerer", "LLMQueryRewriter", "QueryRewriter",
    "build_generator", "build_rewriter", "describe_error", "open_stream", "sanitize",
]
