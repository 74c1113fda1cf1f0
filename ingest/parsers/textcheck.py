"""Is extracted text really text? And control characters out of every extracted text.

Two ratios over the non-whitespace characters of a text:

* ``bad``: control characters (other than tab and newlines), U+FFFD replacement characters and private-use
  code points (what binary data decoded as text, or a broken PDF font, turns into);
* ``odd``: characters (bad ones included) that are neither letters/digits (any script) nor the punctuation
  and symbols of ordinary documents (random bytes read as windows-1252 are full of '¤¦¨¬¯±¹º¾¿×÷').

Measured on the bundled sample corpus and the validation set (80 + 180 real records, text and PDF): the
highest ``bad`` is 0.019 and the highest ``odd`` 0.019 (private-use bullets of the Erlangen PDFs); random
bytes behind ``<html>`` give bad 0.14-0.59, odd 0.21-0.58. The limits below leave a wide margin on both sides.
"""

from __future__ import annotations

import re

MAX_BAD_RATIO = 0.10
MAX_ODD_RATIO = 0.15
MIN_CHARS_TO_JUDGE = 40

_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff\ue000-\uf8ff\U000f0000-\U0010ffff]")
_WS = re.compile(r"\s+")
_COMMON = re.compile(
    r"[\w.,;:!?()\[\]{}/\\\"'„“”‚‘’«»\-–—…%&§€$£+*=<>#@|~^°²³½¼¾·•●▪■□☐☒✓✔→←↑↓_`´\u00ad\u200b-\u200f]"
)
# Removed from every extracted text: C0/C1 controls except tab and newline, DEL, U+FFFD, BOMs inside the text,
# non-characters. Vertical tab and form feed become newlines (the sectioner uses form feeds for page breaks).
_STRIP = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ufeff\ufffe\uffff]")
_TO_NEWLINE = re.compile(r"[\x0b\x0c\u2028\u2029]")


def clean_text(text: str) -> str:
    """``text`` without control characters (tab and newline kept; CR, VT, FF and line separators -> newline)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _STRIP.sub("", _TO_NEWLINE.sub("\n", text))


def ratios(text: str) -> tuple[float, float, int]:
    """(bad ratio, odd ratio, non-whitespace characters) of ``text``."""
    dense = _WS.sub("", text)
    n = len(dense)
    if not n:
        return 0.0, 0.0, 0
    bad = len(_BAD.findall(dense))
    common = len(_COMMON.findall(dense))
    return bad / n, max(0.0, 1 - common / n), n


def text_problem(text: str) -> str | None:
    """Why ``text`` is not text (binary data, a wrong encoding, a broken font), or None when it reads as text."""
    bad, odd, n = ratios(text)
    if n < MIN_CHARS_TO_JUDGE:
        return None
    if bad > MAX_BAD_RATIO:
        return (f"not text: {bad:.0%} of the characters are control, replacement or private-use characters "
                "(binary data or a wrong encoding?)")
    if odd > MAX_ODD_RATIO:
        return f"not text: {odd:.0%} of the characters are stray symbols (binary data or a wrong encoding?)"
    return None
