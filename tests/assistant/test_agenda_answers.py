"""A meeting's agenda, answered from the record's structure: its items in order, of the asked date."""

from __future__ import annotations

from pathlib import Path

from assistant.agenda_answers import AskedDate, agenda_items, asked_date, is_agenda_question, numbered_run
from assistant.models import Chunk, SearchFilters
from tests.conftest import make_assistant

INVITATION = ("Stadtteilbeirat Büchenbach 1. Sitzung Dienstag, 11.03.2025 18:30 Uhr Mönauschule, Aula "
              "Öffentliche Tagesordnung - 18:30 Uhr 1. Städtische Jugendsozialarbeit 2. Weitere Angebote für "
              "Jugendliche 3. Sonstiges")


def test_agenda_questions_in_german_and_english_and_not_other_topic_questions() -> None:
    for question in ("Welche Themen standen auf der Tagesordnung des Stadtteilbeirats im März 2025?",
                     "Was stand bei der Sitzung am 17. November 2022 auf dem Programm?",
                     "What was on the agenda of the Ahnsen council in May 2026?",
                     "Welche Themen wurden in der Sitzung des Ortschaftsrats beraten?"):
        assert is_agenda_question(question), question
    for question in ("Welche Themen behandelt die Machbarkeitsstudie?", "Was kostet der Medienbus?",
                     "Welche Fraktion wollte die Fahrradstraße von der Tagesordnung nehmen?",
                     "Wer hat beantragt, den Punkt auf die Tagesordnung zu setzen?",
                     "How did the council vote on the first item on the agenda?"):
        assert not is_agenda_question(question), question


def test_the_asked_date_is_read_as_precisely_as_it_is_named() -> None:
    assert asked_date("Sitzung am 17. November 2022") == AskedDate(2022, 11, 17)
    assert asked_date("Sitzung am 04.03.2025") == AskedDate(2025, 3, 4)
    assert asked_date("im März 2025") == AskedDate(2025, 3)
    assert asked_date("on March 5, 2024") == AskedDate(2024, 3, 5)
    assert asked_date("in 2021") == AskedDate(2021)
    assert asked_date("neulich") is None
    assert AskedDate(2025, 3).matches("2025-03-11") and not AskedDate(2025, 3).matches("2025-10-15")
    assert AskedDate(2025, 3).bounds() == ("2025-03-01", "2025-03-31")


def test_items_come_from_numbered_headings_or_else_from_a_numbered_run_in_the_text() -> None:
    assert numbered_run(INVITATION) == ["1. Städtische Jugendsozialarbeit", "2. Weitere Angebote für Jugendliche",
                                        "3. Sonstiges"]  # the later "1." starts the run, not "1. Sitzung"
    assert numbered_run("Am 1. Januar trat die Satzung in Kraft.") == []

    def chunk(ordinal: int, path: tuple[str, ...], text: str = "Text.") -> Chunk:
        return Chunk(chunk_id=f"c{ordinal}", document_id="m", source="m.pdf", source_path="/m.pdf", title="Sitzung",
                     section=path[-1], section_path=path, text=text, embed_text=text, ordinal=ordinal)

    chunks = [chunk(2, ("TOP 2 Haushalt",)), chunk(0, ("Einleitung",)), chunk(1, ("TOP 1 Eröffnung",)),
              chunk(3, ("TOP 2 Haushalt", "Beschluss"))]
    assert agenda_items(chunks) == ["TOP 1 Eröffnung", "TOP 2 Haushalt"]


def test_the_agenda_of_the_asked_meeting_is_listed_with_its_record_cited(core_index: Path) -> None:
    assistant = make_assistant(core_index)
    citizen = SearchFilters(public_only=True)
    answer = assistant.ask("Welche Themen standen auf der Tagesordnung des Stadtteilbeirats Büchenbach im März 2025?",
                           filters=citizen)
    assert answer.generator == "agenda" and not answer.refused
    assert "Jugendsozialarbeit" in answer.short_answer and "Weitere Angebote für Jugendliche" in answer.text
    assert answer.citations[0].source.startswith("erlangen_sbr_2025-03-11_Einladung")
    english = assistant.ask("What was on the agenda of the Durlach local council in February 2025?", filters=citizen)
    assert english.generator == "agenda" and english.text.startswith("Agenda \u201c")
    lines = [line for line in english.text.splitlines() if line.startswith("- ")]
    assert lines[0].startswith("- 1 ") or "Zusammensetzung des Ortschaftsrats" in lines[0], lines
    assert any("Kultursommer 2025" in line for line in lines) and len(lines) >= 10
    # no meeting of that date: no agenda is made up; the sentence answerer (or a refusal) takes over
    assert assistant.ask("Was stand auf der Tagesordnung des Stadtteilbeirats Büchenbach im Juli 2019?",
                         filters=citizen).generator != "agenda"
