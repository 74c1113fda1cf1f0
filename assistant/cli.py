"""`ratsinfo`: a thin command line over the library API (assistant.service.Assistant).

Domain errors become one clear line on stderr and exit status 1, never a traceback. Everything printed goes
through ``safe_output.echo`` (record text cannot send terminal escape sequences); JSON through ``json_safe``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.cli_support import assistant_from, domain_errors, filter_options, filters_from, settings_from
from assistant.models import Hit, SearchFilters
from assistant.safe_output import echo, json_safe
from assistant.settings import Settings
from assistant.verified import verification_line

F = TypeVar("F", bound=Callable[..., Any])


def _settings(ctx: click.Context) -> Settings:
    return settings_from(ctx)


def hit_to_json(hit: Hit) -> dict[str, Any]:
    c = hit.chunk
    return {"rank": hit.rank, "score": round(hit.score, 6), "chunk_id": c.chunk_id, "document_id": c.document_id,
            "source": c.source, "title": c.title, "reference": c.reference, "document_type": c.document_type,
            "date": c.date, "section": c.section, "page": c.page, "text": c.text,
            "section_path": list(c.section_path), "body": c.body, "public": c.public,
            "scores": {k: round(v, 6) for k, v in hit.scores.items()}}


@click.group()
@click.option("--data-dir", type=click.Path(path_type=Path), help="Overrides RATSINFO_DATA_DIR.")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, verbose: int) -> None:
    """Search and question German council records (Ratsinformationssystem) with cited answers."""
    overrides: dict[str, Any] = {"data_dir": data_dir} if data_dir else {}
    settings = Settings(**overrides)
    level = [settings.log_level.upper(), "INFO", "DEBUG"][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # libraries that set their own logger to DEBUG (bm25s) obey too
        handler.setLevel(level)
    ctx.ensure_object(dict)
    ctx.obj["settings"] = settings


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@domain_errors
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Ingest files or folders (PDF, text/Markdown, HTML, OParl JSON)."""
    report = assistant_from(ctx).ingest(list(paths), progress=not as_json)
    if as_json:
        echo(json_safe(report.to_json(), indent=2))
        return
    echo(f"documents: {report.documents_added} added, {report.documents_updated} updated, "
               f"{report.documents_unchanged} unchanged; chunks: {report.chunks_added} added, "
               f"{report.chunks_removed} removed ({report.chunks_embedded} embedded) in {report.seconds:.1f}s")
    for warning in report.warnings:
        echo(f"warning: {warning}")
    for skipped in report.skipped:
        echo(f"skipped: {skipped.path}: {skipped.reason}")


@cli.command()
@click.argument("query")
@click.option("--k", type=int, default=None, help="Number of passages (default RATSINFO_TOP_K).")
@click.option("--mode", type=click.Choice(["dense", "lexical", "hybrid"]), default=None)
@click.option("--json", "as_json", is_flag=True)
@filter_options
@click.pass_context
@domain_errors
def search(ctx: click.Context, query: str, k: int | None, mode: str | None, as_json: bool,
           **filter_args: Any) -> None:
    """Show the passages that match QUERY."""
    hits = assistant_from(ctx).search(query, k=k, filters=filters_from(**filter_args), mode=mode)
    if as_json:
        echo(json_safe([hit_to_json(h) for h in hits], indent=2))
        return
    if not hits:
        echo("no matching passages")
    for h in hits:
        c = h.chunk
        where = f"{c.source}" + (f" p.{c.page}" if c.page else "")
        echo(f"{h.rank}. [{h.score:.4f}] {c.title} | {c.section} | {where}")
        echo("   " + c.text[:300].replace("\n", " ") + ("…" if len(c.text) > 300 else ""))


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True)
@filter_options
@click.pass_context
@domain_errors
def ask(ctx: click.Context, question: str, as_json: bool, **filter_args: Any) -> None:
    """Answer QUESTION from the records, with numbered citations."""
    answer = assistant_from(ctx).ask(question, filters=filters_from(**filter_args))
    if as_json:
        echo(json_safe(answer.to_json(), indent=2))
        return
    checked = verification_line(answer)
    if checked:
        echo(checked + "\n")
    echo(answer.text)
    if answer.next_step:
        echo(("\nNächster Schritt: " if answer.language == "de" else "\nNext step: ") + answer.next_step)
    for c in answer.citations:
        meta = ", ".join(x for x in (c.reference, c.date, f"p. {c.page}" if c.page else None) if x)
        echo(f"\n[{c.n}] {c.title} — {c.section}" + (f" ({meta})" if meta else "") + f" — {c.source}")


