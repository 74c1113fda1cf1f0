"""Metric code on hand-made cases with results worked out by hand."""

from __future__ import annotations

import math

import pytest

from eval.datasets import GoldEvidence
from eval.metrics import (
    answer_variants,
    citation_correct,
    contains_all,
    contains_answer,
    false_refusal_rate,
    first_hit_rank,
    in_order_coverage,
    is_hit,
    mean,
    ndcg_at_k,
    percentile,
    recall_at_k,
    reciprocal_rank,
    refusal_accuracy,
)

EVIDENCE = (
    "Je nach Planungsvariante sollen im Zuge der Einrichtung der Fahrradstraße 75 bzw. 41 "
    "Parkplätze entfallen."
)
GOLD = (GoldEvidence(source="karlsruhe_file_662089.txt", evidence=EVIDENCE),)


# ------------------------------------------------------------------------------------------ hit rule


def test_hit_needs_verbatim_evidence_after_whitespace_and_case_normalisation():
    passage = (
        "Vorbemerkung.\nJE NACH Planungsvariante   sollen im Zuge der Einrichtung der\nFahrradstraße 75 bzw. "
        "41 Parkplätze entfallen. Weiterer Text."
    )
    assert is_hit(passage, "karlsruhe_file_662089.txt", GOLD)


def test_hit_needs_the_gold_source():
    assert not is_hit(EVIDENCE, "karlsruhe_file_000000.txt", GOLD)
    # a folder in the passage source does not matter, the file name does
    assert is_hit(EVIDENCE, "/data/text/karlsruhe_file_662089.txt", GOLD)


def test_any_one_gold_entry_is_enough():
    gold = (GoldEvidence("a.txt", "eins zwei drei vier"), GoldEvidence("b.txt", "fünf sechs sieben acht"))
    assert is_hit("... fünf sechs sieben acht ...", "b.txt", gold)
    assert not is_hit("... fünf sechs sieben acht ...", "a.txt", gold)


def test_evidence_cut_by_a_chunk_boundary_counts_when_80_percent_of_words_remain():
    # 15 words; the chunk ends after "41" -> 13 of 15 words (86.7 %) in order
    words = EVIDENCE.split()
    assert len(words) == 15
    chunk_end = "Ende des vorigen Absatzes. " + " ".join(words[:13])
    assert in_order_coverage(EVIDENCE, chunk_end) == pytest.approx(13 / 15)
    assert is_hit(chunk_end, "karlsruhe_file_662089.txt", GOLD)
    # a chunk starting inside the evidence: the last 12 words = exactly 80 %
    chunk_start = " ".join(words[3:]) + " Der Ausschuss nimmt Kenntnis."
    assert in_order_coverage(EVIDENCE, chunk_start) == pytest.approx(12 / 15)
    assert is_hit(chunk_start, "karlsruhe_file_662089.txt", GOLD)
    # 11 of 15 words (73 %) is not enough
    assert not is_hit(" ".join(words[:11]), "karlsruhe_file_662089.txt", GOLD)


def test_words_out_of_order_do_not_count():
    evidence = "eins zwei drei vier fünf"
    assert in_order_coverage(evidence, "fünf vier drei zwei eins") == pytest.approx(1 / 5)
    assert not is_hit("fünf vier drei zwei eins", "x.txt", [GoldEvidence("x.txt", evidence)])


def test_words_scattered_over_a_long_passage_do_not_count():
    evidence = "der Rat hat die Vorlage beschlossen"  # 6 words, window 7
    scattered = (
        "der Antrag wurde vertagt, der Rat hat lange beraten und die Verwaltung hat eine Vorlage "
        "erstellt, die später beschlossen wurde"
    )
    # best stretch of 7 words: "der Rat hat lange beraten und die" -> 4 of 6; the rest lies far off
    assert in_order_coverage(evidence, scattered) == pytest.approx(4 / 6)
    assert not is_hit(scattered, "x.txt", [GoldEvidence("x.txt", evidence)])


def test_one_changed_word_inside_long_evidence_still_counts():
    # a dehyphenated PDF line break ("mög- lich" -> "möglich") costs two of ten words
    evidence = "Eine Umsetzung ist frühestens ab 2026 mög- lich sagt die Verwaltung"
    passage = "Eine Umsetzung ist frühestens ab 2026 möglich sagt die Verwaltung"
    assert in_order_coverage(evidence, passage) == pytest.approx(9 / 11)
    assert is_hit(passage, "x.pdf", [GoldEvidence("x.pdf", evidence)])


# ------------------------------------------------------------------------------------ ranking metrics

# relevance of a hand-made ranking: hits at ranks 3 and 5
RANKING = [False, False, True, False, True, False, False, False, False, False]


def test_known_ranking_gives_known_recall_mrr_ndcg():
    assert first_hit_rank(RANKING) == 3
    assert [recall_at_k(RANKING, k) for k in (1, 3, 5, 10)] == [0.0, 1.0, 1.0, 1.0]
    assert reciprocal_rank(RANKING, 10) == pytest.approx(1 / 3)
    assert reciprocal_rank(RANKING, 2) == 0.0
    assert ndcg_at_k(RANKING, 10) == pytest.approx(1 / math.log2(4))  # = 0.5
    assert ndcg_at_k(RANKING, 2) == 0.0


