"""Follow a matter over time: the timeline of a paper (its consultations in order, its files, related papers).

From OParl (``assistant.matter_store``): every consultation of a Paper (body, meeting date, TOP, role, result,
the agenda item's resolution text), cited to the paper's Beratungsfolge passage and, where indexed, the
meeting's agenda item; related papers from the OParl links (super-/subordinated, related), their reverse
links and papers sharing the reference stem (``2023/0386`` and its amendment ``2023/0386/4``).
Without OParl facts a matter is assembled from the records: passages of other records (minutes, agenda
items) that name the paper's reference or title become its steps, records with the same reference its
related records. Everything passes the one access rule: a citizen's timeline holds public records only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant import access
from assistant.matter_store import MatterStore, RecordHead
from assistant.models import Chunk, Citation, Consultation, Hit, SearchFilters
from assistant.store import ChunkStore

Search = Callable[[str, int, SearchFilters], list[Hit]]

RELATION_LABELS = {
    "de": {"stellungnahme": "Stellungnahme", "amendment": "Änderungsantrag", "inquiry": "Anfrage",
           "motion": "Antrag", "proposal": "Vorlage", "superordinated": "übergeordnete Drucksache",
           "subordinated": "untergeordnete Drucksache", "related": "verwandte Drucksache",
           "same_reference": "gleiche Drucksachen-Nr."},
    "en": {"stellungnahme": "statement (Stellungnahme)", "amendment": "amendment", "inquiry": "inquiry (Anfrage)",
           "motion": "motion (Antrag)", "proposal": "proposal (Vorlage)", "superordinated": "superordinate paper",
           "subordinated": "subordinate paper", "related": "related paper", "same_reference": "same reference"},
}
_REFERENCE = re.compile(r"\b(?:DHH/)?\d{2,4}/\d{1,5}(?:/\d{1,3})*\b")
_RESULT = re.compile(
    r"(?:Ergebnis|Beschluss)\s*:\s*[^\n]{3,160}|(?:einstimmig|mehrheitlich)[^\n.;]{0,80}"
    r"|\b(?:beschlossen|abgelehnt|zugestimmt|vertagt|zur Kenntnis genommen|zurückgestellt|zurückgezogen)\b"
    r"|\d+\s*(?:Ja|JA)[-\s]*(?:Stimmen)?[^\n]{0,60}", re.IGNORECASE)
_TOP = re.compile(r"\b(?:TOP|Ö|N)\s*(\d+(?:\.\d+)*)", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    """One consultation of the matter and the passages that state it (None when not visible/indexed)."""

    consultation: Consultation
    chunk: Chunk | None = None  # the paper's Beratungsfolge, or the minutes passage
    resolution_chunk: Chunk | None = None  # the meeting's agenda item
    origin: str = "oparl"  # 'oparl' or 'minutes'

    def to_json(self) -> dict[str, Any]:
        c = self.consultation
        return {"body": c.body, "date": c.date, "agenda_number": c.agenda_number, "role": c.role,
                "result": c.result, "resolution": c.resolution, "public": c.public, "origin": self.origin,
                "chunk_id": self.chunk.chunk_id if self.chunk else None,
                "document_id": self.chunk.document_id if self.chunk else None,
                "resolution_chunk_id": self.resolution_chunk.chunk_id if self.resolution_chunk else None}


@dataclass(frozen=True)
class RelatedRecord:
    relation: str  # key of RELATION_LABELS
    title: str
    document_id: str | None = None  # None: linked in OParl but not in the index (shown to staff only)
    oparl_id: str | None = None
    reference: str | None = None
    date: str | None = None
    document_type: str | None = None
    source: str | None = None
    chunk: Chunk | None = None  # its first passage (for a citation)

    def to_json(self) -> dict[str, Any]:
        return {"relation": self.relation, "label": RELATION_LABELS["de"].get(self.relation, self.relation),
                "title": self.title, "document_id": self.document_id, "oparl_id": self.oparl_id,
                "reference": self.reference, "date": self.date, "document_type": self.document_type,
                "source": self.source, "chunk_id": self.chunk.chunk_id if self.chunk else None}


@dataclass(frozen=True)
class Timeline:
    """A matter: the record it is about, its consultations in order, its files and related records."""

    document_id: str
    title: str
    source: str
    source_path: str
    reference: str | None = None
    document_type: str | None = None
    date: str | None = None
    body: str | None = None
    public: bool | None = None
    origin: str = "oparl"  # 'oparl': from the OParl facts; 'records': assembled from the records
    steps: tuple[Step, ...] = ()
    files: tuple[str, ...] = ()
    related: tuple[RelatedRecord, ...] = ()
    first_chunk: Chunk | None = field(default=None, compare=False)

    @property
    def latest_date(self) -> str | None:
        dates = [d for d in (self.date, *(s.consultation.date for s in self.steps), *(r.date for r in self.related))
                 if d]
        return max(dates) if dates else None

    def to_json(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "title": self.title, "source": self.source,
                "reference": self.reference, "document_type": self.document_type, "date": self.date,
                "body": self.body, "public": self.public, "origin": self.origin,
                "consultations": [s.to_json() for s in self.steps], "files": list(self.files),
                "related": [r.to_json() for r in self.related], "as_of": self.latest_date}


def reference_stem(reference: str | None) -> str | None:
    """'2023/0386/4' -> '2023/0386' (the Vorlage an amendment or Stellungnahme belongs to)."""
    if not reference:
        return None
    parts = reference.strip().split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 else reference.strip()


def _kind_of(head: RecordHead) -> str | None:
    kind = f"{head.paper_type or ''} {head.document_type or ''} {head.title[:60]}".lower()
    if "stellungnahme" in kind or "beantwortung" in kind:
        return "stellungnahme"
    if "änderung" in kind or "ergänzungsantrag" in kind:
        return "amendment"
    if "anfrage" in kind:
        return "inquiry"
    if "antrag" in kind:
        return "motion"
    if "vorlage" in kind:
        return "proposal"
    return None


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w/]+", " ", text.lower())).strip()


def result_of(text: str) -> str | None:
    """The first result phrase of a minutes passage ('einstimmig beschlossen', 'Ergebnis: …', '33 JA …')."""
    m = _RESULT.search(text)
    return re.sub(r"\s+", " ", m.group(0)).strip(" .,;") if m else None


class Matters:
    """Timelines over one index: the chunk store, the matters file and the assistant's search."""

    def __init__(self, store: ChunkStore, matters: MatterStore, search: Search) -> None:
        self.store = store
        self.matters = matters
        self.search = search

    # -- finding the matter ----------------------------------------------------------------------
    def find(self, query: str, filters: SearchFilters | None = None) -> Timeline | None:
        """The matter named by a reference, a URL/OParl id/file name, or a question about it."""
        filters = filters or SearchFilters()
        text = query.strip()
        for head in self._by_name(text):
            found = self.timeline(head.document_id, filters)  # named exactly: that record, not its root
            if found:
                return found
        for document_id in self._from_search(text, filters):
            found = self.timeline(document_id, filters)
            if found:
                return found
        return None

    def _by_name(self, text: str) -> list[RecordHead]:
        if not text or " " in text.strip():
            refs = _REFERENCE.findall(text)
            return [h for ref in refs for h in self.matters.heads(reference=ref)]
        heads = self.matters.heads(reference=text) or self.matters.heads(source=text)
        if not heads:
            heads = [h for d in sorted(self.store.document_ids_for_source(text)) if (h := self._head(d))]
        return heads

    def _from_search(self, text: str, filters: SearchFilters) -> list[str]:
        return self._choose(self.search(subject_of(text) or text, 10, filters), filters)

    def from_hits(self, hits: Sequence[Hit], filters: SearchFilters | None = None) -> Timeline | None:
        """The matter of the best retrieved passages (a paper first; a meeting alone is no matter)."""
        filters = filters or SearchFilters()
        for document_id in self._choose(hits, filters):
            found = self.timeline(document_id, filters)
            if found:
                return found
        return None

    def _choose(self, hits: Sequence[Hit], filters: SearchFilters) -> list[str]:
        ordered = list(dict.fromkeys(h.chunk.document_id for h in hits))
        papers = [d for d in ordered if (h := self.matters.head(d)) and h.kind == "paper"]
        others = [d for d in ordered if d not in papers and (hits_type(hits, d) or "").lower() != "sitzung"]
        chosen = papers[:1] or others[:1]
        if chosen:
            head = self._head(chosen[0])
            if head:
                return [self._root(head, filters).document_id]
        return chosen

    def _root(self, head: RecordHead, filters: SearchFilters) -> RecordHead:
        """An amendment or Stellungnahme ('2023/0386/4') leads to its Vorlage ('2023/0386') when indexed."""
        stem = reference_stem(head.reference)
        if stem and stem != head.reference:
            for other in self.matters.heads(reference=stem):
                if self._visible(other, filters):
                    return other
        return head

    # -- one timeline ----------------------------------------------------------------------------
    def timeline(self, document_id: str, filters: SearchFilters | None = None) -> Timeline | None:
        filters = filters or SearchFilters()
        chunks = self._chunks(document_id, filters)
        if not chunks:
            return None  # not indexed, or not for this asker's eyes
        first = chunks[0]
        head = self.matters.head(document_id) or _head_of(first)
        consultations = self.matters.consultations(document_id)
        if consultations:
            steps = self._oparl_steps(consultations, chunks, filters)
            origin = "oparl"
        else:
            steps = self._minutes_steps(head, filters)
            origin = "records"
        own = (head.title, "Beratungsfolge")
        files = head.files or tuple(dict.fromkeys(
            c.section_path[0] for c in chunks
            if c.section_path and c.section_path[0] not in own and c.source != first.source_path))
        return Timeline(document_id=document_id, title=head.title, source=first.source, source_path=first.source_path,
                        reference=head.reference, document_type=head.document_type, date=head.date,
                        body=head.body, public=first.public, origin=origin, steps=tuple(steps), files=files,
                        related=tuple(self._related(head, filters)), first_chunk=first)

    def _chunks(self, document_id: str, filters: SearchFilters) -> list[Chunk]:
        ids = list(self.store.document_chunks(document_id))
        scope = SearchFilters(public_only=filters.public_only)  # the asker's publicity, not the sidebar's dates
        return sorted(self.store.get_chunks(ids, scope).values(), key=lambda c: c.ordinal)

    def _head(self, document_id: str) -> RecordHead | None:
        head = self.matters.head(document_id)
        if head:
            return head
        chunks = sorted(self.store.get_chunks(list(self.store.document_chunks(document_id)), None).values(),
                        key=lambda c: c.ordinal)
        return _head_of(chunks[0]) if chunks else None

    def _visible(self, head: RecordHead, filters: SearchFilters) -> bool:
        return access.allows(SearchFilters(public_only=filters.public_only), public=head.public)

    def _oparl_steps(self, consultations: Sequence[Consultation], chunks: Sequence[Chunk],
                     filters: SearchFilters) -> list[Step]:
        beratung = [c for c in chunks if c.section_path[:1] == ("Beratungsfolge",)]
        steps = []
        for c in consultations:
            if filters.public_only and c.public is False:
                c = replace(c, resolution=None)  # the non-public agenda item's text stays with staff
            chunk = next((b for b in beratung if (c.body or "\0") in b.text and _german(c.date) in b.text),
                         beratung[0] if beratung else None)
            steps.append(Step(c, chunk, self._agenda_chunk(c, filters), "oparl"))
        dated = all(s.consultation.date for s in steps)
        return sorted(steps, key=lambda s: s.consultation.date or "") if dated else steps

    def _agenda_chunk(self, c: Consultation, filters: SearchFilters) -> Chunk | None:
        if not c.meeting_id or not c.agenda_number:
            return None
        meeting = self.matters.by_oparl_id(c.meeting_id)
        if not meeting:
            return None
        prefix = f"TOP {c.agenda_number} "
        for chunk in self._chunks(meeting.document_id, filters):
            if chunk.section_path and (chunk.section_path[0] + " ").startswith(prefix):
                return chunk
        return None

    def _minutes_steps(self, head: RecordHead, filters: SearchFilters) -> list[Step]:
        """Passages of other records that name this record's reference or title, as steps (one per record)."""
        needles = [n for n in (head.reference, _normal(head.title) if len(head.title) >= 12 else None) if n]
        if not needles:
            return []
        query = " ".join(x for x in (head.reference, head.title) if x)
        steps: dict[str, Step] = {}
        for hit in self.search(query, 20, filters):
            chunk = hit.chunk
            if chunk.document_id == head.document_id or chunk.document_id in steps:
                continue
            if (chunk.reference or "") and reference_stem(chunk.reference) == reference_stem(head.reference):
                continue  # a record of the same paper: listed as related, not as a step
            text = _normal(chunk.text)
            if not any(_normal(n) in text for n in needles):
                continue
            top = _TOP.search(chunk.section or "") or _TOP.search(chunk.text[:200])
            steps[chunk.document_id] = Step(
                Consultation(body=chunk.body, date=chunk.date, agenda_number=top.group(1) if top else None,
                             result=result_of(chunk.text), public=chunk.public), chunk, None, "minutes")
        return sorted(steps.values(), key=lambda s: s.consultation.date or "")

    def _related(self, head: RecordHead, filters: SearchFilters) -> list[RelatedRecord]:
        found: dict[str, RelatedRecord] = {}

        def add(relation: str, other: RecordHead | None, oparl_id: str | None = None) -> None:
            if other is None:
                if oparl_id and not filters.public_only and oparl_id not in found:
                    found[oparl_id] = RelatedRecord(relation, oparl_id, oparl_id=oparl_id)
                return
            if other.document_id == head.document_id or other.document_id in found:
                return
            if not self._visible(other, filters):
                return
            chunks = self._chunks(other.document_id, filters)
            if not chunks:
                return
            found[other.document_id] = RelatedRecord(
                _kind_of(other) or relation, other.title, other.document_id, other.oparl_id, other.reference,
                other.date, other.document_type, other.source, chunks[0])

        for link in self.matters.links(head.document_id):
            add(link.relation, self.matters.by_oparl_id(link.target), link.target)
        if head.oparl_id:
            inverse = {"superordinated": "subordinated", "subordinated": "superordinated", "related": "related"}
            for relation, other in self.matters.linking_to(head.oparl_id):
                add(inverse.get(relation, relation), other)
        stem = reference_stem(head.reference)
        if stem:
            for other in self.matters.heads(reference_prefix=stem):
                add("same_reference", other)
        return sorted(found.values(), key=lambda r: (r.date or "9999", r.title))


