"""The answer-type prior: which questions ask for a sum of money or a vote, which passages state one."""

from __future__ import annotations

from assistant.answer_types import expected_answer_types, matches_answer_type


def names(question: str) -> list[str]:
    return [t.name for t in expected_answer_types(question)]


def quotes(question: str, text: str, language: str, *, type_bonus: float | None = None) -> list[str]:
    """What the extractive answerer quotes from one passage (``type_bonus`` 0: without the answer types)."""
    from assistant.answering import ExtractiveAnswerer
    from tests.generation.conftest import make_hit

    answerer = ExtractiveAnswerer() if type_bonus is None else ExtractiveAnswerer(type_bonus=type_bonus)
    hits = [make_hit(text, "ahnsen.txt", "Gemeinderat Ahnsen", 1)]
    return [c.quote for c in answerer.answer(question, hits, language).citations]


def test_money_and_vote_questions_in_both_languages() -> None:
    assert names("How much would a new electric Medienbus cost to buy?") == ["money"]
    assert names("Mit welchen Erlösen aus Altpapier kalkuliert die Abfallgebührenkalkulation?") == ["money"]
    assert names("Wie hoch sind die Personalkosten?") == ["money"]
    assert names("What was the vote on hosting The World Games 2029?") == ["vote"]
    assert names("Mit welchem Ergebnis wurde die Weiterentwicklung der Karlstraße beschlossen?") == ["vote"]
    assert names("What did the council decide?") == []
    assert names("Von welcher Fraktion kam die Anfrage zur Stärkung der Fachkräfte?") == ["party"]
    assert names("Which parliamentary groups signed the 2011 joint motion?") == ["party"]
    assert names("When is the street party in Büchenbach?") == []
    assert names("Um wie viel werden die Zuschüsse an die Gemeinderatsfraktionen gekürzt?") == ["money"]
    assert names("Wie viele Parkplätze entfallen?") == []  # a count, not a sum of money


def test_why_questions_ask_for_a_reason_not_a_figure() -> None:
    assert names("why are pool tickets in karlsruhe getting more expensive") == []
    assert names("Warum hat der ganze Gemeinderat über den Anbau abgestimmt?") == []


def test_passages_that_state_the_answer() -> None:
    money = expected_answer_types("What does it cost?")
    assert matches_answer_type("Medienbus, elektrisch angetrieben: 1.190.000 Euro inklusive Mehrwertsteuer", money)
    assert matches_answer_type("Mehrkosten i. H. v. 600 TEUR", money)
    assert matches_answer_type("bis zu 120 Tausend Euro pro Jahr", money)
    assert matches_answer_type("Jährlicher Ertrag: ca. 270.000 €", money)
    assert matches_answer_type("Kosten von 54 Cent pro Quadratmeter", money)
    assert matches_answer_type("Zuschuss von € 300 je Anlage", money)
    assert not matches_answer_type("Die Kosten werden im Haushalt eingeplant.", money)
    assert not matches_answer_type("ein Abstand von 13 Centimetern", money)
    assert not matches_answer_type("Es entfallen 75 Parkplätze.", money)
    party = expected_answer_types("Welche Fraktion hat den Antrag gestellt?")
    assert matches_answer_type("gezeichnet: FDP Fraktion im Durlacher Ortschaftsrat", party)
    assert matches_answer_type("Anfrage der GRÜNEN-Gemeinderatsfraktion", party)
    assert not matches_answer_type("Die Verwaltung erarbeitet Alternativ-Szenarien.", party)
    vote = expected_answer_types("How did the council vote?")
    assert matches_answer_type("TOP 4: Mehrheitliche Zustimmung (25 Ja, 16 Nein, 3 Enthaltungen)", vote)
    assert matches_answer_type("Der Antrag wird einstimmig angenommen.", vote)
    assert not matches_answer_type("Der Vorsitzende eröffnet die Aussprache.", vote)


def test_council_vocabulary_names_the_section_that_answers() -> None:
    from assistant.answer_types import expected_sections, in_expected_section
    from assistant.glossary import council_terms

    revenue = expected_sections(council_terms("How much extra revenue does the pool bring per year?", "en"))
    assert "Finanzielle Auswirkungen" in revenue
    assert in_expected_section("Finanzielle Auswirkungen", revenue)
    assert not in_expected_section("Personelle Auswirkungen", revenue)
    assert "Personelle Auswirkungen" in expected_sections(council_terms("Welche Personalkosten entstehen?", "de"))
    assert expected_sections(council_terms("Who chaired the meeting?", "en")) == ()


def test_when_questions_are_answered_by_a_sentence_with_a_date() -> None:
    from assistant.answer_types import DATE, answer_types_for_sentences

    assert [t.name for t in answer_types_for_sentences("Wann kam die Vorlage in den Werkausschuss?")] == ["date"]
    assert [t.name for t in answer_types_for_sentences("By when should the new Aue bridge be finished?")] == ["date"]
    assert [t.name for t in answer_types_for_sentences("Why was the decision postponed until when?")] == ["reason"]
    assert expected_answer_types("Wann kam die Vorlage in den Werkausschuss?") == ()  # not a retrieval prior
    for dated in ("Vorberatung im Werkausschuss am 28. Juni 2022", "Antrag vom 27.08.", "bis November 2026",
                  "im Frühjahr 2026", "on March 5, 2024", "Stand: 2024-03-31"):
        assert matches_answer_type(dated, (DATE,)), dated
    assert not matches_answer_type("Die Brücke wird neu gebaut.", (DATE,))


