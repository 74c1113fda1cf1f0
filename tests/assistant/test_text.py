"""Language detection, sentence splitting, German analysis, glossary, follow-up detection."""

from __future__ import annotations

from assistant.conversation import is_follow_up
from assistant.glossary import council_terms, german_terms
from assistant.language import detect_language
from assistant.sentences import split_sentences
from assistant.text_analysis import GermanAnalyzer


def test_language_detection() -> None:
    assert detect_language("what financial impact does regional marketing have?") == "en"
    assert detect_language("Welche finanziellen Auswirkungen hat das Regionalmarketing?") == "de"
    assert detect_language("Spendenziel Defis Büchenbach?") == "de"
    assert detect_language("why are pool tickets in karlsruhe getting more expensive") == "en"


def test_sentences_keep_abbreviations_and_dates_whole() -> None:
    text = "Die Vorlage Nr. 5 wurde am 1. Januar 2024 beschlossen. Der Ertrag ist ca. 270.000 €. Ende."
    assert split_sentences(text) == ["Die Vorlage Nr. 5 wurde am 1. Januar 2024 beschlossen.",
                                     "Der Ertrag ist ca. 270.000 €.", "Ende."]


def test_analyzer_stems_and_splits_known_compounds() -> None:
    analyzer = GermanAnalyzer(["regional", "marketing", "fahrrad", "straße"])
    tokens = analyzer.tokens("Das Regionalmarketing und die Fahrradstraßen")
    assert "regional" in tokens and "marketing" in tokens and "fahrrad" in tokens
    assert "das" not in tokens and "und" not in tokens


def test_glossary_carries_council_terms() -> None:
    terms = german_terms("what financial impact does regional marketing have?")
    assert "Finanzielle Auswirkungen" in terms and "Regionalmarketing" in terms
    assert german_terms("Wie hoch ist die Hundesteuer?") == ""


def test_glossary_translates_question_words_only_where_they_ask() -> None:
    assert "wann" in german_terms("When did Karlsruhe declare a climate emergency?").split()
    assert "Klimanotstand" in german_terms("When did Karlsruhe declare a climate emergency?")
    assert "wann" in german_terms("And when was it decided?").split()
    inside = german_terms("Which other cities did Karlsruhe look at when reorganising its city marketing?")
    assert "wann" not in inside.split() and "Stadtmarketing" in inside


def test_glossary_names_each_german_word_once() -> None:
    words = german_terms("How much extra revenue does the new swimming pool bring per year?").split()
    assert "Mehrertrag" in words and "Bad" in words
    assert len(words) == len(set(words))  # "pool", "swimming pool", "swimming" all give "Bad": BM25 counts it once


def test_revenue_questions_point_at_the_financial_section() -> None:
    """Council forms state the yearly revenue in "Finanzielle Auswirkungen" ("Jährlicher Ertrag: 53.500 €")."""
    assert "Finanzielle Auswirkungen" in german_terms("How much extra revenue does the pool bring per year?")
    german = council_terms("Wie viel Mehrertrag soll die Erhöhung der Mieten bringen?", "de")
    assert "Jährlicher Ertrag" in german and "Finanzielle Auswirkungen" in german
    assert council_terms("Wer leitet die Sitzung?", "de") == ""
    assert "Anschaffungskosten" in german_terms("How much would a new electric bus cost to buy?")


def test_follow_up_detection() -> None:
    assert is_follow_up("and the staff costs?")
    assert is_follow_up("Und die Personalkosten?")
    assert not is_follow_up("How much extra revenue does Karlsruhe expect from the new swimming pool prices?")
