"""Answers about a matter's course, and the "as of" of every answer (run by the service around the generator).

* ``timeline_answer``: "Was wurde aus X?" is answered from X's timeline: each consultation in order with body,
  date, TOP, role and result, cited to the paper's Beratungsfolge (and the agenda item's resolution).
* ``with_as_of``: every answer states the date of the newest record it cites; when the index holds a newer
  record of the same matter (a later consultation, an amendment, a Stellungnahme, a newer Vorlage with the
  same reference stem) it says so and cites it. Works on the generator's Answer, after it returned.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.matters import RELATION_LABELS, Matters, Step, Timeline, citation_of
from assistant.models import Answer, Chunk, Citation, Hit, SearchFilters

MAX_NEWER = 3
MAX_DOCUMENTS = 3  # cited documents whose matter is looked at


def german_date(date: str | None) -> str:
    return f"{date[8:10]}.{date[5:7]}.{date[:4]}" if date and len(date) >= 10 else (date or "")


def _date(date: str | None, language: str) -> str:
    return german_date(date) if language == "de" else (date or "")


class _Citations:
    """Numbered citations, one number per passage."""

    def __init__(self, start: int = 1, taken: set[str] | None = None) -> None:
        self.items: list[Citation] = []
        self.numbers: dict[str, int] = {}
        self.next = start
        self.taken = taken or set()

    def cite(self, chunk: Chunk | None, quote: str | None = None) -> str:
        if chunk is None or chunk.chunk_id in self.taken:
            return ""
        if chunk.chunk_id not in self.numbers:
            self.numbers[chunk.chunk_id] = self.next
            self.items.append(citation_of(chunk, self.next, quote))
            self.next += 1
        return f" [{self.numbers[chunk.chunk_id]}]"


def _step_line(step: Step, language: str, cites: _Citations) -> str:
    c = step.consultation
    unknown = "Gremium nicht angegeben" if language == "de" else "body not stated"
    parts = [c.body or unknown]
    if c.agenda_number:
        parts.append(f"TOP {c.agenda_number}")
    if c.role:
        parts.append(c.role)
    head = (_date(c.date, language) + ": " if c.date else "") + ", ".join(parts)
    result = c.result or ("kein Ergebnis verzeichnet" if language == "de" else "no result recorded")
    line = f"- {head} – {result}{cites.cite(step.chunk)}"
    if c.resolution:
        label = "Beschluss" if language == "de" else "Resolution"
        line += f" {label}: „{c.resolution}“{cites.cite(step.resolution_chunk)}"
    return line


def timeline_text(timeline: Timeline, language: str, cites: _Citations) -> str:
    ref = f" ({timeline.reference})" if timeline.reference else ""
    de = language == "de"
    lines = [(f"Verlauf von „{timeline.title}“{ref}:" if de else f"Course of “{timeline.title}”{ref}:")]
    if timeline.steps:
        lines += [_step_line(s, language, cites) for s in timeline.steps]
    else:
        lines.append(("- keine Beratung verzeichnet" if de else "- no consultation recorded")
                     + cites.cite(timeline.first_chunk))
    if timeline.related:
        labels = RELATION_LABELS["de" if de else "en"]
        lines.append("Dazu gehören:" if de else "Related records:")
        for r in timeline.related:
            when = f", {_date(r.date, language)}" if r.date else ""
            ref = f" {r.reference}" if r.reference else ""
            lines.append(f"- {labels.get(r.relation, r.relation)}{ref}: „{r.title}“{when}{cites.cite(r.chunk)}")
    return "\n".join(lines)


def timeline_answer(question: str, timeline: Timeline, language: str, hits: tuple[Hit, ...] = (),
                    generator: str = "timeline") -> Answer:
    cites = _Citations()
    text = timeline_text(timeline, language, cites)
    return Answer(question=question, text=text, language=language, refused=False, citations=tuple(cites.items),
                  hits=hits, generator=generator)


def _newer(matters: Matters, answer: Answer, as_of: str,
           filters: SearchFilters) -> list[tuple[str, Chunk, str, str]]:
    """(kind, passage, what, date) of records of the cited matters that are newer than ``as_of``."""
    cited_docs = list(dict.fromkeys(c.document_id for c in answer.citations))[:MAX_DOCUMENTS]
    cited_chunks = {c.chunk_id for c in answer.citations}
    out: list[tuple[str, Chunk, str, str]] = []
    seen: set[str] = set(cited_chunks)
    scope = SearchFilters(public_only=filters.public_only)
    for document_id in cited_docs:
        head = matters._head(document_id)
        if head is None:
            continue
        root = matters._root(head, scope)
        timeline = matters.timeline(root.document_id, scope)
        if timeline is None:
            continue
        for step in timeline.steps:
            chunk = step.resolution_chunk or step.chunk
            if step.consultation.date and step.consultation.date > as_of and chunk and chunk.chunk_id not in seen:
                seen.add(chunk.chunk_id)
                what = ", ".join(x for x in (step.consultation.body, step.consultation.result) if x)
                out.append(("decision" if step.consultation.result else "record", chunk, what,
                            step.consultation.date))
        others = list(timeline.related)
        if root.document_id != document_id and timeline.first_chunk is not None:
            others.append(_self_related(timeline))
        for r in others:
            if r.document_id in cited_docs or not r.chunk or not r.date or r.date <= as_of or r.chunk.chunk_id in seen:
                continue
            seen.add(r.chunk.chunk_id)
            out.append(("record", r.chunk, f"„{r.title}“", r.date))
    return sorted(out, key=lambda x: x[3], reverse=True)[:MAX_NEWER]


def _self_related(timeline: Timeline):  # type: ignore[no-untyped-def]
    from assistant.matters import RelatedRecord

    return RelatedRecord("proposal", timeline.title, timeline.document_id, None, timeline.reference, timeline.date,
                         timeline.document_type, timeline.source, timeline.first_chunk)


def with_as_of(answer: Answer, matters: Matters | None, filters: SearchFilters | None) -> Answer:
    """The answer with ``as_of`` (newest cited record) and ``newer`` (newer records of the same matter)."""
    dates = [c.date for c in answer.citations if c.date]
    if answer.refused or not dates:
        return answer
    as_of = max(dates)
    de = answer.language == "de"
    text = answer.text.rstrip() + "\n\n" + (f"Stand der zitierten Unterlagen: {german_date(as_of)}." if de
                                          else f"The records cited are as of {as_of}.")
    newer: list[Citation] = []
    if matters is not None:
        found = _newer(matters, answer, as_of, filters or SearchFilters())
        if found:
            cites = _Citations(start=max((c.n for c in answer.citations), default=0) + 1)
            parts = []
            for _kind, chunk, what, date in found:
                parts.append(f"{what} ({_date(date, answer.language)}){cites.cite(chunk)}")
            decision = any(kind == "decision" for kind, _, _, _ in found)
            lead = ("Es gibt einen neueren Stand: " if de else
                    ("A later decision exists: " if decision else "A newer record exists: "))
            text += " " + lead + "; ".join(parts) + "."
            newer = cites.items
    return replace(answer, text=text, as_of=as_of, newer=tuple(newer),
                   citations=tuple(answer.citations) + tuple(newer))
