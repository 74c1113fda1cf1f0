"""Cut sections into retrieval chunks: whole short sections, long ones at paragraph/sentence bounds.

A chunk's text is the verbatim passage (spaces inside a line squashed, blank lines kept as paragraph
breaks). Long sections are packed from sentence pieces up to ``max_chars``; the next chunk repeats
the last ``overlap_chars`` of whole sentences (or words) so an answer is never split without a
copy in one piece. Page breaks inside a section ('\\f' from the sectioner) give each chunk the page
where its text starts.
"""

from __future__ import annotations

import hashlib
import re

from assistant.models import Chunk, Section, SourceDocument
from ingest.parsers.base import LimitExceeded

# A piece ends after a sentence end or at a paragraph break; the separator stays with the piece.
_PIECE = re.compile(r".+?(?:[.!?:;](?=\s)\s+|\n\s*\n\s*|\f\s*|$)", re.DOTALL)
_LETTER = re.compile(r"[^\W\d_]")


def chunk_document(
    doc: SourceDocument, sections: list[Section], *, max_chars: int = 900, overlap_chars: int = 150,
    max_chunks: int | None = None,
) -> list[Chunk]:
    """Chunks of ``doc``; LimitExceeded (a ParseError naming the file) past ``max_chunks``."""
    chunks: list[Chunk] = []
    per_path: dict[tuple[str, ...], int] = {}
    for section in sections:
        for text, page in split_text(section.text, section.page, max_chars, overlap_chars):
            passage = readable(text)
            if not _LETTER.search(passage):
                continue
            if max_chunks is not None and len(chunks) >= max_chunks:
                raise too_many_chunks(doc.source_path, f"more than {max_chunks:,}", max_chunks)
            ordinal_in_section = per_path.get(section.path, 0)
            per_path[section.path] = ordinal_in_section + 1
            chunks.append(_make_chunk(doc, section, passage, page, len(chunks), ordinal_in_section))
    return chunks


def too_many_chunks(source_path: str, count: str, limit: int) -> LimitExceeded:
    return LimitExceeded(source_path, f"too many chunks ({count} > limit {limit:,}, "
                                      "RATSINFO_MAX_CHUNKS_PER_DOCUMENT)")


def min_chunks(doc: SourceDocument, max_chars: int, overlap_chars: int) -> int:
    """A lower bound on the chunks of ``doc``, known before sectioning: no chunk holds more than
    ``max_chars + overlap_chars`` non-space characters."""
    dense = sum(len(p.text) - sum(p.text.count(c) for c in " \n\t") for p in doc.pages)
    return dense // max(1, max_chars + overlap_chars)


def readable(text: str) -> str:
    """Squash spaces inside lines, drop page breaks, keep at most one blank line between paragraphs."""
    lines = [
        re.sub(r"[ \t\xa0\u2000-\u200b]+", " ", line).strip() for line in text.replace("\f", "\n").split("\n")
    ]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def split_text(
    text: str, page: int | None, max_chars: int, overlap_chars: int
) -> list[tuple[str, int | None]]:
    """(raw passage, page of its start) for one section text; whole when it fits in ``max_chars``."""
    if len(readable(text)) <= max_chars:
        return [(text, page)]
    pieces = _pieces(text, max_chars)
    starts: list[int] = []
    offset = 0
    for piece in pieces:
        starts.append(offset)
        offset += len(piece)
    out: list[tuple[str, int | None]] = []
    i = 0
    while i < len(pieces):
        j, size = i, 0
        while j < len(pieces) and (j == i or size + len(pieces[j]) <= max_chars):
            size += len(pieces[j])
            j += 1
        body = "".join(pieces[i:j])
        prefix = _overlap(pieces[:i], overlap_chars) if out else ""
        start = starts[i] - len(prefix)
        out.append((prefix + body, _page_at(text, start, page)))
        i = j
    return out


