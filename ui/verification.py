"""Staff-checked answers in the chat: the store (process-wide, beside the feedback), the note above an answer,
and the hook of the staff verdict form ('correct' verifies, 'wrong'/'incomplete' withdraws)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st

from assistant.errors import RatsinfoError
from assistant.models import Answer
from assistant.verified import VerifiedAnswers
from ui import state
from ui.i18n import t
from ui.resources import Resources
from ui.safe_text import escape_markdown

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _store(path: str) -> VerifiedAnswers:
    return VerifiedAnswers(path)


def store(res: Resources) -> VerifiedAnswers:
    """The verified answers in the feedback database of this app's settings."""
    return _store(str(res.feedback.path.resolve()))


def _date(day: str, lang: str) -> str:
    return f"{day[8:10]}.{day[5:7]}.{day[:4]}" if lang == "de" and len(day) >= 10 else day


def note(answer: Answer, lang: str) -> None:
    """'Checked by staff on DATE' above a verified answer; the outdated notice above a fresh one."""
    if answer.verified_on:
        st.success(t(lang, "verified_by_staff", date=_date(answer.verified_on, lang)), icon="✅")
    elif answer.verification_outdated:
        st.warning(t(lang, "verified_outdated"), icon="🔄")


def on_verdict(res: Resources, question: str, answer: Answer, verdict: str,
               citation_verdicts: Mapping[int, str], lang: str) -> None:
    """After a staff verdict is stored: keep the verified answers in step with it."""
    try:
        day = store(res).on_verdict(question, answer, verdict, citation_verdicts, state.staff_user(),
                                    res.assistant.store)
    except RatsinfoError as exc:
        st.warning(t(lang, "verified_not_saved", reason=escape_markdown(str(exc))))
        return
    if day:
        st.success(t(lang, "verified_saved"))
