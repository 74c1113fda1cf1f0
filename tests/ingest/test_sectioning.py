from __future__ import annotations

from pathlib import Path

from assistant.models import Page, SourceDocument
from ingest.parsers import ParseContext, parse_file
from ingest.sectioning import classify_line, split_sections

from .conftest import norm

CTX = ParseContext()


def _doc(
    text: str, pages: tuple[Page, ...] | None = None, document_type: str | None = None
) -> SourceDocument:
    return SourceDocument(
        document_id="x",
        source="x.txt",
        source_path="/x.txt",
        title="Titel",
        pages=pages or (Page(None, text),),
        content_hash="h",
        document_type=document_type,
    )


def _covered(doc: SourceDocument, sections: list) -> bool:
    """Every word of the document, in order, is in the concatenated section texts."""
    return norm(" ".join(s.text for s in sections)) == norm(doc.text)


def test_aachen_inline_headings(fixtures: Path) -> None:
    doc = parse_file(fixtures / "aachen_regionalmarketing_vorlage.txt", CTX)
    sections = split_sections(doc)
    headings = [s.heading for s in sections]
    assert headings == [
        "Sachlage",
        "Bereits begonnene Maßnahmen",
        "Beschlussempfehlung",
        "Personelle Auswirkungen",
        "Finanzielle Auswirkungen",
        "Anlage/n",
    ]
    by_heading = {s.heading: s for s in sections}
    assert (
        by_heading["Personelle Auswirkungen"].text == "Personelle Auswirkungen: Sind im Haushalt eingeplant."
    )
    assert (
        by_heading["Finanzielle Auswirkungen"].text
        == "Finanzielle Auswirkungen: Sind im Haushalt eingeplant."
    )
    assert by_heading["Beschlussempfehlung"].text == "Beschlussempfehlung: keine"
    assert _covered(doc, sections)


def test_karlsruhe_vorlage_sections(fixtures: Path) -> None:
    doc = parse_file(fixtures / "karlsruhe_file_658931.txt", CTX)
    sections = split_sections(doc)
    headings = [s.heading for s in sections]
    for expected in ("Kurzfassung", "Finanzielle Auswirkungen", "Erläuterungen", "Beschluss"):
        assert expected in headings
    by_heading = {s.heading: s for s in sections}
    assert "Jährlicher Ertrag: ca. 270.000 €" in by_heading["Finanzielle Auswirkungen"].text
    assert "Der Gemeinderat beschließt nach Vorberatung im Bäderausschuss" in by_heading["Kurzfassung"].text
    assert all(s.text.strip() for s in sections)
    assert _covered(doc, sections)


def test_minutes_pdf_top_sections_and_pages(fixtures: Path) -> None:
    doc = parse_file(
        fixtures / "erlangen_sbr_2024-11-19_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf", CTX
    )
    sections = split_sections(doc)
    tops = {s.heading: s for s in sections if s.heading.startswith("TOP")}
    assert list(tops)[:2] == [
        "TOP 1: Stadtteilhaus Büchenbach",
        "TOP 2: Stadtteilprojekt „Nachbarschaftshilfe“",
    ]
    top1 = tops["TOP 1: Stadtteilhaus Büchenbach"]
    assert (top1.page, top1.page_end) == (2, 4)
    assert top1.text.count("\f") == 2
    assert tops["TOP 2: Stadtteilprojekt „Nachbarschaftshilfe“"].page == 4
    nested = [s for s in sections if len(s.path) == 2]
    assert nested and all(s.path[0] == "TOP 3: Anregungen der Bürger*innen" for s in nested)
    assert _covered(doc, sections)


def test_numbered_agenda_items_in_minutes_nest_resolutions(fixtures: Path) -> None:
    doc = parse_file(fixtures / "ahnsen_2026-03-26_niederschrift_gemeinderat_ahnsen_sitzung_17.pdf", CTX)
    sections = split_sections(doc)
    paths = [s.path for s in sections]
    assert (
        "Öffentliche Sitzung",
        "5. Zustimmung zu Erleichterungen nach dem „Bauturbo“ BV AH 80/21-26",
        "Beschluss",
    ) in paths
    beschluss = next(s for s in sections if s.path[-1] == "Beschluss" and "Bauturbo" in s.path[1])
    assert beschluss.page == 3
    assert "7 Ja-Stimmen, 0 Gegenstimmen, 1 Stimmenthaltung" in beschluss.text
    assert _covered(doc, sections)


