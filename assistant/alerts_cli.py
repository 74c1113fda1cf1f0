"""`ratsinfo alerts` and `ratsinfo feeds`: saved searches, their Atom feeds and e-mail digests (thin commands over
assistant.alerts and assistant.feeds)."""

from __future__ import annotations

import sys
from typing import Any

import click

from assistant.cli_support import assistant_from, domain_errors, filter_options, filters_from, settings_from
from assistant.safe_output import echo, json_safe


@click.group()
def alerts() -> None:
    """Saved searches: feeds for citizens, e-mail digests for staff (`alerts run` after each sync)."""


@alerts.command("add")
@click.argument("query")
@click.option("--staff", "staff_user", help="Staff user who saves it (allows --email and --include-nonpublic).")
@click.option("--email", help="Staff: send a digest of new matches to this address.")
@click.option("--lang", "language", default="de", type=click.Choice(["de", "en"]))
@filter_options
@click.pass_context
@domain_errors
def alerts_add(ctx: click.Context, query: str, staff_user: str | None, email: str | None, language: str,
               **filter_args: Any) -> None:
    """Save QUERY (with filters); prints the feed URL."""
    from assistant.alerts import Alerts, AlertStore

    settings = settings_from(ctx)
    store = AlertStore.from_settings(settings)
    if filter_args.get("include_nonpublic") and not staff_user:
        echo("error: only staff (--staff USER) may save a search over non-public records", err=True)
        sys.exit(1)
    search = store.create(query, filters_from(**filter_args), language=language, staff_user=staff_user, email=email)
    alerts_ = Alerts(assistant_from(ctx), store, settings)
    alerts_.write_feed(search)
    echo(alerts_.feed_url(search))


@alerts.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@domain_errors
def alerts_list(ctx: click.Context, as_json: bool) -> None:
    """The saved searches with their feed URLs."""
    from assistant.alerts import AlertStore
    from assistant.feeds import feed_url

    settings = settings_from(ctx)
    rows = [{"query": s.query, "feed": feed_url(settings.feeds_url, s.token), "created_at": s.created_at,
             "staff": s.created_by, "email": s.email, "public_only": s.filters.public_only}
            for s in AlertStore.from_settings(settings).searches()]
    if as_json:
        echo(json_safe(rows, indent=2))
        return
    for r in rows:
        echo(f"{r['created_at']}  {r['query']}  {r['feed']}" + (f"  e-mail: {r['email']}" if r["email"] else ""))


@alerts.command("run")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@domain_errors
def alerts_run(ctx: click.Context, as_json: bool) -> None:
    """Match the records added since the last run against every saved search; write feeds, send digests."""
    from assistant.alerts import Alerts, AlertStore

    settings = settings_from(ctx)
    report = Alerts(assistant_from(ctx), AlertStore.from_settings(settings), settings).run()
    if as_json:
        echo(json_safe(report.to_json(), indent=2))
        return
    note = " (first run: took note of the indexed records)" if report.baseline else ""
    echo(f"new records: {report.new_documents}; feed entries: {report.entries}; feeds written: {report.feeds}; "
         f"e-mails: {report.emails}{note}")


@click.group()
def feeds() -> None:
    """The Atom feeds of saved searches."""


@feeds.command("serve")
@click.option("--port", type=int, default=None, help="Port (default RATSINFO_FEEDS_PORT).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.pass_context
def feeds_serve(ctx: click.Context, port: int | None, host: str) -> None:
    """Serve <token>.xml from the feeds folder, read-only (nothing else: no listing, no other path)."""
    from assistant.feeds import FeedServer

    settings = settings_from(ctx)
    server = FeedServer(settings.feeds_path, host, settings.feeds_port if port is None else port)
    echo(f"serving feeds from {settings.feeds_path} on {server.url}")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