def test_the_answerer_quotes_the_dated_sentence() -> None:
    """Without the date type the answer quotes all three sentences about the bridge."""
    dated = "Laut Bauamt ist die Fertigstellung der Brücke bis spätestens Ende November 2026 geplant."
    text = (f"Der Gemeinderat berät über die neue Aue-Brücke und die Umleitung während der Bauzeit. {dated} "
            "Die neue Brücke wird für Fußgänger und Radfahrer gebaut.")
    question = "By when should the new Aue bridge be finished?"
    assert quotes(question, text, "en") == [dated]
    assert dated in quotes(question, text, "en", type_bonus=0.0)[0]


def test_who_questions_prefer_a_passage_that_names_someone() -> None:
    assert names("Wer leitet in Erlangen das Amt für Stadtteilarbeit?") == ["person"]
    assert names("Who is going to run the café in the Stadtteilhaus?") == ["person"]
    person = expected_answer_types("Wer war Gemeindedirektor?")
    for named in ("Herr Borrmann und Herr Schmidt werden den Standort festlegen.",
                  "Gäste: Mark Schüler (Fachbereichsleitung Finanzwesen)", "Olaf Humke (Gemeindedirektor)",
                  "gez. Günter Winkelmann Vorsitzender", "Vorsitz: Markus Müller",
                  "Betreiber des Bistros: Die Lebenshilfe, die auch Arbeitsplätze schafft"):
        assert matches_answer_type(named, person), named
    assert not matches_answer_type("Großer Sitzungssaal, Rathaus am Marktplatz", person)
    assert not matches_answer_type("Die Verwaltung legt den Standort fest.", person)


def test_the_answerer_quotes_the_sentence_that_names_who() -> None:
    who = "Herr Borrmann und Herr Schmidt werden den Standort festlegen."
    text = (f"Die Gemeinde Ahnsen schafft eine weitere Geschwindigkeitsanzeige an. {who} "
            "Die Anzeige wird im Frühjahr aufgestellt.")
    question = "Wer sucht in Ahnsen den Platz für die neue Geschwindigkeitsanzeige aus?"
    assert who in quotes(question, text, "de")[0]
    # the sentence that states the asked fact leads the answer even without the scoring bonus
    assert quotes(question, text, "de", type_bonus=0.0)[0].endswith(who)


def test_where_questions_prefer_an_address() -> None:
    assert names("Wo hat sich der Stadtteilbeirat im Januar 2020 getroffen?") == ["place"]
    assert names("Where does the advisory council meet on 11 March 2025?") == ["place"]
    assert names("Wofür war der Tierschutzfonds gedacht?") == []
    place = expected_answer_types("Wo tagt der Beirat?")
    for located in ("Mönauschule, Aula Steigerwaldallee 19, Erlangen",
                    "Gasthaus Güthlein, Kastaniensaal, Dorfstraße 14",
                    "Der Zukunftsacker befindet sich in der Steudacher Straße", "Sitzungsort: Rathaus, Raum 5"):
        assert matches_answer_type(located, place), located
    assert not matches_answer_type("Die Sitzung beginnt um 18:30 Uhr.", place)


def test_how_high_a_result_asks_for_a_figure_not_a_vote() -> None:
    from assistant.query import analyse
    from assistant.support import FactCheck
    from assistant.text_analysis import GermanAnalyzer

    check = FactCheck(GermanAnalyzer())
    assert [t.name for t in check.types(analyse("Wie hoch war das ordentliche Ergebnis 2012?"))] == ["count"]
    assert [t.name for t in check.types(analyse("Mit welchem Ergebnis wurde abgestimmt?"))] == ["vote"]
    assert "vote" in [t.name for t in check.types(analyse("How many votes did the motion get?"))]


def test_why_questions_are_answered_by_a_sentence_that_gives_a_reason() -> None:
    from assistant.answer_types import REASON, answer_types_for_sentences

    assert answer_types_for_sentences("Warum wird der Kleidercontainer abgebaut?") == (REASON,)
    assert expected_answer_types("Why is the tram turning at Rudeltplatz?") == ()  # not a retrieval prior
    for reason in ("Der Container wird entfernt, weil dort illegal Müll abgelagert wird.",
                   "Aufgrund der Länge der Bahnen ist ein Umbau nicht möglich.",
                   "Die Strecke biegt ab, um den Rudeltplatz direkt anzubinden.",
                   "Daher stimmt die Fraktion zu."):
        assert REASON.passage.search(reason), reason
    for plain in ("Der Gemeinderat tagt am 12. März.", "Die Kosten betragen 12.000 Euro."):
        assert not REASON.passage.search(plain), plain


def test_a_reference_number_is_no_date() -> None:
    from assistant.answer_types import DATE

    for reference in ("Vorlage 2024/0153 wurde beraten.", "DS 1/2025 liegt vor."):
        assert not DATE.passage.search(reference), reference
    assert DATE.passage.search("Seit 2017 gibt es das Angebot.")
