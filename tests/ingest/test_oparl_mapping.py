"""OParl objects as real servers send them -> records (ingest.oparl.mapping, ingest.oparl.reading).

Every test starts from a real Karlsruhe object (tests/fixtures/oparl) and gives it one quirk seen in real
exports (Nordstemmen: no ``type``, names ending in newlines, mainFile as object; others: 'N/A', control
characters, numbers as dates, embedded locations).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import ParseError
from assistant.models import Page
from ingest.oparl.mapping import Context, FileText, MeetingInfo, main_file_id, meeting_info, paper_record
from ingest.oparl.reading import iso_date, kind_of, load_json
from ingest.parsers import ParseContext, parse_bytes

OPARL = Path(__file__).resolve().parents[1] / "fixtures" / "oparl"
CTX = ParseContext()


def fixture(name: str) -> dict[str, Any]:
    return json.loads((OPARL / name).read_text(encoding="utf-8"))


def parse(obj: dict[str, Any], name: str = "object.json", ctx: ParseContext = CTX):  # noqa: ANN201
    return parse_bytes(json.dumps(obj, ensure_ascii=False).encode("utf-8"), name, f"/x/{name}", ctx)


def record(paper: dict[str, Any], **kwargs: Any):  # noqa: ANN201
    return paper_record(paper, source="p.json", source_path="/x/p.json", document_id="p", **kwargs)


def test_paper_and_meeting_without_type_are_records() -> None:
    paper, meeting = fixture("karlsruhe_paper_51009.json"), fixture("karlsruhe_meeting_10023.json")
    for obj in (paper, meeting):
        del obj["type"]
    assert (kind_of(paper), kind_of(meeting)) == ("Paper", "Meeting")
    doc = parse(paper)
    assert (doc.title, doc.reference, doc.document_type) == (
        fixture("karlsruhe_paper_51009.json")["name"], "2024/1073", "Antrag")
    assert parse(meeting).document_type == "Sitzung"


@pytest.mark.parametrize(
    ("obj", "kind"),
    [
        ({"id": "f", "accessUrl": "https://x/f.pdf", "mimeType": "application/pdf"}, "File"),
        ({"id": "a", "number": "3", "order": 4, "consultation": "c", "result": "vertagt"}, "AgendaItem"),
        ({"id": "b", "system": "s", "paper": "p", "meeting": "m", "organization": "o"}, "Body"),
        ({"id": "c", "paper": "p", "meeting": "m", "role": "Vorberatung"}, "Consultation"),
        ({"id": "x", "type": "https://schema.oparl.org/1.0/Paper"}, "Paper"),
        ({"id": "x", "type": "https://schema.oparl.org/1.1/Meeting"}, "Meeting"),
        ({"id": "x", "deleted": True}, None),
    ],
)
def test_kind_from_type_url_or_fields(obj: dict[str, Any], kind: str | None) -> None:
    assert kind_of(obj) == kind


def test_nordstemmen_shape_names_stripped_mainfile_object() -> None:
    paper = fixture("karlsruhe_paper_49964.json")
    for key in ("type", "body", "created", "modified"):
        paper.pop(key, None)
    paper["name"] = "Radverkehr;\nAlte Weingartener Straße\n"
    main = paper["auxiliaryFile"].pop(0)
    paper["mainFile"] = main  # an object, not a list
    paper["auxiliaryFile"] = paper["auxiliaryFile"][0]  # one object instead of an array
    doc = parse(paper)
    assert doc.title == "Radverkehr; Alte Weingartener Straße"
    assert main_file_id(paper) == main["id"]
    assert doc.sections is not None and "Dokumente: " in doc.sections[0].text


def test_main_file_is_the_one_named_like_the_paper_type_not_the_first() -> None:
    paper = fixture("karlsruhe_paper_51009.json")  # auxiliaryFile: 'Stellungnahme', then 'Antrag'
    assert [f["name"] for f in paper["auxiliaryFile"]] == ["Stellungnahme", "Antrag"]
    texts = {f["id"]: FileText(f["name"] + ".txt", (Page(None, f"{f['name']} Text " * 20),))
             for f in paper["auxiliaryFile"]}
    doc = record(paper, context=Context(), texts=texts)
    parts = [s.path[0] for s in doc.sections or ()]
    assert parts[-2:] == ["Antrag", "Anlage: Stellungnahme"]  # main document first, the other as an Anlage
    assert {s.source for s in doc.sections or () if s.path[0] == "Antrag"} == {"Antrag.txt"}


def test_near_empty_file_text_is_no_text() -> None:
    paper = fixture("karlsruhe_paper_51009.json")
    texts = {f["id"]: FileText("x.txt", (Page(None, "\n\n"),)) for f in paper["auxiliaryFile"]}
    doc = record(paper, context=Context(), texts=texts)
    assert [s.heading for s in doc.sections or ()] == [doc.title, "Beratungsfolge"]


def test_na_values_non_string_dates_and_control_characters() -> None:
    paper = fixture("karlsruhe_paper_51009.json")
    paper["paperType"] = "N/A"
    paper["date"] = 20240924
    paper["name"] = "Fahrradstraße\tBasler-Tor-Straße\x0b"
    raw = json.dumps(paper, ensure_ascii=False).replace("\\t", "\t").encode("utf-8")  # a raw tab in a string
    with pytest.raises(json.JSONDecodeError):
        json.loads(raw)
    doc = parse_bytes(raw, "p.json", "/x/p.json", CTX)
    assert doc.title == "Fahrradstraße Basler-Tor-Straße" and doc.date == "2024-09-24"
    assert doc.document_type is None and "none" not in (doc.sections or ())[0].text.lower()
    assert iso_date(1727136000) == "2024-09-24" and iso_date("24.09.2024") == "2024-09-24"
    assert iso_date("2024-09-24T18:00:00+02:00") == "2024-09-24" and iso_date(None) is None
    assert load_json(b'{"name": "a\x01b"}') == {"name": "a\x01b"}


def test_location_embedded_or_url_and_separator_items() -> None:
    meeting = fixture("karlsruhe_meeting_10023.json")
    meeting["location"] = "https://web1.karlsruhe.de/oparl/bodies/0001/locations/si/10023"  # a URL
    meeting["agendaItem"].insert(0, {"id": "sep", "order": 0, "name": "- öffentlicher Teil -"})  # no number
    doc = parse(meeting)
    assert "Ort:" not in (doc.sections or ())[0].text
    assert (doc.sections or ())[1].heading == "- öffentlicher Teil -"
    meeting["location"] = {"description": "Bürgersaal", "streetAddress": "N/A"}
    assert "Ort: Bürgersaal" in (parse(meeting).sections or ())[0].text


def test_beratungsfolge_from_the_meeting_agenda_item() -> None:
    meeting = fixture("karlsruhe_meeting_10023.json")
    item = meeting["agendaItem"][1]
    paper = fixture("karlsruhe_paper_51009.json")
    consultation = paper["consultation"][0]
    consultation["meeting"], consultation["agendaItem"] = meeting["id"], item["id"]
    del consultation["authoritative"]  # Karlsruhe omits it in 12 of 44 consultations: the role says it
    info = meeting_info(meeting, Context())
    doc = record(paper, context=Context(meeting={meeting["id"]: info}.get))
    beratung = next(s for s in doc.sections or () if s.heading == "Beratungsfolge")
    assert (
        f"Ortschaftsrat Durlach, Sitzung am 12.02.2025, TOP {item['number']}: entscheidend, "
        f"Ergebnis: {item['result']}." in beratung.text
    )
    assert doc.body == "Ortschaftsrat Durlach"
    unknown = record(paper, context=Context(meeting=lambda _: MeetingInfo(None, None)))
    assert "Gremium nicht angegeben: entscheidend." in (unknown.sections or ())[1].text  # dangling: fine


def test_public_flags() -> None:
    paper = fixture("karlsruhe_paper_51009.json")
    assert parse(paper).public is True  # OParl publishes the public part
    assert parse(paper, ctx=ParseContext(default_public=False)).public is False  # an internal endpoint
    hidden = copy.deepcopy(paper)
    hidden["public"] = False
    assert parse(hidden).public is False
    meeting = fixture("karlsruhe_meeting_10023.json")
    meeting["agendaItem"][2]["public"] = False
    sections = parse(meeting).sections or ()
    assert sections[3].public is False and "(nichtöffentlicher Tagesordnungspunkt)" in sections[3].text


def test_deleted_and_unknown_objects_are_one_clear_error() -> None:
    with pytest.raises(ParseError, match="deleted OParl object"):
        parse({"id": "https://x/papers/1", "deleted": True})
    with pytest.raises(ParseError, match="unknown kind"):
        parse({"id": "https://x/1", "name": "?"})


def test_budget_motion_type_is_normalised() -> None:
    paper = fixture("karlsruhe_paper_51009.json")
    paper["paperType"] = "Haushalt THH 5000"
    assert parse(paper).document_type == "Haushaltsantrag"
