"""Timelines over the OParl test server: consultations in order with results, linked papers, 'as of'."""

from __future__ import annotations

import json

from click.testing import CliRunner

from assistant.cli import cli
from assistant.models import SearchFilters
from assistant.service import Assistant


def test_paper_consulted_by_two_bodies_shows_both_in_order(matters_index: Assistant) -> None:
    timeline = matters_index.matter("2023/0386")
    assert timeline is not None and timeline.origin == "oparl"
    assert timeline.title == "Weiterentwicklung Karlstraße auf Basis des Reallabors"
    steps = [(s.consultation.body, s.consultation.date, s.consultation.agenda_number, s.consultation.result)
             for s in timeline.steps]
    dated = [s for s in steps if s[1]]
    assert dated == [
        ("Hauptausschuss", "2023-09-12", "5", "vorberaten"),
        ("Gemeinderat", "2023-09-19", "16.1", "mehrheitlich zugestimmt zu geändertem Beschlusstext"),
    ]
    hauptausschuss = next(s for s in timeline.steps if s.consultation.body == "Hauptausschuss")
    assert hauptausschuss.consultation.resolution.startswith("Der Hauptausschuss empfiehlt")
    assert hauptausschuss.resolution_chunk is not None and "TOP 5" in hauptausschuss.resolution_chunk.section
    assert all(s.chunk is not None and s.chunk.section_path == ("Beratungsfolge",) for s in timeline.steps)
    assert "Beschlussvorlage Weiterentwicklung Karlstraße" in timeline.files
    amendment = [r for r in timeline.related if r.reference == "2023/0386/4"]
    assert amendment and amendment[0].relation == "amendment"


def test_anfrage_and_stellungnahme_are_linked_both_ways(matters_index: Assistant) -> None:
    anfrage = matters_index.matter("2025/0977")
    assert anfrage is not None and anfrage.document_type == "Anfrage"
    assert [(r.relation, r.reference) for r in anfrage.related] == [("stellungnahme", "2025/0977/1")]
    stellungnahme = matters_index.matter("2025/0977/1")
    assert stellungnahme is not None
    assert ("inquiry", "2025/0977") in [(r.relation, r.reference) for r in stellungnahme.related]


def test_matter_question_answered_from_the_timeline(matters_index: Assistant) -> None:
    answer = matters_index.ask("Was wurde aus der Weiterentwicklung der Karlstraße auf Basis des Reallabors?")
    assert not answer.refused and answer.generator == "timeline"
    assert "Hauptausschuss" in answer.text and "mehrheitlich zugestimmt" in answer.text
    assert answer.text.index("12.09.2023") < answer.text.index("19.09.2023")
    beratung = [c for c in answer.citations if c.section == "Beratungsfolge"]
    assert beratung and f"[{beratung[0].n}]" in answer.text
    assert answer.as_of is not None and "Stand der zitierten Unterlagen" in answer.text


def test_newer_amendment_is_reported(matters_index: Assistant) -> None:
    """An answer citing the Vorlage text only (April 2023) learns of the amendment (July 2023) and the
    decisions (September 2023)."""
    vorlage = matters_index.matter("2023/0386")
    assert vorlage is not None
    answer = matters_index.ask("Welche Verkehrsuntersuchung liegt der Beschlussvorlage zur Karlstraße bei?",
                               filters=SearchFilters(document_ids=(vorlage.document_id,)))
    assert not answer.refused
    assert answer.as_of == max(c.date for c in answer.citations if c not in answer.newer)
    assert answer.newer, answer.text
    assert all(c.date and c.date > answer.as_of or c.section == "Beratungsfolge" or "TOP" in c.section
               for c in answer.newer)
    assert "Es gibt einen neueren Stand" in answer.text
    data = answer.to_json()
    assert data["as_of"] == answer.as_of and data["newer"] and data["verified"] is None


def test_citizen_timeline_has_public_records_only(matters_index: Assistant) -> None:
    timeline = matters_index.matter("2023/0386")
    assert timeline is not None and timeline.public is True
    assert all(r.document_id for r in timeline.related)  # unresolved OParl links are for staff only
    staff = matters_index.matter("2023/0386", SearchFilters(public_only=False))
    assert staff is not None and len(staff.related) >= len(timeline.related)


def test_cli_matter_json(matters_index: Assistant) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--data-dir", str(matters_index.settings.data_dir), "matter", "2023/0386",
                                 "--json"], obj={"assistant": matters_index}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reference"] == "2023/0386" and len(data["consultations"]) == 3
    assert any(r["reference"] == "2023/0386/4" for r in data["related"])
