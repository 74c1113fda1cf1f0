"""Boundary types of the pipeline: SourceDocument -> Section -> Chunk -> Hit -> Answer(Citation).

Every stage takes and returns these frozen dataclasses; library types (chroma result lists,
LangChain documents) are converted at exactly one adapter each.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Page:
    """Text of one page (PDF) or of the whole file (number None for formats without pages)."""

    number: int | None
    text: str
    ocr: bool = False  # the text was recognised by OCR (the page had no text layer)


@dataclass(frozen=True)
class Section:
    """A logical part of a document: a heading (e.g. 'Finanzielle Auswirkungen', 'TOP 3 ...') and its text.

    ``path`` is the heading path from the document root (outermost first). ``public`` overrides the
    document's public flag when known (e.g. a non-public agenda item of a public meeting). ``source`` is
    the file (name or URL) the text came from when it is not the document's own source, e.g. the
    Stellungnahme file that is one part of an OParl Paper record; its chunks cite that file.
    """

    heading: str
    path: tuple[str, ...]
    text: str
    page: int | None = None
    page_end: int | None = None
    public: bool | None = None
    source: str | None = None


@dataclass(frozen=True)
class Consultation:
    """One step of a matter: a body dealt with it at a meeting (OParl Consultation + its agenda item).

    ``role`` is 'vorberatend', 'entscheidend' or 'zur Kenntnisnahme' when known; ``resolution`` is the agenda
    item's resolution text; ``public`` the agenda item's public flag (None when unknown)."""

    body: str | None
    date: str | None = None  # ISO date of the meeting
    agenda_number: str | None = None
    role: str | None = None
    result: str | None = None
    resolution: str | None = None
    meeting_id: str | None = None
    agenda_item_id: str | None = None
    public: bool | None = None


@dataclass(frozen=True)
class PaperLink:
    """An OParl link of a paper to another paper: 'superordinated', 'subordinated' or 'related'."""

    relation: str
    target: str  # the other paper's OParl id


@dataclass(frozen=True)
class MatterFacts:
    """What a structured source knows about a record's matter beyond its text (kept beside the index)."""

    oparl_id: str | None = None
    kind: str = "paper"  # 'paper' or 'meeting'
    paper_type: str | None = None
    files: tuple[str, ...] = ()
    consultations: tuple[Consultation, ...] = ()
    links: tuple[PaperLink, ...] = ()


@dataclass(frozen=True)
class SourceDocument:
    """A parsed council record with its metadata.

    ``document_id`` is stable for the same source (file name / URL), so a changed file replaces its
    old chunks. ``content_hash`` changes whenever the bytes change. ``public`` is None when unknown
    (unknown is treated as non-public for citizens: fail closed).
    ``sections`` may be pre-built by a structured parser (OParl); otherwise the sectioner derives them
    from ``pages``. ``warnings`` carries per-document notes such as pages that need OCR.
    """

    document_id: str
    source: str
    source_path: str
    title: str
    pages: tuple[Page, ...]
    content_hash: str
    reference: str | None = None
    document_type: str | None = None
    date: str | None = None  # ISO 8601 yyyy-mm-dd
    body: str | None = None
    public: bool | None = None
    language: str = "de"
    sections: tuple[Section, ...] | None = None
    warnings: tuple[str, ...] = ()
    matter: MatterFacts | None = None  # consultations and links of an OParl record (not part of the text)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)


@dataclass(frozen=True)
class Chunk:
    """A unit of retrieval: verbatim passage text of one section (or part of a long section).

    ``chunk_id`` is a content hash of document id + section path + text. ``embed_text`` is what the
    embedder sees: title and heading prefixed to the passage.
    """

    chunk_id: str
    document_id: str
    source: str
    source_path: str
    title: str
    section: str
    section_path: tuple[str, ...]
    text: str
    embed_text: str
    ordinal: int
    page: int | None = None
    reference: str | None = None
    document_type: str | None = None
    date: str | None = None
    body: str | None = None
    public: bool | None = None
    content_hash: str = ""
    ocr: bool = False  # the passage's page was read by OCR: a citation can say "text recognised by OCR"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the per-retriever scores that made it."""

    chunk: Chunk
    score: float
    rank: int
    scores: dict[str, float] = field(default_factory=dict)

    def with_rank(self, rank: int) -> Hit:
        return replace(self, rank=rank)


@dataclass(frozen=True)
class SearchFilters:
    """Metadata filters, applied inside the store query (never only in the UI).

    ``public_only`` defaults to True: records whose public flag is false *or unknown* are excluded.
    """

    document_types: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    public_only: bool = True
    document_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    n: int
    chunk_id: str
    document_id: str
    source: str
    source_path: str
    title: str
    section: str
    quote: str
    passage: str
    page: int | None = None
    reference: str | None = None
    document_type: str | None = None
    date: str | None = None
    body: str | None = None
    public: bool | None = None
    section_path: tuple[str, ...] = ()
    ocr: bool = False  # the cited page's text came from OCR

    @property
    def part(self) -> str | None:
        """The part of the record the passage is in ("Anlage: Stellungnahme"), from the section path."""
        from assistant.evidence import record_part

        return record_part(self.section_path, self.title)

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "document_id": self.document_id,
            "source": self.source,
            "title": self.title,
            "reference": self.reference,
            "date": self.date,
            "section": self.section,
            "page": self.page,
            "quote": self.quote,
            "chunk_id": self.chunk_id,
            "document_type": self.document_type,
            "body": self.body,
            "public": self.public,
            "record": self.title,
            "part": self.part,
            "section_path": list(self.section_path),
            "ocr": self.ocr,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    language: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    hits: tuple[Hit, ...] = ()
    generator: str = "extractive"
    dropped_sentences: tuple[str, ...] = ()
    fallback: bool = False
    search_query: str | None = None
    as_of: str | None = None  # date of the newest record cited
    newer: tuple[Citation, ...] = ()  # newer records of the same matter (also among ``citations``)
    verified_on: str | None = None  # staff checked this answer on that date (and nothing cited changed)
    verification_outdated: str | None = None  # date of a staff check that no longer holds
    next_step: str | None = None  # where to ask when the records do not answer (refusals)
    short_answer: str | None = None  # the first line: the asked fact from the cited passage
    related: bool = False  # refused, but the citations are records on the topic (they lack the asked fact)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "language": self.language,
            "refused": self.refused,
            "citations": [c.to_json() for c in self.citations],
            "generator": self.generator,
            "dropped_sentences": list(self.dropped_sentences),
            "fallback": self.fallback,
            "as_of": self.as_of,
            "newer": [c.to_json() for c in self.newer],
            "verified": ({"by_staff": True, "on": self.verified_on, "outdated": False} if self.verified_on
                         else None),
            "verification_outdated": self.verification_outdated,
            "next_step": self.next_step,
            "short_answer": self.short_answer,
            "related": self.related,
        }


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    documents_added: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_embedded: int = 0
    skipped: tuple[SkippedFile, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "documents_added": self.documents_added,
            "documents_updated": self.documents_updated,
            "documents_unchanged": self.documents_unchanged,
            "chunks_added": self.chunks_added,
            "chunks_removed": self.chunks_removed,
            "chunks_embedded": self.chunks_embedded,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
        }
