"""What every `ratsinfo` subcommand shares, wherever it lives (assistant/, eval/, ingest/): the settings object
built once at the entry point, and domain errors turned into one line on stderr (exit status 1)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from assistant.errors import RatsinfoError
from assistant.models import SearchFilters
from assistant.safe_output import echo
from assistant.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def settings_from(ctx: click.Context) -> Settings:
    """The settings the `ratsinfo` group built (with ``--data-dir`` applied); built from the environment only
    when a command runs on its own (outside the group, e.g. in a test)."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if "settings" not in root.obj:
        root.obj["settings"] = Settings()
    return root.obj["settings"]  # type: ignore[no-any-return]


def domain_errors(func: F) -> F:
    """A ``RatsinfoError`` becomes ``error: <message>`` on stderr and exit status 1, never a traceback."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RatsinfoError as exc:
            echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def assistant_from(ctx: click.Context) -> Any:
    """The Assistant of this invocation, built once from the group's settings."""
    from assistant.service import Assistant

    root = ctx.find_root()
    root.ensure_object(dict)
    if "assistant" not in root.obj:
        root.obj["assistant"] = Assistant.from_settings(settings_from(ctx))
    return root.obj["assistant"]


def filter_options(func: F) -> F:
    options = [
        click.option("--type", "document_types", multiple=True, help="Document type (repeatable)."),
        click.option("--body", "bodies", multiple=True, help="Body/committee (repeatable)."),
        click.option("--from", "date_from", help="Earliest date, YYYY-MM-DD."),
        click.option("--to", "date_to", help="Latest date, YYYY-MM-DD."),
        click.option("--include-nonpublic", is_flag=True, help="Staff only: include non-public records."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def filters_from(document_types: tuple[str, ...], bodies: tuple[str, ...], date_from: str | None,
             date_to: str | None, include_nonpublic: bool) -> SearchFilters:
    return SearchFilters(document_types=document_types, bodies=bodies, date_from=date_from, date_to=date_to,
                         public_only=not include_nonpublic)
