"""Metric functions of the evaluation: pure, on plain data, no assistant imports.

Hit rule (see ``shared/eval/README.md``). A passage is a hit for a gold entry when it comes from the gold
source file (compared by file name) and, after lowercasing and collapsing whitespace runs to one space,

1. its text contains the evidence verbatim, or
2. it holds at least 80 % of the evidence's words *in order* (for chunks that start or end in the middle of
   the evidence). Words are ``\\w+`` runs of the lowercased text, so punctuation is ignored. With
   ``n`` evidence words, the in-order coverage is the longest common subsequence of the evidence words and
   any stretch of at most ``n + n // 5`` consecutive passage words, divided by ``n``; stretches may be cut
   short by the start or end of the passage. The window keeps scattered common words ("der", "die", "und")
   of a long passage from adding up to a spurious match. A hit needs coverage ≥ 0.8, so evidence of four
   words must be complete and evidence of ten words may miss two.

Ranking metrics take the relevance of one ranked result list as booleans (rank 1 first) and return the
per-question value; the runner averages them over answerable questions. nDCG uses binary gains and, by
default, one relevant item (any one gold passage answers the question): nDCG@k = 1 / log2(1 + rank of the
first hit), 0 without a hit in the top k.

Answer matching (``answer_contains``) ignores case and whitespace, removes thousands and decimal separators
between digits (13.500 = 13,500 = 13 500 = 13500), treats dates and amounts in German and English notation
alike (31.03.2023 = 31. März 2023 = 31 March 2023 = March 31, 2023 = 2023-03-31; Juli 2026 = July 2026;
1,2 Mio. € = €1.2 million = 1.200.000 Euro) and German month names as their English names.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any, Protocol

HIT_WORD_SHARE = 0.8


class Gold(Protocol):
    source: str
    evidence: str


# --------------------------------------------------------------------------------------------- hit rule


def normalise(text: str) -> str:
    """Lowercase and collapse every whitespace run (incl. newlines, NBSP) to one space."""
    return re.sub(r"\s+", " ", text).strip().lower()


def words(text: str) -> list[str]:
    """The ``\\w+`` words of the lowercased text."""
    return re.findall(r"\w+", text.lower())


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def in_order_coverage(evidence: str, passage: str) -> float:
    """Share of the evidence's words found in order in one stretch of the passage (see module doc)."""
    ev = words(evidence)
    if not ev:
        return 0.0
    ps = words(passage)
    n, window = len(ev), len(ev) + len(ev) // 5
    ev_set = set(ev)
    best = 0
    # the best stretch can always start at a passage word that occurs in the evidence
    for i, word in enumerate(ps):
        if word not in ev_set:
            continue
        best = max(best, _lcs_length(ev, ps[i : i + window]))
        if best == n:
            break
    return best / n


def _could_cover(evidence: str, passage: str, share: float) -> bool:
    """Cheap necessary condition for coverage ≥ share: enough evidence words occur at all."""
    ev = Counter(words(evidence))
    ps = Counter(words(passage))
    found = sum(min(c, ps[w]) for w, c in ev.items())
    return found >= share * sum(ev.values())


def same_source(passage_source: str, gold_source: str) -> bool:
    return PurePath(passage_source).name.lower() == PurePath(gold_source).name.lower()


def evidence_in_passage(passage_text: str, evidence: str, share: float = HIT_WORD_SHARE) -> bool:
    """Text part of the hit rule: verbatim containment or ≥ ``share`` of the words in order."""
    if normalise(evidence) in normalise(passage_text):
        return True
    return _could_cover(evidence, passage_text, share) and in_order_coverage(evidence, passage_text) >= share


def is_hit(
    passage_text: str, passage_source: str, gold: Iterable[Gold], share: float = HIT_WORD_SHARE
) -> bool:
    """True if the passage is a hit for any one of the gold entries."""
    return any(
        same_source(passage_source, g.source) and evidence_in_passage(passage_text, g.evidence, share)
        for g in gold
    )


# ------------------------------------------------------------------------------------- ranking metrics


