"""Per-session state (``st.session_state``): language, chat exchanges, staff sign-in, filters.

Nothing here is shared between sessions; the Assistant itself is process-wide (see ui/resources.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from assistant.conversation import ChatTurn
from assistant.models import Answer, SearchFilters
from ui.i18n import DEFAULT


@dataclass
class Exchange:
    """One question and its answer, with the filters it was asked under."""

    question: str
    answer: Answer
    filters: SearchFilters
    mode: str | None = None
    feedback_ids: list[int] = field(default_factory=list)


def init() -> None:
    defaults: dict[str, Any] = {
        "lang": DEFAULT,
        "exchanges": [],
        "staff_user": None,
        "include_nonpublic": False,
        "pending_question": None,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def lang() -> str:
    return str(st.session_state["lang"])


def exchanges() -> list[Exchange]:
    return st.session_state["exchanges"]  # type: ignore[no-any-return]


def history() -> list[ChatTurn]:
    return [ChatTurn(e.question, e.answer) for e in exchanges()]


def staff_user() -> str | None:
    return st.session_state.get("staff_user")


def sees_nonpublic() -> bool:
    """Only a signed-in staff member who switched it on sees non-public records."""
    return bool(staff_user()) and bool(st.session_state.get("include_nonpublic"))


def search_filters(document_types: list[str], bodies: list[str], date_from: str | None,
                   date_to: str | None) -> SearchFilters:
    """Filters for retrieval; public_only stays True (fail closed) unless ``sees_nonpublic``."""
    return SearchFilters(document_types=tuple(document_types), bodies=tuple(bodies), date_from=date_from,
                         date_to=date_to, public_only=not sees_nonpublic())


def sign_out() -> None:
    """Sign out and forget the conversation: answers, quotes and download buttons of non-public records
    must not stay on screen (or in the follow-up history) for whoever uses the browser next."""
    st.session_state["staff_user"] = None
    st.session_state["include_nonpublic"] = False
    st.session_state["exchanges"] = []
    st.session_state["pending_question"] = None
    for key in [k for k in st.session_state if str(k).startswith("fb-")]:
        del st.session_state[key]
