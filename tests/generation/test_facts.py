from __future__ import annotations

import pytest

from assistant.generation.facts import extract_facts, unsupported_facts


@pytest.mark.parametrize("sentence", [
    "It costs 1,234.5 euros.", "Es kostet 1.234,5 Euro.", "Es kostet 1\u202f234,5 Euro.",
])
def test_german_and_english_number_formats(sentence):
    assert unsupported_facts(sentence, ["Die Kosten betragen 1.234,5 €."]) == []


@pytest.mark.parametrize("sentence", [
    "am 31.03.2023", "am 31. März 2023", "on 31 March 2023", "on March 31, 2023", "on 2023-03-31",
    "on the 31st of March 2023", "im März 2023", "in 2023", "am 31.03.",
])
def test_date_formats_and_coarser_dates_are_backed_by_the_full_date(sentence):
    assert unsupported_facts(sentence, ["Frist ist der 31.03.2023."]) == []


def test_a_different_day_year_or_amount_is_not_backed():
    passage = ["Frist ist der 31.03.2023; Kosten 1,2 Mio. Euro."]
    assert unsupported_facts("am 30.03.2023", passage) == ["30.03.2023"]
    assert unsupported_facts("am 31.03.2024", passage) == ["31.03.2024"]
    assert unsupported_facts("in April 2023", passage) == ["April 2023"]
    assert unsupported_facts("costs 1.3 million", passage) == ["1.3"]
    assert unsupported_facts("costs 1.2 million euros", passage) == []
    assert unsupported_facts("costs 1,200,000 euros", passage) == []


def test_urls_must_be_in_the_passage():
    assert unsupported_facts("see http://evil.example/x.png", ["siehe www.aachen.de"]) == [
        "http://evil.example/x.png"]
    passage = ["unter https://ratsinfo.aachen.de/v/1"]
    assert unsupported_facts("see https://ratsinfo.aachen.de/v/1.", passage) == []


def test_dates_are_not_read_twice_as_numbers():
    facts = extract_facts("Am 19.07.2008 wurden 75 bzw. 41 Parkplätze gezählt.")
    assert [f.text for f in facts] == ["19.07.2008", "75", "41"]
