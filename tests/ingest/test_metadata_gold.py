"""Metadata of real council records against a hand-written gold table (tests/fixtures/metadata_gold.tsv).

Every bundled sample record (samples/corpus) and every validation record (../shared/validation, skipped when
absent) is read the way ``ratsinfo ingest`` reads a folder, without embedding: ``discover_files`` (which drops
README/SOURCES files), the OParl folder plan (papers and meetings with the file texts they claim) and
``parse_file`` for everything else. Accuracy is reported per field.

Matching rules:

* title: equal after normalising case, whitespace and punctuation, or one title is contained, as a run of
  whole words, in the other and the shorter one has at least 80 % of the longer one's words;
* document_type, date, reference, body: equal after normalising case, whitespace and punctuation; an empty gold
  cell means the record does not state the field, so the parsed field must be empty too; "?" is not scored;
* a gold title "!skip <reason>" means the file must not become a record (not discovered, or a ParseError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.errors import ParseError
from assistant.models import SourceDocument
from ingest.indexer import discover_files
from ingest.oparl.folder import plan_folder
from ingest.parsers import ParseContext, parse_file

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "fixtures" / "metadata_gold.tsv"
ROOTS = {"samples": REPO / "samples" / "corpus", "validation": (REPO / ".." / "shared" / "validation").resolve()}
FIELDS = ("title", "document_type", "date", "reference", "body")
SAMPLES_FLOOR = 0.95
# reached on the validation folder; the misses are listed by the report (OParl bodies come from ingest/oparl)
VALIDATION_FLOOR = {"title": 0.95, "document_type": 0.95, "date": 0.95, "reference": 0.95, "body": 0.75}


@dataclass(frozen=True)
class Gold:
    path: str
    fields: dict[str, str]


def load_gold(corpus: str) -> list[Gold]:
    rows = []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[0] == corpus:
            rows.append(Gold(cells[1], dict(zip(FIELDS, cells[2:7], strict=True))))
    return rows


def _norm(text: str | None) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", (text or "").lower()).split())


def title_matches(gold: str, parsed: str) -> bool:
    g, p = _norm(gold), _norm(parsed)
    if g == p:
        return True
    short, long_ = sorted((g, p), key=lambda s: len(s.split()))
    if not short:
        return False
    contained = f" {short} " in f" {long_} "
    return contained and len(short.split()) >= 0.8 * len(long_.split())


def field_matches(name: str, gold: str, parsed: str | None) -> bool:
    if name == "title":
        return title_matches(gold, parsed or "")
    return _norm(gold) == _norm(parsed)


@dataclass
class Outcome:
    scored: dict[str, int]
    correct: dict[str, int]
    misses: list[str]


def evaluate(corpus: str) -> Outcome:
    root = ROOTS[corpus]
    ctx = ParseContext()
    files, _ = discover_files([root])
    discovered = {f.relative_to(root).as_posix(): f for f in files}
    plan = plan_folder(files, ctx)
    out = Outcome(dict.fromkeys(FIELDS, 0), dict.fromkeys(FIELDS, 0), [])
    gold_rows = load_gold(corpus)
    listed = {g.path for g in gold_rows}
    unlisted = [p for p, f in discovered.items() if p not in listed and plan.claimed_by(f) is None]
    assert not unlisted, f"records without a gold row: {unlisted}"
    for gold in gold_rows:
        path = discovered.get(gold.path)
        doc: SourceDocument | None = None
        if path is not None:
            try:
                doc = plan.record(path) or parse_file(path, ctx)
            except ParseError:
                doc = None
        if gold.fields["title"].startswith("!skip"):
            out.scored["title"] += 1
            if doc is None:
                out.correct["title"] += 1
            else:
                out.misses.append(f"{gold.path}: should not be a record, got '{doc.title}'")
            continue
        for name in FIELDS:
            expected = gold.fields[name]
            if expected == "?":
                continue
            out.scored[name] += 1
            got = getattr(doc, name) if doc is not None else None
            if doc is not None and field_matches(name, expected, got):
                out.correct[name] += 1
            else:
                out.misses.append(f"{gold.path}: {name} gold='{expected}' parsed='{got}'")
    return out


def accuracy(out: Outcome) -> dict[str, float]:
    return {f: out.correct[f] / out.scored[f] for f in FIELDS if out.scored[f]}


def report(corpus: str, out: Outcome) -> str:
    acc = accuracy(out)
    lines = [f"metadata accuracy — {corpus}", f"{'field':<15}{'correct':>9}{'scored':>8}{'accuracy':>10}"]
    lines += [f"{f:<15}{out.correct[f]:>9}{out.scored[f]:>8}{acc.get(f, 1.0):>10.3f}" for f in FIELDS]
    lines += ["misses:"] + [f"  {m}" for m in out.misses]
    return "\n".join(lines)


def test_title_rule() -> None:
    assert title_matches("Niederschrift der 3. Sitzung des Stadtteilbeirates Büchenbach am 15.10.2025",
                         "niederschrift der 3 Sitzung des Stadtteilbeirates Büchenbach am 15.10.2025")
    assert title_matches("Satzung über die Erhebung einer Hundesteuer",
                         "Satzung über die Erhebung einer Hundesteuer 2026")
    assert not title_matches("Neubau Büchenbacher Anlage", "Antrag: Neubau Büchenbacher Anlage am Bahnhof")
    assert not title_matches("Soziale Entwicklung im Stadtteil Büchenbach", "Soziale Entwicklung im")
    assert not title_matches("Haushaltssatzung 2026", "")


def test_sample_corpus_metadata_gold() -> None:
    out = evaluate("samples")
    print("\n" + report("samples", out))
    for value in accuracy(out).values():
        assert value >= SAMPLES_FLOOR, report("samples", out)


@pytest.mark.skipif(not ROOTS["validation"].is_dir(), reason="validation folder ../shared/validation absent")
def test_validation_metadata_gold() -> None:
    out = evaluate("validation")
    print("\n" + report("validation", out))
    for name, value in accuracy(out).items():
        assert value >= VALIDATION_FLOOR[name], report("validation", out)
