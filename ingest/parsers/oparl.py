"""OParl JSON (Paper, Meeting): pre-sectioned documents built from the structured fields.

Every string that can answer a question (paper name, agenda item name, result, resolution text)
appears verbatim in a section text.
"""

from __future__ import annotations

import json
from typing import Any

from assistant.errors import ParseError
from assistant.models import Page, Section, SourceDocument
from ingest.parsers.base import ParseContext, check_size, content_hash_of, document_id_for
from ingest.parsers.metadata import find_body, parse_date
from ingest.parsers.text import decode_utf8


def _type_name(obj: dict[str, Any]) -> str:
    return str(obj.get("type", "")).rstrip("/").rsplit("/", 1)[-1]


def _german_date(iso: str | None) -> str:
    if not iso or len(iso) < 10:
        return iso or ""
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}"


def _files(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return [f for f in value or [] if isinstance(f, dict)]


def _file_names(files: list[dict[str, Any]]) -> str:
    return "; ".join(str(f.get("name") or f.get("fileName") or "") for f in files if f)


def _paper_sections(paper: dict[str, Any], title: str) -> list[Section]:
    lines = [f"{paper.get('paperType') or 'Vorlage'}: {title}"]
    if paper.get("reference"):
        lines.append(f"Vorlage-Nr.: {paper['reference']}")
    if paper.get("date"):
        lines.append(f"Datum: {_german_date(paper['date'])}")
    for consultation in paper.get("consultation") or []:
        if not isinstance(consultation, dict):
            continue
        role = consultation.get("role") or "unbekannt"
        authoritative = consultation.get("authoritative")
        note = "" if authoritative is None else (", entscheidend" if authoritative else ", vorberatend")
        lines.append(f"Beratung: Rolle {role}{note}")
    if paper.get("mainFile"):
        lines.append(f"Hauptdokument: {_file_names(_files(paper['mainFile']))}")
    if paper.get("auxiliaryFile"):
        lines.append(f"Anlagen: {_file_names(_files(paper['auxiliaryFile']))}")
    sections = [Section(heading=title, path=(title,), text="\n".join(lines))]
    for file in _files(paper.get("mainFile")) + _files(paper.get("auxiliaryFile")):
        if str(file.get("text") or "").strip():
            heading = str(file.get("name") or "Dokumenttext")
            sections.append(Section(heading=heading, path=(title, heading), text=str(file["text"]).strip()))
    return sections


def _agenda_section(item: dict[str, Any]) -> Section:
    number = str(item.get("number") or "").strip()
    name = str(item.get("name") or "").strip() or "(ohne Titel)"
    heading = f"TOP {number} {name}" if number else name
    if len(heading) > 160:
        heading = heading[:159].rsplit(" ", 1)[0] + "…"
    public = item.get("public")
    lines = [f"TOP {number}: {name}" if number else name]
    if item.get("result"):
        lines.append(f"Ergebnis: {item['result']}")
    if item.get("resolutionText"):
        lines.append(f"Beschluss: {str(item['resolutionText']).strip()}")
    if public is False:
        lines.append("(nichtöffentlicher Tagesordnungspunkt)")
    return Section(
        heading=heading,
        path=(heading,),
        text="\n".join(lines),
        public=public if isinstance(public, bool) else None,
    )


def _meeting_sections(meeting: dict[str, Any], title: str) -> list[Section]:
    head = [f"Sitzung: {title}"]
    if meeting.get("start"):
        head.append(f"Beginn: {_german_date(meeting['start'][:10])} {meeting['start'][11:16]}".rstrip())
    location = meeting.get("location")
    if isinstance(location, dict) and (location.get("description") or location.get("streetAddress")):
        head.append(f"Ort: {location.get('description') or location.get('streetAddress')}")
    files = _files(meeting.get("invitation")) + _files(meeting.get("resultsProtocol"))
    files += _files(meeting.get("verbatimProtocol")) + _files(meeting.get("auxiliaryFile"))
    if files:
        head.append(f"Dokumente: {_file_names(files)}")
    items = sorted(
        (i for i in meeting.get("agendaItem") or [] if isinstance(i, dict)),
        key=lambda i: (i.get("order") is None, i.get("order") or 0),
    )
    sections = [Section(heading="Sitzung", path=("Sitzung",), text="\n".join(head))]
    sections += [_agenda_section(item) for item in items]
    return sections


class OParlParser:
    suffixes: tuple[str, ...] = (".json",)

    def parse_bytes(self, data: bytes, *, name: str, source_path: str, ctx: ParseContext) -> SourceDocument:
        check_size(data, source_path, ctx)
        try:
            obj = json.loads(decode_utf8(data, source_path))
        except json.JSONDecodeError as exc:
            raise ParseError(source_path, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if isinstance(obj, dict) and isinstance(obj.get("data"), list):
            obj = obj["data"]
        if isinstance(obj, list):
            kinds = sorted({_type_name(o) for o in obj if isinstance(o, dict)} - {""}) or ["unknown"]
            raise ParseError(
                source_path,
                f"OParl list of {len(obj)} objects ({', '.join(kinds)}), "
                "not a single Paper or Meeting; use sync",
            )
        if not isinstance(obj, dict):
            raise ParseError(source_path, "not an OParl object (expected a JSON object)")
        kind = _type_name(obj)
        title = str(obj.get("name") or "").strip() or name
        if kind == "Paper":
            sections = _paper_sections(obj, title)
            date = parse_date(str(obj.get("date") or ""))
            doc_type, body, reference = obj.get("paperType"), None, obj.get("reference")
        elif kind == "Meeting":
            sections = _meeting_sections(obj, title)
            date = parse_date(str(obj.get("start") or obj.get("end") or ""))
            doc_type, body, reference = "Sitzung", find_body(title), None
        elif kind == "Body":
            raise ParseError(source_path, f"OParl Body object ('{title}') has no document text; use sync")
        else:
            raise ParseError(
                source_path,
                f"unsupported OParl object type '{kind or 'none'}' "
                "(only Paper and Meeting are ingested as documents)",
            )
        text = "\n\n".join(s.text for s in sections)
        return SourceDocument(
            document_id=document_id_for(source_path),
            source=name,
            source_path=source_path,
            title=title,
            pages=(Page(None, text),),
            content_hash=content_hash_of(data),
            reference=str(reference) if reference else None,
            document_type=str(doc_type) if doc_type else None,
            date=date,
            body=body,
            public=ctx.default_public,
            sections=tuple(sections),
        )
