"""Quote, then verify: the model's evidence sentences are checked against the passages before it answers."""

from __future__ import annotations

from assistant.generation.quoting import parse_quotes, verified_quotes

from .conftest import POOL, answerer, fake, make_hit

QUESTION = "Wann wurde die Schwimmstätte in Wettersbach geschlossen?"
SENTENCE = "Die Schwimmstätte hat bis zu ihrer Schließung am 19.07.2008 funktioniert."


def test_quoted_sentences_are_parsed_and_only_real_ones_kept(hits):
    raw = f"[1] „{SENTENCE}“\n[2] Die Halle wurde 2010 abgerissen.\n[9] {SENTENCE}\nKommentar ohne Nummer"
    assert [n for n, _ in parse_quotes(raw)] == [1, 2, 9]
    assert verified_quotes(raw, hits) == {0: [SENTENCE]}  # invented, wrong passage, out of range: dropped
    # the PDF broke the passage's line inside the word: the clean quote still verifies
    wrapped = [make_hit(POOL.replace("Schließung am", "Schlie-\nßung  am"), "pool.pdf", "Hallenbad", 1)]
    assert verified_quotes(f"[1] {SENTENCE}", wrapped) == {0: [SENTENCE]}


def test_verified_quotes_are_answered_from_and_cited_with_their_whole_passage(hits):
    model = fake(f"[1] {SENTENCE}", "Die Schwimmstätte wurde am 19.07.2008 geschlossen [1].")
    answer = answerer(model, verify_quotes=True).answer(QUESTION, hits, "de")
    assert not answer.refused and not answer.fallback
    assert answer.short_answer == "Die Schwimmstätte wurde am 19.07.2008 geschlossen [1]."
    assert answer.citations[0].quote == SENTENCE and answer.citations[0].passage == POOL
    # the answer step saw only the verified quote, not the other passages
    answer_prompt = model.seen[1][1].content
    assert SENTENCE in answer_prompt and "Energiezuschlag" not in answer_prompt


def test_none_or_an_invented_quote_is_the_related_records_outcome(hits):
    for raw in ("NONE", "[1] Die Schwimmstätte wurde 2012 geschlossen."):
        model = fake(raw, "Die Schwimmstätte wurde 2012 geschlossen [1].")
        answer = answerer(model, verify_quotes=True).answer(QUESTION, hits, "de")
        assert answer.refused and answer.related and answer.citations
        assert len(model.seen) == 1  # no answer step without a verified quote
        assert "2012" not in answer.text


def test_the_quote_prompt_exists_in_both_languages_and_asks_for_verbatim_sentences(hits):
    for language, question in (("de", QUESTION), ("en", "When did the indoor pool in Wettersbach close?")):
        model = fake("NONE")
        answerer(model, verify_quotes=True).answer(question, hits, language)
        system = model.seen[0][0].content
        assert ("wörtlich" in system) if language == "de" else ("verbatim" in system)
        assert "NONE" in system and "<passage n=\"1\"" in model.seen[0][1].content


def test_streaming_runs_the_quote_step_first(hits):
    model = fake(f"[1] {SENTENCE}", "Die Schwimmstätte wurde am 19.07.2008 geschlossen [1].")
    stream = answerer(model, verify_quotes=True).stream(QUESTION, hits, "de")
    text = "".join(stream)
    assert "19.07.2008" in text and stream.answer.citations[0].quote == SENTENCE
