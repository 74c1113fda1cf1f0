"""Pure pieces without streamlit: markdown escaping, password hashes, the feedback store and its export."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys

import pytest

from assistant.auth import MIN_ITERATIONS, StaffDirectory, hash_password, parse_staff_users, verify_password
from assistant.errors import ConfigurationError
from assistant.feedback import MIGRATIONS, SCHEMA_VERSION, FeedbackError, FeedbackFilter, FeedbackStore
from assistant.models import Answer, Citation
from ui.safe_text import escape_markdown, highlight_markdown, quote_spans


def test_escape_markdown_leaves_no_active_syntax():
    text = "<script>alert(1)</script> ![x](http://127.0.0.1:9/x.png) [a](b) **b** :red[x] $x$"
    escaped = escape_markdown(text)
    assert "<" not in escaped.replace("\\<", "")
    assert "![" not in escaped and "](" not in escaped and "**" not in escaped
    assert escape_markdown("a\nb") == "a  \nb"
    assert escape_markdown("http://x.de www.y.de") == "http\\:\\/\\/\u200bx\\.de www\u200b\\.y\\.de"


def test_highlight_marks_each_quote_segment_inside_the_passage():
    passage = "Sachlage: viel Text.\nFinanzielle Auswirkungen: Sind im  Haushalt eingeplant.\nAnlage: keine"
    quote = "Finanzielle Auswirkungen: Sind im Haushalt eingeplant. … Anlage: keine"
    spans = quote_spans(passage, quote)
    assert [passage[a:b] for a, b in spans] == ["Finanzielle Auswirkungen: Sind im  Haushalt eingeplant",
                                                "Anlage: keine"]
    md = highlight_markdown(passage, quote)
    assert md.startswith("Sachlage\\: viel Text\\.  \n"
                         "**Finanzielle Auswirkungen\\: Sind im  Haushalt eingeplant**\\.")
    assert md.endswith("**Anlage\\: keine**")
    assert highlight_markdown("<b>x</b>", "nicht da") == "\\<b\\>x\\<\\/b\\>"


def test_password_hashes_verify_and_reject():
    encoded = hash_password("geheim", iterations=MIN_ITERATIONS)
    assert encoded.startswith("pbkdf2_sha256$100000$")
    assert verify_password("geheim", encoded) and not verify_password("Geheim", encoded)
    assert not verify_password("geheim", "pbkdf2_sha256$1$x$y")  # too few iterations never counts
    assert not verify_password("geheim", "garbage")
    staff = StaffDirectory.from_spec(f"alice:{encoded}; bob:{encoded}")
    assert staff.enabled and staff.check("alice", "geheim") and not staff.check("carol", "geheim")
    assert not staff.check("alice", "")
    assert not StaffDirectory.from_spec("").enabled
    with pytest.raises(ConfigurationError):
        parse_staff_users("alice:plaintext")


def test_hash_password_command_prints_a_usable_hash():
    done = subprocess.run([sys.executable, "-m", "assistant.auth", "hash-password", "--stdin"],
                          input="s3cret\n", capture_output=True, text=True, check=True)
    assert verify_password("s3cret", done.stdout.strip())


def _answer(question="Was kostet das?", refused=False, citations=2) -> Answer:
    cites = tuple(
        Citation(n=n, chunk_id=f"c{n}", document_id=f"d{n}", source=f"/x/doc{n}.txt",
                 source_path=f"/x/doc{n}.txt", title=f"Dok {n}", section="Finanzen",
                 quote=f"Satz eins von Dokument {n} … Satz zwei",
                 passage=f"Satz eins von Dokument {n} und mehr. Satz zwei", public=True)
        for n in range(1, citations + 1))
    return Answer(question=question, text="Antwort [1]", language="de", refused=refused, citations=cites)


def test_store_is_schema_versioned_and_migrates_old_files(tmp_path):
    path = tmp_path / "fb.sqlite3"
    conn = sqlite3.connect(path)  # a file at schema version 1
    conn.executescript("CREATE TABLE schema_version (version INTEGER NOT NULL); "
                       "INSERT INTO schema_version VALUES (1);" + MIGRATIONS[0])
    conn.execute("INSERT INTO feedback (created_at, question, answer, language, refused, citations, "
                 "retrieval, verdict) "
                 "VALUES ('2024-01-01T00:00:00+00:00', 'alt?', 'a', 'de', 0, '[]', '{}', 'correct')")
    conn.commit()
    conn.close()
    store = FeedbackStore(path)
    assert store.schema_version == SCHEMA_VERSION == 2
    assert [(e.question, e.kind, e.answer_contains) for e in store.list()] == [("alt?", "fact", ())]
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(FeedbackError, match="newer"):
        FeedbackStore(path)


def test_record_validates_and_list_filters(tmp_path):
    store = FeedbackStore(tmp_path / "fb.sqlite3")
    with pytest.raises(FeedbackError):
        store.record(_answer(), "great")  # type: ignore[arg-type]
    with pytest.raises(FeedbackError):
        store.record(_answer(), "wrong", citation_verdicts={7: "correct"})
    store.record(_answer("Frage eins?"), "correct", staff_user="alice")
    store.record(_answer("Frage zwei?"), "wrong", staff_user="bob", comment="falsches Dokument")
    assert [e.question for e in store.list()] == ["Frage zwei?", "Frage eins?"]
    assert [e.question for e in store.list(FeedbackFilter(verdict="wrong"))] == ["Frage zwei?"]
    assert [e.question for e in store.list(FeedbackFilter(staff_user="alice"))] == ["Frage eins?"]
    assert [e.question for e in store.list(FeedbackFilter(text="EINS"))] == ["Frage eins?"]
    assert store.list(FeedbackFilter(date_to="2000-01-01")) == []


def test_export_turns_verdicts_into_eval_records(tmp_path):
    from eval.datasets import load_questions

    store = FeedbackStore(tmp_path / "fb.sqlite3")
    store.record(_answer("richtig?"), "correct", citation_verdicts={2: "wrong"}, answer_contains=["100"])
    store.record(_answer("falsch mit Beleg?"), "wrong", citation_verdicts={1: "wrong", 2: "correct"})
    store.record(_answer("falsch ohne Beleg?"), "wrong")
    store.record(_answer("abgelehnt ok?", refused=True, citations=0), "correct")
    store.record(_answer("abgelehnt falsch?", refused=True, citations=0), "wrong")  # no evidence: skipped
    store.record(_answer("richtig?"), "correct", answer_contains=["200"])  # newest verdict on a question wins
    buffer = io.StringIO()
    summary = store.export_questions(buffer)
    assert (summary.written, summary.skipped) == (4, 2)
    records = {r["question"]: r for r in map(json.loads, buffer.getvalue().splitlines())}
    assert records["richtig?"]["answer_contains"] == ["200"]
    assert [g["source"] for g in records["richtig?"]["gold"]] == ["doc1.txt", "doc2.txt"]
    wrong = records["falsch mit Beleg?"]
    assert wrong["gold"] == [{"source": "doc2.txt", "evidence": "Satz eins von Dokument 2"}]
    assert records["falsch mit Beleg?"]["answerable"] and records["falsch mit Beleg?"]["regression"]
    assert records["falsch ohne Beleg?"]["answerable"] is False
    assert records["falsch ohne Beleg?"]["gold"] == []
    assert records["abgelehnt ok?"]["answerable"] is False
    target = tmp_path / "out.jsonl"
    store.export_questions(target)
    assert len(load_questions(target)) == 4
