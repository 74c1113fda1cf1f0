"""The matter page (citizens and staff): the course of one matter — its consultations in order, its files and
related papers — by Drucksachen-Nr., URL or a question. Render-only: ``Assistant.matter`` builds it."""

from __future__ import annotations

import streamlit as st

from assistant.errors import RatsinfoError
from assistant.matter_answers import german_date, timeline_answer
from assistant.matters import RELATION_LABELS
from assistant.models import SearchFilters
from ui import chat, state
from ui.i18n import t
from ui.resources import Resources


def render(res: Resources, filters: SearchFilters) -> None:
    lang = state.lang()
    st.title(t(lang, "matter_title"))
    st.caption(t(lang, "matter_hint"))
    initial = st.query_params.get("matter", "")
    query = st.text_input(t(lang, "matter_query"), value=initial, key="matter_query")
    if not query.strip():
        return
    try:
        timeline = res.assistant.matter(query.strip(), SearchFilters(public_only=filters.public_only))
    except RatsinfoError as exc:
        st.error(t(lang, "error", message=str(exc)))
        return
    if timeline is None:
        st.info(t(lang, "matter_none"), icon="🔎")
        return
    rows = [{
        t(lang, "meta_date"): german_date(s.consultation.date) if lang == "de" else (s.consultation.date or ""),
        t(lang, "meta_body"): s.consultation.body or "", "TOP": s.consultation.agenda_number or "",
        t(lang, "matter_role"): s.consultation.role or "", t(lang, "matter_result"): s.consultation.result or "",
        t(lang, "matter_resolution"): s.consultation.resolution or "",
    } for s in timeline.steps]
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")  # cell text, never HTML
    if timeline.related:
        labels = RELATION_LABELS["de" if lang == "de" else "en"]
        st.dataframe([{t(lang, "matter_relation"): labels.get(r.relation, r.relation),
                       t(lang, "meta_reference"): r.reference or "", t(lang, "meta_title"): r.title,
                       t(lang, "meta_date"): r.date or ""} for r in timeline.related],
                     hide_index=True, width="stretch", key="matter_related")
    if timeline.files:
        st.caption(t(lang, "matter_files") + ": " + "; ".join(timeline.files))
    chat.render_answer(res, timeline_answer(query, timeline, lang), lang, key="matter")
