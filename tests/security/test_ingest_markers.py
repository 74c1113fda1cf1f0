"""(2) Non-public markers as clerks write them are recognised; mentions in running text are not markers.

Real files in tmp_path, parsed, sectioned and chunked by the real ingest code; no mocks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parsers import ParseContext
from tests.security.conftest import CORPUS, chunks_of, text_pdf

BODY = (
    "Betreff: Verkauf des städtischen Grundstücks Flurstück 4711 am Kiebitzweg\n"
    "Vorlage Nr.: 2025/0815\n"
    "Sachverhalt:\n"
    "Die Eigentümerin des Nachbargrundstücks hat der Verwaltung ein Kaufangebot unterbreitet. "
    "Der vereinbarte Kaufpreis beträgt 1.234.567 Euro. Die Verwaltung empfiehlt den Verkauf.\n"
    "Beschlussvorschlag:\n"
    "Der Hauptausschuss stimmt dem Verkauf des Grundstücks zu den genannten Bedingungen zu.\n"
)

MARKERS = [
    "Nichtöffentliche Beschlussvorlage",
    "Status: nichtöffentlich",
    "Vorlage (nichtöffentlich)",
    "Beschlussvorlage - nichtöffentlich",
    "Nicht öffentliche Vorlage",
    "NICHT ÖFFENTLICH!",
    "Vertraulich",
    "Nichtoeffentlich",
    "nicht-öffentlich",
    "Öffentlichkeitsstatus:   NICHT-ÖFFENTLICH",
    "Nichtöffentliche Sitzung",
    "Niederschrift über die nichtöffentliche Sitzung des Hauptausschusses",
    "Stadt Musterstadt | Beschlussvorlage | nichtöffentlich | Drucksache 2025/0815",
    "☐ öffentlich ☒ nichtöffentlich",
]


@pytest.mark.parametrize("marker", MARKERS)
def test_marker_in_the_header_makes_the_whole_document_non_public(marker: str, write_text) -> None:
    doc, chunks = chunks_of(write_text("vorlage.txt", f"Stadt Musterstadt\n{marker}\n{BODY}"))
    assert doc.public is False, marker
    assert chunks and all(c.public is False for c in chunks), marker


def test_marker_on_line_23_is_found(write_text) -> None:
    header = "\n".join(f"Verteiler {i}: Fachbereich {i}" for i in range(1, 23))
    doc, chunks = chunks_of(write_text("vorlage.txt", f"{header}\nStatus: nichtöffentlich\n{BODY}"))
    assert doc.public is False
    assert all(c.public is False for c in chunks)


def test_marker_in_a_pdf_header_line(tmp_path: Path) -> None:
    lines = ["Stadt Musterstadt", "Beschlussvorlage - nichtöffentlich", *BODY.splitlines()]
    doc, chunks = chunks_of(text_pdf(tmp_path / "vorlage.pdf", [lines]))
    assert doc.public is False and all(c.public is False for c in chunks)


def test_marker_wins_over_default_public_and_over_an_earlier_public_marker(write_text) -> None:
    path = write_text("vorlage.txt", f"Öffentlich\nBeschlussvorlage\nVertraulich\n{BODY}")
    doc, chunks = chunks_of(path, ParseContext(default_public=True))
    assert doc.public is False and all(c.public is False for c in chunks)


MINUTES_SHORT = (
    "Niederschrift\n"
    "Öffentliche Sitzung\n"
    "TOP 1 Spielplatz Lindenweg\n"
    "Der Ortsrat beschließt die Sanierung einstimmig.\n"
    "Nichtöffentlicher Teil\n"
    "TOP 2 Grundstück Kiebitzweg: Verkauf für 1.234.567 Euro an Frau Meier.\n"
)


def test_short_non_public_part_of_short_minutes_is_non_public(write_text) -> None:
    assert len(MINUTES_SHORT) < 700
    doc, chunks = chunks_of(write_text("niederschrift.txt", MINUTES_SHORT))
    secret = [c for c in chunks if "Kiebitzweg" in c.text]
    assert secret and all(c.public is False for c in secret)
    assert any("Spielplatz" in c.text and c.public is not False for c in chunks)
    assert not any("Kiebitzweg" in c.text for c in chunks if c.public is not False)


@pytest.mark.parametrize("heading", ["Nichtöffentlicher Teil", "NICHT ÖFFENTLICHER TEIL:",
                                     "II. Nichtoeffentliche Sitzung", "Teil B – nichtöffentlich",
                                     "Nicht-öffentliche Sitzung"])
def test_non_public_part_in_the_middle_of_long_minutes(heading: str, write_text) -> None:
    public_items = "".join(
        f"TOP {i} Bericht der Verwaltung zu Vorhaben {i}\n"
        f"Die Verwaltung berichtet ausführlich über den Stand des Vorhabens {i} im Ortsteil. "
        "Der Ortsrat nimmt den Bericht zur Kenntnis und bittet um weitere Informationen.\n"
        for i in range(1, 8)
    )
    text = f"Niederschrift\nÖffentliche Sitzung\n{public_items}{heading}\nTOP 8 Stundung\nFirma X, 5.000 Euro.\n"
    doc, chunks = chunks_of(write_text("niederschrift.txt", text))
    assert doc.public is True
    assert all(c.public is False for c in chunks if "Stundung" in c.text or "Firma X" in c.text)
    assert any(c.public is False for c in chunks)
    assert all(c.public is True for c in chunks if "Vorhaben 3" in c.text)


def test_public_again_only_after_an_explicit_public_part(write_text) -> None:
    text = (
        "Niederschrift\nNichtöffentlicher Teil\nTOP 1 Personalangelegenheit Herr Schulze wird befördert.\n"
        "TOP 2 Grundstück Kiebitzweg wird verkauft.\n"
        "Öffentlicher Teil\nTOP 3 Spielplatz Lindenweg wird saniert.\n"
    )
    _, chunks = chunks_of(write_text("niederschrift.txt", text))
    assert all(c.public is False for c in chunks if "Schulze" in c.text or "Kiebitzweg" in c.text)
    assert any(c.public is True and "Spielplatz" in c.text and "Kiebitzweg" not in c.text for c in chunks)


def test_no_reopening_when_the_document_itself_is_marked(write_text) -> None:
    text = "Vertraulich\nNiederschrift\nTOP 1 Personalsache.\nÖffentlicher Teil\nTOP 2 Spielplatz Lindenweg.\n"
    doc, chunks = chunks_of(write_text("niederschrift.txt", text))
    assert doc.public is False and all(c.public is False for c in chunks)


def test_non_public_agenda_item_line_closes_only_its_item(write_text) -> None:
    items = "".join(
        f"TOP {i} Vorhaben {i}\nDer Ausschuss berät das Vorhaben {i} und stimmt ihm einstimmig zu. "
        "Die Verwaltung wird beauftragt, die Umsetzung vorzubereiten.\n" for i in range(1, 7)
    )
    text = f"Einladung\nÖffentliche Sitzung\n{items}TOP 7 Grundstücksangelegenheit (nichtöffentlich)\nVerkauf an X.\n"
    doc, chunks = chunks_of(write_text("einladung.txt", text))
    assert doc.public is True
    assert all(c.public is False for c in chunks if "Verkauf an X" in c.text)
    assert all(c.public is True for c in chunks if "Vorhaben 2" in c.text)


RUNNING_TEXT = [
    "Der Antrag wurde bereits am 3. Mai in nichtöffentlicher Sitzung beraten und vertagt.",
    "Herr Pohl erweitert die Tagesordnung im nicht öffentlichen Teil um den Tagesordnungspunkt\nStundung.",
    "Die Angelegenheit wurde zuvor im Hauptausschuss\nnichtöffentlicher Sitzung beraten und entschieden ).",
    "Beratung im Hauptausschuss am 11. Januar 2022, nichtöffentlich",
    "Die Angebote der Bieter werden vertraulich behandelt.",
    "Wir haben in der nicht-öffentlichen Beratung im Vorfeld darüber gesprochen.",
    "Die Öffentlichkeitsbeteiligung erfolgt im Rathaus.",
]


@pytest.mark.parametrize("sentence", RUNNING_TEXT)
def test_mention_in_running_text_keeps_a_public_record_public(sentence: str, write_text) -> None:
    text = f"Beschlussvorlage\nBetreff: Sanierung Spielplatz Lindenweg\nSachverhalt:\n{sentence}\n{BODY}"
    doc, chunks = chunks_of(write_text("vorlage.txt", text))
    assert doc.public is True
    assert all(c.public is True for c in chunks)


def test_form_offering_both_states_is_no_marker(write_text) -> None:
    """Karlsruhe's Gestaltungsbeirat form ('öffentlich | nicht öffentlich', check boxes lost in the text)."""
    doc, chunks = chunks_of(write_text("empfehlung.txt", f"Empfehlung\nöffentlich | nicht öffentlich\n{BODY}"))
    assert doc.public is True and all(c.public is True for c in chunks)


@pytest.mark.parametrize(
    "path", sorted(p for p in CORPUS.rglob("*") if p.suffix in {".txt", ".pdf"}), ids=lambda p: p.name
)
def test_public_sample_records_stay_public(path: Path) -> None:
    from assistant.errors import ParseError

    try:
        doc, chunks = chunks_of(path)
    except ParseError as exc:
        assert "OCR" in exc.reason  # the one scanned PDF of the corpus
        return
    assert doc.public is True, path.name
    assert all(c.public is True for c in chunks), [c.section for c in chunks if not c.public]
