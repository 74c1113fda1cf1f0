"""Retrieval and answers over a real index (chromadb + bundled multilingual-e5-small + BM25).

Every test runs on both store backends: the embedded store and a real chroma server (``backend_index``).
"""

from __future__ import annotations

import pytest

from assistant.conversation import ChatTurn
from assistant.langchain_retriever import CouncilRetriever
from assistant.models import SearchFilters
from tests.chroma_server import IndexRef

FOUNDING_EN = "what financial impact does regional marketing have?"


@pytest.fixture(scope="module")
def assistant(backend_index: IndexRef):
    return backend_index.assistant()


def test_english_question_finds_the_financial_section_not_the_staff_section(assistant) -> None:
    hits = assistant.search(FOUNDING_EN, k=5)
    assert hits[0].chunk.source == "aachen_regionalmarketing_vorlage.txt"
    assert hits[0].chunk.section == "Finanzielle Auswirkungen"
    sections = [h.chunk.section for h in hits]
    assert sections.index("Finanzielle Auswirkungen") < sections.index("Personelle Auswirkungen")


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_every_mode_finds_the_german_passage(assistant, mode: str) -> None:
    hits = assistant.search("Welche finanziellen Auswirkungen hat das Regionalmarketing?", k=5, mode=mode)
    assert any(h.chunk.source == "aachen_regionalmarketing_vorlage.txt" and
               h.chunk.section == "Finanzielle Auswirkungen" for h in hits)
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))


def test_ask_answers_in_english_quoting_german_evidence_with_a_citation(assistant) -> None:
    answer = assistant.ask(FOUNDING_EN)
    assert not answer.refused
    assert answer.language == "en"
    assert answer.text.startswith("According to")
    assert "Sind im Haushalt eingeplant" in answer.text
    first = answer.citations[0]
    assert first.n == 1 and "[1]" in answer.text
    assert first.section == "Finanzielle Auswirkungen"
    assert first.source == "aachen_regionalmarketing_vorlage.txt"
    assert "Sind im Haushalt eingeplant" in first.quote
    assert first.quote in first.passage  # verbatim
    payload = answer.to_json()
    assert set(payload) >= {"question", "answer", "language", "refused", "citations"}
    assert set(payload["citations"][0]) >= {"n", "document_id", "source", "title", "reference", "date",
                                            "section", "page", "quote"}


def test_german_question_gets_a_german_answer(assistant) -> None:
    answer = assistant.ask("Wie viele Parkplätze entfallen durch die Fahrradstraße in der Basler-Tor-Straße?")
    assert not answer.refused and answer.language == "de"
    assert answer.short_answer and answer.text.startswith(answer.short_answer)  # the answer first, then
    assert "\n\nLaut " in answer.text  # the evidence, framed in German
    assert any(c.source == "karlsruhe_file_662089.txt" for c in answer.citations)
    assert "75" in answer.text


@pytest.mark.parametrize("question, language", [
    ("Wie hoch ist die Hundesteuer in Krefeld?", "de"),
    ("Who won the football world cup in 2014?", "en"),
])
def test_unsupported_questions_are_refused(assistant, question: str, language: str) -> None:
    answer = assistant.ask(question)
    assert answer.refused
    assert answer.citations == ()
    assert answer.text in ("Dazu habe ich in den Unterlagen nichts gefunden.",
                           "I found nothing about this in the records.")
    assert answer.language == language


def test_non_public_records_never_reach_citizens(assistant) -> None:
    question = "Verkauf des städtischen Grundstücks Flurstück 4711 an der Musterstraße Kaufpreis"
    for mode in ("dense", "lexical", "hybrid"):
        hits = assistant.search(question, k=20, mode=mode)
        assert all(h.chunk.public is True for h in hits)
        assert not any("4711" in h.chunk.text for h in hits)
    staff_hits = assistant.search(question, k=5, filters=SearchFilters(public_only=False))
    assert staff_hits[0].chunk.source == "nichtoeffentliche_vorlage_grundstueck.txt"
    assert staff_hits[0].chunk.public is False
    answer = assistant.ask("Zu welchem Kaufpreis wird das Flurstück 4711 verkauft?")
    assert "1.234.567" not in answer.text


