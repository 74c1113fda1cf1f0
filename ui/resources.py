"""Process-wide resources: one Assistant per data directory (``st.cache_resource``), settings per run.

The data directory comes from the script argument ``--data-dir`` (``ratsinfo ui`` passes it) or else
``RATSINFO_DATA_DIR``. Nothing here runs at import.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.auth import StaffDirectory
from assistant.feedback import FeedbackStore
from assistant.models import Citation, SearchFilters
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.throttle import SignInThrottle


def data_dir_argument(argv: list[str]) -> Path | None:
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--data-dir", type=Path, default=None)
    known, _ = parser.parse_known_args(argv)
    return known.data_dir


@dataclass(frozen=True)
class Resources:
    settings: Settings
    assistant: Assistant
    feedback: FeedbackStore
    staff: StaffDirectory
    throttle: SignInThrottle


@st.cache_resource(show_spinner=False)
def _assistant(data_dir: str) -> Assistant:
    return Assistant.from_settings(Settings(data_dir=Path(data_dir)))


@st.cache_resource(show_spinner=False)
def _feedback_store(path: str) -> FeedbackStore:
    return FeedbackStore(path)


def load(argv: list[str]) -> Resources:
    data_dir = data_dir_argument(argv)
    settings = Settings(data_dir=data_dir) if data_dir else Settings()
    assistant = _assistant(str(settings.data_dir.resolve()))
    feedback_path = FeedbackStore.path_for(settings).resolve()
    throttle = SignInThrottle(feedback_path, max_failures=settings.sign_in_max_failures,
                              lockout_s=settings.sign_in_lockout_s, max_lockout_s=settings.sign_in_lockout_max_s)
    return Resources(settings=settings, assistant=assistant, feedback=_feedback_store(str(feedback_path)),
                     staff=StaffDirectory.from_spec(settings.staff_users), throttle=throttle)


@st.cache_data(show_spinner=False, max_entries=8)
def _documents(_assistant: Assistant, data_dir: str, generation: int) -> list[dict[str, Any]]:
    return _assistant.documents()


def documents(res: Resources) -> list[dict[str, Any]]:
    """The indexed documents (for filter options), re-read only when the index generation changes."""
    return _documents(res.assistant, str(res.settings.data_dir.resolve()), res.assistant.generation)


def original_file(c: Citation) -> Path | None:
    """The local original of the cited document, when it is a readable file."""
    if not c.source_path or "://" in c.source_path:
        return None
    path = Path(c.source_path)
    return path if path.is_file() else None


@st.cache_data(show_spinner=False, max_entries=256)
def _public_hashes(_assistant: Assistant, document_id: str, data_dir: str, generation: int) -> frozenset[str]:
    """Content hashes of the document when every one of its chunks passes the citizen filter, else empty:
    the store counts the document's chunks with and without ``public_only``."""
    chunks = _assistant.store.document_chunks(document_id)
    if not chunks:
        return frozenset()
    public = _assistant.store.get_chunks(list(chunks), SearchFilters(public_only=True))
    return frozenset(chunks.values()) if len(public) == len(chunks) else frozenset()


def servable_original(res: Resources, c: Citation, sees_nonpublic: bool) -> Path | None:
    """The original file of ``c`` if this viewer may have all of it: staff who see non-public records, or
    anyone when every part of the document is public and the file on disk is still the one ingested (a
    public agenda item's file can hold the meeting's non-public items, too)."""
    path = original_file(c)
    if path is None or sees_nonpublic:
        return path
    hashes = _public_hashes(res.assistant, c.document_id, str(res.settings.data_dir.resolve()),
                            res.assistant.generation)
    if not hashes:
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return path if digest in hashes else None
