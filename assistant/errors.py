"""Domain errors. The CLI turns each into one clear line instead of a traceback."""

from __future__ import annotations


class RatsinfoError(Exception):
    """Base class of every error the assistant reports to a user."""


class ParseError(RatsinfoError):
    """A source file could not be read; names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class EmbedderMismatchError(RatsinfoError):
    """The index was built by another embedder; mixing vectors would make search meaningless."""


class EmbedderUnavailableError(RatsinfoError):
    """The configured embedding model cannot be loaded here (not installed, not downloadable)."""


class ConfigurationError(RatsinfoError):
    """A setting has a value the assistant cannot work with."""
