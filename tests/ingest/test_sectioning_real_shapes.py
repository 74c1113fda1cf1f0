"""Sectioning on real-shaped excerpts: Austrian item numbers alone on a line, list items that are sentences."""

from __future__ import annotations

from assistant.models import Page, SourceDocument
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
    assert "1.) Verleihung von Ehrenzeichen der Stadt Wels an" in headings
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
