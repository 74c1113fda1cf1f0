"""Who may see which record: the one access and filter rule, and its translations for each backend.

``allows`` is the rule (public only for citizens, document type, body, document ids, date range). Every
backend applies exactly this rule in its own query language: ``chroma_where`` for chromadb's ``where``
clause (embedded and server), ``mask`` for the BM25 index's arrays, and ``allows`` itself wherever a
stored record's metadata is checked in Python (the store's over-fetched dense queries, the UI's list of
bodies and types). Unknown publicity counts as non-public: fail closed. ``tests/assistant/test_access.py``
checks every translation against ``allows`` on one table of cases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from assistant.models import SearchFilters


def date_int(date: str | None) -> int:
    """``2024-03-05`` → 20240305; anything else (None, partial, garbage) → 0 (before every date)."""
    if not date:
        return 0
    digits = str(date).replace("-", "")[:8]
    return int(digits) if digits.isdigit() and len(digits) == 8 else 0


def allows(filters: SearchFilters | None, *, public: bool | None, document_type: str | None = None,
           body: str | None = None, document_id: str | None = None, date: str | int | None = None) -> bool:
    """True when a record with these facts passes ``filters``; ``public`` None (unknown) is not public."""
    f = filters or SearchFilters()
    day = date if isinstance(date, int) else date_int(date)
    return not (
        (f.public_only and public is not True)
        or (f.document_types and document_type not in f.document_types)
        or (f.bodies and body not in f.bodies)
        or (f.document_ids and document_id not in f.document_ids)
        or (f.date_from and day < date_int(f.date_from))
        or (f.date_to and day > date_int(f.date_to))
    )


def allows_metadata(filters: SearchFilters | None, meta: Mapping[str, Any]) -> bool:
    """``allows`` on a stored record's metadata (the store's flat dict; ``public`` must be literally True)."""
    return allows(filters, public=meta.get("public") is True, document_type=meta.get("document_type"),
                  body=meta.get("body"), document_id=meta.get("document_id"),
                  date=int(meta.get("date_int") or 0) if "date_int" in meta else meta.get("date"))


def chroma_where(filters: SearchFilters | None) -> dict[str, Any] | None:
    """``allows`` as a chroma ``where`` clause (None when nothing is filtered)."""
    f = filters or SearchFilters()
    clauses: list[dict[str, Any]] = []
    if f.public_only:
        clauses.append({"public": True})
    if f.document_types:
        clauses.append({"document_type": {"$in": list(f.document_types)}})
    if f.bodies:
        clauses.append({"body": {"$in": list(f.bodies)}})
    if f.document_ids:
        clauses.append({"document_id": {"$in": list(f.document_ids)}})
    if f.date_from:
        clauses.append({"date_int": {"$gte": date_int(f.date_from)}})
    if f.date_to:
        clauses.append({"date_int": {"$lte": date_int(f.date_to)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def mask(filters: SearchFilters | None, *, public: np.ndarray, document_types: Sequence[str],
         bodies: Sequence[str], document_ids: Sequence[str], dates: np.ndarray) -> np.ndarray:
    """``allows`` over column arrays (the BM25 index): a boolean array, True where the record passes."""
    f = filters or SearchFilters()
    keep = np.ones(len(public), dtype=bool)
    if f.public_only:
        keep &= public.astype(bool)
    for wanted, column in ((f.document_types, document_types), (f.bodies, bodies), (f.document_ids, document_ids)):
        if wanted:
            allowed = set(wanted)
            keep &= np.fromiter((value in allowed for value in column), dtype=bool, count=len(column))
    if f.date_from:
        keep &= dates >= date_int(f.date_from)
    if f.date_to:
        keep &= dates <= date_int(f.date_to)
    return keep
