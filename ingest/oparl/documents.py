"""OParl objects -> SourceDocuments, with metadata taken from OParl fields (never guessed from text).

A Paper becomes one document (its fields and consultations), a Meeting one document (one section per agenda
item, each with its own public flag), and every File one document of its own that inherits the metadata of
the Paper or Meeting it belongs to. Document ids are hashes of the OParl ids (URLs), so a changed object
replaces its chunks and a deleted one can be found again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from assistant.models import Page, Section, SourceDocument
from ingest.parsers import ParseContext, parse_bytes
from ingest.parsers.base import document_id_for
from ingest.parsers.metadata import parse_date

# (meeting field, document type of the files in it)
MEETING_FILE_ROLES: tuple[tuple[str, str], ...] = (
    ("invitation", "Einladung"),
    ("resultsProtocol", "Niederschrift"),
    ("verbatimProtocol", "Wortprotokoll"),
    ("auxiliaryFile", "Anlage"),
)
_SUFFIX_BY_TYPE = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
}


def type_name(obj: dict[str, Any]) -> str:
    return str(obj.get("type", "")).rstrip("/").rsplit("/", 1)[-1]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def german_date(iso: str | None) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}" if iso and len(iso) >= 10 else (iso or "")


@dataclass(frozen=True)
class Inherited:
    """What a File document inherits from its Paper or Meeting."""

    parent_id: str
    parent_title: str
    reference: str | None
    document_type: str | None
    date: str | None
    body: str | None
    public: bool | None


@dataclass(frozen=True)
class Lookups:
    """Names and flags from earlier objects of the sync (organizations, meetings, agenda items)."""

    body_name: str
    organization: Callable[[str], str | None]
    meeting: Callable[[str], tuple[str, str] | None]
    agenda_item_public: Callable[[str], bool | None]
    public_api: bool  # operator vouches the endpoint is public-only: unknown -> public


def _content_hash(text: str, meta: dict[str, Any]) -> str:
    blob = json.dumps({"text": text, "meta": meta}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _document(obj_id: str, title: str, sections: list[Section], **meta: Any) -> SourceDocument:
    text = "\n\n".join(s.text for s in sections)
    content = {**meta, "title": title, "public_sections": [s.public for s in sections]}
    return SourceDocument(
        document_id=document_id_for(obj_id),
        source=obj_id,
        source_path=obj_id,
        title=title,
        pages=(Page(None, text),),
        content_hash=_content_hash(text, content),
        sections=tuple(sections),
        **meta,
    )


def _names(ids: list[Any], lookups: Lookups) -> list[str]:
    names = [lookups.organization(str(i)) for i in ids if isinstance(i, str)]
    return [n for n in names if n]


def paper_files(paper: dict[str, Any]) -> list[tuple[dict[str, Any], bool]]:
    """(file, is main file) of a paper."""
    main = [(f, True) for f in as_list(paper.get("mainFile")) if isinstance(f, dict)]
    return main + [(f, False) for f in as_list(paper.get("auxiliaryFile")) if isinstance(f, dict)]


def meeting_files(
    meeting: dict[str, Any], public_api: bool = False
) -> list[tuple[dict[str, Any], str | None, bool]]:
    """(file, document type, restricted) of a meeting and of its agenda items (attachments are 'Anlage').

    ``restricted``: the file belongs to an agenda item not known to be public, so it is never public.
    """
    files: list[tuple[dict[str, Any], str | None, bool]] = [
        (f, doc_type, False)
        for key, doc_type in MEETING_FILE_ROLES
        for f in as_list(meeting.get(key))
        if isinstance(f, dict)
    ]
    for item in as_list(meeting.get("agendaItem")):
        if isinstance(item, dict):
            restricted = item.get("public") is False or (item.get("public") is not True and not public_api)
            files += [
                (f, "Anlage", restricted) for f in as_list(item.get("auxiliaryFile")) if isinstance(f, dict)
            ]
    return files


def paper_document(paper: dict[str, Any], lookups: Lookups) -> tuple[SourceDocument, Inherited]:
    title = str(paper.get("name") or "").strip() or str(paper.get("reference") or paper["id"])
    paper_type = str(paper.get("paperType") or "") or None
    lines = [f"{paper_type or 'Vorlage'}: {title}"]
    if paper.get("reference"):
        lines.append(f"Vorlage-Nr.: {paper['reference']}")
    if paper.get("date"):
        lines.append(f"Datum: {german_date(str(paper['date']))}")
    originators = _names(as_list(paper.get("originatorOrganization")), lookups)
    originators += _names(as_list(paper.get("originatorPerson")), lookups)
    if originators:
        lines.append(f"Urheber: {', '.join(originators)}")
    directed = _names(as_list(paper.get("underDirectionOf")), lookups)
    if directed:
        lines.append(f"Federführung: {', '.join(directed)}")
    publics: list[bool | None] = []
    for consultation in as_list(paper.get("consultation")):
        if not isinstance(consultation, dict):
            continue
        parts = [", ".join(_names(as_list(consultation.get("organization")), lookups)) or "Gremium unbekannt"]
        meeting = lookups.meeting(str(consultation.get("meeting") or ""))
        if meeting and meeting[1]:
            parts.append(f"Sitzung am {german_date(meeting[1])}")
        parts.append(f"Rolle {consultation.get('role') or 'unbekannt'}")
        authoritative = consultation.get("authoritative")
        if authoritative is not None:
            parts.append("entscheidend" if authoritative else "vorberatend")
        lines.append("Beratung: " + ", ".join(parts))
        if consultation.get("agendaItem"):
            publics.append(lookups.agenda_item_public(str(consultation["agendaItem"])))
    files = paper_files(paper)
    if files:
        lines.append(
            "Dokumente: " + "; ".join(str(f.get("name") or f.get("fileName") or "") for f, _ in files)
        )
    public = _public(publics, lookups.public_api)
    date = parse_date(str(paper.get("date") or ""))
    reference = str(paper["reference"]) if paper.get("reference") else None
    section = Section(heading=title, path=(title,), text="\n".join(lines))
    document = _document(
        str(paper["id"]),
        title,
        [section],
        reference=reference,
        document_type=paper_type,
        date=date,
        body=lookups.body_name,
        public=public,
    )
    return document, Inherited(
        str(paper["id"]), title, reference, paper_type, date, lookups.body_name, public
    )


def _public(flags: list[bool | None], public_api: bool) -> bool | None:
    if any(f is False for f in flags):
        return False
    if any(f is True for f in flags):
        return True
    return True if public_api else None


def meeting_document(
    meeting: dict[str, Any], lookups: Lookups, ctx: ParseContext
) -> tuple[SourceDocument, Inherited]:
    """Sections from the foundation's OParl parser; metadata and fail-closed public flags from OParl."""
    parsed = parse_bytes(
        json.dumps(meeting, ensure_ascii=False).encode("utf-8"), "meeting.json", str(meeting["id"]), ctx
    )
    title = parsed.title
    committee = ", ".join(_names(as_list(meeting.get("organization")), lookups)) or None
    items = [i for i in as_list(meeting.get("agendaItem")) if isinstance(i, dict)]
    item_flags = [i.get("public") if isinstance(i.get("public"), bool) else None for i in items]
    # a meeting with a public part is public; each agenda item keeps its own flag, unknown -> not public
    public = True if any(f is True for f in item_flags) else (True if lookups.public_api else None)
    sections = []
    for section in parsed.sections or ():
        if section.path == ("Sitzung",):
            sections.append(replace(section, public=public))
        elif section.public is None:
            sections.append(replace(section, public=True if lookups.public_api else False))
        else:
            sections.append(section)
    date = parse_date(str(meeting.get("start") or meeting.get("end") or "")[:10])
    body = committee or lookups.body_name
    document = _document(
        str(meeting["id"]),
        title,
        sections,
        reference=None,
        document_type="Sitzung",
        date=date,
        body=body,
        public=public,
    )
    return document, Inherited(str(meeting["id"]), title, None, "Sitzung", date, body, public)


