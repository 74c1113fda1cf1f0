"""Save a search (citizens and staff): the question or search words with the sidebar's filters become a
saved search with its own Atom feed URL (the token in it is the only key). Staff may also subscribe by e-mail
and, when they see non-public records, save a search over them for staff. Render-only: ``assistant.alerts``."""

from __future__ import annotations

import streamlit as st

from assistant.alerts import Alerts, AlertStore
from assistant.errors import RatsinfoError
from assistant.models import SearchFilters
from ui import state
from ui.i18n import t
from ui.resources import Resources


def render(res: Resources, filters: SearchFilters) -> None:
    lang = state.lang()
    staff = state.staff_user()
    st.title(t(lang, "alerts_title"))
    st.caption(t(lang, "alerts_hint"))
    with st.form("alert_form", clear_on_submit=False):
        query = st.text_input(t(lang, "alerts_query"), key="alert_query")
        email = st.text_input(t(lang, "alerts_email"), key="alert_email") if staff else ""
        submitted = st.form_submit_button(t(lang, "alerts_save"), key="alert_save")
    if submitted:
        try:
            store = AlertStore.from_settings(res.settings)
            # a citizen's search is public-only whatever the filters say (AlertStore enforces it, too)
            scope = filters if staff else SearchFilters(document_types=filters.document_types, bodies=filters.bodies,
                                                        date_from=filters.date_from, date_to=filters.date_to)
            search = store.create(query, scope, language=lang, staff_user=staff, email=email or None)
            alerts = Alerts(res.assistant, store, res.settings)
            alerts.write_feed(search)
            st.session_state["alert_feed_url"] = alerts.feed_url(search)
        except RatsinfoError as exc:
            st.error(t(lang, "error", message=str(exc)))
            return
    url = st.session_state.get("alert_feed_url")
    if url:
        st.success(t(lang, "alerts_saved"))
        st.code(url, language=None)
