"""Staff-verified answers over a real index: reused for the same question, never past a changed record, never
for a citizen when a citation is non-public; the review queue; the schema; ``ask --json``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from assistant.conversation import ChatTurn
from assistant.feedback import FeedbackStore
from assistant.models import SearchFilters
from assistant.sqlite_schema import SchemaError
from assistant.verified import Outdated, Verified, VerifiedAnswers, VerifyError, has_personal_data, normalise
from tests.verified.conftest import NONPUBLIC_QUESTION, REGIONAL

CITIZEN = SearchFilters(public_only=True)
STAFF_ALL = SearchFilters(public_only=False)
TODAY = date.today().isoformat()


def test_questions_match_regardless_of_case_whitespace_punctuation_and_umlauts():
    assert normalise(REGIONAL) == normalise("  welche FINANZIELLEN auswirkungen, hat das Regionalmarketing ")
    assert normalise("Wie hoch sind die Gebühren für Straßen?") == normalise("wie hoch sind die gebuehren fur strassen")
    assert normalise("Gebühren") == normalise("GEBUHREN") == normalise("Gebuehren")
    assert normalise(REGIONAL) != normalise("Welche personellen Auswirkungen hat das Regionalmarketing?")


def test_a_verified_answer_is_shown_for_the_same_question(assistant):
    staff_answer = assistant.ask(REGIONAL, filters=CITIZEN)
    assert not staff_answer.refused and staff_answer.verified_on is None
    assert assistant.verified.verify(REGIONAL, staff_answer, "alice", assistant.store) == TODAY

    again = assistant.ask("welche finanziellen Auswirkungen hat das   regionalmarketing", filters=CITIZEN)
    assert again.verified_on == TODAY and again.verification_outdated is None
    assert again.text == staff_answer.text and again.question.startswith("welche finanziellen")
    assert [c.chunk_id for c in again.citations] == [c.chunk_id for c in staff_answer.citations]
    assert again.citations[0].passage == staff_answer.citations[0].passage
    assert again.to_json()["verified"] == {"by_staff": True, "on": TODAY, "outdated": False}
    # the streaming path (the chat) gives the same stored answer
    stream = assistant.stream("Welche finanziellen Auswirkungen hat das Regionalmarketing", filters=CITIZEN)
    assert "".join(stream) == staff_answer.text and stream.answer.verified_on == TODAY
    # later in a conversation, too (a new question, not a follow-up)
    history = [ChatTurn("Was wurde zur Fahrradstraße beantragt?", staff_answer)]
    assert assistant.ask(REGIONAL, filters=CITIZEN, history=history).verified_on == TODAY


def test_a_changed_cited_record_makes_the_verification_outdated(assistant, corpus: Path):
    answer = assistant.ask(REGIONAL, filters=CITIZEN)
    assistant.verified.verify(REGIONAL, answer, "alice", assistant.store)
    assert isinstance(assistant.verified.lookup(REGIONAL, CITIZEN, assistant.store), Verified)

    record = corpus / "aachen_regionalmarketing_vorlage.txt"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "Finanzielle Auswirkungen: Sind im Haushalt eingeplant.",
        "Finanzielle Auswirkungen: Es entstehen Kosten von 250.000 Euro jährlich."), encoding="utf-8")
    report = assistant.ingest([corpus])
    assert report.documents_updated == 1

    fresh = assistant.ask(REGIONAL.upper(), filters=CITIZEN)
    assert fresh.verified_on is None and fresh.verification_outdated == TODAY
    assert fresh.to_json()["verified"] is None and fresh.to_json()["verification_outdated"] == TODAY
    assert "Sind im Haushalt eingeplant" not in fresh.text
    assert isinstance(assistant.verified.lookup(REGIONAL, CITIZEN, assistant.store), Outdated)

    [item] = [i for i in assistant.verified.review_queue(10) if i.kind == "outdated"]
    assert (item.question, item.verified_on, item.outdated_on, item.staff_user) == (REGIONAL, TODAY, TODAY, "alice")
    assert item.asked == 2  # asked by staff, then by a citizen (a lookup by itself counts nothing)

    # staff check the new answer: current again, out of the queue
    assistant.verified.verify(REGIONAL, fresh, "bob", assistant.store)
    assert assistant.ask(REGIONAL, filters=CITIZEN).verified_on == TODAY
    assert not [i for i in assistant.verified.review_queue(10) if i.question in (REGIONAL, normalise(REGIONAL))]


def test_a_change_elsewhere_in_the_cited_document_also_counts(assistant, corpus: Path):
    answer = assistant.ask(REGIONAL, filters=CITIZEN)
    assistant.verified.verify(REGIONAL, answer, "alice", assistant.store)
    record = corpus / "aachen_regionalmarketing_vorlage.txt"
    record.write_text(record.read_text(encoding="utf-8") + "\nAnlagen: Regionalanalyse 2025\n", encoding="utf-8")
    assistant.ingest([corpus])
    assert assistant.verified.refresh(assistant.store) == 1
    assert assistant.ask(REGIONAL, filters=CITIZEN).verification_outdated == TODAY


def test_a_verification_citing_a_nonpublic_record_is_never_shown_to_a_citizen(assistant):
    staff_answer = assistant.ask(NONPUBLIC_QUESTION, filters=STAFF_ALL)
    assert any(c.public is False for c in staff_answer.citations), staff_answer
    assistant.verified.verify(NONPUBLIC_QUESTION, staff_answer, "alice", assistant.store)

    citizen = assistant.ask(NONPUBLIC_QUESTION.lower(), filters=CITIZEN)
    assert citizen.verified_on is None and citizen.verification_outdated is None
    assert "1.234.567" not in citizen.text
    assert all(c.public for c in citizen.citations)
    assert assistant.verified.lookup(NONPUBLIC_QUESTION, CITIZEN, assistant.store) is None
    assert assistant.verified.lookup(NONPUBLIC_QUESTION, None, assistant.store) is None  # no filters = citizen
    # staff who include non-public records get it
    assert assistant.ask(NONPUBLIC_QUESTION, filters=STAFF_ALL).verified_on == TODAY


def test_a_record_no_longer_public_hides_the_verification_from_citizens(assistant, corpus: Path):
    answer = assistant.ask(REGIONAL, filters=CITIZEN)
    assistant.verified.verify(REGIONAL, answer, "alice", assistant.store)
    # the stored flag turns non-public without the text changing (e.g. an operator's correction)
    chunks = assistant.store.get_chunks([c.chunk_id for c in answer.citations])
    from dataclasses import replace

    assistant.store.update_metadata([replace(c, public=False) for c in chunks.values()])
    assert assistant.verified.lookup(REGIONAL, CITIZEN, assistant.store) is None
    assert isinstance(assistant.verified.lookup(REGIONAL, STAFF_ALL, assistant.store), Verified)


def test_the_review_queue_counts_asked_questions_without_personal_data(assistant):
    for _ in range(3):
        assistant.ask("Was kostet das Regionalmarketing?", filters=CITIZEN)
    assistant.ask("was kostet das regionalmarketing", filters=CITIZEN)
    assistant.ask(REGIONAL, filters=CITIZEN)
    assistant.ask("Ich bin max@example.org, Tel. 0241 432-1234: was kostet das Regionalmarketing?", filters=CITIZEN)
    queue = assistant.verified.review_queue(10)
    assert [(i.kind, i.question, i.asked) for i in queue] == [
        ("unverified", "was kostet das regionalmarketing", 4),
        ("unverified", "welche finanziellen auswirkungen hat das regionalmarketing", 1)]
    assert queue[0].last_asked == TODAY
    with sqlite3.connect(assistant.verified.path) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(asked_question)")}
        stored = " ".join(str(v) for row in conn.execute("SELECT * FROM asked_question") for v in row)
    assert columns == {"question_key", "question", "asked", "last_asked"}  # no user, session, address or time
    assert "max" not in stored and "example" not in stored
    assert has_personal_data("IBAN DE89 3704 0044 0532 0130 00") and not has_personal_data("Vorlage 2023/0386")
    assert assistant.verified.review_queue(1) == queue[:1]


def test_refusals_are_not_verified_and_wrong_verdicts_withdraw(assistant):
    refused = assistant.ask("Wie hoch ist die Hundesteuer in Timbuktu?", filters=CITIZEN)
    assert refused.refused
    with pytest.raises(VerifyError):
        assistant.verified.verify(refused.question, refused, "alice")
    assert assistant.verified.on_verdict(refused.question, refused, "correct", {}, "alice") is None

    answer = assistant.ask(REGIONAL, filters=CITIZEN)
    assert assistant.verified.on_verdict(REGIONAL, answer, "correct", {1: "wrong"}, "alice") is None
    assert assistant.verified.lookup(REGIONAL, CITIZEN, assistant.store) is None
    assert assistant.verified.on_verdict(REGIONAL, answer, "correct", {1: "correct"}, "alice") == TODAY
    assert assistant.verified.on_verdict(REGIONAL, answer, "incomplete", {}, "bob") is None
    assert assistant.verified.lookup(REGIONAL, CITIZEN, assistant.store) is None


def test_schema_lives_beside_the_feedback_tables(tmp_path: Path):
    path = tmp_path / "feedback.sqlite3"
    feedback = FeedbackStore(path)
    verified = VerifiedAnswers(path)
    assert verified.schema_version == 1 and FeedbackStore(path).schema_version == feedback.schema_version
    VerifiedAnswers(path)  # idempotent
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE verified_schema_version SET version = 99")
    with pytest.raises(SchemaError, match="newer"):
        VerifiedAnswers(path)
    assert FeedbackStore(path).list() == []  # the feedback store is unaffected


def test_a_broken_database_never_stops_an_answer(assistant):
    with sqlite3.connect(assistant.verified.path) as conn:
        conn.execute("DROP TABLE verified_answer")
    answer = assistant.ask(REGIONAL, filters=CITIZEN)
    assert not answer.refused and answer.verified_on is None


def test_ask_prints_the_verified_line_and_json(assistant):
    answer = assistant.ask(REGIONAL, filters=CITIZEN)
    assistant.verified.verify(REGIONAL, answer, "alice", assistant.store)
    env = {k: v for k, v in os.environ.items() if k != "RATSINFO_FEEDBACK_DB"}
    env["RATSINFO_DATA_DIR"] = str(assistant.settings.data_dir)

    def ratsinfo(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True,
                              env=env, timeout=300)

    done = ratsinfo("ask", "welche finanziellen auswirkungen hat das regionalmarketing?", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verified"] == {"by_staff": True, "on": TODAY, "outdated": False}
    done = ratsinfo("ask", REGIONAL)
    assert done.returncode == 0, done.stderr
    day = f"{TODAY[8:10]}.{TODAY[5:7]}.{TODAY[:4]}"
    assert done.stdout.startswith(f"Von der Verwaltung geprüft am {day}.")
    done = ratsinfo("ask", "Welche Maßnahmen zum Regionalmarketing wurden bereits begonnen?", "--json")
    assert json.loads(done.stdout)["verified"] is None
