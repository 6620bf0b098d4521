"""Bytes → text for pages and dumps: UTF-8 first, then windows-1256, else a clear error.

Older Persian sites and saved pages still use windows-1256. Because windows-1256 maps nearly
every byte to some character, decoding "succeeds" on almost anything: the result is kept only
when it reads as Arabic-script text. Binary files (images, archives, PDFs) are named, not
decoded into garbage.
"""

from __future__ import annotations

import codecs
import contextlib

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
_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}


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
    if b"\x00" in head or sum(b in _CONTROL for b in head) > len(head) // 20:
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


def _candidates(declared: str | None) -> list[str]:
    names = []
    if declared:
        with contextlib.suppress(LookupError):
            names.append(codecs.lookup(declared.strip().strip("\"'")).name)
    if "cp1256" not in names:
        names.append("cp1256")
    return names


def _reads_as_text(text: str) -> bool:
    """True when most letters are Arabic-script or Latin: what a real page holds."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    arabic = sum("\u0600" <= c <= "\u06ff" for c in letters)
    latin = sum(c.isascii() for c in letters)
    return (arabic + latin) / len(letters) > 0.9 and arabic > latin / 4
