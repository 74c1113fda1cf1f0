"""Question-set loading: the JSONL format, staff feedback exports and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.datasets import QuestionSetError, load_questions, select

GOOD = {
    "id": "x1",
    "question": "Wann?",
    "lang": "de",
    "answerable": True,
    "kind": "date",
    "gold": [{"source": "text/a.txt", "evidence": "am 1. Mai 2024 beschlossen"}],
    "answer_contains": ["2024"],
}


def write(tmp_path: Path, *records: object) -> Path:
    path = tmp_path / "qa.jsonl"
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n", encoding="utf-8"
    )
    return path


def test_loads_records_and_keeps_file_names_only(tmp_path):
    [item] = load_questions(write(tmp_path, GOOD))
    assert item.id == "x1" and item.gold[0].source == "a.txt" and item.answer_contains == ("2024",)
    assert item.to_json()["gold"][0]["evidence"] == "am 1. Mai 2024 beschlossen"


def test_feedback_export_with_extra_fields_and_no_id(tmp_path):
    feedback = {k: v for k, v in GOOD.items() if k != "id"} | {
        "feedback": "down",
        "comment": "falsches Datum",
    }
    unanswerable = {
        "question": "Wer?",
        "lang": "en",
        "answerable": False,
        "kind": "who",
        "gold": [],
        "answer_contains": [],
        "feedback": "up",
    }
    items = load_questions(write(tmp_path, feedback, "", unanswerable))
    assert [i.id for i in items] == ["qa-1", "qa-3"]
    assert not items[1].answerable


@pytest.mark.parametrize(
    "record, message",
    [
        ("{not json", "invalid JSON"),
        ({**GOOD, "lang": "fr"}, "lang 'fr'"),
        ({**GOOD, "kind": "poem"}, "kind 'poem'"),
        ({k: v for k, v in GOOD.items() if k != "question"}, "missing field 'question'"),
        ({**GOOD, "gold": []}, "has no gold evidence"),
        ({**GOOD, "answerable": False}, "must have empty gold"),
        ({**GOOD, "gold": [{"source": "a.txt"}]}, "gold entry 1"),
        ({**GOOD, "answerable": "yes"}, "'answerable' has type str"),
    ],
)
def test_errors_name_file_and_line(tmp_path, record, message):
    path = write(tmp_path, GOOD | {"id": "ok"}, record)
    with pytest.raises(QuestionSetError) as err:
        load_questions(path)
    assert f"{path}:2" in str(err.value) and message in str(err.value)


def test_duplicate_ids_and_empty_files(tmp_path):
    with pytest.raises(QuestionSetError, match="duplicate id 'x1'"):
        load_questions(write(tmp_path, GOOD, GOOD))
    with pytest.raises(QuestionSetError, match="no questions"):
        load_questions(write(tmp_path, ""))


def test_select_by_ids_and_limit(tmp_path):
    items = load_questions(write(tmp_path, *({**GOOD, "id": f"q{i}"} for i in range(5))))
    assert [i.id for i in select(items, ("q3", "q1"))] == ["q1", "q3"]
    assert [i.id for i in select(items, limit=2)] == ["q0", "q1"]
    with pytest.raises(QuestionSetError, match="unknown question ids: nope"):
        select(items, ("nope",))