def _pieces(text: str, max_chars: int) -> list[str]:
    pieces = [m.group(0) for m in _PIECE.finditer(text) if m.group(0)]
    out: list[str] = []
    for piece in pieces:
        while len(piece) > max_chars:  # one overlong sentence or table: cut at the last space
            cut = piece.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            out.append(piece[: cut + 1] if piece[cut : cut + 1] == " " else piece[:cut])
            piece = piece[len(out[-1]) :]
        out.append(piece)
    return out


def _overlap(previous: list[str], overlap_chars: int) -> str:
    """Trailing whole pieces up to ``overlap_chars``; else the trailing words of the last piece."""
    taken = ""
    for piece in reversed(previous):
        if len(taken) + len(piece) > overlap_chars:
            break
        taken = piece + taken
    if taken or not previous or overlap_chars <= 0:
        return taken
    tail = previous[-1][-overlap_chars:]
    space = tail.find(" ")
    return tail[space + 1 :] if space >= 0 else ""


def _page_at(text: str, offset: int, page: int | None) -> int | None:
    """Page of the first non-blank character at or after ``offset``."""
    if page is None:
        return None
    while offset < len(text) and text[offset].isspace() and text[offset] != "\f":
        offset += 1
    if offset < len(text) and text[offset] == "\f":
        offset += 1
    return page + text.count("\f", 0, offset)


_AGENDA_ITEM = re.compile(r"^(?:(?:TOP|Top|Tagesordnungspunkt|Punkt|Ö|N|NÖ)\s?\d{1,3}(?:\.\d{1,3})*\b|"
                          r"\d{1,3}(?:\.\d{1,3})*(?:\.\)|\)|\.)?\s)")
_ITEM_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)(?:\.\)|\)|\.)?\s+")
MAX_ITEM_IN_LABEL = 80


def section_label(path: tuple[str, ...], heading: str) -> str:
    """The label a chunk cites: its heading, and for a heading inside an agenda item ('Abstimmungsergebnis',
    'Beschluss') also the item it belongs to: 'Abstimmungsergebnis zu TOP 5 Haushaltssatzung 2026'. The heading
    comes first, so a label still starts with the council heading it names."""
    if _AGENDA_ITEM.match(heading) or len(path) < 2:
        return heading
    items = [p for p in path[:-1] if _AGENDA_ITEM.match(p)]
    if not items:
        return heading
    item = _ITEM_NUMBER.sub(lambda m: f"TOP {m.group(1)} ", items[-1]).replace("TOP TOP", "TOP")
    if len(item) > MAX_ITEM_IN_LABEL:
        item = item[: MAX_ITEM_IN_LABEL - 1].rsplit(" ", 1)[0] + "…"
    return f"{heading} zu {item}"


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def embedded_path(title: str, path: tuple[str, ...]) -> tuple[str, ...]:
    """The section path without elements that only repeat the record title (an OParl paper's main file is
    usually named like the paper): the embedded heading then carries the section, not the title twice."""
    title_words = _words(title)
    kept = []
    for element in path:
        words = _words(element)
        if words and title_words and len(words & title_words) >= 0.6 * len(words):
            continue
        kept.append(element)
    return tuple(kept)


def chunk_id_for(document_id: str, section_path: tuple[str, ...], ordinal_in_section: int, text: str) -> str:
    key = "\x1f".join((document_id, "/".join(section_path), str(ordinal_in_section), text))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _make_chunk(
    doc: SourceDocument, section: Section, text: str, page: int | None, ordinal: int, ordinal_in_section: int
) -> Chunk:
    return Chunk(
        chunk_id=chunk_id_for(doc.document_id, section.path, ordinal_in_section, text),
        document_id=doc.document_id,
        source=section.source or doc.source,
        source_path=doc.source_path,
        title=doc.title,
        section=section_label(section.path, section.heading),
        section_path=section.path,
        text=text,
        embed_text=f"{doc.title}\n{' > '.join(embedded_path(doc.title, section.path))}\n{text}",
        ordinal=ordinal,
        page=page,
        reference=doc.reference,
        document_type=doc.document_type,
        date=doc.date,
        body=doc.body,
        public=doc.public if section.public is None else section.public,
        content_hash=doc.content_hash,
        ocr=page is not None and any(p.ocr and p.number == page for p in doc.pages),
    )
