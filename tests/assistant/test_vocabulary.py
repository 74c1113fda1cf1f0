"""The council vocabulary is data (``assistant/vocabulary/*.tsv``): well-formed, without duplicate phrases."""

from __future__ import annotations

from importlib import resources

import pytest

from assistant.glossary import council_terms, german_terms, load_tsv


@pytest.mark.parametrize("name", ["en_de.tsv", "de_de.tsv"])
def test_vocabulary_files_are_wellformed_and_unique(name: str) -> None:
    lines = resources.files("assistant").joinpath("vocabulary", name).read_text(encoding="utf-8").splitlines()
    phrases = [line.split("\t")[0].strip().lower() for line in lines if line.strip() and not line.startswith("#")]
    assert len(phrases) == len(set(phrases)), [p for p in phrases if phrases.count(p) > 1]
    assert len(load_tsv(name)) == len(phrases) > 10


def test_phrases_carry_english_questions_to_council_german() -> None:
    assert "Finanzielle Auswirkungen" in german_terms("What is the financial impact?")
    # longer phrases win, then their words: each German word once
    terms = german_terms("staff costs of the staff").split()
    assert "Personalkosten" in terms and len(terms) == len(set(terms))
    assert "Personelle Auswirkungen" in council_terms("Wie hoch sind die Personalkosten?", "de")
    assert council_terms("Wie hoch sind die Personalkosten?", "en") == ""
