"""Sectioning on real-shaped excerpts: Austrian item numbers alone on a line, list items that are sentences."""

from __future__ import annotations

from assistant.models import Page, SourceDocument
from ingest.chunking import section_label
from ingest.sectioning import classify_line, split_sections

FILLER = "Der Gemeinderat hat den Bericht zur Kenntnis genommen und die Angelegenheit ausführlich beraten. " * 4


def _doc(text: str, document_type: str | None = "Niederschrift") -> SourceDocument:
    return SourceDocument(document_id="x", source="x.pdf", source_path="/x.pdf", title="Verhandlungsschrift",
                          pages=(Page(1, text),), content_hash="h", document_type=document_type)


def test_wels_item_number_alone_takes_the_next_line_as_heading() -> None:
    text = "\n".join([FILLER, "Berichterstatter Bürgermeister", "1.)", "Verleihung von Ehrenzeichen der Stadt Wels an",
                      "verdiente Persönlichkeiten", FILLER, "Einstimmig angenommen.", "2.)",
                      "StS-Kreditoperationen gemäß § 54 Statut der Stadt Wels", FILLER, "Einstimmig angenommen."])
    sections = split_sections(_doc(text))
    headings = [s.heading for s in sections]
    assert "1.) Verleihung von Ehrenzeichen der Stadt Wels an verdiente Persönlichkeiten" in headings  # both lines
    assert "2.) StS-Kreditoperationen gemäß § 54 Statut der Stadt Wels" in headings
    second = next(s for s in sections if s.heading.startswith("2.)"))
    assert second.text.rstrip().endswith("Einstimmig angenommen.")  # the vote stays with the item it decided
    first = next(s for s in sections if s.heading.startswith("1.)"))
    assert "StS-Kreditoperationen" not in first.text  # a parent's text is not repeated in the next item


def test_sentences_in_numbered_lists_are_not_headings() -> None:
    for line in ("1. Der Rat der Gemeinde Ahnsen nimmt das Ergebnis der frühzeitigen Beteiligung der",
                 "2. Wie viele Wohnungssuchende sind derzeit bei der Stadt Wels vorgemerkt, wie viele",
                 "4. Wie viele Wohnungen stehen derzeit leer?",
                 "2. Oö. COVID-19-Gesetz als Videokonferenz durchgeführt. Eine Teilnahme ohne",
                 "3. Vizebürgermeisterin: Christa Raggl-Mühlberger", "4"):
        assert classify_line(line) is None, line
    for line in ("1. Ausgangslage", "2.3 Kosten", "4. Bericht des Bürgermeisters", "TOP 5 Haushaltssatzung 2026"):
        assert classify_line(line) is not None, line


def test_votes_sit_under_the_agenda_item_they_decided() -> None:
    text = "\n".join(["Öffentlicher Teil:", "1  Eröffnung der Sitzung und Feststellung der ordnungsgemäßen Ladung",
                      FILLER, "Beschluss:", "", "Abstimmungsergebnis: 8 Ja-Stimmen / 0 Nein-Stimmen / 0 Enthaltungen",
                      "Der Beschluss wird einstimmig gefasst.", "",
                      "2  Genehmigung des Protokolls der Sitzung am 29.09.2022",
                      FILLER, "4", "Bebauungsplan Nr. 13 „Ehemaliges Sägewerk“", "", FILLER, "Beschluss:",
                      "1. Der Rat der Gemeinde Ahnsen nimmt das Ergebnis der frühzeitigen Beteiligung zur Kenntnis.",
                      "2. Der Rat der Gemeinde Ahnsen beschließt die öffentliche Auslegung des Entwurfs.",
                      "Abstimmungsergebnis: 9 Ja-Stimmen / 0 Nein-Stimmen / 0 Enthaltungen"])
    sections = split_sections(_doc(text))
    paths = [s.path for s in sections]
    item4 = ("Öffentlicher Teil", "4 Bebauungsplan Nr. 13 „Ehemaliges Sägewerk“")
    assert ("Öffentlicher Teil", "2 Genehmigung des Protokolls der Sitzung am 29.09.2022") in paths  # 3 may be missing
    assert (*item4, "Beschluss") in paths
    vote = next(s for s in sections if "9 Ja-Stimmen" in s.text)
    assert vote.path == (*item4, "Beschluss") and "Der Rat der Gemeinde Ahnsen beschließt" in vote.text
    assert section_label(vote.path, vote.heading) == "Beschluss zu TOP 4 Bebauungsplan Nr. 13 „Ehemaliges Sägewerk“"
    first_vote = next(s for s in sections if "8 Ja-Stimmen" in s.text)
    assert first_vote.path[1].startswith("1 Eröffnung") and "Genehmigung" not in first_vote.text


def test_wrapped_headings_keep_both_lines_and_lose_joined_running_text() -> None:
    text = "\n".join(["Öffentliche Sitzung", "1. Eröffnung der Sitzung und Feststellung der ordnungsgemäßen",
                      "Ladung und Beschlussfähigkeit Der Bürgermeister eröffnet die Sitzung und begrüßt alle.", FILLER,
                      "2. Bericht des Bürgermeisters", "Der Bürgermeister berichtet über die Sanierung der Brücke.",
                      FILLER, "3) Grün am Rudeltplatz - Fr. Rother Die Maßnahmen werden diskutiert.", FILLER])
    headings = [s.heading for s in split_sections(_doc(text))]
    assert "1. Eröffnung der Sitzung und Feststellung der ordnungsgemäßen Ladung und Beschlussfähigkeit" in headings
    assert "2. Bericht des Bürgermeisters" in headings
    assert "3.) Grün am Rudeltplatz - Fr. Rother" in headings


def test_slide_deck_has_one_section_per_slide() -> None:
    slides = [("Soziale Entwicklung im", "Stadtteil Büchenbach", "Sitzung des Stadtteilbeirates am 15.11.23"),
              ("Aktuelle Herausforderungen", " Multiple Krisen", " Zunahme von Belastungen und Verunsicherung"),
              ("Thema Wohnen", " Anzahl der Sozialwohnungen: ca. 1800", " Größere Wohnungen nachgefragt"),
              ("Jugend im öffentlichen Raum", " sucht/braucht Plätze", " ist bedingt ansprechbar")]
    pages = tuple(Page(n, "\n".join(lines) + "\n" + FILLER[:200]) for n, lines in enumerate(slides, start=1))
    doc = SourceDocument(document_id="s", source="s.pdf", source_path="/s.pdf", title="Anlage", pages=pages,
                         content_hash="h", document_type="Anlage")
    sections = split_sections(doc)
    assert [s.heading for s in sections] == [
        "Soziale Entwicklung im Stadtteil Büchenbach", "Aktuelle Herausforderungen", "Thema Wohnen",
        "Jugend im öffentlichen Raum",
    ]
    assert [s.page for s in sections] == [1, 2, 3, 4]
