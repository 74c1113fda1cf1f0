"""OParl objects (dicts) -> records, the one place that maps OParl; used by file ingest and by the sync.

One record per matter: a Paper becomes one SourceDocument whose sections are its head (type, reference,
date, files), its Beratungsfolge (which committee dealt with it, when, in which role, with what result) and
the texts of its files, each a part named by the file ("Antrag ...", "Anlage: Stellungnahme ..."),
sectioned like any other text. A Meeting becomes one record with one section per agenda item (each with its
own public flag) and its files as parts. File texts come in as ``FileText`` keyed by the OParl file id,
from a folder of extracted texts or from the sync's downloads.

Reading is tolerant of what real servers send (see ``ingest.oparl.reading``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.models import Consultation, MatterFacts, Page, PaperLink, Section, SourceDocument
from ingest.oparl.reading import as_dicts, clean, german_date, iso_date, name_of
from ingest.sectioning import split_sections

MAX_PART_CHARS = 120
MIN_TEXT_CHARS = 20  # fewer letters/digits than this is "no text" (e.g. a scanned sheet extracted as "\n\n")

# paperType values that are codes rather than kinds of document (Karlsruhe budget motions)
_PAPER_TYPES: tuple[tuple[re.Pattern[str], str], ...] = ((re.compile(r"^Haushalt\s+THH\b"), "Haushaltsantrag"),)
# (meeting field, part name) of a meeting's own files
MEETING_FILE_PARTS = (
    ("invitation", "Einladung"),
    ("resultsProtocol", "Niederschrift"),
    ("verbatimProtocol", "Wortprotokoll"),
    ("auxiliaryFile", "Anlage"),
)
_MAIN_WORDS = ("antrag", "anfrage", "vorlage", "beschlussvorlage", "informationsvorlage", "vorl", "mitteilung")
_SECONDARY_WORDS = (
    "anlage", "stellungnahme", "stn", "protokoll", "auszug", "abstimmungsergebnis", "präsentation",
    "empfehlung", "beantwortung", "fragenkatalog",
)
_ROLES = {"entscheidung": "entscheidend", "vorberatung": "vorberatend", "kenntnisnahme": "zur Kenntnisnahme"}


@dataclass(frozen=True)
class FileText:
    """The extracted text of one OParl File; ``source`` (file name or URL) is what its passages cite."""

    source: str
    pages: tuple[Page, ...]

    @property
    def has_text(self) -> bool:
        return sum(ch.isalnum() for p in self.pages for ch in p.text) >= MIN_TEXT_CHARS


@dataclass(frozen=True)
class AgendaEntry:
    number: str | None
    name: str | None
    result: str | None
    public: bool | None
    resolution: str | None = None


@dataclass(frozen=True)
class MeetingInfo:
    """What a paper's Beratungsfolge needs of a meeting: committee, date, agenda items by id/consultation."""

    committee: str | None
    date: str | None
    items: Mapping[str, AgendaEntry] = field(default_factory=dict)
    by_consultation: Mapping[str, AgendaEntry] = field(default_factory=dict)
    by_name: Mapping[str, AgendaEntry] = field(default_factory=dict)  # when the links are missing


def _none(_: str) -> Any:
    return None


@dataclass(frozen=True)
class Context:
    """Everything a mapping may know besides the object: lookups of other objects and the public default."""

    default_public: bool = True
    body_name: str | None = None
    organization: Callable[[str], str | None] = _none
    meeting: Callable[[str], MeetingInfo | None] = _none


# -- files ------------------------------------------------------------------------------------------------
def _words(name: str) -> list[str]:
    return re.findall(r"[a-zäöüß]+", name.lower())


def main_file_id(paper: dict[str, Any]) -> str | None:
    """The paper's main document: ``mainFile``, else the auxiliary file named like the paper type, else the
    one that looks like a Vorlage/Antrag/Anfrage, else the only or first non-secondary file."""
    for file in as_dicts(paper.get("mainFile")):
        if clean(file.get("id")):
            return str(clean(file.get("id")))
    files = [(str(clean(f.get("id"))), (name_of(f) or "").lower()) for f in as_dicts(paper.get("auxiliaryFile"))]
    files = [(i, n) for i, n in files if i != "None"]
    paper_type = (clean(paper.get("paperType")) or "").lower()
    if paper_type:
        for file_id, name in files:
            if name == paper_type or name.startswith(paper_type + " "):
                return file_id
        for file_id, name in files:
            if len(name) >= 4 and paper_type.startswith(name):
                return file_id
    for file_id, name in files:
        if _words(name)[:1] and _words(name)[0] in _MAIN_WORDS:
            return file_id
    if len(files) == 1:
        return files[0][0]
    for file_id, name in files:
        if not (_words(name)[:1] and _words(name)[0] in _SECONDARY_WORDS):
            return file_id
    return None