def test_ndcg_with_several_relevant_items():
    # two relevant items, found at ranks 3 and 5: (1/log2 4 + 1/log2 6) / (1 + 1/log2 3)
    expected = (0.5 + 1 / math.log2(6)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(RANKING, 10, n_relevant=2) == pytest.approx(expected)
    assert ndcg_at_k([True, True], 10, n_relevant=2) == pytest.approx(1.0)
    # extra hits beyond the number of relevant items earn nothing: never above 1
    assert ndcg_at_k([True, True, True], 10, n_relevant=1) == pytest.approx(1.0)


def test_aggregates_over_questions():
    rankings = [[True], [False, True], [False, False, False, True], []]
    assert mean(recall_at_k(r, 1) for r in rankings) == pytest.approx(0.25)
    assert mean(recall_at_k(r, 3) for r in rankings) == pytest.approx(0.5)
    assert mean(reciprocal_rank(r, 10) for r in rankings) == pytest.approx((1 + 0.5 + 0.25 + 0) / 4)
    assert mean([]) is None


def test_percentiles_interpolate_linearly():
    values = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    assert percentile(values, 50) == pytest.approx(55.0)
    assert percentile(values, 95) == pytest.approx(95.5)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


# ------------------------------------------------------------------------------------- answer metrics


def test_refusal_metrics():
    assert refusal_accuracy([True, True, False, True]) == pytest.approx(0.75)
    assert false_refusal_rate([False, False, False, True, False]) == pytest.approx(0.2)
    assert refusal_accuracy([]) is None


def test_citation_correctness_uses_the_hit_rule():
    right = ("karlsruhe_file_662089.txt", "Text davor. " + EVIDENCE)
    wrong_source = ("karlsruhe_file_1.txt", EVIDENCE)
    wrong_text = ("karlsruhe_file_662089.txt", "Die Fahrradstraße wird eingerichtet.")
    assert citation_correct([wrong_text, right], GOLD)
    assert not citation_correct([wrong_source, wrong_text], GOLD)
    assert not citation_correct([], GOLD)


@pytest.mark.parametrize(
    "answer, key",
    [
        ("Es entfallen 13.500 Euro.", "13.500"),
        ("It costs EUR 13,500.", "13.500"),
        ("Kosten: 13 500 €", "13.500"),
        ("insgesamt 24,740,178 euros", "24.740.178"),
        ("The price is 6.00 € per hour", "6,00"),
        ("Expo Real", "expo  real"),
        ("Die Sitzung war ONLINE.", "online"),
        # dates: German and English notations are the same date
        ("Beschluss vom 31.03.2023", "31 March 2023"),
        ("decided on March 31, 2023", "31.03.2023"),
        ("decided on 31st March 2023", "2023-03-31"),
        ("am 31. März 2023", "March 31, 2023"),
        ("am 1.7.2026", "1. Juli 2026"),
        ("opening in July 2026", "Juli 2026"),
        ("Eröffnung im Juli 2026", "July 2026"),
        ("bis 24. März 2026", "24.03.2026"),
        ("im November 2026", "November 2026"),
        ("in July", "Juli"),
        # amounts with scale words
        ("a grant of €1.2 million", "1,2 Mio. €"),
        ("Zuschuss von 1.200.000 Euro", "1,2 Mio. €"),
        ("Zuschuss 1,2 Millionen Euro", "€1.2 million"),
        ("22,6 Mio. Euro", "22,6"),
        ("22.6 million euros", "22,6 Mio. €"),
        ("2,5 Mrd. €", "2.5 billion"),
        ("a budget of 20 thousand euros", "20.000"),
    ],
)
def test_answer_contains_matches(answer, key):
    assert contains_answer(answer, key)


@pytest.mark.parametrize(
    "answer, key",
    [
        ("Es entfallen 75 Parkplätze.", "41"),
        ("Beschluss vom 31.03.2023", "30 March 2023"),
        ("decided on March 31, 2023", "31.03.2024"),
        ("opening in June 2026", "Juli 2026"),
        ("a grant of €1.2 million", "1,3 Mio. €"),
        ("Zuschuss von 1.200.000 Euro", "2 Mio. €"),
        ("mehrheitlich abgelehnt", "einstimmig"),
    ],
)
def test_answer_contains_rejects(answer, key):
    assert not contains_answer(answer, key)


def test_all_keys_are_needed():
    assert contains_all("Die CDU und die SPD stimmten zu.", ["CDU", "SPD"])
    assert not contains_all("Die CDU stimmte zu.", ["CDU", "SPD"])
    assert contains_all("anything", [])


def test_answer_variants_are_canonical():
    assert "2023-03-31" in answer_variants("31. März 2023")
    assert "1200000" in answer_variants("1,2 Mio. €")
    assert answer_variants("13.500") == ("13500",)
