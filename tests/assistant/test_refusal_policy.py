"""Which words of a question count as names that no record contains (refusal rule 1)."""

from assistant.answering import RefusalPolicy

KNOWN = {"karlsruhe", "feuerwehr", "hundesteuer", "gemeinde", "bürgermeister", "city", "council", "budget"}


def policy() -> RefusalPolicy:
    return RefusalPolicy(known=lambda word: word.lower() in KNOWN)


def test_german_names_in_name_position_are_checked() -> None:
    assert policy().unknown_terms("Wer ist Bürgermeister der Gemeinde Nettersheim?", "de") == ["Nettersheim"]
    assert policy().unknown_terms("Wie hoch ist die Hundesteuer in Krefeld?", "de") == ["Krefeld"]


def test_german_nouns_the_records_do_not_use_are_not_names() -> None:
    # a citizen's own word for a thing: a paraphrase, not proof that nothing is known
    assert policy().unknown_terms("Bekommt die Karlsruher Feuerwehr ein neues Löschboot?", "de") == []
    assert policy().unknown_terms("Welche Folgen hat der Personalmangel in Karlsruhe?", "de") == []


def test_english_capitalised_words_are_names() -> None:
    assert policy().unknown_terms("When did Krefeld's city council last approve its budget?", "en") == ["Krefeld"]
    assert policy().unknown_terms("When did the city council approve its budget?", "en") == []