def _german(date: str | None) -> str:
    if not date or len(date) < 10:
        return ""
    return f"{date[8:10]}.{date[5:7]}.{date[:4]}"


def _head_of(chunk: Chunk) -> RecordHead:
    return RecordHead(document_id=chunk.document_id, title=chunk.title, source=chunk.source,
                      source_path=chunk.source_path, content_hash=chunk.content_hash, reference=chunk.reference,
                      document_type=chunk.document_type, date=chunk.date, body=chunk.body, public=chunk.public)


def hits_type(hits: Sequence[Hit], document_id: str) -> str | None:
    return next((h.chunk.document_type for h in hits if h.chunk.document_id == document_id), None)


# -- chat questions about a matter ------------------------------------------------------------------
_MATTER_QUESTION = re.compile(
    r"^\s*(?:und\s+)?(?:was\s+(?:ist|wurde)\s+(?:eigentlich\s+)?(?:aus|mit)\b"
    r"|wurde\s+.+\s+(?:beschlossen|entschieden|abgelehnt|angenommen)\s*\??\s*$"
    r"|ist\s+.+\s+(?:beschlossen|entschieden)\s+worden"
    r"|wie\s+ist\s+der\s+(?:aktuelle\s+)?stand\b|welchen\s+stand\s+hat\b"
    r"|what\s+(?:happened|has\s+happened)\s+(?:to|with)\b|what\s+became\s+of\b"
    r"|(?:was|has)\s+.+\s+(?:been\s+)?(?:decided|approved|adopted|rejected)\s*\??\s*$"
    r"|what\s+is\s+the\s+status\s+of\b)",
    re.IGNORECASE | re.DOTALL)
