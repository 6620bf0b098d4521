"""Tests for khabar.extract.encoding: page bytes to text, or a clear InputError."""

from __future__ import annotations

import codecs
import gzip
import io
import random
import zipfile
from pathlib import Path

import pytest

from khabar.errors import InputError
from khabar.extract import decode, read_text_dump

SEEDS = Path(__file__).resolve().parents[2] / "src" / "khabar" / "demo" / "seeds"
PAGE = (SEEDS / "002_2685855fda886fa6.txt").read_text(encoding="utf-8")
PAGE_000 = (SEEDS / "000_f3ac28793e446b22.txt").read_text(encoding="utf-8")
FRENCH = (
    "Le président de la République a déclaré mercredi que l'économie française était en très bonne santé, "
    "malgré les difficultés des élèves et des hôpitaux. Où en est-on ? Ça dépend."
)


def as_windows_1256(text: str) -> str:
    """The text as a windows-1256 page holds it: that code page has neither Persian ی (U+06CC)
    nor Persian digits, so such pages write Arabic ي and Latin digits."""
    return text.replace("ی", "ي").translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))


def test_utf8():
    assert decode(PAGE.encode("utf-8")) == (PAGE, "utf-8")


def test_utf8_with_bom_drops_the_bom():
    text, encoding = decode(codecs.BOM_UTF8 + PAGE.encode("utf-8"))
    assert text == PAGE
    assert encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    bom = {"utf-16": b"", "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec]
    text, encoding = decode(bom + PAGE.encode(codec))
    assert text == PAGE
    assert encoding == "utf-16"


@pytest.mark.parametrize("page", [PAGE, PAGE_000], ids=["002", "000"])
@pytest.mark.parametrize("declared", [None, "windows-1256", "WINDOWS-1256", "cp1256", '"windows-1256"'])
def test_windows_1256_page(page, declared):
    expected = as_windows_1256(page)
    data = expected.encode("cp1256")
    assert decode(data, declared) == (expected, "cp1256")


@pytest.mark.parametrize("declared", ["utf-8", "iso-8859-1", "no-such-charset"])
def test_windows_1256_page_under_a_wrong_declaration(declared):
    expected = as_windows_1256(PAGE)
    assert decode(expected.encode("cp1256"), declared) == (expected, "cp1256")


def test_windows_1256_page_reads_as_the_same_article():
    text, _ = decode(as_windows_1256(PAGE).encode("cp1256"))
    article = read_text_dump(text)
    assert article.published.isoformat() == "2020-11-24T22:46:00+03:30"
    assert article.news_code == "757695"
    assert article.agency == "ایسنا"
    assert len(article.paragraphs) == 12


@pytest.mark.parametrize("declared", ["windows-1256", "iso-8859-1", "utf-16", "no-such-charset"])
def test_valid_utf8_wins_over_a_wrong_declaration(declared):
    assert decode(PAGE.encode("utf-8"), declared) == (PAGE, "utf-8")


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("page.txt", PAGE)
    return buffer.getvalue()


def _random_with_nuls() -> bytes:
    data = bytearray(random.Random(1256).randbytes(600))
    data[10] = data[300] = 0
    return bytes(data)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b" \r\n\t \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01", "JPEG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (_zip_bytes(), "ZIP"),
        (gzip.compress(PAGE.encode("utf-8")), "gzip"),
        (_random_with_nuls(), "binary"),
        (PAGE.encode("utf-16-le"), "binary"),  # UTF-16 without a BOM is full of NULs
    ],
    ids=["empty", "whitespace", "png", "jpeg", "pdf", "zip", "gzip", "random-nul", "utf16-no-bom"],
)
def test_unreadable_input_is_named(data, says):
    with pytest.raises(InputError, match=says):
        decode(data)


@pytest.mark.parametrize("seed", range(5))
def test_random_high_bytes_without_nuls_are_refused(seed):
    """Bytes 0x80-0xff all "decode" as windows-1256; mixed at random they do not read as text."""
    rng = random.Random(seed)
    data = bytes(rng.randrange(0x80, 0x100) for _ in range(600))
    with pytest.raises(InputError, match="not readable text"):
        decode(data)


@pytest.mark.parametrize("declared", [None, "iso-8859-1", "windows-1252"])
def test_latin1_french_is_refused_not_read_as_arabic_script(declared):
    """windows-1256 "decodes" any byte string; a French Latin-1 page must not come back as
    Arabic-script text. khabar reads Persian news, so it refuses the page, even when its charset
    is declared correctly."""
    with pytest.raises(InputError, match="not readable text"):
        decode(FRENCH.encode("latin-1"), declared)


def test_plain_ascii_is_utf8():
    assert decode(b"Khabar news search\n") == ("Khabar news search\n", "utf-8")
