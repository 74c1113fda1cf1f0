"""A citation [n]: an expander with the document's metadata and the quoted passage highlighted in place."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from assistant.models import Citation
from ui.i18n import t
from ui.safe_text import escape_markdown, highlight_markdown


def label(c: Citation, lang: str) -> str:
    """Expander label (markdown, so escaped): '[n] title – section', marked when not public."""
    text = f"[{c.n}] {c.title or c.source}"
    if c.section and c.section != c.title:
        text += f" – {c.section}"
    if c.page:
        text += f" ({t(lang, 'meta_page')} {c.page})"
    marker = f"🔒 {t(lang, 'nonpublic')} · " if c.public is not True else ""
    return marker + escape_markdown(text)


def metadata_markdown(c: Citation, lang: str) -> str:
    rows = [
        ("meta_title", c.title), ("meta_reference", c.reference), ("meta_type", c.document_type),
        ("meta_body", c.body), ("meta_date", c.date), ("meta_section", c.section),
        ("meta_page", str(c.page) if c.page else None), ("meta_source", c.source),
    ]
    return "  \n".join(f"**{t(lang, key)}:** {escape_markdown(value)}" for key, value in rows if value)


def _reader(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


def original_file(c: Citation) -> Path | None:
    """The local original of the cited document, when it is a readable file."""
    if not c.source_path or "://" in c.source_path:
        return None
    path = Path(c.source_path)
    return path if path.is_file() else None


def render(c: Citation, lang: str, key: str) -> None:
    with st.expander(label(c, lang)):
        if c.public is not True:
            st.warning(t(lang, "nonpublic_note"), icon="🔒")
        st.markdown(metadata_markdown(c, lang))
        st.caption(t(lang, "passage"))
        with st.container(border=True):
            st.markdown(highlight_markdown(c.passage, c.quote))
        path = original_file(c)
        if path is not None:
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            text = t(lang, "download") + (f" ({t(lang, 'meta_page')} {c.page})" if c.page else "")
            st.download_button(text, data=_reader(path), file_name=path.name, mime=mime, key=f"{key}-dl",
                               on_click="ignore")
        elif c.source_path.startswith(("https://", "http://")):
            st.link_button(t(lang, "open_source"), c.source_path)
