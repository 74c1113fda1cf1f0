"""Split a council document into sections: Vorlage headings, agenda items, numbered headings.

Recognised headings (one per line, after whitespace is squashed):

* council keywords, alone on a line ("Kurzfassung", "Finanzielle Auswirkungen  ja  nein") or inline
  ("Personelle Auswirkungen: Sind im Haushalt eingeplant." -> heading "Personelle Auswirkungen");
* parts of minutes ("Öffentliche Sitzung", "Nichtöffentliche Sitzung", "Sitzungsverlauf");
* agenda items ("TOP 3", "TOP 1: Stadtteilhaus", "Ö 3 ...", "N 2 ...", "Punkt 16.1 der Tagesordnung: ...");
* numbered headings ("1. Ausgangslage", "2.3 Kosten", "II. Beschluss"); in minutes and agendas
  without TOP markers they are the agenda items.

Every line of the document ends up in exactly one section (heading lines included, so a section
reads on its own). Page breaks inside a section are kept as form feeds ('\\f'), which lets the
chunker give each chunk the page where its text starts. Sections without substance are merged
into a neighbour; keyword sections are kept even when short (e.g. 'Beschlussempfehlung: keine').
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Section, SourceDocument
from ingest.headings import (
    CUT,
    DATE,
    ITEM_WEAK,
    NUMBER_PREFIX,
    REFERENCE_LINE,
    SENTENCE_IN_LINE,
    SENTENCE_START,
    VOTE_LINE,
    Heading,
    classify_line,
    clip,
    squash,
)
from ingest.markers import Marker, classify_marker, document_public

PREAMBLE_HEADING = "Einleitung"
MIN_SUBSTANCE_CHARS = 60
MIN_CHARS_TO_SPLIT = 700  # shorter documents (a one-page agenda) stay one section

# Levels: parts of a meeting > agenda items (by depth) > keyword headings > numbered headings (by depth).
_LEVEL_PART, _LEVEL_AGENDA, _LEVEL_KEYWORD, _LEVEL_NUMBERED = 1, 2, 6, 7


@dataclass
class _Draft:
    heading: str
    kind: str
    path: tuple[str, ...]
    lines: list[tuple[int | None, str]] = field(default_factory=list)
    public: bool | None = None
    head_at: int = 0  # index in ``lines`` of the heading line (lines of empty sections before it are prepended)



def _is_minutes(doc: SourceDocument) -> bool:
    return (doc.document_type or "").lower() in {"niederschrift", "einladung", "tagesordnung", "protokoll"}


def _level(h: Heading, numbered_are_agenda: bool) -> int:
    if h.kind == "part":
        return _LEVEL_PART
    if h.kind == "item" or h.kind == "agenda" or (h.kind == "numbered" and numbered_are_agenda):
        return _LEVEL_AGENDA + h.depth - 1
    if h.kind == "keyword":
        return _LEVEL_KEYWORD
    return _LEVEL_NUMBERED + h.depth - 1


def split_sections(doc: SourceDocument) -> list[Section]:
    """Sections of ``doc``: the pre-built ones (OParl) or those derived from its pages.

    Publicity: a non-public part heading ("Nichtöffentlicher Teil", "Nichtöffentliche Sitzung") makes every
    section after it non-public until an explicit public part heading ("Öffentlicher Teil"); a non-public marker
    line elsewhere ("TOP 7 Grundstück (nichtöffentlich)", "Status: vertraulich") makes its own section
    non-public. Sections of different publicity are never merged, and a short document is split as soon as it
    carries a non-public marker, so a short non-public part never inherits the public flag of its document.
    """
    if doc.sections is not None:
        return list(doc.sections)
    lines = [(page.number, line.rstrip()) for page in doc.pages for line in page.text.split("\n")]
    markers = [classify_marker(text) for _, text in lines]
    has_nonpublic = any(m is not None and not m.public for m in markers)
    if len(re.sub(r"\s+", "", doc.text)) < MIN_CHARS_TO_SPLIT and not has_nonpublic:
        whole = _to_section(_Draft(doc.title, "preamble", (doc.title,), lines))
        return [whole] if whole else []
    headings = [classify_line(text) for _, text in lines]
    if _is_minutes(doc):
        _sequence_items(lines, headings)
    elif _is_slides(doc, headings):
        return _slide_sections(doc)
    headings = [_complete_title(h, lines, i) if h else None for i, h in enumerate(headings)]
    has_agenda = sum(1 for h in headings if h and h.kind == "agenda") >= 2
    numbered_are_agenda = _is_minutes(doc) and not has_agenda
    # An explicit public part heading restores publicity unless a document-wide marker closed the document.
    _, closed = document_public([t for _, t in lines if t.strip()][:45])
    reopened = not closed

    drafts: list[_Draft] = [_Draft(PREAMBLE_HEADING, "preamble", (PREAMBLE_HEADING,))]
    stack: list[tuple[int, str]] = []
    part_public: bool | None = None
    for (page, text), heading, marker in zip(lines, headings, markers, strict=True):
        if heading is not None and _vote_of_resolution(heading, drafts[-1]):
            heading = None  # 'Beschluss: …' + 'Abstimmungsergebnis: …': the vote stays with the resolution it decided
        if heading is not None:
            level = _level(heading, numbered_are_agenda)
            while stack and stack[-1][0] >= level:
                stack.pop()
            if heading.kind == "part":
                part_public = _part_state(heading, marker, part_public, reopened)
            path = tuple(h for _, h in stack) + (heading.title,)
            stack.append((level, heading.title))
            drafts.append(_Draft(heading.title, heading.kind, path, public=part_public))
        if marker is not None and not marker.public and not marker.part:
            drafts[-1].public = False  # a non-public marker line closes the section it stands in
        drafts[-1].lines.append((page, text))
    merged = _merge_small([d for d in drafts if any(t.strip() for _, t in d.lines)])
    return [s for s in (_to_section(d) for d in merged) if s is not None]


_VOTE_HEADINGS = {"abstimmungsergebnis", "abstimmung", "beratungsergebnis"}


def _vote_of_resolution(heading: Heading, current: _Draft) -> bool:
    return (heading.kind == "keyword" and heading.title.lower() in _VOTE_HEADINGS and current.kind == "keyword"
            and current.heading.lower().startswith("beschluss"))


def _number(h: Heading) -> int | None:
    m = re.match(r"^(?:(?:TOP|Top|Tagesordnungspunkt|Punkt|Ö|N|NÖ|TO)\s*)?(\d{1,3})(?:\.\)|\)|\.|:|\s|$)", h.title)
    return int(m.group(1)) if m and h.depth == 1 else None


def _sequence_items(lines: list[tuple[int | None, str]], headings: list[Heading | None]) -> None:
    """Agenda items of minutes that only their numbering gives away (in place).

    An item number continues the sequence of the items before it (1, 2, 3 …): '4' or '4.)' alone on a line
    takes its title from the next lines, '1  Eröffnung …' and '2) Grün …' are items, and a numbered heading
    '4. Sonstiges' after TOP 3 is TOP 4, not a point inside TOP 3. Numbered lists inside an item (a
    resolution's '1. Der Rat …', questions) start again at 1 and are left alone.
    """
    explicit = {_number(h) for h in headings if h is not None and h.kind == "agenda"}
    last = 0
    for i, (_, text) in enumerate(lines):
        h = headings[i]
        if h is not None and h.kind in ("agenda", "numbered") and (n := _number(h)) is not None:
            if h.kind == "agenda" and n > last or h.kind == "numbered" and n == last + 1 and n not in explicit:
                headings[i] = Heading("agenda", 1, h.title)
                last = n
            continue
        if h is not None or not (m := ITEM_WEAK.match(text.strip())) or int(m.group(1)) not in (last + 1, last + 2):
            continue
        title = _cut_sentence(m.group(2) or "") or _title_below(lines, i)
        if title and _plausible_item(title):
            number = f"{m.group(1)}.)" if ")" in text else m.group(1)
            headings[i] = Heading("agenda", 1, clip(f"{number} {title}"))
            last = int(m.group(1))


def _plausible_item(title: str) -> bool:
    """An item title found by its number: may name a date or a plan number, is not a sentence or a figure."""
    if sum(ch.isalpha() for ch in title) < 4 or title.endswith((".", "?", "!")):
        return False
    return not (SENTENCE_START.match(title) and len(title.split()) > 4)


def _cut_sentence(title: str) -> str:
    """A heading line without the running text joined onto it ('… Tagesordnung Der Bürgermeister eröffnet …')."""
    title = squash(title)
    m = SENTENCE_IN_LINE.search(title, 12)
    return title[: m.start()] if m else title


def _title_below(lines: list[tuple[int | None, str]], i: int) -> str:
    """The title lines after an item number alone on its line, up to a reference line or a blank line."""
    parts: list[str] = []
    for _, text in lines[i + 1 : i + 8]:
        line = squash(text)
        if not line:
            if parts:
                break
            continue
        if REFERENCE_LINE.match(line) or ITEM_WEAK.match(line) or classify_line(line) or len(parts) == 4:
            break
        if parts and (len(line) > 100 or line.endswith((".", "?", ":")) or SENTENCE_START.match(line)):
            break  # running text after the title
        parts.append(line)
    return _join_title(parts)


def _join_title(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if out.endswith("-") and part[:1].islower():
            out = out[:-1] + part  # 'Heim-' + 'stättengenossenschaft'
        else:
            out = f"{out} {part}".strip()
    return out


def _complete_title(h: Heading, lines: list[tuple[int | None, str]], i: int) -> Heading:
    """A numbered or agenda heading that wraps onto the next line keeps both lines; joined running text is cut off."""
    if h.kind not in ("agenda", "numbered") or not h.title or h.title.endswith("…"):
        return h
    title = _cut_sentence(h.title)
    line_rest, title_rest = (NUMBER_PREFIX.sub("", x) for x in (squash(lines[i][1]), title))
    if title_rest and line_rest.startswith(title_rest) and len(line_rest) - len(title_rest) < 3:
        nxt = squash(lines[i + 1][1]) if i + 1 < len(lines) else ""
        if _continues(title, nxt):
            title = _join_title([title, _cut_sentence(nxt)])
    return Heading(h.kind, h.depth, clip(title)) if title != h.title else h


def _continues(title: str, nxt: str, strict: bool = False) -> bool:
    if not nxt or title.endswith((".", ":", ";", "?", "!", ")")) or nxt.endswith(":") or re.match(r"^[\w-]+:", nxt):
        return False
    if classify_line(nxt) or ITEM_WEAK.match(nxt) or REFERENCE_LINE.match(nxt) or VOTE_LINE.search(nxt):
        return False
    if not nxt[:1].isalnum() or SENTENCE_START.match(nxt) or nxt.split(" ", 1)[0] in ("Herr", "Frau", "Hr.", "Fr."):
        return False
    cut = _cut_sentence(nxt)
    if title.endswith((",", "-", "–")) or CUT.search(title) or (nxt[:1].islower() and not strict):
        return len(cut) <= 90
    return not strict and len(cut) <= 60 and not cut.endswith(".")


def _is_slides(doc: SourceDocument, headings: list[Heading | None]) -> bool:
    """A slide deck: several pages of little text each and (nearly) no headings of a council document."""
    sizes = sorted(len(p.text) for p in doc.pages if p.text.strip())
    return len(sizes) >= 3 and sizes[len(sizes) // 2] < 700 and sum(h is not None for h in headings) < len(sizes) / 3


def _slide_sections(doc: SourceDocument) -> list[Section]:
    """One section per slide, titled by its first line (a wrapped title keeps its second line)."""
    drafts: list[_Draft] = []
    for page in doc.pages:
        lines = [squash(t) for t in page.text.split("\n") if t.strip()]
        titles = [k for k, t in enumerate(lines) if sum(c.isalpha() for c in t) >= 4 and not DATE.search(t)]
        if not titles:
            if drafts:
                drafts[-1].lines.extend((page.number, t) for t in page.text.split("\n"))
            continue
        k = titles[0]
        title = lines[k]
        if k + 1 < len(lines) and _continues(title, lines[k + 1], strict=True):
            title = _join_title([title, lines[k + 1]])
        drafts.append(_Draft(clip(title), "slide", (clip(title),), [(page.number, t) for t in page.text.split("\n")]))
    merged = _merge_small([d for d in drafts if any(t.strip() for _, t in d.lines)])
    return [s for s in (_to_section(d) for d in merged) if s is not None]


def _part_state(heading: Heading, marker: Marker | None, current: bool | None, reopened: bool) -> bool | None:
    """Publicity after a part heading: non-public parts close, explicit public parts reopen, others inherit."""
    if marker is None:
        lowered = heading.title.lower()
        if "nicht" in lowered and "öffentlich" in lowered:
            return False
        return current
    if not marker.public:
        return False
    return reopened if current is False else current


def _substance(d: _Draft) -> str:
    text = squash(" ".join(t for _, t in d.lines))
    if d.kind != "preamble" and text.lower().startswith(d.heading.lower()):
        text = text[len(d.heading) :]
    return text.strip(" :")


def _is_small(d: _Draft) -> bool:
    body = _substance(d)
    if d.kind == "keyword":
        return not any(ch.isalnum() for ch in body)
    if d.kind == "agenda":  # an item with a line of its own ('Es werden keine Anfragen gestellt.') is kept
        own = squash(" ".join(t for _, t in d.lines[d.head_at + 1 :]))
        return len(own.replace(" ", "")) < 25
    return len(body.replace(" ", "")) < MIN_SUBSTANCE_CHARS


def _merge_small(drafts: list[_Draft]) -> list[_Draft]:
    """Fold sections without substance into a neighbour: forward into a child or at the start, else back."""
    out: list[_Draft] = []
    pending: _Draft | None = None
    for i, d in enumerate(drafts):
        if pending is not None:
            d.head_at += len(pending.lines)
            d.lines = pending.lines + d.lines
            pending = None
        if _is_small(d):
            nxt = drafts[i + 1] if i + 1 < len(drafts) else None
            is_parent = nxt is not None and nxt.path[: len(d.path)] == d.path and len(nxt.path) > len(d.path)
            if nxt is not None and nxt.public == d.public and (not out or is_parent or d.kind == "preamble"):
                pending = d
                continue
            if out and out[-1].public == d.public:
                out[-1].lines.extend(d.lines)
                continue
        out.append(d)
    if pending is not None:
        out.append(pending)
    return out


def _to_section(d: _Draft) -> Section | None:
    body = [(p, t) for p, t in d.lines]
    while body and not body[0][1].strip():
        body.pop(0)
    while body and not body[-1][1].strip():
        body.pop()
    if not body:
        return None
    parts: list[str] = []
    previous_page = body[0][0]
    blank = False
    for page, text in body:
        if not text.strip():
            blank = True
            continue
        if page != previous_page:
            parts.append("\f")
            previous_page = page
        elif blank:
            parts.append("")
        blank = False
        parts.append(text)
    text = "\n".join(parts).replace("\n\f\n", "\n\f")
    pages = [p for p, t in body if t.strip() and p is not None]
    return Section(
        heading=d.heading,
        path=d.path,
        text=text,
        page=pages[0] if pages else None,
        page_end=pages[-1] if pages else None,
        public=d.public,
    )