def file_name_for(file: dict[str, Any], content_type: str) -> str:
    """A name whose suffix picks the parser: the server's Content-Type first, then mimeType, then fileName."""
    base = str(file.get("fileName") or file.get("name") or "file").replace("/", "_")
    for mime in (content_type, str(file.get("mimeType") or "").lower()):
        suffix = _SUFFIX_BY_TYPE.get(mime)
        if suffix:
            stem = base.rsplit(".", 1)[0] if "." in base else base
            return stem + suffix
    return base


def file_document(
    file: dict[str, Any], data: bytes, name: str, parent: Inherited, doc_type: str | None, ctx: ParseContext
) -> SourceDocument:
    """Parse a file's bytes (or its OParl ``text``) and give it the parent's metadata."""
    file_id = str(file["id"])
    parsed = parse_bytes(data, name, file_id, ctx)
    label = str(file.get("name") or file.get("fileName") or "Datei")
    date = parse_date(str(file.get("date") or "")) or parent.date
    return replace(
        parsed,
        source=file_id,
        title=f"{parent.parent_title} – {label}",
        reference=parent.reference,
        document_type=doc_type,
        date=date,
        body=parent.body,
        public=parent.public,
    )


def file_checksum(file: dict[str, Any]) -> str:
    return str(file.get("sha512Checksum") or file.get("sha1Checksum") or "")
