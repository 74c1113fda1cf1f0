"""Staff page: the review queue — checked answers whose cited records changed, and the most asked questions
without a checked answer. A question can be put to the chat from here; marking its answer correct checks it."""

from __future__ import annotations

import streamlit as st

from ui import state, verification
from ui.i18n import t
from ui.resources import Resources

QUEUE_LENGTH = 50


def _ask_in_chat(question: str) -> None:
    st.session_state["pending_question"] = question
    st.session_state["page"] = "chat"


def render(res: Resources) -> None:
    lang = state.lang()
    st.title(t(lang, "review_title"))
    st.caption(t(lang, "review_hint"))
    verified = verification.store(res)
    verified.refresh(res.assistant.store)  # a record changed by a sync shows up here before anyone asks again
    items = verified.review_queue(QUEUE_LENGTH)
    if not items:
        st.info(t(lang, "review_empty"))
        return
    rows = [{
        t(lang, "review_kind"): t(lang, f"review_{item.kind}"),
        t(lang, "review_question"): item.question,
        t(lang, "review_asked"): item.asked,
        t(lang, "review_last_asked"): item.last_asked or "",
        t(lang, "review_verified_on"): item.verified_on or "",
        t(lang, "staff"): item.staff_user or "",
    } for item in items]
    st.dataframe(rows, hide_index=True, width="stretch")  # cell text, never HTML
    questions = [item.question for item in items]
    chosen = st.selectbox(t(lang, "review_pick"), range(len(questions)), key="review_pick",
                          format_func=questions.__getitem__)
    st.button(t(lang, "review_ask"), key="review_ask", on_click=_ask_in_chat, args=(questions[chosen or 0],))
