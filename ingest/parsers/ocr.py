"""OCR for PDF pages without a text layer: pypdfium2 renders the page, tesseract (pytesseract) reads it.

Chosen over ``ocrmypdf --force-ocr`` by measurement on the scanned sample (a one-page A2 map with its legend,
erlangen_sbr_2021-04-14_Anhang_Erlangen-Massnahmenplan_2035-5.pdf): tesseract on the rendered page took 35 s
and gave 3,300 characters of legend text; ocrmypdf took 54 s (with --deskew) and its output PDF had no text
pypdf or pdfium could read. Rendering in memory also needs no ghostscript, no temp files and only the pages
that lack text.

Only pages that need it are read (``needs_ocr``), at most ``ctx.ocr_max_pages`` per file. Without tesseract
the file is still ingested: one note says OCR is unavailable and the pages stay empty.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass

from ingest.parsers.base import ParseContext

log = logging.getLogger(__name__)

OCR_DPI = 200  # measured: 150, 200 and 300 dpi gave the same text on the sample; 200 keeps small print
OCR_PAGE_TIMEOUT_S = 120
MIN_LETTERS_PER_PAGE = 20


@dataclass(frozen=True)
class OcrResult:
    texts: list[str]  # page texts, recognised ones replaced
    recognised: frozenset[int]  # 1-based numbers of the pages whose text came from OCR
    notes: tuple[str, ...]
    attempted: frozenset[int] = frozenset()  # pages OCR read (recognised or not)


_TOKEN = re.compile(r"\S+")
_WORDLIKE = re.compile(
    r"^[(\[„\"'‚]?(?:[A-ZÄÖÜ]?[a-zäöüß]+(?:-[A-ZÄÖÜa-zäöüß]+)*|[A-ZÄÖÜ]{1,12}|\d+[a-z]?|[\d.,:/%€-]+)"
    r"[)\]“\"'‘.,;:!?*]*$"
)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def drop_noise(text: str) -> str:
    """Lines of OCR text that read as words; map symbols, hatching and stray glyphs read as letters go.

    A line stays when at least half of its tokens look like words or numbers ("Quartier", "GEWOBAU", "1a",
    "50.000") and it holds a word of three letters or more.
    """
    kept = []
    for line in text.split("\n"):
        tokens = _TOKEN.findall(line)
        good = [t for t in tokens if _WORDLIKE.match(t)]
        if not tokens or (2 * len(good) >= len(tokens) and any(sum(c.isalpha() for c in t) >= 3 for t in good)):
            kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def tesseract_problem(languages: str) -> str | None:
    """Why OCR cannot run here, or None when tesseract and its language data are installed."""
    if shutil.which("tesseract") is None:
        return "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-deu)"
    try:
        import pytesseract

        installed = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # noqa: BLE001 - any failure here means: no OCR
        return f"tesseract is not usable ({type(exc).__name__}: {exc})"
    missing = [lang for lang in languages.split("+") if lang not in installed]
    if missing:
        return f"tesseract language data missing: {', '.join(missing)} (apt-get install tesseract-ocr-{missing[0]})"
    return None


def needs_ocr(texts: list[str], skip: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """1-based numbers of the pages without a usable text layer."""
    return [n for n, t in enumerate(texts, start=1) if n not in skip and _letters(t) < MIN_LETTERS_PER_PAGE]


def recognise_pages(
    data: bytes, texts: list[str], *, name: str, ctx: ParseContext, skip: set[int] | frozenset[int] = frozenset()
) -> OcrResult:
    """OCR the pages of ``data`` that have no text layer (``skip``: pages that failed for other reasons)."""
    wanted = needs_ocr(texts, skip)
    if not wanted or ctx.ocr == "off":
        return OcrResult(texts, frozenset(), ())
    problem = tesseract_problem(ctx.ocr_languages)
    if problem:
        note = f"{name}: {len(wanted)} page(s) without a text layer not read: {problem}"
        log.warning(note)
        return OcrResult(texts, frozenset(), (note,))
    notes: list[str] = []
    if len(wanted) > ctx.ocr_max_pages:
        notes.append(f"{name}: OCR limited to {ctx.ocr_max_pages} of {len(wanted)} pages without a text layer "
                     "(RATSINFO_OCR_MAX_PAGES)")
        wanted = wanted[: ctx.ocr_max_pages]
    import pypdfium2 as pdfium
    import pytesseract

    out = list(texts)
    done: set[int] = set()
    pdf = pdfium.PdfDocument(data)
    try:
        for number in wanted:
            try:
                image = pdf[number - 1].render(scale=OCR_DPI / 72).to_pil().convert("L")
                text = drop_noise(
                    pytesseract.image_to_string(image, lang=ctx.ocr_languages, timeout=OCR_PAGE_TIMEOUT_S)
                )
            except (RuntimeError, pytesseract.TesseractError, OSError) as exc:
                notes.append(f"{name}: OCR of page {number} failed ({type(exc).__name__}: {exc})")
                continue
            if _letters(text) >= MIN_LETTERS_PER_PAGE:
                out[number - 1] = text
                done.add(number)
    finally:
        pdf.close()
    if done:
        log.info("%s: text of %d page(s) recognised by OCR", name, len(done))
    return OcrResult(out, frozenset(done), tuple(notes), frozenset(wanted))
