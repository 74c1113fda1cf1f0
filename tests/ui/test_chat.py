"""Citizen chat: answers with citations, citation content, filters, follow-ups, examples, refusals."""

from __future__ import annotations

from tests.ui.conftest import REGIONAL_DE, REGIONAL_EN


def ask(at, question: str):
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at.session_state["exchanges"][-1].answer


def markdown_text(node) -> str:
    return "\n".join(m.value for m in node.markdown)


def test_empty_chat_shows_examples_in_german(app):
    assert app.title[0].value == "Ratsinfo-Assistent"
    assert REGIONAL_DE in [b.label for b in app.button]


def test_english_switch_changes_labels_and_examples(app):
    app.selectbox(key="lang").set_value("en").run()
    assert app.title[0].value == "Council records assistant"
    assert REGIONAL_EN in [b.label for b in app.button]


def test_example_question_is_answered(app):
    app.button(key="example-0").click().run()
    exchanges = app.session_state["exchanges"]
    assert [e.question for e in exchanges] == [REGIONAL_DE]
    assert exchanges[0].answer.citations


def test_answer_shows_citations_with_the_passage_highlighted_in_its_section(app):
    answer = ask(app, REGIONAL_DE)
    assert not answer.refused
    first = answer.citations[0]
    assert first.source == "aachen_regionalmarketing_vorlage.txt"
    assert first.section == "Finanzielle Auswirkungen"
    assert any("\\[1\\]" in m.value for m in app.chat_message[1].markdown)  # the answer text cites [1]
    expander = app.main.expander[0]
    assert expander.label.startswith("\\[1\\] aachen regionalmarketing vorlage – Finanzielle Auswirkungen")
    body = markdown_text(expander)
    assert "**Finanzielle Auswirkungen\\: Sind im Haushalt eingeplant**" in body
    assert "**Dokumentart:** Vorlage" in body and "**Abschnitt:** Finanzielle Auswirkungen" in body
    assert "**Quelle:** aachen\\_regionalmarketing\\_vorlage\\.txt" in body
    # the original exists on disk, so it can be downloaded
    assert [b.label for b in expander.get("download_button")] == ["Originaldatei herunterladen"]


def test_citation_metadata_shows_reference_body_and_date(app):
    answer = ask(app, "Was wurde zur Fahrradstraße Basler-Tor-Straße beantragt?")
    cited = [c for c in answer.citations if c.source == "karlsruhe_file_662089.txt"]
    assert cited
    body = markdown_text(app.main.expander[answer.citations.index(cited[0])])
    assert "**Drucksachen-Nr.:** 2024/1073" in body.replace("\\/", "/")
    assert "**Gremium:** Ortschaftsrat Durlach" in body
    assert "**Datum:** 2024\\-09\\-02" in body


def test_filters_are_applied_to_retrieval(app):
    options = app.multiselect(key="filter_types").options
    assert "Antrag" in options and "Vorlage" in options
    app.multiselect(key="filter_types").select("Antrag").run()
    answer = ask(app, REGIONAL_DE)
    assert app.session_state["exchanges"][-1].filters.document_types == ("Antrag",)
    assert all(h.chunk.document_type == "Antrag" for h in answer.hits)
    assert all(c.document_type == "Antrag" for c in answer.citations)


def test_date_filter_is_applied_to_retrieval(app):
    from datetime import date

    app.date_input(key="filter_from").set_value(date(2024, 1, 1)).run()
    answer = ask(app, REGIONAL_DE)
    assert app.session_state["exchanges"][-1].filters.date_from == "2024-01-01"
    assert answer.hits and all(h.chunk.date and h.chunk.date >= "2024-01-01" for h in answer.hits)


def test_follow_up_in_german_cites_the_same_document(app):
    first = ask(app, REGIONAL_DE)
    follow = ask(app, "und die Personalkosten?")
    assert not follow.refused
    assert {c.source for c in follow.citations} == {first.citations[0].source}
    assert len(app.chat_message) == 4


def test_follow_up_in_english_cites_the_same_document(app):
    ask(app, REGIONAL_EN)
    follow = ask(app, "and the staff costs?")
    assert {c.source for c in follow.citations} == {"aachen_regionalmarketing_vorlage.txt"}


def test_sessions_do_not_share_history(app, app_env):
    from streamlit.testing.v1 import AppTest

    from tests.ui.conftest import APP

    ask(app, REGIONAL_DE)
    other = AppTest.from_file(str(APP), default_timeout=120)
    other.run()
    assert other.session_state["exchanges"] == []


def test_nothing_found_state(app):
    answer = ask(app, "Wer hat die Fußball-Weltmeisterschaft 2014 gewonnen?")
    assert answer.refused
    assert app.info[0].value.startswith("Dazu wurde in den Unterlagen nichts gefunden.")
    assert not app.main.expander
