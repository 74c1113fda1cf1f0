"""`ratsinfo sync URL`: keep the index in step with a council system's OParl endpoint.

Register with ``cli.add_command(sync_command, "sync")``; also runnable alone:
``python -m ingest.oparl_cli URL``.
"""

from __future__ import annotations

import json
import logging
import sys

import click

from assistant.cli_support import domain_errors, settings_from
from assistant.safe_output import echo
from assistant.settings import Settings


@click.command("sync")
@click.argument("url")
@click.option("--full", is_flag=True, help="Ignore the stored modified_since watermark and walk every list.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@domain_errors
def sync_command(ctx: click.Context, url: str, full: bool, as_json: bool) -> None:
    """Sync an OParl System or Body URL: papers, meetings, files; later runs fetch only what changed."""
    from assistant.service import Assistant
    from ingest.oparl.sync import sync

    settings = settings_from(ctx)  # the one the `ratsinfo` group built (honours --data-dir)
    assistant = ctx.find_root().obj.get("assistant") or Assistant.from_settings(settings)
    report = sync(url, assistant.indexer, assistant.settings, progress=not as_json, full=full)
    if as_json:
        echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        ingest = report.ingest
        echo(
            f"objects: {report.objects} ({report.added} new, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.deleted} deleted); files: {report.files} read, "
            f"{report.files_unchanged} unchanged; chunks: {ingest.chunks_embedded if ingest else 0} "
            f"embedded, {report.chunks_removed + (ingest.chunks_removed if ingest else 0)} removed; "
            f"{report.requests} requests in {report.seconds:.1f}s"
        )
        for file_id, reason in report.skipped_files:
            echo(f"skipped: {file_id}: {reason}")
        for object_id, reason in report.errors:
            echo(f"error: {object_id}: {reason}")
    if not report.complete:
        sys.exit(2)  # lists were cut short: the watermark did not move, the next run picks up the rest


def main() -> None:
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    sync_command(obj={"settings": settings})


if __name__ == "__main__":
    main()
