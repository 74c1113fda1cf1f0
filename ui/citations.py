"""A citation [n]: an expander with the document's metadata and the quoted passage highlighted in place."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from assistant.models import Citation
from ui.i18n import t
from ui.resources import original_file
from ui.safe_text import escape_markdown, highlight_markdown


def _part(c: Citation) -> str | None:
    return getattr(c, "part", None)


def _path(c: Citation) -> tuple[str, ...]:
    return tuple(getattr(c, "section_path", ()) or ())


def label(c: Citation, lang: str) -> str:
    """Expander label (markdown, so escaped): '[n] record – part – section (page, date)', marked when not
    public."""
    text = f"[{c.n}] {c.title or c.source}"
    part = _part(c)
    if part and part not in (c.title, c.section):
        text += f" – {part}"
    if c.section and c.section != c.title:
        text += f" – {c.section}"
    details = [f"{t(lang, 'meta_page')} {c.page}"] if c.page else []
    if c.date:
        details.append(c.date)
    if getattr(c, "ocr", False):
        details.append("OCR")
    if details:
        text += f" ({', '.join(details)})"
    marker = f"🔒 {t(lang, 'nonpublic')} · " if c.public is not True else ""
    return marker + escape_markdown(text)


def metadata_markdown(c: Citation, lang: str) -> str:
    path = _path(c)
    rows = [
        ("meta_title", c.title), ("meta_part", _part(c)), ("meta_reference", c.reference),
        ("meta_type", c.document_type), ("meta_body", c.body), ("meta_date", c.date),
        ("meta_section", c.section), ("meta_path", " › ".join(path) if len(path) > 1 else None),
        ("meta_page", str(c.page) if c.page else None),
        ("meta_ocr", t(lang, "ocr_yes") if getattr(c, "ocr", False) else None), ("meta_source", c.source),
    ]
    return "  \n".join(f"**{t(lang, key)}:** {escape_markdown(value)}" for key, value in rows if value)


def _reader(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


def _passage_file_name(c: Citation) -> str:
    stem = Path(c.source or "quelle").stem or "quelle"
    return f"{stem}-abschnitt-{c.n}.txt"


def render(c: Citation, lang: str, key: str, original: Path | None = None) -> None:
    """``original``: the file this viewer may download (``resources.servable_original``); when the cited
    document has a local original that is withheld, the cited public passage is offered as text instead."""
    with st.expander(label(c, lang)):
        if c.public is not True:
            st.warning(t(lang, "nonpublic_note"), icon="🔒")
        st.markdown(metadata_markdown(c, lang))
        st.caption(t(lang, "passage"))
        with st.container(border=True):
            st.markdown(highlight_markdown(c.passage, c.quote))
        if original is not None:
            mime = mimetypes.guess_type(original.name)[0] or "application/octet-stream"
            text = t(lang, "download") + (f" ({t(lang, 'meta_page')} {c.page})" if c.page else "")
            st.download_button(text, data=_reader(original), file_name=original.name, mime=mime,
                               key=f"{key}-dl", on_click="ignore")
        elif original_file(c) is not None:
            st.caption(t(lang, "download_withheld"))
            st.download_button(t(lang, "download_passage"), data=c.passage.encode("utf-8"),
                               file_name=_passage_file_name(c), mime="text/plain", key=f"{key}-dl-passage",
                               on_click="ignore")
        elif c.source_path.startswith(("https://", "http://")):
            st.link_button(t(lang, "open_source"), c.source_path)
