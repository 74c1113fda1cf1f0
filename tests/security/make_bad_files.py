"""Generate malformed and hostile input files (>= 80, all small on disk) for the ingest security tests.

    python -m tests.security.make_bad_files OUT_DIR

Every file made here must be skipped by `ratsinfo ingest` with exactly one line naming it; none may produce a
traceback or a chunk. The environment the CLI test sets (``BAD_FILES_ENV``) lowers two limits so that the
"too large" and "too many chunks" files stay small.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, StreamObject

REPO = Path(__file__).resolve().parents[2]
REAL_PDF = REPO / "tests" / "fixtures" / "erlangen_sbr_2024-11-19_Niederschrift_Niederschrift_2_Sitzung_Buechenbach.pdf"
REAL_TEXT = REPO / "tests" / "fixtures" / "aachen_regionalmarketing_vorlage.txt"

# Limits the CLI test sets for this folder (defaults are far larger; the files stay small).
BAD_FILES_ENV = {"RATSINFO_MAX_FILE_MB": "1", "RATSINFO_MAX_CHUNKS_PER_DOCUMENT": "40"}


def _rand(seed: int, n: int) -> bytes:
    return random.Random(seed).randbytes(n)


def _pdf_bytes(writer: PdfWriter) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def blank_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(100, 100)
    return _pdf_bytes(writer)


def content_pdf(contents: list[bytes], *, compress: bool = False) -> bytes:
    """Pages whose content streams are the given bytes (FlateDecode-compressed when ``compress``)."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for raw in contents:
        page = writer.add_blank_page(595, 842)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        if compress:
            stream = StreamObject()
            stream._data = zlib.compress(raw, 9)
            stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        else:
            stream = DecodedStreamObject()
            stream.set_data(raw)
        page[NameObject("/Contents")] = writer._add_object(stream)
    return _pdf_bytes(writer)


def encrypted_pdf(password: str, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(REAL_PDF.read_bytes()))
    writer.encrypt(password, algorithm=algorithm)
    return _pdf_bytes(writer)


def hand_pdf(body: bytes) -> bytes:
    """A minimal hand-written PDF around one catalog object ``body`` (offsets need not be right: pypdf repairs)."""
    return (b"%PDF-1.4\n1 0 obj\n" + body + b"\nendobj\ntrailer\n<< /Root 1 0 R /Size 2 >>\nstartxref\n0\n%%EOF\n")


