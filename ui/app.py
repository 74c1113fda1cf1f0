"""Streamlit entry point (``ratsinfo ui`` → ``streamlit run ui/app.py -- --data-dir DIR``).

Thin on purpose: builds the per-session state and the process-wide resources, then hands over to the page
modules. The UI renders; retrieval, answering and parsing belong to ``assistant.service.Assistant``.
"""

from __future__ import annotations

import sys

import streamlit as st

from ui import alerts_page, chat, feedback_page, ingest_page, matter_page, resources, review_page, sidebar, state

st.set_page_config(page_title="Ratsinfo-Assistent", page_icon="🏛️", layout="centered")
state.init()
res = resources.load(sys.argv[1:])
page, filters = sidebar.render(res)
if page == "feedback":
    feedback_page.render(res)
elif page == "ingest":
    ingest_page.render(res)
elif page == "matter":
    matter_page.render(res, filters)
elif page == "alerts":
    alerts_page.render(res, filters)
elif page == "review":
    review_page.render(res)
else:
    chat.render(res, filters)