def first_hit_rank(relevance: Sequence[bool], k: int | None = None) -> int | None:
    """1-based rank of the first hit within the top k, None if there is none."""
    for rank, rel in enumerate(relevance[:k] if k else relevance, start=1):
        if rel:
            return rank
    return None


def recall_at_k(relevance: Sequence[bool], k: int) -> float:
    """1.0 if there is at least one hit in the top k, else 0.0 (averaged: the share of questions)."""
    return 1.0 if first_hit_rank(relevance, k) else 0.0


def reciprocal_rank(relevance: Sequence[bool], k: int = 10) -> float:
    """1 / rank of the first hit within the top k, 0.0 without one (averaged: MRR@k)."""
    rank = first_hit_rank(relevance, k)
    return 1.0 / rank if rank else 0.0


def ndcg_at_k(relevance: Sequence[bool], k: int = 10, n_relevant: int = 1) -> float:
    """Binary-gain nDCG@k assuming ``n_relevant`` relevant items exist.

    Only the first ``n_relevant`` hits earn gain (there cannot be more relevant items than exist), so the
    value stays in [0, 1]. With the default ``n_relevant=1`` this is 1 / log2(1 + rank of first hit).
    """
    if n_relevant < 1:
        raise ValueError("n_relevant must be at least 1")
    dcg, gained = 0.0, 0
    for rank, rel in enumerate(relevance[:k], start=1):
        if rel and gained < n_relevant:
            dcg += 1.0 / math.log2(rank + 1)
            gained += 1
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(n_relevant, k) + 1))
    return dcg / ideal


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean, None for no values (a metric over an empty group is undefined, not 0)."""
    values = list(values)
    return sum(values) / len(values) if values else None


def percentile(values: Iterable[float], q: float) -> float | None:
    """q-th percentile (0–100) with linear interpolation between order statistics (numpy's default)."""
    data = sorted(values)
    if not data:
        return None
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    pos = (len(data) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


# -------------------------------------------------------------------------------------- answer metrics


def refusal_accuracy(refused_on_unanswerable: Iterable[bool]) -> float | None:
    """Share of unanswerable questions the assistant refused to answer."""
    return mean(1.0 if r else 0.0 for r in refused_on_unanswerable)


def false_refusal_rate(refused_on_answerable: Iterable[bool]) -> float | None:
    """Share of answerable questions the assistant refused to answer."""
    return mean(1.0 if r else 0.0 for r in refused_on_answerable)


def citation_correct(cited: Iterable[tuple[str, str]], gold: Iterable[Gold]) -> bool:
    """True if any cited ``(source, passage)`` pair is a hit for the gold evidence."""
    gold = list(gold)
    return any(is_hit(passage, source, gold) for source, passage in cited)


_MONTHS = {
    1: ("januar", "jänner", "january", "jan"),
    2: ("februar", "february", "feb"),
    3: ("märz", "maerz", "march", "mär", "mar"),
    4: ("april", "apr"),
    5: ("mai", "may"),
    6: ("juni", "june", "jun"),
    7: ("juli", "july", "jul"),
    8: ("august", "aug"),
    9: ("september", "sept", "sep"),
    10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nov"),
    12: ("dezember", "december", "dez", "dec"),
}
_MONTH_NUMBER = {name: number for number, names in _MONTHS.items() for name in names}
_MONTH_RE = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
_GERMAN_MONTH = {
    "januar": "january",
    "jänner": "january",
    "februar": "february",
    "märz": "march",
    "maerz": "march",
    "mai": "may",
    "juni": "june",
    "juli": "july",
    "oktober": "october",
    "dezember": "december",
}

_DATE_PATTERNS = (
    # 2023-03-31
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), lambda m: (m[1], m[2], m[3])),
    # 31.03.2023, 31. 3. 2023
    (re.compile(r"(?<![\d.,])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)"), lambda m: (m[3], m[2], m[1])),
    # 31. März 2023, 31 March 2023, 31st of March, 2023
    (
        re.compile(
            rf"(?<![\d.,])(\d{{1,2}})(?:\.|st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?,?\s+(\d{{4}})(?!\d)"
        ),
        lambda m: (m[3], _MONTH_NUMBER[m[2]], m[1]),
    ),
    # March 31, 2023
    (
        re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)"),
        lambda m: (m[3], _MONTH_NUMBER[m[1]], m[2]),
    ),
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?,?\s+(\d{{4}})(?!\d)")
_CURRENCY = re.compile(r"€|\beur\b|\beuros?\b")
_SCALES = (
    (re.compile(r"\b(?:mio\b\.?|millionen\b|millions?\b|mill\.)"), "million", 10**6),
    (re.compile(r"\b(?:mrd\b\.?|milliarden?\b|billions?\b|bn\b)"), "billion", 10**9),
    (re.compile(r"\b(?:tsd\b\.?|tausend\b|thousands?\b)"), "thousand", 10**3),
)
_SCALE_FACTOR = {name: factor for _, name, factor in _SCALES}
_AMOUNT = re.compile(r"(?<![\d.,])(\d+(?:[.,\s]\d+)*)\s*(million|billion|thousand)\b")
_DIGIT_SEPARATOR = re.compile(r"(?<=\d)[.,\s'’](?=\d)")


