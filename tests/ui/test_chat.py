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
    assert expander.label.startswith("\\[1\\] ") and "– Finanzielle Auswirkungen" in expander.label
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


def test_the_short_answer_comes_first_and_large(app):
    answer = ask(app, REGIONAL_DE)
    assert answer.short_answer
    message = app.chat_message[1]
    assert message.caption[0].value == "Antwort"
    assert message.markdown[0].value.startswith("### ")
    assert "Sind im Haushalt eingeplant" in message.markdown[0].value


def test_english_question_gets_english_headings_in_the_german_ui(app):
    answer = ask(app, REGIONAL_EN)
    assert answer.language == "en" and answer.short_answer
    captions = [c.value for c in app.chat_message[1].caption]
    assert captions[:2] == ["Answer", "Evidence, verbatim"] and "Sources" in captions
    assert app.chat_message[1].markdown[0].value.startswith("### According to")


def test_citation_shows_record_part_section_path_page_and_ocr(app):
    from assistant.models import Citation
    from ui.citations import label, metadata_markdown

    c = Citation(n=1, chunk_id="c", document_id="d", source="vorlage.pdf", source_path="/x/vorlage.pdf",
                 title="Neubau Aue-Brücke", section="Kosten", quote="q", passage="p", page=3, date="2025-03-12",
                 public=True, section_path=("Anlage: Stellungnahme", "Kosten"), ocr=True)
    text = label(c, "en")
    assert "Neubau Aue\\-Brücke – Anlage\\: Stellungnahme – Kosten \\(Page 3\\, 2025\\-03\\-12\\, OCR\\)" in text
    body = metadata_markdown(c, "de")
    assert "**Teil:** Anlage\\: Stellungnahme" in body and "**Gliederung:** Anlage\\: Stellungnahme › Kosten" in body
    assert "**Texterkennung:**" in body and "**Seite:** 3" in body


def test_related_records_are_shown_as_such_not_as_an_answer(app):
    answer = ask(app, "Wer soll das Hallenbad Wettersbach künftig betreiben?")
    if not (answer.refused and answer.related):  # retrieval decides: the fixture states no reopening date
        import pytest

        pytest.skip(f"not the related outcome on this index: {answer.text[:80]}")
    assert app.warning[0].value.startswith("**Verwandte Unterlagen")
    assert not app.chat_message[1].markdown or not app.chat_message[1].markdown[0].value.startswith("### ")
    assert app.main.expander  # the records to read on
