from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel

from assistant.answering import ExtractiveAnswerer
from assistant.generation.base import open_stream, sanitized_tokens

from .conftest import DownChatModel, answerer

QUESTION = "Wann wurde die Schwimmstätte geschlossen?"


def test_stream_yields_tokens_then_holds_the_guarded_answer(hits):
    raw = "Die Schwimmstätte wurde am 19.07.2008 geschlossen [1]. Sie war beliebt."
    stream = answerer(GenericFakeChatModel(messages=iter([raw]))).stream(QUESTION, hits, "de")
    tokens = list(stream)
    assert len(tokens) > 5 and "".join(tokens) == raw
    assert stream.answer.text == "Die Schwimmstätte wurde am 19.07.2008 geschlossen [1]."
    assert stream.answer.dropped_sentences == ("Sie war beliebt.",)


def test_markup_never_reaches_the_stream_even_split_across_tokens():
    tokens = ["Text ", "!", "[x", "](http://evil", ".example/x.png)", " mehr [1", "]", " <im", "g src=x>",
              " ende"]
    out = "".join(sanitized_tokens(tokens))
    assert "evil" not in out and "<" not in out and out == "Text  mehr [1]  ende"


def test_stream_error_midway_falls_back(hits):
    model = FakeListChatModel(responses=["Die Schwimmstätte wurde geschlossen [1]."], error_on_chunk_number=5)
    stream = answerer(model).stream(QUESTION, hits, "de")
    shown = "".join(stream)
    assert shown == "Die S"
    assert stream.answer.fallback
    assert stream.answer.text.startswith("Hinweis: Das Sprachmodell ist nicht verfügbar")


def test_server_down_while_streaming_retries_then_falls_back(hits):
    model = DownChatModel()
    stream = answerer(model, max_retries=1).stream(QUESTION, hits, "de")
    assert list(stream) == []
    assert model.calls == 2 and stream.answer.fallback and "not reachable" in stream.answer.text


def test_open_stream_wraps_the_extractive_answerer(hits):
    extractive = ExtractiveAnswerer()
    stream = open_stream(extractive, QUESTION, hits, "de")
    text = "".join(stream)
    assert stream.answer == extractive.answer(QUESTION, hits, "de") and text == stream.answer.text
