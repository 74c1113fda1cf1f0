"""Answers a citizen can act on: the short answer first, evidence that reads whole, three outcomes."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from assistant.answering import ExtractiveAnswerer, RefusalPolicy
from assistant.evidence import clean_passage, occurs_in, passage_sentences, record_part, with_antecedent
from assistant.models import Chunk, Hit
from assistant.query import analyse


def hit(text: str, *, title: str = "Gemeinderat Ahnsen", path: tuple[str, ...] = ("Sachlage",), rank: int = 1,
        similarity: float | None = None, date: str | None = "2025-03-12", body: str | None = "Gemeinderat") -> Hit:
    chunk_id = hashlib.sha1(f"{title}:{text}".encode()).hexdigest()[:16]
    chunk = Chunk(chunk_id=chunk_id, document_id=f"doc-{title}", source=f"{title}.txt", source_path=f"/c/{title}.txt",
                  title=title, section=path[-1], section_path=path, text=text, embed_text=text, ordinal=0,
                  date=date, body=body, public=True)
    scores = {"similarity": similarity} if similarity is not None else {}
    return Hit(chunk=chunk, score=1.0 / rank, rank=rank, scores=scores)


BUDGET = ("Die Gemeinde plant den Neubau der Aue-Brücke. Hierfür sind im Haushalt 2026 insgesamt 450.000 Euro "
          "eingeplant. Für die Straßenbeleuchtung werden 12.000 Euro veranschlagt.")
VOTE = "Der Gemeinderat beschließt die Satzung.\nAbstimmungsergebnis: 8 Ja-Stimmen / 0 Nein-Stimmen / 0 Enthaltungen"


# -- evidence that reads whole -------------------------------------------------------------------------------
def test_page_furniture_goes_and_pdf_line_breaks_are_joined() -> None:
    text = "Die Verwal-\ntung prüft die\nKosten.\n4 von 4\nSeite 2\nDer Bau- und Umweltausschuss tagt."
    cleaned = clean_passage(text)
    assert "4 von 4" not in cleaned and "Seite 2" not in cleaned
    assert passage_sentences(text) == ["Die Verwaltung prüft die Kosten.", "Der Bau- und Umweltausschuss tagt."]


def test_a_sentence_that_points_back_brings_the_one_before() -> None:
    sentences = passage_sentences(BUDGET)
    assert with_antecedent(sentences, 1) == (0, f"{sentences[0]} {sentences[1]}")  # "Hierfür …"
    assert with_antecedent(sentences, 2) == (2, sentences[2])
    english = passage_sentences("The bridge will be rebuilt. It will cost 2 million euros.")
    assert with_antecedent(english, 1)[0] == 0


def test_quotes_are_checked_against_the_passage_up_to_whitespace_and_hyphenation() -> None:
    assert occurs_in("Die Verwaltung prüft die Kosten.", "Die Verwal-\ntung prüft die\nKosten.")
    assert not occurs_in("Die Verwaltung prüft die Mieten.", "Die Verwal-\ntung prüft die\nKosten.")
    assert not occurs_in("prüft", "Die Verwaltung prüft die Kosten.")  # a word or two is no quote


def test_the_part_of_an_oparl_record_comes_first_in_its_section_path() -> None:
    assert record_part(("Anlage: Stellungnahme", "Begründung"), "Vorlage X") == "Anlage: Stellungnahme"
    assert record_part(("TOP 3 Haushalt", "Protokoll: Niederschrift"), "Sitzung") == "Protokoll: Niederschrift"
    assert record_part(("Begründung",), "Vorlage X") is None


# -- answered ----------------------------------------------------------------------------------------------
def test_the_amount_asked_for_comes_first_with_what_it_is_for_and_the_year() -> None:
    question = "Wie viel kostet der Neubau der Aue-Brücke in Ahnsen?"
    answer = ExtractiveAnswerer().answer(question, [hit(BUDGET)], analyse(question))
    assert not answer.refused and answer.short_answer
    first_line = answer.text.splitlines()[0]
    assert first_line == answer.short_answer
    assert first_line.startswith("450.000 Euro (2026): ") and "Aue" not in first_line.split(":")[0]
    assert "12.000" not in first_line  # the other sum is not about the bridge
    # the quote brings the sentence "Hierfür …" refers to
    assert "Neubau der Aue-Brücke. Hierfür sind" in answer.citations[0].quote


def test_english_answer_frames_in_english_and_keeps_the_german_quote() -> None:
    question = "How much will the new Aue bridge cost?"
    answer = ExtractiveAnswerer().answer(question, [hit(BUDGET)], analyse(question))
    assert answer.language == "en" and answer.short_answer and answer.short_answer.startswith("450.000 Euro")
    assert "According to" in answer.text and "Laut" not in answer.text
    assert "Hierfür sind im Haushalt 2026 insgesamt 450.000 Euro eingeplant." in answer.text
    assert "budget" in answer.text.splitlines()[-1]  # the gloss line translates "Haushalt"


def test_a_vote_names_agenda_item_body_date_and_result() -> None:
    question = "Wie wurde über die Hundesteuersatzung abgestimmt?"
    item = hit(VOTE, path=("TOP 5 Hundesteuersatzung", "Abstimmungsergebnis"))
    answer = ExtractiveAnswerer().answer(question, [item], analyse(question))
    assert not answer.refused
    assert answer.short_answer.startswith("Tagesordnungspunkt „TOP 5 Hundesteuersatzung“, Gemeinderat, 2025-03-12:")
    assert "8 Ja" in answer.short_answer
    english = ExtractiveAnswerer().answer("How did the council vote on the dog tax statute?", [item],
                                          analyse("How did the council vote on the dog tax statute?"))
    assert english.short_answer and english.short_answer.startswith("Agenda item “TOP 5 Hundesteuersatzung”")


def test_ask_json_gains_short_answer_related_record_part_and_section_path() -> None:
    question = "Wie viel kostet der Neubau der Aue-Brücke in Ahnsen?"
    item = hit(BUDGET, title="Vorlage Aue-Brücke", path=("Anlage: Kostenschätzung", "Finanzielle Auswirkungen"))
    data = json.loads(json.dumps(ExtractiveAnswerer().answer(question, [item], analyse(question)).to_json()))
    assert data["short_answer"].startswith("450.000 Euro") and data["related"] is False
    citation = data["citations"][0]
    assert citation["record"] == "Vorlage Aue-Brücke" and citation["part"] == "Anlage: Kostenschätzung"
    assert citation["section_path"] == ["Anlage: Kostenschätzung", "Finanzielle Auswirkungen"]
    assert citation["ocr"] is False
    assert {"question", "answer", "language", "refused", "citations"} <= data.keys()  # nothing renamed


# -- related records, no answer; nothing found ----------------------------------------------------------------
def test_records_on_the_topic_without_the_asked_fact_are_related_not_an_answer() -> None:
    question = "Wann wird der neue Kindergarten in Ahnsen eröffnet?"
    text = "Der Kindergarten in Ahnsen braucht mehr Platz. Die Verwaltung prüft einen Anbau."
    answer = ExtractiveAnswerer().answer(question, [hit(text), hit(BUDGET, title="Haushalt", rank=2)],
                                         analyse(question))
    assert answer.refused and answer.related
    assert answer.text.startswith("Die gefundenen Unterlagen behandeln das Thema, nennen aber nicht das gefragte Datum")
    assert [c.title for c in answer.citations] == ["Gemeinderat Ahnsen", "Haushalt"]
    assert answer.to_json()["related"] is True


def test_nothing_found_when_the_closest_passage_is_too_far() -> None:
    question = "Wie viel kostet der Neubau der Aue-Brücke in Ahnsen?"
    answer = ExtractiveAnswerer(refusal=RefusalPolicy()).answer(question, [hit(BUDGET, similarity=0.5)],
                                                               analyse(question))
    assert answer.refused and not answer.related and not answer.citations


def test_the_runner_counts_both_refusals_and_reports_related() -> None:
    from eval.runner import Answered, answer_metrics

    rows = [Answered("u1", "de", "amount", False, True, None, None, 1.0, "", related=True),
            Answered("u2", "de", "amount", False, True, None, None, 1.0, ""),
            Answered("a1", "de", "amount", True, True, False, None, 1.0, "", related=True),
            Answered("a2", "de", "amount", True, False, True, True, 1.0, "")]
    table = answer_metrics(rows)["all"]
    assert table["refusal_accuracy"] == 1.0 and table["false_refusal_rate"] == 0.5
    assert table["n_related_unanswerable"] == 1 and table["n_related_answerable"] == 1


def test_of_several_amounts_the_first_line_names_the_asked_one_with_its_words() -> None:
    text = ("Neubau der Ufermauer: Planung 303.543,53 EUR, Baukosten 1.517.456,47 EUR, Gesamtkosten gerundet "
            "1.821.000,00 EUR.")
    question = "Mit welchen Gesamtkosten wird für die neue Ufermauer gerechnet?"
    answer = ExtractiveAnswerer().answer(question, [hit(text)], analyse(question))
    assert answer.short_answer.startswith("Gesamtkosten gerundet 1.821.000,00 EUR")
    english = "What total cost is expected for the new Ufermauer?"
    assert ExtractiveAnswerer().answer(english, [hit(text)], analyse(english)).short_answer.startswith(
        "Gesamtkosten gerundet 1.821.000,00 EUR")


def test_two_votes_in_one_sentence_are_told_apart_and_keep_yes_and_no() -> None:
    from assistant.short_answer import vote_result

    assert vote_result("Antrag der CDU: 30 Ja, 17 Nein, Gegenantrag der SPD: 17 Ja, 30 Nein.") == (
        "Antrag der CDU: 30 Ja, 17 Nein; Gegenantrag der SPD: 17 Ja, 30 Nein")
    # no words tell them apart: the whole vote clause, not fragments
    assert vote_result("Der Rat stimmte mit 30 Ja, 17 Nein, 17 Ja, 30 Nein ab.") == (
        "Der Rat stimmte mit 30 Ja, 17 Nein, 17 Ja, 30 Nein ab.")
    assert vote_result("Bei 38 Ja-Stimmen und 6 Nein-Stimmen mehrheitlich zugestimmt") == (
        "mehrheitlich, zugestimmt (38 Ja-Stimmen, 6 Nein-Stimmen)")


def test_a_vote_cut_at_an_abbreviation_keeps_its_no_count() -> None:
    text = "Der Antrag wird mit 24 Ja-Stimmen (FPÖ + GR. Faber) gegen 11 Nein-Stimmen angenommen."
    question = "Wie wurde über den Antrag abgestimmt?"
    answer = ExtractiveAnswerer().answer(question, [hit(text, path=("TOP 7 Antrag",))], analyse(question))
    assert "24 Ja-Stimmen" in answer.short_answer and "11 Nein-Stimmen" in answer.short_answer


def test_a_how_many_answer_names_what_it_counts_with_a_number_that_counts() -> None:
    question = "Wie viele Einwohner hat der Stadtteil Büchenbach?"
    other_count = hit("Im Stadtteil Büchenbach gab es bisher 25 Alarme der Lebensretter-App.")
    assert ExtractiveAnswerer().answer(question, [other_count], analyse(question)).related
    agenda_number = hit("TOP 4: Einwohner im Stadtteil Büchenbach, Ergebnis: Kenntnisnahme")
    assert ExtractiveAnswerer().answer(question, [agenda_number], analyse(question)).related
    stated = hit("Der Stadtteil Büchenbach hat derzeit rund 12.400 Einwohner.")
    answer = ExtractiveAnswerer().answer(question, [stated], analyse(question))
    assert not answer.refused and "12.400 Einwohner" in answer.text
    adjective = "Wie viele freie Stellen waren im November 2022 gemeldet?"  # counts Stellen, not "freie"
    jobs = hit("Zum November 2022 waren 4.492 offene Stellen gemeldet.")
    assert not ExtractiveAnswerer().answer(adjective, [jobs], analyse(adjective)).refused


def test_an_organisation_answers_a_who_question() -> None:
    question = "Mit wem hat die Region über Geld für das Marketingkonzept gesprochen?"
    text = "Für das Marketingkonzept der Region wurden Gespräche mit Geldinstituten über eine Finanzierung geführt."
    answer = ExtractiveAnswerer().answer(question, [hit(text)], analyse(question))
    assert not answer.refused and "Geldinstituten" in answer.short_answer


def test_a_vote_question_takes_the_vote_under_the_asked_item_with_its_counts() -> None:
    question = "Wie wurde über die Hundesteuersatzung abgestimmt?"
    other = hit("Über die Hundesteuersatzung wurde einstimmig abgestimmt.", path=("TOP 4 Vorberatung",),
                title="Gemeinderat Ahnsen Hundesteuersatzung")
    asked = hit("Es gab 8 Ja-Stimmen und 2 Nein-Stimmen.", path=("TOP 5 Hundesteuersatzung",),
                title="Gemeinderat Ahnsen Hundesteuersatzung", rank=2)
    answer = ExtractiveAnswerer().answer(question, [other, asked], analyse(question))
    assert "TOP 5" in answer.short_answer and "8 Ja-Stimmen" in answer.short_answer


def test_how_many_votes_is_answered_by_counts_not_by_an_outcome_word() -> None:
    question = "Wie viele Stimmen gab es bei der Abstimmung über die Hundesteuersatzung?"
    item = ("TOP 5 Hundesteuersatzung",)
    assert ExtractiveAnswerer().answer(question, [hit("Der Antrag wird einstimmig angenommen.", path=item)],
                                       analyse(question)).related
    answer = ExtractiveAnswerer().answer(question, [hit("Der Antrag erhielt 8 Ja-Stimmen und 2 Nein-Stimmen.",
                                                        path=item)], analyse(question))
    assert not answer.refused and "8 Ja-Stimmen" in answer.short_answer


def test_a_date_answers_when_the_asked_thing_is_named_near_it_not_only_the_place() -> None:
    question = "Wann findet das nächste Dorffest in Ahnsen statt?"
    other = hit("Am 05.04.2026 findet in Ahnsen die Einweihung des Feuerwehrhauses statt.",
                title="Niederschrift Gemeinderat Ahnsen")
    assert ExtractiveAnswerer().answer(question, [other], analyse(question)).related
    asked = hit("Das Dorffest findet am 12.07.2026 auf dem Sportplatz statt.", title="Niederschrift Gemeinderat Ahnsen")
    answer = ExtractiveAnswerer().answer(question, [asked], analyse(question))
    assert not answer.refused and answer.short_answer.startswith("12.07.2026")


def test_a_count_answer_gives_the_whole_number_that_counts_not_a_year_or_an_item_number() -> None:
    from assistant.answer_types import counting_numbers
    from assistant.short_answer import clip_around

    sentence = "Zu TOP 4: Seit 2017 gibt es ca. 1.800 Sozialwohnungen, davon 18 Barrierefahrzeuge (Stand 25.9.25)."
    assert [m.group(0) for m in counting_numbers(sentence)] == ["1.800", "18"]
    start = sentence.index("800")  # a span inside a number grows to the whole number
    assert "1.800" in clip_around(sentence, start, start + 1, 2) and "1. 800" not in clip_around(sentence, start,
                                                                                                  start + 1, 2)
    question = "Wie viele Barrierefahrzeuge gibt es?"
    answer = ExtractiveAnswerer().answer(question, [hit(sentence)], analyse(question))
    assert answer.short_answer.startswith("Anzahl: 18 Barrierefahrzeuge – „"), answer.short_answer


def test_of_figures_in_one_passage_the_sentence_that_names_the_asked_thing_leads() -> None:
    """Every sentence of a passage shares its title and headings; the one that itself names the question's
    things ("Medienbus", "elektrisch") answers, not a figure for something else in the same passage."""
    title = "Medienbus elektrisch: Konzept"
    question = "Was kostet ein elektrischer Medienbus in der Anschaffung?"
    passage = [hit("Finanzielle Auswirkungen: Die Anschaffung kostet 193.000 Euro.", title=title),
               hit("Medienbus, elektrisch angetrieben, Anschaffung: 1.190.000 Euro.", title=title, rank=2)]
    answer = ExtractiveAnswerer().answer(question, passage, analyse(question))
    assert not answer.refused and answer.short_answer.startswith("1.190.000 Euro"), answer.short_answer
    plain = ExtractiveAnswerer()  # without the tie-break, the sentence with more of the question's words led
    plain.check = dataclasses.replace(plain.check, own_first=False)
    assert plain.answer(question, passage, analyse(question)).short_answer.startswith("193.000 Euro")


def test_a_why_question_is_answered_by_the_sentence_that_gives_the_reason() -> None:
    text = ("Der Rat der Gemeinde beschließt, den Pachtvertrag über den Kleidercontainer in der Bahnhofstraße zu "
            "kündigen. Am Kleidercontainer in der Bahnhofstraße wird immer wieder illegal Müll abgelagert, weshalb "
            "die Verwaltung die Kündigung empfiehlt, da eine Reinigung zu teuer ist.")
    question = "Warum soll der Kleidercontainer in der Bahnhofstraße weg?"
    answer = ExtractiveAnswerer().answer(question, [hit(text)], analyse(question))
    assert not answer.refused and "illegal" in answer.short_answer, answer.short_answer
    no_reason = hit("Der Rat der Gemeinde beschließt, den Pachtvertrag über den Kleidercontainer in der "
                    "Bahnhofstraße zu kündigen.")
    assert not ExtractiveAnswerer().answer(question, [no_reason], analyse(question)).refused  # preferred, not required


def test_a_paragraph_or_page_number_is_no_count() -> None:
    question = "Wie hoch war das ordentliche Ergebnis im Jahresabschluss 2012?"
    paragraph = hit("Das ordentliche Ergebnis wird nach § 49 Abs. 3 Satz 2 GemHVO der Rücklage zugeführt (Seite 15).",
                    title="Jahresabschluss 2012")
    assert ExtractiveAnswerer().answer(question, [paragraph], analyse(question)).related
    stated = hit("Das ordentliche Ergebnis des Jahresabschlusses 2012 beträgt 59.088.612 €.",
                 title="Jahresabschluss 2012")
    answer = ExtractiveAnswerer().answer(question, [paragraph, stated], analyse(question))
    assert not answer.refused and "59.088.612" in answer.short_answer, answer.short_answer