def paper_files(paper: dict[str, Any]) -> list[tuple[dict[str, Any], bool]]:
    """(file, is the main document) of a paper, main document first; files without id are left out."""
    main = main_file_id(paper)
    files = as_dicts(paper.get("mainFile")) + as_dicts(paper.get("auxiliaryFile"))
    seen: set[str] = set()
    out = []
    for file in files:
        file_id = clean(file.get("id"))
        if file_id and file_id not in seen:
            seen.add(file_id)
            out.append((file, file_id == main))
    return sorted(out, key=lambda pair: not pair[1])


def meeting_files(meeting: dict[str, Any]) -> list[tuple[dict[str, Any], str, dict[str, Any] | None]]:
    """(file, part kind, agenda item or None) of a meeting's files and of its agenda items' attachments."""
    out: list[tuple[dict[str, Any], str, dict[str, Any] | None]] = [
        (f, kind, None) for key, kind in MEETING_FILE_PARTS for f in as_dicts(meeting.get(key))
    ]
    for item in as_dicts(meeting.get("agendaItem")):
        out += [(f, "Anlage", item) for f in as_dicts(item.get("auxiliaryFile"))]
    return [(f, k, i) for f, k, i in out if clean(f.get("id"))]


def _clip(text: str) -> str:
    return text if len(text) <= MAX_PART_CHARS else text[: MAX_PART_CHARS - 1].rsplit(" ", 1)[0] + "…"


def part_sections(part: str, text: FileText, *, prefix: tuple[str, ...] = (), public: bool | None = None,
                  document_type: str | None = None) -> list[Section]:
    """The file's text sectioned like any other text, each section's path starting with the part name."""
    if not text.has_text:
        return []
    probe = SourceDocument(document_id="", source=text.source, source_path=text.source, title=part,
                           pages=text.pages, content_hash="", document_type=document_type)
    out = []
    for s in split_sections(probe):
        inner = s.path[1:] if s.path[:1] == (part,) else s.path
        # the part is the path's first element (citations show it as `part`); the heading stays the heading
        heading = part if not inner or s.heading == "Einleitung" else s.heading
        out.append(replace(s, heading=heading, path=(*prefix, part, *inner), source=text.source,
                           public=public if s.public is None else s.public))
    return out


