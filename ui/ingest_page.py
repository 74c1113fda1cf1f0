"""Staff page: upload files or name a server folder, ingest with progress, show the report and index stats."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from assistant.errors import RatsinfoError
from assistant.models import IngestReport
from ui import state
from ui.i18n import t
from ui.resources import Resources

UPLOAD_TYPES = ["pdf", "txt", "md", "html", "htm", "json"]


def safe_name(name: str) -> str:
    """A file name without folders or odd characters, so an upload cannot escape the uploads folder."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^\w.\-]+", "_", base).lstrip(".")
    return cleaned or "upload"


def save_uploads(files: list, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for f in files:
        path = folder / safe_name(f.name)
        path.write_bytes(f.getvalue())
        paths.append(path)
    return paths


def _report(report: IngestReport, lang: str) -> None:
    st.success(t(lang, "ingest_done", added=report.documents_added, updated=report.documents_updated,
                 unchanged=report.documents_unchanged, chunks=report.chunks_added,
                 removed=report.chunks_removed, seconds=report.seconds))
    if report.skipped:
        st.subheader(t(lang, "ingest_skipped"))
        rows = [{"file": Path(s.path).name, "reason": s.reason} for s in report.skipped]
        st.dataframe(rows, hide_index=True)
    if report.warnings:
        st.subheader(t(lang, "ingest_warnings"))
        st.dataframe([{"warning": w} for w in report.warnings], hide_index=True)


def _stats(res: Resources, lang: str) -> None:
    stats = res.assistant.stats()
    st.subheader(t(lang, "stats"))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t(lang, "stats_documents"), stats["documents"],
              help=f"{stats['public_documents']} {t(lang, 'stats_public')}")
    c2.metric(t(lang, "stats_chunks"), stats["chunks"])
    c3.metric(t(lang, "stats_updated"), (stats.get("last_updated") or "–").replace("T", " ")[:16],
              help=f"{t(lang, 'stats_generation')}: {stats['generation']}")
    c4.metric(t(lang, "stats_embedder"), str(stats["embedder"]).split(":")[0])
    st.caption(" · ".join(str(stats[k]) for k in ("embedder", "retrieval_mode", "answer_backend", "store")))
    if stats["document_types"]:
        st.dataframe([{t(lang, "document_type"): k, t(lang, "stats_documents"): v}
                      for k, v in sorted(stats["document_types"].items())], hide_index=True)


def render(res: Resources) -> None:
    lang = state.lang()
    st.title(t(lang, "ingest_title"))
    with st.form("ingest", clear_on_submit=True):
        uploads = st.file_uploader(t(lang, "upload"), type=UPLOAD_TYPES, accept_multiple_files=True,
                                   key="ingest_files")
        folder = st.text_input(t(lang, "folder"), key="ingest_folder")
        submitted = st.form_submit_button(t(lang, "ingest_start"), key="ingest_submit")
    if submitted:
        paths = save_uploads(list(uploads or []), res.settings.data_dir / "uploads")
        if folder.strip():
            path = Path(folder.strip()).expanduser()
            if not path.is_dir():
                st.error(t(lang, "ingest_folder_missing", path=str(path)))
                paths = []
            else:
                paths.append(path)
        if not paths:
            st.warning(t(lang, "ingest_nothing"))
        else:
            bar = st.progress(0.0, text=t(lang, "ingest_progress", i=0, n="…", name=""))

            def on_file(i: int, n: int, name: str) -> None:
                text = t(lang, "ingest_progress", i=i + 1, n=n, name=Path(name).name)
                bar.progress(min(i / max(n, 1), 1.0), text=text)

            try:
                report = res.assistant.ingest(paths, on_file=on_file)
            except RatsinfoError as exc:
                st.error(t(lang, "error", message=str(exc)))
            else:
                bar.progress(1.0, text="")
                _report(report, lang)
    _stats(res, lang)
