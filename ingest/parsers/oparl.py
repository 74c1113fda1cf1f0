"""OParl JSON files (Paper, Meeting) -> one record each, mapped by ``ingest.oparl.mapping``.

A file parsed alone gets no file texts and no meetings to look up; a folder ingest joins them first
(``ingest.oparl.folder``). The kind is taken from ``type`` or, when it is missing, from the fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from assistant.errors import ParseError
from assistant.models import SourceDocument
from ingest.oparl.mapping import Context, FileText, meeting_record, paper_record
from ingest.oparl.reading import kind_of, load_json, name_of
from ingest.parsers.base import ParseContext, check_size, document_id_for
from ingest.parsers.text import decode_utf8

RECORD_KINDS = ("Paper", "Meeting")


def read_object(data: bytes, source_path: str) -> dict[str, Any]:
    """The one OParl object of a file; ParseError for lists, non-objects and invalid JSON."""
    try:
        obj = load_json(decode_utf8(data, source_path))
    except json.JSONDecodeError as exc:
        raise ParseError(source_path, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:  # '[[[[…' deeper than the interpreter's recursion limit
        raise ParseError(source_path, "nested too deeply (recursion limit reached while parsing)") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise ParseError(source_path, f"not valid JSON ({' '.join(str(exc).split())[:120]})") from None
    if isinstance(obj, dict) and isinstance(obj.get("data"), list):
        obj = obj["data"]
    if isinstance(obj, list):
        kinds = sorted({kind_of(o) or "unknown" for o in obj if isinstance(o, dict)}) or ["unknown"]
        raise ParseError(
            source_path,
            f"OParl list of {len(obj)} objects ({', '.join(kinds)}), not a single Paper or Meeting; use sync",
        )
    if not isinstance(obj, dict):
        raise ParseError(source_path, "not an OParl object (expected a JSON object)")
    return obj


def record_of(obj: dict[str, Any], *, name: str, source_path: str, context: Context,
              texts: Mapping[str, FileText] | None = None) -> SourceDocument:
    """The record of a Paper or Meeting object; ParseError naming what else it is."""
    kind = kind_of(obj)
    args: dict[str, Any] = {"source": name, "source_path": source_path,
                            "document_id": document_id_for(source_path), "context": context, "texts": texts}
    if kind == "Paper":
        return paper_record(obj, **args)
    if kind == "Meeting":
        return meeting_record(obj, **args)
    if obj.get("deleted") is True:
        raise ParseError(source_path, "deleted OParl object (nothing to index)")
    if kind == "Body":
        raise ParseError(source_path, f"OParl Body object ('{name_of(obj) or '?'}') has no document text; use sync")
    shown = f"'{kind}'" if kind else "of unknown kind (no 'type' and no Paper/Meeting fields)"
    raise ParseError(source_path, f"OParl object {shown} is not a record (only Paper and Meeting are ingested)")


class OParlParser:
    suffixes: tuple[str, ...] = (".json",)

    def parse_bytes(self, data: bytes, *, name: str, source_path: str, ctx: ParseContext) -> SourceDocument:
        check_size(data, source_path, ctx)
        obj = read_object(data, source_path)
        return record_of(obj, name=name, source_path=source_path,
                         context=Context(default_public=ctx.default_public))
