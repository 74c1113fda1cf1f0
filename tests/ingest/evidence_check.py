"""Quick corpus-wide check (not a test): does each dev.jsonl evidence land inside a single chunk?

Usage: python -m tests.ingest.evidence_check [corpus_dir] [dev.jsonl]
Counts a question as covered when any gold evidence (whitespace-normalised, lowercase) is inside one
chunk text, or when one chunk holds >= 80 % of the evidence words in order (the eval README's rule).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from assistant.errors import ParseError
from ingest.chunking import chunk_document
from ingest.parsers import parse_file
from ingest.sectioning import split_sections


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def words_in_order(evidence: str, passage: str, share: float = 0.8) -> bool:
    words = evidence.split()
    best = 0
    for start in range(len(words)):  # longest run of evidence words found in order, from any start
        pos, found = 0, 0
        for word in words[start:]:
            at = passage.find(word, pos)
            if at < 0:
                break
            pos, found = at + len(word), found + 1
        best = max(best, found)
    return best >= share * len(words)


def main(corpus: Path, dev: Path) -> int:
    files = {p.name: p for p in corpus.rglob("*") if p.suffix.lower() in {".txt", ".pdf", ".json"}}
    chunks_by_source: dict[str, list[str]] = {}
    total_chunks = 0
    for name, path in sorted(files.items()):
        try:
            doc = parse_file(path)
        except ParseError as exc:
            print(f"skip {exc}")
            continue
        chunks = chunk_document(doc, split_sections(doc))
        total_chunks += len(chunks)
        chunks_by_source[name] = [norm(c.text) for c in chunks]
    exact = loose = answerable = 0
    for line in dev.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if not record["answerable"]:
            continue
        answerable += 1
        golds = [(g["source"], norm(g["evidence"])) for g in record["gold"]]
        if any(ev in c for src, ev in golds for c in chunks_by_source.get(src, [])):
            exact += 1
            loose += 1
        elif any(words_in_order(ev, c) for src, ev in golds for c in chunks_by_source.get(src, [])):
            loose += 1
            print(f"{record['id']}: only >=80% words in one chunk: {golds[0][1][:80]}")
        else:
            print(f"{record['id']}: MISS {golds}")
    print(f"chunks in corpus: {total_chunks}")
    print(
        f"evidence in one chunk: exact {exact}/{answerable} = {exact / answerable:.1%}, "
        f"with 80% rule {loose}/{answerable} = {loose / answerable:.1%}"
    )
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    corpus_dir = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "samples" / "corpus"
    dev_file = Path(args[1]) if len(args) > 1 else Path(__file__).resolve().parents[2] / "eval" / "data" / "dev.jsonl"
    raise SystemExit(main(corpus_dir, dev_file))
