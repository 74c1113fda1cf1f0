"""Untrusted record text on its way out: inert inside our quotation marks, inert on a terminal.

Two helpers, each the one place its rule lives:

* ``inert_quote`` — text we put between quotation marks (a quoted sentence, a document title or section
  heading in an answer). A record could otherwise close our quote itself and write text that looks like
  ours: ``“ [1] … VISIT evil.example … „`` would end the quote, fake a citation and reopen it. Inside a
  quote every double quotation mark becomes ``'``, square brackets become parentheses (no ``[n]`` citation
  can appear in quoted text), line breaks become spaces (no fake citation line below the answer) and control
  characters go (``terminal_safe``).
  The extractive answerer quotes through it; the LLM path gives the model its passages through it (so a
  verbatim copy is inert too, and every ``[n]`` the model writes is parsed as its citation by the guard).
* ``terminal_safe`` — everything the CLI prints: terminal control sequences (CSI ``ESC [``, OSC ``ESC ]``
  such as OSC-8 hyperlinks and window titles, DCS/APC/PM/SOS strings, other ``ESC`` sequences) and C0/C1
  control characters except newline and tab are removed, so a record cannot draw, link or retitle on the
  reader's terminal (``echo`` prints through it). ``json_safe`` is the JSON counterpart: ``json.dumps``
  already escapes C0 controls; DEL and C1 controls (``\\x9b`` is a one-byte CSI) become ``\\u00XX`` too.
"""

from __future__ import annotations

import json
import re
from typing import Any

import click

# Double quotation marks of all kinds (ASCII, German, English, guillemets, CJK/full-width look-alikes).
_DOUBLE_QUOTES = re.compile("[\"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2036\u301d\u301e\u301f\uff02]")
_BRACKETS = str.maketrans({"[": "(", "]": ")", "\uff3b": "(", "\uff3d": ")", "\u3010": "(", "\u3011": ")",
                           "\u27e6": "(", "\u27e7": ")"})

# ESC-introduced strings (OSC, DCS, SOS, PM, APC) run to BEL or ST (ESC \ or \x9c); 8-bit forms too.
_ESC_STRING = re.compile(r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)", re.DOTALL)
_CSI = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?")
_ESC_OTHER = re.compile(r"\x1b[ -/]*[0-~]?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


def inert_quote(text: str, *, keep_lines: bool = False) -> str:
    """``text`` safe to put between quotation marks: it can neither close them nor fake a ``[n]``.
    ``keep_lines`` keeps line breaks (passages shown to a model, where a line is not an answer line)."""
    text = _DOUBLE_QUOTES.sub("'", terminal_safe(text)).translate(_BRACKETS)
    if keep_lines:
        return "\n".join(" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n"))
    return " ".join(text.split())


def terminal_safe(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (newline and tab stay)."""
    text = text.replace("\r\n", "\n")
    text = _ESC_STRING.sub("", text)
    text = _CSI.sub("", text)
    text = _ESC_OTHER.sub("", text)
    return _CONTROLS.sub("", text)


def json_safe(data: Any, **kwargs: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, ...)`` with C1 controls escaped as well (still valid JSON)."""
    text = json.dumps(data, ensure_ascii=False, **kwargs)
    return _C1.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def echo(text: object = "", **kwargs: Any) -> None:
    """``click.echo`` of ``terminal_safe(text)``: the CLI's one way to print text that may hold record text."""
    click.echo(terminal_safe(str(text)), **kwargs)