_QUESTION_WORDS = re.compile(
    r"\b(?:und|was|ist|wurde|eigentlich|aus|mit|geworden|passiert|beschlossen|entschieden|abgelehnt|angenommen|"
    r"worden|wie|der|aktuelle|stand|welchen|hat|what|happened|has|to|with|became|of|was|been|decided|approved|"
    r"adopted|rejected|is|the|status)\b", re.IGNORECASE)


def is_matter_question(question: str) -> bool:
    """'Was wurde aus X?', 'Wurde X beschlossen?', 'What happened to X?', 'Was X decided?' …"""
    return bool(_MATTER_QUESTION.search(question))


def subject_of(question: str) -> str:
    """The X of a matter question (question words and punctuation removed)."""
    return re.sub(r"\s+", " ", _QUESTION_WORDS.sub(" ", question.replace("?", " "))).strip(" ,.;:!")


def citation_of(chunk: Chunk, n: int, quote: str | None = None) -> Citation:
    return Citation(n=n, chunk_id=chunk.chunk_id, document_id=chunk.document_id, source=chunk.source,
                    source_path=chunk.source_path, title=chunk.title, section=chunk.section,
                    quote=quote or chunk.text[:300], passage=chunk.text, page=chunk.page, reference=chunk.reference,
                    document_type=chunk.document_type, date=chunk.date, body=chunk.body, public=chunk.public)
