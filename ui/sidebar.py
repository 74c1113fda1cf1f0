"""The sidebar: language switch, staff box, page choice (staff), and the retrieval filters."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from assistant import access
from assistant.models import SearchFilters
from ui import resources, signin, state
from ui.i18n import LANGUAGES, t

PAGES = ("chat", "feedback", "ingest", "matter", "alerts", "review")
CITIZEN_PAGES = ("chat", "matter", "alerts")


def _options(documents: list[dict[str, Any]], field: str) -> list[str]:
    return sorted({str(d[field]) for d in documents if d.get(field)})


def _parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def render(res: resources.Resources) -> tuple[str, SearchFilters]:
    """Draw the sidebar; returns the chosen page and the filters for retrieval."""
    with st.sidebar:
        st.selectbox(t(state.lang(), "language"), list(LANGUAGES), key="lang",
                     format_func=LANGUAGES.__getitem__)
        lang = state.lang()
        signin.render(res)
        if state.staff_user():
            page = st.radio(t(lang, "page"), PAGES, key="page", format_func=lambda p: t(lang, f"page_{p}"))
        else:
            page = st.radio(t(lang, "page"), CITIZEN_PAGES, key="citizen_page",
                            format_func=lambda p: t(lang, f"page_{p}"))
        documents = resources.documents(res)
        # a citizen does not even learn the names of non-public bodies: the one access rule decides
        visible = SearchFilters(public_only=not state.sees_nonpublic())
        documents = [d for d in documents if access.allows(visible, public=d.get("public"))]
        st.header(t(lang, "filters"))
        types = st.multiselect(t(lang, "document_type"), _options(documents, "document_type"),
                               key="filter_types", placeholder=t(lang, "choose"))
        bodies = st.multiselect(t(lang, "body"), _options(documents, "body"), key="filter_bodies",
                                placeholder=t(lang, "choose"))
        dates = [d for d in (_parse_date(x.get("date")) for x in documents if x.get("date")) if d]
        lowest, highest = (min(dates), max(dates)) if dates else (None, None)
        date_from = st.date_input(t(lang, "date_from"), value=None, min_value=lowest, max_value=highest,
                                  key="filter_from", format="DD.MM.YYYY")
        date_to = st.date_input(t(lang, "date_to"), value=None, min_value=lowest, max_value=highest,
                                key="filter_to", format="DD.MM.YYYY")
        if state.exchanges():
            st.button(t(lang, "clear"), key="clear", on_click=lambda: st.session_state.update(exchanges=[]))
    filters = state.search_filters(
        types, bodies,
        date_from.isoformat() if isinstance(date_from, date) else None,
        date_to.isoformat() if isinstance(date_to, date) else None)
    return str(page), filters