def test_filters_by_type_and_date(assistant) -> None:
    query = "Tagesordnung Sitzung"
    agendas = assistant.search(query, k=10, filters=SearchFilters(date_from="2025-01-01", date_to="2025-12-31"))
    assert agendas and all(h.chunk.date and "2025-01-01" <= h.chunk.date <= "2025-12-31" for h in agendas)
    types = {h.chunk.document_type for h in assistant.search(query, k=20)}
    wanted = sorted(t for t in types if t)[0]
    typed = assistant.search(query, k=10, filters=SearchFilters(document_types=(wanted,)))
    assert typed and all(h.chunk.document_type == wanted for h in typed)
    nothing = assistant.search(query, k=10, filters=SearchFilters(date_from="2099-01-01"))
    assert nothing == []


def test_follow_up_question_stays_with_the_same_document(assistant) -> None:
    first = assistant.ask(FOUNDING_EN)
    follow = assistant.ask("and the staff costs?", history=[ChatTurn(FOUNDING_EN, first)])
    assert not follow.refused
    assert follow.citations[0].source == "aachen_regionalmarketing_vorlage.txt"
    assert any(c.section == "Personelle Auswirkungen" for c in follow.citations)


def test_langchain_retriever_returns_documents_with_citation_metadata(assistant) -> None:
    retriever = CouncilRetriever(assistant=assistant, k=3)
    docs = retriever.invoke(FOUNDING_EN)
    assert len(docs) == 3
    assert docs[0].metadata["section"] == "Finanzielle Auswirkungen"
    assert docs[0].metadata["source"] == "aachen_regionalmarketing_vorlage.txt"
    assert docs[0].page_content.startswith("Finanzielle Auswirkungen")


def test_cost_question_prefers_the_passage_that_states_the_sum(assistant) -> None:
    """The answer-type prior (hybrid only): the form's "Jährlicher Ertrag: ca. 270.000 €" reaches the top 5."""
    question = "How much extra revenue does Karlsruhe expect per year from the new swimming pool prices?"
    hits = assistant.search(question, k=5)
    assert any("Jährlicher Ertrag: ca. 270.000 €" in h.chunk.text for h in hits)
    boosted = [h for h in hits if "answer_type" in h.scores]
    assert boosted and all(any(c.isdigit() for c in h.chunk.text) for h in boosted)
    assert not any("answer_type" in h.scores for h in assistant.search(question, k=10, mode="dense"))
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)



def test_extractive_answer_quotes_the_sentence_that_states_the_amount() -> None:
    """A cost question is answered by the sentence with the sum (54 Cent), not by every sentence about
    prices; the sum leads the answer even without the answer-type bonus in the sentence scores."""
    from assistant.answering import ExtractiveAnswerer
    from tests.generation.conftest import make_hit

    amount = "Für private Veranstaltungen fallen voraussichtlich Kosten von 54 Cent pro Quadratmeter an."
    text = (f"Die Miete für private Feiern im neuen Bürgerhaus Büchenbach wird vom Stadtrat festgelegt. {amount} "
            "Die Preise wurden zuletzt 2019 erhöht.")
    hits = [make_hit(text, "x.txt", "Bürgerhaus Büchenbach", 1)]
    question = "How much will it cost to hire space in the new Büchenbach community centre for a private celebration?"
    answer = ExtractiveAnswerer().answer(question, hits, "en")
    assert [c.quote for c in answer.citations] == [amount]
    assert answer.short_answer and answer.short_answer.startswith("54 Cent")
    unfocused = ExtractiveAnswerer(type_bonus=0.0).answer(question, hits, "en")
    assert unfocused.short_answer == answer.short_answer


def test_which_group_question_is_answered_by_the_signature(assistant) -> None:
    """The party answer type: the FDP's motion is signed "gezeichnet: FDP Fraktion im Durlacher Ortschaftsrat";
    without the type the answer quoted the motion's text and never named the group."""
    answer = assistant.ask("Welche Fraktion wollte die Fahrradstraße Basler-Tor-Straße von der Tagesordnung nehmen?")
    assert not answer.refused
    assert any("FDP" in c.quote and c.source == "karlsruhe_file_662089.txt" for c in answer.citations)
