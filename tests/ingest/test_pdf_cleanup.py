"""PDF text as a clerk reads it: running headers/footers off, hyphenation and paragraph lines joined."""

from __future__ import annotations

from pathlib import Path

from ingest.parsers import parse_file
from ingest.parsers.pdf_cleanup import clean_pages, join_lines

LONG = "Der Stadtteilbeirat hat zur Gestaltung des Rudeltplatzes eine Stellungnahme abgegeben, den"


def test_hyphenation_joined_real_and_ellipsis_hyphens_kept() -> None:
    text = "\n".join([
        LONG + " Ver-",
        "waltung prüft im Auftrag des Stadtrates und des Beirates die künftige Führung der StUB-",
        "Trasse und den Ausbau der Radwege und der Verkehrsinfrastruktur für Rad-",
        "und Fußweg sowie die Gestaltung des Platzes am Rathaus im kommenden Jahr.",
    ])
    out = join_lines(text)
    assert "Verwaltung prüft" in out
    assert "StUB-Trasse" in out
    assert "Rad- und Fußweg" in out
    assert "\n" not in out  # one paragraph


def test_breaks_kept_before_headings_lists_and_after_short_lines() -> None:
    text = "\n".join([
        LONG + " Stadt-",
        "rat.",
        "TOP 3: Anfragen aus der Bevölkerung",
        "- Eine Stellungnahme zum Thema Einfriedung der Hundefreilaufzone am Holzweg wurde ab-",
        "gegeben.",
        "1. Erhalt der Fußgängerbrücke als Zugang zum Schulgelände und zur Sporthalle im Norden",
        "a) Übergang Mönaustraße",
        "",
        "Günter Winkelmann",
        "Vorsitzender",
    ])
    lines = join_lines(text).split("\n")
    assert lines[0].endswith("den Stadtrat.")
    assert lines[1] == "TOP 3: Anfragen aus der Bevölkerung"
    assert lines[2].endswith("am Holzweg wurde abgegeben.")
    assert lines[3].startswith("1. Erhalt") and lines[4] == "a) Übergang Mönaustraße"
    assert lines[-2:] == ["Günter Winkelmann", "Vorsitzender"]


def test_running_headers_and_page_numbers_removed_non_public_header_kept() -> None:
    pages = [
        f"Öffentliche Niederschrift der 17. Sitzung des Gemeinderates Ahnsen {n} von 4\n"
        f"Nichtöffentliche Sitzung\nInhalt Nummer {n} mit genug Wörtern.\nSeite {n}"
        for n in range(1, 5)
    ]
    cleaned = clean_pages(pages)
    for n, page in enumerate(cleaned, start=1):
        assert "Ahnsen" not in page.text and not page.text.endswith(f"Seite {n}")
        assert "Nichtöffentliche Sitzung" in page.text  # a non-public running line is never dropped
        assert f"Inhalt Nummer {n}" in page.text
        assert len(page.removed) == 2


def test_bare_number_only_removed_when_it_is_the_page_number() -> None:
    pages = ["Kopf\nInhalt eins\n7", "Kopf\nInhalt zwei\n2", "Kopf\nInhalt drei\n3"]
    cleaned = clean_pages(pages)
    assert cleaned[0].text.endswith("7") and not cleaned[1].text.endswith("2")


def test_sample_minutes_lose_their_page_headers_and_keep_page_numbers(fixtures: Path) -> None:
    doc = parse_file(fixtures / "erlangen_sbr_2024-11-19_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf")
    assert [p.number for p in doc.pages] == [1, 2, 3, 4, 5]
    for page in doc.pages[1:]:
        assert not page.text.lstrip().startswith(f"Seite {page.number}")
    text = " ".join(p.text for p in doc.pages)
    assert "Geplante Eröffnung: Sommer 2026" in " ".join(text.split())