def test_short_agenda_stays_one_section(fixtures: Path) -> None:
    doc = parse_file(fixtures / "erlangen_sbr_2025-03-11_Einladung_Einladung_1_Sitzung_Buechenbach.pdf", CTX)
    sections = split_sections(doc)
    assert len(sections) == 1
    assert "1. städtische jugendsozialarbeit 2. weitere angebote für jugendliche 3. sonstiges" in norm(
        sections[0].text
    )


FILLER = (
    "Die Verwaltung hat die Angelegenheit geprüft und berichtet dem Gremium ausführlich über alle "
    "Gesichtspunkte, die für die Entscheidung wichtig sind. "
) * 3


def test_nested_numbered_headings_have_paths() -> None:
    text = "\n".join(
        [
            FILLER,
            "Sachverhalt",
            "1. Ausgangslage",
            "Die Stadt betreibt seit 1974 das Hallenbad Nord, das dringend saniert werden muss.",
            "1.1 Technik",
            "Die Lüftungsanlage ist am Ende ihrer Lebensdauer und muss vollständig ersetzt werden.",
            "2. Varianten",
            "Geprüft wurden eine Sanierung im Bestand und ein Neubau an anderer Stelle mit größerem Becken.",
            "Beschlussvorschlag",
            "Der Rat beschließt die Sanierung im Bestand.",
        ]
    )
    sections = split_sections(_doc(text))
    assert sections[0].heading == "Einleitung"
    sections = sections[1:]
    assert [s.path for s in sections] == [
        ("Sachverhalt", "1. Ausgangslage"),
        ("Sachverhalt", "1. Ausgangslage", "1.1 Technik"),
        ("Sachverhalt", "2. Varianten"),
        ("Beschlussvorschlag",),
    ]
    assert sections[0].text.startswith("Sachverhalt\n1. Ausgangslage")  # empty parent merged forward


def test_nichtoeffentlicher_teil_marks_sections() -> None:
    text = "\n".join(
        [
            "Öffentliche Sitzung",
            "TOP 1 Haushalt",
            FILLER,
            "Nichtöffentliche Sitzung",
            "TOP 2 Grundstücke",
            FILLER,
        ]
    )
    sections = split_sections(_doc(text, document_type="Niederschrift"))
    by_heading = {s.heading: s for s in sections}
    assert by_heading["TOP 1 Haushalt"].public is None
    assert by_heading["TOP 2 Grundstücke"].public is False


def test_false_headings_are_rejected() -> None:
    for line in (
        "2 Stunden Mo-Do bis 13:00 Uhr 10,00 Euro",
        "19. September 2023, 15:30 Uhr",
        "17.",
        "Anlage 1.",
        "3. Die Sitzung wird um 20 Uhr geschlossen.",
        "1.000 Euro",
        "12. 250.000 € 300.000 €",
        "Punkt 4 wurde vertagt",
        "Der Beschluss wird im Rat gefasst, da zum ersten Mal",
    ):
        assert classify_line(line) is None, line
    for line, title in (
        ("Finanzielle Auswirkungen  Ja ☒ Nein ☐", "Finanzielle Auswirkungen"),
        ("TOP 3", "TOP 3"),
        ("Ö 3 Bebauungsplan Nord", "Ö 3 Bebauungsplan Nord"),
        ("Punkt 16.1 der Tagesordnung: Karlstraße", "Punkt 16.1 der Tagesordnung: Karlstraße"),
        ("2.3 Kosten", "2.3 Kosten"),
        ("II. Beschluss", "II. Beschluss"),
        ("Begründung:", "Begründung"),
    ):
        heading = classify_line(line)
        assert heading is not None and heading.title == title, line


def test_presectioned_documents_are_returned_as_is(fixtures: Path) -> None:
    doc = parse_file(fixtures / "karlsruhe_meeting_10023.json", CTX)
    assert doc.sections is not None
    assert split_sections(doc) == list(doc.sections)
