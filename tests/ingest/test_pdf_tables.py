"""A cost table keeps its labels: each row of a PDF table is also indexed as 'row — column: value; …'."""

from __future__ import annotations

from pathlib import Path

from ingest.parsers import ParseContext, parse_file
from ingest.parsers.tables import TABLE_HEADING, row_lines

SAMPLE = (Path(__file__).resolve().parents[2] / "samples/corpus/pdf"
          / "erlangen_sbr_2021-10-27_Anhang_Soziales_Wohnen_in_Buechenbach.pdf")


def test_rows_keep_row_and_column_labels() -> None:
    table = [["Kostenart", "2024", "2025"], ["Personalkosten", "120.000 €", "130.000 €"], ["Zuzüglich", "", ""],
             ["Sachkosten", "", "5.000 €"]]
    assert row_lines(table) == ["Personalkosten — 2024: 120.000 €; 2025: 130.000 €", "Sachkosten — 2025: 5.000 €"]
    assert row_lines([["nur eine Zeile", "1"]]) == []


def test_the_income_limits_of_a_real_pdf_table_keep_their_labels() -> None:
    document = parse_file(SAMPLE, ParseContext(ocr="off"))
    page = next(p for p in document.pages if TABLE_HEADING in p.text)
    assert "1-Personenhaushalt — Stufe I: 14.000 €; Stufe II: 18.300 €; Stufe III: 22.600 €" in page.text
    plain = parse_file(SAMPLE, ParseContext(ocr="off", pdf_tables=False))
    assert not any(TABLE_HEADING in p.text for p in plain.pages)
