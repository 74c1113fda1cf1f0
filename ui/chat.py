"""The chat page: example questions, the conversation with cited answers, and (staff) verdict forms."""

from __future__ import annotations

import logging
import re

import streamlit as st

from assistant.errors import RatsinfoError
from assistant.feedback import KINDS, VERDICTS, retrieval_settings
from assistant.models import Answer, SearchFilters
from ui import citations, state, verification
from ui.i18n import EXAMPLES, t
from ui.resources import Resources, servable_original
from ui.safe_text import escape_markdown

log = logging.getLogger(__name__)


def _ask_example(question: str) -> None:
    st.session_state["pending_question"] = question


def _examples(lang: str) -> None:
    st.markdown(f"**{t(lang, 'examples')}**")
    for i, question in enumerate(EXAMPLES[lang]):
        st.button(question, key=f"example-{i}", on_click=_ask_example, args=(question,))


def render_answer(res: Resources, answer: Answer, lang: str, key: str) -> None:
    """Three outcomes: an answer (the short answer first and large, then the quoted evidence), related
    records without an answer (shown as such, with the records to read on), nothing found. Headings follow
    the answer's language, not the UI's."""
    lang = answer.language if answer.language in ("de", "en") else lang
    verification.note(answer, lang)
    if answer.refused:
        if getattr(answer, "related", False):
            st.warning(f"**{escape_markdown(t(lang, 'related_title'))}**  \n"
                       f"{escape_markdown(t(lang, 'related_hint'))}", icon="📂")
        else:
            st.info(t(lang, "nothing_found") + " " + t(lang, "nothing_found_hint"), icon="🔎")
        if answer.next_step:  # the operator's template with the URL-encoded question
            st.link_button(t(lang, "no_answer_next_step"), answer.next_step)
        if getattr(answer, "related", False):
            _citations(res, answer, lang, key)
        return
    short = getattr(answer, "short_answer", None)
    text = answer.text
    if short:
        st.caption(t(lang, "short_answer"))
        rest = text.split(short, 1)[1] if short in text else text
        marker = re.match(r"\s*(\[\d+\])", rest)  # the short answer keeps its citation marker
        st.markdown(f"### {escape_markdown(short)}" + (f" {marker.group(1)}" if marker else ""))
        text = (rest[marker.end():] if marker else rest).strip()
        if text:
            st.caption(t(lang, "evidence"))
    if text:
        st.markdown(escape_markdown(text))
    _citations(res, answer, lang, key)


def _citations(res: Resources, answer: Answer, lang: str, key: str) -> None:
    if answer.citations:
        st.caption(t(lang, "sources"))
        for c in answer.citations:
            original = servable_original(res, c, state.sees_nonpublic())
            citations.render(c, lang, key=f"{key}-c{c.n}", original=original)


def _verdict_form(res: Resources, index: int, exchange: state.Exchange, lang: str) -> None:
    answer = exchange.answer
    form_key = f"fb-{index}"
    with st.expander(t(lang, "verdict")), st.form(form_key, clear_on_submit=True):
        verdict = st.radio(t(lang, "verdict"), VERDICTS, key=f"{form_key}-verdict", horizontal=True,
                           format_func=lambda v: t(lang, v))
        marks = {}
        for c in answer.citations:
            marks[c.n] = st.radio(t(lang, "verdict_citation", n=c.n), ("", *VERDICTS), horizontal=True,
                                  key=f"{form_key}-c{c.n}",
                                  format_func=lambda v: t(lang, v) if v else t(lang, "verdict_none"))
        kind = st.selectbox(t(lang, "kind"), KINDS, key=f"{form_key}-kind")
        contains = st.text_input(t(lang, "answer_contains"), key=f"{form_key}-contains")
        comment = st.text_area(t(lang, "comment"), key=f"{form_key}-comment")
        if st.form_submit_button(t(lang, "save_feedback"), key=f"{form_key}-save"):
            feedback_id = res.feedback.record(
                answer, verdict, citation_verdicts={n: v for n, v in marks.items() if v}, comment=comment,
                staff_user=state.staff_user(), kind=kind,
                retrieval=retrieval_settings(exchange.filters, exchange.mode, answer),
                answer_contains=[s for s in contains.split(",") if s.strip()])
            exchange.feedback_ids.append(feedback_id)
            verification.on_verdict(res, exchange.question, answer, verdict, marks, lang)
    if exchange.feedback_ids:
        st.success(t(lang, "feedback_saved", id=exchange.feedback_ids[-1]))


def _ask(res: Resources, question: str, filters: SearchFilters, lang: str) -> None:
    """Stream the answer as plain text while it is produced, then keep the final (guarded) answer."""
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    try:
        with st.chat_message("assistant"):
            preview = st.empty()
            with st.spinner(t(lang, "searching")):
                stream = res.assistant.stream(question, filters=filters, history=state.history(),
                                              verified=verification.store(res))
            shown = ""
            for token in stream:
                shown += token
                preview.text(shown)  # plain text: model output is never rendered as markdown/HTML here
            answer = stream.answer
            preview.empty()
    except RatsinfoError as exc:
        log.warning("question failed: %s", exc)
        st.error(t(lang, "error", message=str(exc)))
        return
    state.exchanges().append(state.Exchange(question, answer, filters))
    st.rerun()


def render(res: Resources, filters: SearchFilters) -> None:
    lang = state.lang()
    st.title(t(lang, "title"))
    st.caption(t(lang, "subtitle"))
    question = st.chat_input(t(lang, "ask"), key="question") or st.session_state.pop("pending_question", None)
    if not state.exchanges() and not (question and question.strip()):
        _examples(lang)
    for i, exchange in enumerate(state.exchanges()):
        with st.chat_message("user"):
            st.markdown(escape_markdown(exchange.question))
        with st.chat_message("assistant"):
            render_answer(res, exchange.answer, lang, key=f"a{i}")
            if state.staff_user():
                _verdict_form(res, i, exchange, lang)
    if question and question.strip():
        _ask(res, question.strip(), filters, lang)
