"""(3) The refusal is no oracle: for a citizen, a name or number found only in non-public records is as unknown
as one found nowhere. Real index (``secret_index``: the public Aachen Vorlage on regional marketing and
non-public Vorlagen on the same topic with invented names and figures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.models import SearchFilters
from tests.conftest import make_assistant
from tests.security.test_citizen_sweep import secret_index  # noqa: F401 - the shared session fixture

CITIZEN = SearchFilters(public_only=True)
STAFF = SearchFilters(public_only=False)

# (question template, secret that occurs only in a non-public record, a term that occurs nowhere)
PAIRS = [
    ("Welche finanziellen Auswirkungen hat das Regionalmarketing im Jahr {}?", "7734", "7735"),
    ("Was sagt Herr {} zum Regionalmarketing?", "Quastenflosser", "Zauberwald"),
    ("Welche finanziellen Auswirkungen hat das Regionalmarketing der Agentur in {}?", "Zackenbarsch",
     "Zauberwald"),
    ("What did {} say about regional marketing?", "Steinbeißer", "Zauberwald"),
]


@pytest.mark.parametrize(("template", "secret", "never_seen"), PAIRS)
def test_secret_and_never_seen_terms_get_the_same_answer(secret_index: Path, template: str, secret: str,  # noqa: F811
                                                         never_seen: str):
    assistant = make_assistant(secret_index)
    # the secret is in the index: before the fix the vocabulary check knew it, and only it, and answered
    language = "en" if template.startswith("What") else "de"
    assert assistant.refusal.unknown_terms(template.format(secret), language, public_only=False) == []
    answers = [assistant.ask(template.format(term), filters=CITIZEN) for term in (secret, never_seen)]
    assert [a.refused for a in answers] == [True, True]
    assert answers[0].text == answers[1].text
    assert answers[0].citations == answers[1].citations == ()
    # the same through the stream the UI uses
    streams = [assistant.stream(template.format(term), filters=CITIZEN).answer for term in (secret, never_seen)]
    assert [s.refused for s in streams] == [True, True] and streams[0].text == streams[1].text


def test_staff_who_may_see_non_public_records_are_not_refused_for_them(secret_index: Path):  # noqa: F811
    assistant = make_assistant(secret_index)
    question = "Was kostet der Vertrag mit der Agentur des Herrn Quastenflosser?"
    assert assistant.refusal.unknown_terms(question, "de", public_only=True) == ["Quastenflosser"]
    assert assistant.refusal.unknown_terms(question, "de", public_only=False) == []
    staff = assistant.ask(question, filters=STAFF)
    assert not staff.refused and staff.citations and all(c.public is False for c in staff.citations)


def test_public_names_are_still_known_to_citizens(secret_index: Path):  # noqa: F811
    assistant = make_assistant(secret_index)
    answer = assistant.ask("Welche finanziellen Auswirkungen hat das Regionalmarketing in Aachen?", filters=CITIZEN)
    assert not answer.refused and answer.citations
