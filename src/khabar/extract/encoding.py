"""Bytes → text for pages and dumps: UTF-8 first, then windows-1256, else a clear error.

Older Persian sites and saved pages still use windows-1256. Because windows-1256 maps nearly
every byte to some character, decoding "succeeds" on almost anything: the result is kept only
when it reads as Arabic-script text. Binary files (images, archives, PDFs) are named, not
decoded into garbage.
"""

from __future__ import annotations

import codecs
import contextlib
import re

from khabar.errors import InputError

_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\x7fELF", "a program (ELF)"),
)
_CONTROL = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}))
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
# UTF-8 Persian read as windows-1252/latin-1 ("Ø§Ù„") or as windows-1256 ("ط§ظ„"): a lead byte
# of the Arabic block followed by a byte that UTF-8 uses only inside a character.
_MOJIBAKE = re.compile(
    "[ØÙÚÛ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
    "|[طظ][\u00a0-\u00bf\u2018-\u2022\u20ac\u0152\u0153\u02c6\u067e\u0686\u0698\u06af\u0679\u0688\u0691\u06ba\u06be\u06a9]"
)
_MOJIBAKE_MIN = 20  # a few such pairs happen in real text; a page of them is double-encoded


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """The text of `data` and the encoding it was read in.

    `declared` is a charset from a header or meta tag; it is tried after UTF-8, since a wrong
    declaration is common and valid UTF-8 is almost never an accident.
    Raises InputError for empty, binary or undecodable input.
    """
    if not data.strip():
        raise InputError("empty file")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{what}, not a page")
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec.removesuffix("-sig")
    head = data[:8192]
    if b"\x00" in head or len(head) - len(head.translate(None, _CONTROL)) > len(head) // 20:
        raise InputError("binary data, not a page")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for codec in _candidates(declared):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if _reads_as_text(text):
            return text, codec
    raise InputError("not readable text: neither UTF-8 nor windows-1256")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (`<meta charset>` or `http-equiv`)."""
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def without_mojibake(text: str) -> tuple[str, bool]:
    """`text`, repaired when it is double-encoded UTF-8 (and whether it was).

    Raises InputError when the text is mojibake that cannot be undone: it would be indexed as
    words no reader writes.
    """
    if len(_MOJIBAKE.findall(text[:20000])) < _MOJIBAKE_MIN:
        return text, False
    for route in ("cp1252", "latin-1", "cp1256"):
        try:
            repaired = text.encode(route).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if _reads_as_text(repaired) and len(_MOJIBAKE.findall(repaired[:20000])) < _MOJIBAKE_MIN:
            return repaired, True
    raise InputError("mojibake: the text was decoded with the wrong encoding before it was saved")


def _candidates(declared: str | None) -> list[str]:
    names = []
    if declared:
        with contextlib.suppress(LookupError):
            names.append(codecs.lookup(declared.strip().strip("\"'")).name)
    if "cp1256" not in names:
        names.append("cp1256")
    return names


_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def _reads_as_text(text: str) -> bool:
    """True when most letters are Arabic-script or Latin: what a real page holds."""
    letters = len(_LETTER.findall(text))
    if not letters:
        return False
    arabic, latin = len(_ARABIC_LETTER.findall(text)), len(_LATIN_LETTER.findall(text))
    return (arabic + latin) / letters > 0.9 and arabic > latin / 4
