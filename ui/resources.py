"""Process-wide resources: one Assistant per data directory (``st.cache_resource``), settings per run.

The data directory comes from the script argument ``--data-dir`` (``ratsinfo ui`` passes it) or else
``RATSINFO_DATA_DIR``. Nothing here runs at import.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.auth import StaffDirectory
from assistant.feedback import FeedbackStore
from assistant.service import Assistant
from assistant.settings import Settings


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
    return Resources(settings=settings, assistant=assistant,
                     feedback=_feedback_store(str(FeedbackStore.path_for(settings).resolve())),
                     staff=StaffDirectory.from_spec(settings.staff_users))


@st.cache_data(show_spinner=False, max_entries=8)
def _documents(_assistant: Assistant, data_dir: str, generation: int) -> list[dict[str, Any]]:
    return _assistant.documents()


def documents(res: Resources) -> list[dict[str, Any]]:
    """The indexed documents (for filter options), re-read only when the index generation changes."""
    return _documents(res.assistant, str(res.settings.data_dir.resolve()), res.assistant.generation)
