"""Staff page: the stored verdicts, filtered, and their export as an eval question set (JSONL)."""

from __future__ import annotations

import io

import streamlit as st

from assistant.feedback import VERDICTS, FeedbackFilter
from ui import state
from ui.i18n import t
from ui.resources import Resources


def render(res: Resources) -> None:
    lang = state.lang()
    st.title(t(lang, "feedback_title"))
    col1, col2, col3 = st.columns(3)
    verdict = col1.selectbox(t(lang, "filter_verdict"), ("", *VERDICTS), key="fb_filter_verdict",
                             format_func=lambda v: t(lang, v) if v else t(lang, "filter_any"))
    language = col2.selectbox(t(lang, "language"), ("", "de", "en"), key="fb_filter_lang",
                              format_func=lambda v: v or t(lang, "filter_any"))
    text = col3.text_input(t(lang, "filter_text"), key="fb_filter_text")
    filters = FeedbackFilter(verdict=verdict or None, language=language or None, text=text or None)
    entries = res.feedback.list(filters)
    if not entries:
        st.info(t(lang, "feedback_empty"))
        return
    rows = [{
        "#": e.id, t(lang, "meta_date"): e.created_at, t(lang, "staff"): e.staff_user or "",
        t(lang, "filter_verdict"): t(lang, e.verdict), "question": e.question,
        t(lang, "sources"): ", ".join(f"[{n}] {t(lang, v)}" for n, v in sorted(e.citation_verdicts.items())),
        t(lang, "comment"): e.comment, "lang": e.language,
    } for e in entries]
    st.dataframe(rows, hide_index=True, width="stretch")  # the data grid shows cell text, never HTML
    buffer = io.StringIO()
    summary = res.feedback.export_questions(buffer, filters)
    st.caption(t(lang, "export_note", written=summary.written, skipped=summary.skipped))
    st.download_button(t(lang, "export"), data=buffer.getvalue().encode("utf-8"),
                       file_name="feedback-questions.jsonl", mime="application/jsonl", key="fb_export",
                       on_click="ignore")
