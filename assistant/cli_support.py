"""What every `ratsinfo` subcommand shares, wherever it lives (assistant/, eval/, ingest/): the settings object
built once at the entry point, and domain errors turned into one line on stderr (exit status 1)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from assistant.errors import RatsinfoError
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