@cli.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True)
@click.option("--include-nonpublic", is_flag=True, help="Staff only: include non-public records.")
@click.pass_context
@domain_errors
def matter(ctx: click.Context, query: str, as_json: bool, include_nonpublic: bool) -> None:
    """The course of a matter: REF (Drucksachen-Nr.), URL/OParl id/file name, or a question about it."""
    from assistant.language import detect_language
    from assistant.matter_answers import timeline_answer

    timeline = assistant_from(ctx).matter(query, SearchFilters(public_only=not include_nonpublic))
    if as_json:
        echo(json_safe(timeline.to_json() if timeline else None, indent=2))
        return
    if timeline is None:
        echo(f"error: no matter found for {query!r}", err=True)
        sys.exit(1)
    answer = timeline_answer(query, timeline, detect_language(query) if " " in query else "de")
    echo(answer.text)
    for c in answer.citations:
        meta = ", ".join(x for x in (c.reference, c.date) if x)
        echo(f"\n[{c.n}] {c.title} — {c.section}" + (f" ({meta})" if meta else "") + f" — {c.source}")


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.option("--documents", "list_documents", is_flag=True, help="List the indexed documents.")
@click.pass_context
@domain_errors
def stats(ctx: click.Context, as_json: bool, list_documents: bool) -> None:
    """Index statistics: documents, chunks, embedder."""
    assistant = assistant_from(ctx)
    data = assistant.stats()
    if list_documents:
        data["document_list"] = assistant.documents()
    if as_json:
        echo(json_safe(data, indent=2))
        return
    for key, value in data.items():
        if key != "document_list":
            echo(f"{key}: {value}")
    for d in data.get("document_list", []):
        echo(f"- {d['source']}: {d['title']} ({d['document_type']}, {d['date']}, {d['chunks']} chunks)")


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.pass_context
@domain_errors
def remove(ctx: click.Context, sources: tuple[str, ...]) -> None:
    """Remove documents by file name, path, URL or document id."""
    assistant = assistant_from(ctx)
    for source in sources:
        documents, chunks = assistant.remove(source)
        if documents == 0:
            echo(f"error: no indexed document matches {source!r}", err=True)
            sys.exit(1)
        echo(f"removed {source}: {documents} document(s), {chunks} chunks")


@cli.command()
@click.option("--port", type=int, default=None, help="Port (default RATSINFO_UI_PORT).")
@click.option("--headless/--browser", default=True,
              help="--browser: also open a browser window where one can be opened (the URL is printed either way).")
@click.pass_context
def ui(ctx: click.Context, port: int | None, headless: bool) -> None:
    """Start the chat UI (streamlit) on RATSINFO_UI_ADDRESS; stops its server on SIGTERM/Ctrl+C."""
    from assistant import ui_server

    raise SystemExit(ui_server.run(_settings(ctx), port, open_browser=not headless))


def _register_subcommands() -> None:
    """Commands that live beside their library code (evaluation, benchmarks, OParl sync)."""
    from assistant.alerts_cli import alerts, feeds
    from assistant.chat_cli import chat_command
    from eval.commands import bench_command, bench_scale_command, eval_command
    from ingest.oparl_cli import sync_command

    cli.add_command(eval_command, "eval")
    cli.add_command(bench_command, "bench")
    cli.add_command(bench_scale_command, "bench-scale")
    cli.add_command(sync_command, "sync")
    cli.add_command(chat_command, "chat")
    cli.add_command(alerts, "alerts")
    cli.add_command(feeds, "feeds")


_register_subcommands()


def main() -> None:
    cli(obj={})


if __name__ == "__main__":
    main()