def _builders() -> dict[str, Callable[[], bytes]]:
    real_pdf = REAL_PDF.read_bytes()
    text = REAL_TEXT.read_text(encoding="utf-8")
    b: dict[str, Callable[[], bytes]] = {}
    # -- PDFs ---------------------------------------------------------------------------------------
    for pct in (1, 5, 10, 25, 40, 50, 60, 75, 90, 99):
        b[f"pdf_truncated_{pct:02d}.pdf"] = lambda pct=pct: real_pdf[: len(real_pdf) * pct // 100]
    for pct in (10, 50, 90):  # truncated, then an end marker glued on so the cheap check passes
        b[f"pdf_truncated_eof_{pct:02d}.pdf"] = lambda pct=pct: real_pdf[: len(real_pdf) * pct // 100] + b"\n%%EOF\n"
    for seed in (1, 2, 3):  # the middle overwritten with random bytes
        def corrupt(seed: int = seed) -> bytes:
            n = len(real_pdf)
            return real_pdf[:1024] + _rand(seed, n - 3072) + real_pdf[-2048:]
        b[f"pdf_corrupt_middle_{seed}.pdf"] = corrupt
    b["pdf_header_only.pdf"] = lambda: b"%PDF-1.7\n%%EOF\n"
    b["pdf_random_body.pdf"] = lambda: b"%PDF-1.4\n" + _rand(7, 20_000) + b"\n%%EOF\n"
    b["pdf_no_pages.pdf"] = lambda: _pdf_bytes(PdfWriter())
    b["pdf_blank_pages.pdf"] = lambda: blank_pdf(3)
    b["pdf_too_many_pages.pdf"] = lambda: blank_pdf(2500)
    b["pdf_lying_page_count.pdf"] = lambda: hand_pdf(
        b"<< /Type /Catalog /Pages << /Type /Pages /Count 99000 /Kids [] >> >>")
    b["pdf_rc4_password.pdf"] = lambda: encrypted_pdf("geheim", "RC4-128")
    b["pdf_aes_password.pdf"] = lambda: encrypted_pdf("geheim", "AES-256")
    b["pdf_huge_streams.pdf"] = lambda: content_pdf([b"0 0 m\n" + b" " * 80_000_000] * 2, compress=True)
    b["pdf_deep_array_content.pdf"] = lambda: content_pdf([b"[" * 20_000 + b"]" * 20_000 + b" TJ"])
    b["pdf_deep_dict_catalog.pdf"] = lambda: hand_pdf(
        b"<< /Type /Catalog /Pages " + b"<< /A " * 5000 + b">>" * 5000 + b" >>")
    b["pdf_self_referencing_pages.pdf"] = lambda: (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [2 0 R] /Count 1 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R /Size 3 >>\nstartxref\n0\n%%EOF\n")
    b["pdf_text_of_controls.pdf"] = lambda: content_pdf(
        [b"BT /F1 12 Tf 50 700 Td (" + bytes(range(1, 9)) * 200 + b") Tj ET"])
    b["pdf_is_html.pdf"] = lambda: b"<html><body>Fehler 404</body></html>"
    b["pdf_gzip.pdf"] = lambda: gzip.compress(real_pdf[:5000])
    # -- text ---------------------------------------------------------------------------------------
    for suffix in ("txt", "md", "pdf", "html", "htm", "json"):
        b[f"zero_bytes_{suffix}.{suffix}"] = lambda: b""
    b["whitespace_only.txt"] = lambda: b" \n\t\n   \r\n" * 50
    for seed in (11, 12, 13):
        b[f"binary_random_{seed}.txt"] = lambda seed=seed: _rand(seed, 8_000)
    b["binary_png.txt"] = lambda: b"\x89PNG\r\n\x1a\n" + _rand(21, 4_000)
    b["binary_gzip.txt"] = lambda: gzip.compress(text.encode())
    b["binary_pdf_as.txt"] = lambda: real_pdf[:20_000]
    b["binary_random.md"] = lambda: _rand(22, 5_000)
    b["latin1.txt"] = lambda: text.encode("latin-1", errors="replace")
    b["cp1252.md"] = lambda: "Beschlussvorlage „Straßenbau“ – Kosten: 5 € für Öffentlichkeit".encode("cp1252")
    b["utf16_le_bom.txt"] = lambda: text.encode("utf-16")
    b["utf16_be_bom.txt"] = lambda: b"\xfe\xff" + text.encode("utf-16-be")
    b["utf16_le_no_bom.txt"] = lambda: text.encode("utf-16-le")
    b["utf32.txt"] = lambda: text.encode("utf-32")
    b["nul_padded.txt"] = lambda: b"Sachverhalt: " + b"\x00" * 10_000
    b["control_chars.txt"] = lambda: bytes(random.Random(31).choice(range(1, 32)) for _ in range(5_000))
    b["control_mixed.txt"] = lambda: ("Beschluss\x01\x02\x03\x04\x05\x06\x07\x08" * 300).encode()
    b["private_use.txt"] = lambda: ("\ue000\ue001\ue002\uf8ff" * 500).encode()
    b["replacement_chars.txt"] = lambda: ("\ufffd" * 3000).encode()
    b["symbols_only.txt"] = lambda: ("¤¦¨¬¯±¹º¾¿×÷" * 400).encode()
    b["too_large.txt"] = lambda: (text * 1000).encode()[: int(1.2 * 2**20)]
    b["too_many_chunks.txt"] = lambda: (text * 30).encode()
    b["invalid_utf8_late.txt"] = lambda: text.encode() + b"\xff\xfe\xfd"
    # -- HTML ---------------------------------------------------------------------------------------
    for seed in (41, 42, 43):
        b[f"html_random_{seed}.html"] = lambda seed=seed: b"<html>" + _rand(seed, 20_000)
    b["html_deep_60k.html"] = lambda: b"<html><body>" + b"<div>" * 60_000 + b"Text" + b"</div>" * 60_000
    b["html_deep_600.htm"] = lambda: b"<html><body>" + b"<span>" * 600 + b"Ein Satz mit Text." + b"</span>" * 600
    b["html_deep_unclosed.html"] = lambda: b"<html><body>" + b"<div><b><i>" * 30_000 + b"Text"
    b["html_empty_body.html"] = lambda: b"<html><head><title>Leer</title></head><body></body></html>"
    b["html_only_script.html"] = lambda: b"<html><body><script>" + b"var a=1;" * 500 + b"</script></body></html>"
    b["html_only_nav.html"] = lambda: b"<html><body><nav>" + b"<a href='#'>Menue</a>" * 100 + b"</nav></body></html>"
    b["html_binary_png.html"] = lambda: b"\x89PNG\r\n\x1a\n" + _rand(44, 5_000)
    b["html_nul_text.html"] = lambda: b"<html><body><p>" + b"\x00\x01\x02\x03" * 2_000 + b"</p></body></html>"
    b["html_pua_text.htm"] = lambda: ("<html><body><p>" + "\ue000\ue0ff" * 1_000 + "</p></body></html>").encode()
    b["html_comment_bomb.html"] = lambda: b"<html><body>" + b"<!--" * 50_000 + b"</body></html>"
    # -- JSON / OParl -------------------------------------------------------------------------------
    b["json_truncated.json"] = lambda: b'{"type": "https://schema.oparl.org/1.1/Paper", "name": "Vorl'
    b["json_trailing_comma.json"] = lambda: b'{"type": "https://schema.oparl.org/1.1/Paper",}'
    b["json_not_json.json"] = lambda: b"Das ist kein JSON."
    b["json_binary.json"] = lambda: _rand(51, 3_000)
    b["json_latin1.json"] = lambda: '{"name": "Straße"}'.encode("latin-1")
    b["json_deep_list.json"] = lambda: b"[" * 100_000 + b"]" * 100_000
    b["json_deep_object.json"] = lambda: b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    b["json_deep_in_paper.json"] = lambda: (
        b'{"type": "https://schema.oparl.org/1.1/Paper", "name": "X", "consultation": '
        + b"[" * 50_000 + b"]" * 50_000 + b"}")
    b["json_list.json"] = lambda: json.dumps([{"type": "https://schema.oparl.org/1.1/Paper"}] * 3).encode()
    b["json_scalar.json"] = lambda: b"42"
    b["json_null.json"] = lambda: b"null"
    b["json_string.json"] = lambda: b'"Beschlussvorlage"'
    b["oparl_type_number.json"] = lambda: b'{"type": 123, "id": 5}'
    b["oparl_type_list.json"] = lambda: b'{"type": ["Paper"], "id": {"x": 1}}'
    b["oparl_body.json"] = lambda: json.dumps(
        {"type": "https://schema.oparl.org/1.1/Body", "name": 5, "id": "x"}).encode()
    b["oparl_person.json"] = lambda: json.dumps({"type": "https://schema.oparl.org/1.1/Person", "name": None}).encode()
    b["oparl_huge_number.json"] = lambda: b'{"type": "https://schema.oparl.org/1.1/Body", "x": ' + b"9" * 5_000 + b"}"
    b["oparl_nan.json"] = lambda: b'{"type": NaN}'
    # -- unsupported ----------------------------------------------------------------------------------
    b["word_document.docx"] = lambda: b"PK\x03\x04" + _rand(61, 2_000)
    b["program.exe"] = lambda: b"MZ" + _rand(62, 2_000)
    b["no_suffix"] = lambda: b"Sachverhalt"
    return b


def make_bad_files(folder: Path) -> list[Path]:
    """Write every bad file into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in _builders().items():
        path = folder / name
        path.write_bytes(build())
        paths.append(path)
    return paths


if __name__ == "__main__":
    made = make_bad_files(Path(sys.argv[1] if len(sys.argv) > 1 else "bad_files"))
    print(f"{len(made)} files, {sum(p.stat().st_size for p in made) / 2**20:.1f} MB")