def _iso_dates(text: str) -> str:
    def as_iso(parts: tuple[str | int, str | int, str | int]) -> str | None:
        year, month, day = (int(p) for p in parts)
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
        return None

    for pattern, parts in _DATE_PATTERNS:

        def replace_date(m: re.Match[str], parts: Any = parts) -> str:
            return as_iso(parts(m)) or m[0]

        text = pattern.sub(replace_date, text)
    return _MONTH_YEAR.sub(lambda m: f"{int(m[2]):04d}-{_MONTH_NUMBER[m[1]]:02d}", text)


def _amount_value(number: str, scale: int) -> str:
    """'1,2' million -> '1200000'; the last separator is decimal unless three digits follow it."""
    groups = re.split(r"[.,\s]", number)
    if len(groups) > 1 and len(groups[-1]) != 3:
        value = float("".join(groups[:-1]) + "." + groups[-1])
    else:
        value = float("".join(groups))
    scaled = round(value * scale, 6)
    return str(int(scaled)) if scaled == int(scaled) else str(scaled)


def answer_variants(text: str) -> tuple[str, ...]:
    """Canonical forms of a text for ``answer_contains``; a key matches if any form of it is inside any
    form of the answer. Forms: dates as ISO or left as written (month names in English); amounts with a
    scale word as written ('12million') or expanded ('1200000'); separators between digits and all
    whitespace removed; currency markers (€, EUR, Euro) dropped."""
    base = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).casefold().strip()
    base = _CURRENCY.sub(" ", base)
    for pattern, name, _ in _SCALES:
        base = pattern.sub(name, base)
    forms = []
    for dated in (_iso_dates(base), base):
        dated = re.sub(rf"\b({'|'.join(_GERMAN_MONTH)})\b", lambda m: _GERMAN_MONTH[m[1]], dated)
        expanded = _AMOUNT.sub(lambda m: _amount_value(m[1], _SCALE_FACTOR[m[2]]), dated)
        for form in (dated, expanded):
            form = re.sub(r"\s+", "", _DIGIT_SEPARATOR.sub("", form))
            if form and form not in forms:
                forms.append(form)
    return tuple(forms)


def contains_answer(answer: str, key: str) -> bool:
    """True if the answer contains the key under the normalisation of :func:`answer_variants`."""
    answer_forms = answer_variants(answer)
    # a key made only of a currency word ("Euro") has no canonical form: match it as written
    key_forms = answer_variants(key) or (re.sub(r"\s+", "", key.casefold()),)
    return any(k in a for k in key_forms for a in answer_forms) or any(
        k in re.sub(r"\s+", "", answer.casefold()) for k in key_forms
    )


def contains_all(answer: str, keys: Iterable[str]) -> bool:
    """True if the answer contains every key (the answer_contains criterion)."""
    return all(contains_answer(answer, key) for key in keys)
