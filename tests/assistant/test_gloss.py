"""English glosses of the German council terms an English answer quotes."""

from __future__ import annotations

from assistant.answering import ExtractiveAnswerer
from assistant.gloss import gloss_line, glossed_terms
from tests.generation.conftest import make_hit


def test_decision_terms_are_glossed_as_quoted() -> None:
    quote = "TOP 17: Reinigungsmanagement … Ergebnis: mehrheitlich zugestimmt"
    assert glossed_terms(quote) == [("mehrheitlich", "by majority"), ("zugestimmt", "approval (in favour)")]
    assert glossed_terms("Der Antrag wird einstimmig abgelehnt.") == [("einstimmig", "unanimously"),
                                                                      ("abgelehnt", "rejected")]
    assert glossed_terms("Die Vorlage wird in den Ausschuss verwiesen.") == [
        ("verwiesen", "referred (to a committee)"), ("Ausschuss", "committee")]
    assert gloss_line("Die Sitzung fand im Rathaus statt.") is None


def test_english_answers_gloss_the_quote_german_answers_do_not() -> None:
    text = "Über den Antrag der CDU-Fraktion wurde abgestimmt. Ergebnis: mehrheitlich abgelehnt (12 Ja, 30 Nein)."
    hits = [make_hit(text, "gr.txt", "Gemeinderat", 1)]
    english = ExtractiveAnswerer().answer("How did the council vote on the CDU motion?", hits, "en")
    assert english.text.splitlines()[-1] == "(German terms in the quotes: mehrheitlich = by majority; " \
                                            "abgelehnt = rejected)"
    assert "12 Ja, 30 Nein" in english.citations[0].quote  # the evidence itself stays verbatim German
    german = ExtractiveAnswerer().answer("Wie wurde über den Antrag der CDU abgestimmt?", hits, "de")
    assert "German terms" not in german.text and "by majority" not in german.text