# -- records ----------------------------------------------------------------------------------------------
def _content_hash(document: dict[str, Any], sections: list[Section]) -> str:
    blob = json.dumps({"doc": document, "sections": [
        (s.heading, s.path, s.text, s.page, s.public, s.source) for s in sections]}, ensure_ascii=False,
        sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _record(*, source: str, source_path: str, document_id: str, title: str, sections: list[Section],
            **meta: Any) -> SourceDocument:
    text = "\n\n".join(s.text for s in sections)
    return SourceDocument(
        document_id=document_id, source=source, source_path=source_path, title=title, pages=(Page(None, text),),
        content_hash=_content_hash({"title": title, **meta}, sections), sections=tuple(sections), **meta)


def document_type_of(paper_type: str | None) -> str | None:
    for pattern, name in _PAPER_TYPES:
        if paper_type and pattern.search(paper_type):
            return name
    return paper_type


def _role(consultation: dict[str, Any]) -> list[str]:
    words = []
    authoritative = consultation.get("authoritative")
    if isinstance(authoritative, bool):
        words.append("entscheidend" if authoritative else "vorberatend")
    role = clean(consultation.get("role"))
    if role and role.lower() != "unbekannt":
        word = _ROLES.get(role.lower(), role)
        if not (words and word in ("entscheidend", "vorberatend")):  # ``authoritative`` wins over the role
            words.append(word)
    return words


def _agenda_of(consultation: dict[str, Any], context: Context,
               paper_name: str | None) -> tuple[MeetingInfo | None, AgendaEntry | None]:
    info = context.meeting(clean(consultation.get("meeting")) or "")
    entry = None
    if info:
        entry = (info.items.get(clean(consultation.get("agendaItem")) or "")
                 or info.by_consultation.get(clean(consultation.get("id")) or "")
                 or info.by_name.get((paper_name or "").lower()))
    return info, entry


def consultation_facts(consultation: dict[str, Any], context: Context, committee: str | None,
                       paper_name: str | None = None) -> Consultation:
    """The structured form of what ``consultation_line`` writes (kept beside the index for timelines)."""
    info, entry = _agenda_of(consultation, context, paper_name)
    roles = _role(consultation)
    return Consultation(
        body=committee, date=info.date if info else None, agenda_number=entry.number if entry else None,
        role=roles[0] if roles else None,
        result=(entry.result if entry else None) or clean(consultation.get("result")),
        resolution=entry.resolution if entry else None, meeting_id=clean(consultation.get("meeting")),
        agenda_item_id=clean(consultation.get("agendaItem")), public=entry.public if entry else None)


_LINKS = (("superordinatedPaper", "superordinated"), ("subordinatedPaper", "subordinated"),
          ("relatedPaper", "related"))


def paper_links(paper: dict[str, Any]) -> tuple[PaperLink, ...]:
    """The paper's OParl links to other papers (ids, or objects with an id)."""
    out: list[PaperLink] = []
    for key, relation in _LINKS:
        values = paper.get(key)
        for value in values if isinstance(values, list) else [values]:
            target = clean(value.get("id")) if isinstance(value, dict) else clean(value)
            if isinstance(target, str) and target and PaperLink(relation, target) not in out:
                out.append(PaperLink(relation, target))
    return tuple(out)


def consultation_line(consultation: dict[str, Any], context: Context,
                      paper_name: str | None = None) -> tuple[str, str | None, bool | None]:
    """(German sentence, committee, agenda item public flag) of one consultation of a paper.

    The agenda item is found by the consultation's ``agendaItem``, else by the item's ``consultation``,
    else (Nordstemmen links items to other consultation ids) by the item named like the paper."""
    info, entry = _agenda_of(consultation, context, paper_name)
    names = [context.organization(str(o)) for o in consultation.get("organization") or [] if isinstance(o, str)]
    committee = ", ".join(n for n in names if n) or (info.committee if info else None)
    head = [committee or "Gremium nicht angegeben"]
    if info and info.date:
        head.append(f"Sitzung am {german_date(info.date)}")
    if entry and entry.number:
        head.append(f"TOP {entry.number}")
    details = _role(consultation)
    result = (entry.result if entry else None) or clean(consultation.get("result"))
    if result:
        details.append(f"Ergebnis: {result}")
    if entry and entry.public is False:
        details.append("nichtöffentlich")
    line = ", ".join(head) + (": " + ", ".join(details) if details else "")
    return line + ".", committee, entry.public if entry else None


def paper_record(paper: dict[str, Any], *, source: str, source_path: str, document_id: str,
                 context: Context, texts: Mapping[str, FileText] | None = None) -> SourceDocument:
    texts = texts or {}
    reference = clean(paper.get("reference"))
    title = name_of(paper) or reference or source
    paper_type = clean(paper.get("paperType"))
    date = iso_date(paper.get("date"))
    files = paper_files(paper)
    head = [f"{paper_type or 'Vorlage'}: {title}"]
    if reference:
        head.append(f"Vorlage-Nr.: {reference}")
    if date:
        head.append(f"Datum: {german_date(date)}")
    if files:
        head.append("Dokumente: " + "; ".join(name_of(f) or "Datei" for f, _ in files))
    sections = [Section(heading=title, path=(title,), text="\n".join(head))]

    lines, committees, item_flags, steps = [], [], [], []
    for consultation in as_dicts(paper.get("consultation")):
        line, committee, item_public = consultation_line(consultation, context, title)
        lines.append(line)
        committees.append(committee)
        item_flags.append(item_public)
        steps.append(consultation_facts(consultation, context, committee, title))
    if lines:
        intro = f"Beratungsfolge der Vorlage {reference or ''} „{title}“ – beraten in:".replace("  ", " ")
        sections.append(Section(heading="Beratungsfolge", path=("Beratungsfolge",), text="\n".join([intro, *lines])))

    for file, is_main in files:
        text = texts.get(str(clean(file.get("id"))))
        if text is None:
            continue
        name = name_of(file) or ("Hauptdokument" if is_main else "Datei")
        part = _clip(name if is_main else f"Anlage: {name}")
        sections += part_sections(part, text, document_type=paper_type if is_main else None)

    if paper.get("public") is False:
        public = False
    elif item_flags and all(f is False for f in item_flags):
        public = False  # only ever dealt with in non-public agenda items
    else:
        public = context.default_public
    body = next((c for c in committees if c), None) or context.body_name
    record = _record(source=source, source_path=source_path, document_id=document_id, title=title,
                     sections=sections, reference=reference, document_type=document_type_of(paper_type), date=date,
                     body=body, public=public)
    facts = MatterFacts(oparl_id=clean(paper.get("id")), kind="paper", paper_type=paper_type,
                        files=tuple(name_of(f) or "Datei" for f, _ in files), consultations=tuple(steps),
                        links=paper_links(paper))
    return replace(record, matter=facts)


def committee_of(meeting: dict[str, Any], context: Context) -> tuple[str | None, str | None]:
    """(committee, the name's parenthesis) of a meeting: organization names, else the meeting's name."""
    names = [context.organization(str(o)) for o in meeting.get("organization") or [] if isinstance(o, str)]
    name = name_of(meeting) or ""
    m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", name)
    base, extra = (m.group(1), m.group(2)) if m else (name, None)
    return ", ".join(n for n in names if n) or base or None, extra


def agenda_entry(item: dict[str, Any]) -> AgendaEntry:
    public = item.get("public")
    return AgendaEntry(clean(item.get("number")), name_of(item), clean(item.get("result")),
                       public if isinstance(public, bool) else None, clean(item.get("resolutionText")))


def meeting_info(meeting: dict[str, Any], context: Context) -> MeetingInfo:
    items = as_dicts(meeting.get("agendaItem"))
    return MeetingInfo(
        committee_of(meeting, context)[0], iso_date(meeting.get("start") or meeting.get("end")),
        {str(clean(i.get("id"))): agenda_entry(i) for i in items if clean(i.get("id"))},
        {str(clean(i.get("consultation"))): agenda_entry(i) for i in items if isinstance(i.get("consultation"), str)},
        {(name_of(i) or "").lower(): agenda_entry(i) for i in items if name_of(i)})


def _agenda_section(item: dict[str, Any]) -> Section:
    entry = agenda_entry(item)
    name = entry.name or "(ohne Titel)"
    heading = _clip(f"TOP {entry.number} {name}" if entry.number else name)
    lines = [f"TOP {entry.number}: {name}" if entry.number else name]
    if entry.result:
        lines.append(f"Ergebnis: {entry.result}")
    resolution = clean(item.get("resolutionText"))
    if resolution:
        lines.append(f"Beschluss: {resolution}")
    if entry.public is False:
        lines.append("(nichtöffentlicher Tagesordnungspunkt)")
    return Section(heading=heading, path=(heading,), text="\n".join(lines), public=entry.public)


def meeting_title(meeting: dict[str, Any], context: Context) -> str:
    committee, extra = committee_of(meeting, context)
    date = iso_date(meeting.get("start") or meeting.get("end"))
    sitting = extra if extra and "sitzung" in extra.lower() else "Sitzung"
    if committee and date:
        return f"{committee}, {sitting} am {german_date(date)}"
    return name_of(meeting) or committee or "Sitzung"


def meeting_record(meeting: dict[str, Any], *, source: str, source_path: str, document_id: str,
                   context: Context, texts: Mapping[str, FileText] | None = None) -> SourceDocument:
    texts = texts or {}
    title = meeting_title(meeting, context)
    start = clean(meeting.get("start"))
    head = [f"Sitzung: {title}"]
    if start and iso_date(start):
        head.append(f"Beginn: {german_date(iso_date(start))} {start[11:16]}".rstrip())
    location = meeting.get("location")
    if isinstance(location, dict):
        place = clean(location.get("description")) or clean(location.get("streetAddress"))
        if place:
            head.append(f"Ort: {place}")
    files = meeting_files(meeting)
    own = [f for f, _, item in files if item is None]
    if own:
        head.append("Dokumente: " + "; ".join(name_of(f) or "Datei" for f in own))
    items = sorted(as_dicts(meeting.get("agendaItem")),
                   key=lambda i: (not isinstance(i.get("order"), int), i.get("order") or 0))
    sections = [Section(heading="Sitzung", path=("Sitzung",), text="\n".join(head))]
    agenda = {id(i): _agenda_section(i) for i in items}
    sections += list(agenda.values())
    for file, kind, item in files:
        text = texts.get(str(clean(file.get("id"))))
        if text is None:
            continue
        part = _clip(f"{kind}: {name_of(file) or 'Datei'}")
        if item is None:
            sections += part_sections(part, text, document_type="Niederschrift" if kind != "Anlage" else None)
        else:
            top = agenda[id(item)]
            sections += part_sections(part, text, prefix=(top.heading,), public=top.public)
    public = False if meeting.get("public") is False else context.default_public
    record = _record(source=source, source_path=source_path, document_id=document_id, title=title,
                     sections=sections, reference=None, document_type="Sitzung",
                     date=iso_date(meeting.get("start") or meeting.get("end")),
                     body=committee_of(meeting, context)[0] or context.body_name, public=public)
    return replace(record, matter=MatterFacts(oparl_id=clean(meeting.get("id")), kind="meeting",
                                              files=tuple(name_of(f) or "Datei" for f in own)))
