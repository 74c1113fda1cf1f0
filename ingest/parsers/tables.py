"""Tables of a PDF page as labelled rows, so every amount keeps its row and column labels.

pypdf's plain text flattens a cost table: the column headers stand apart from the values, often one cell per
line. Measured on the sample and validation PDFs (16 pages with 45 euro amounts): plain text puts a label on
the line of 38 amounts but never the column header; pypdf's layout mode 26 (worse than plain text overall);
pdfplumber's ``extract_tables`` finds the ruled tables (12 amounts) with their row *and* column labels. So the
page text stays pypdf's, and pdfplumber's rows are added below it, one line per row:
``1-Personenhaushalt — Stufe I: 14.000 €; Stufe II: 18.300 €; Stufe III: 22.600 €``.
Only pages whose text states a number with a unit (€, Euro, %, m², Stellen …) are looked at (~0.1–0.3 s each).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterable, Sequence

log = logging.getLogger(__name__)

TABLE_HEADING = "Tabelle (Zeilen mit Spaltenköpfen):"
_CANDIDATE = re.compile(r"\d[\d.,]*\s*(?:€|euro\b|eur\b|%|m²|qm\b|stellen\b|vzä\b|wohnungen\b)|\b(?:summe|gesamt)\b",
                        re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def _cell(value: object) -> str:
    return " ".join(str(value or "").split())


def row_lines(table: Sequence[Sequence[object]]) -> list[str]:
    """One line per data row: 'row label — column header: value; …' (headers from the first row)."""
    rows = [[_cell(c) for c in row] for row in table if row]
    if len(rows) < 2 or max(len(r) for r in rows) < 2:
        return []
    header = rows[0]
    lines: list[str] = []
    for row in rows[1:]:
        label, values = row[0], row[1:]
        if not any(_DIGIT.search(v) for v in values):
            continue
        parts = []
        for j, value in enumerate(values, start=1):
            if not value:
                continue
            column = header[j] if j < len(header) else ""
            parts.append(f"{column}: {value}" if column else value)
        lines.append(f"{label} — {'; '.join(parts)}" if label else "; ".join(parts))
    return lines


def table_rows(data: bytes, page_texts: list[str], *, check_time: Callable[[int], None] | None = None,
               max_pages: int = 200) -> dict[int, list[str]]:
    """Row lines of the tables on each candidate page (1-based page number -> lines); {} when pdfplumber is
    missing or cannot read the file (the plain text stays)."""
    candidates = [n for n, text in enumerate(page_texts, start=1) if text and _CANDIDATE.search(text)][:max_pages]
    if not candidates:
        return {}
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency; without it tables stay as pypdf flattens them
        return {}
    found: dict[int, list[str]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number in candidates:
                if check_time:
                    check_time(number)
                lines = [line for table in pdf.pages[number - 1].extract_tables() for line in row_lines(table)]
                if lines:
                    found[number] = lines
    except Exception as exc:  # noqa: BLE001 - tables are an addition: a pdfminer failure keeps the plain text
        log.debug("tables not read: %s", exc)
    return found


def with_tables(text: str, lines: Iterable[str]) -> str:
    lines = list(lines)
    return f"{text}\n\n{TABLE_HEADING}\n" + "\n".join(lines) if lines else text
