"""Files → articles: page dumps (.txt), HTML pages (.html, .htm), article files (.jsonl) and web
archives (.warc, .warc.gz), one article or one failure at a time.

Everything streams with constant memory: a JSONL file line by line, a WARC record by record. A bad
file, line or record becomes a `Failure` with the reason in words and the next one is read: a
truncated or corrupt WARC record is skipped by finding the start of the next record.

Reading is two steps: `scan_inputs` finds each input's bytes (a JSONL line, a page file, an
archived response) as an `Unread`, which is cheap I/O, and `Unread.read` turns them into an
article, which is the costly part (JSON decoding, or decoding and extracting a page): the ingest
has its worker processes do that beside the analysis, so the one writing process does neither.
`read_inputs` does both steps in place. Web
archives hold much that is not a Persian news page (images, scripts, redirects, pages in Arabic,
Urdu or English, as a Common Crawl News archive does); those records are counted as skipped, not
failed.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from khabar.errors import ExtractError, InputError
from khabar.extract.encoding import declared_charset, decode, without_mojibake
from khabar.extract.html import read_html
from khabar.extract.textdump import read_text_dump
from khabar.models import Article
from khabar.text.language import is_persian

PAGE_SUFFIXES = (".txt", ".html", ".htm")
ARTICLE_SUFFIXES = (".jsonl",)
ARCHIVE_SUFFIXES = (".warc", ".warc.gz")
MAX_PAGE_BYTES = 5_000_000  # larger than any real article page; a bigger "page" is not one
_ENCODING_NAMES = {"cp1256": "windows-1256"}
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."


@dataclass(frozen=True)
class Failure:
    """An input that could not be read, with the reason in words."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True)
class Skipped:
    """A record of a web archive that is not a Persian news page (not an error)."""

    source: str
    reason: str


Item = Article | Failure | Skipped


@dataclass(frozen=True)
class Unread:
    """The bytes of one input, found and not yet read (see the module docstring): a JSONL line
    (`kind` "line"), a page file ("page", `html` or a text dump) or a page fetched from the web
    ("fetched", with its `url` and the `charset` its response declared)."""

    source: str
    kind: str
    data: bytes
    url: str | None = None
    charset: str | None = None
    html: bool = True

    def read(self) -> Item:
        """The article these bytes hold, or why there is none."""
        if self.kind == "line":
            return _jsonl_article(self.source, self.data)
        if self.kind == "fetched":
            return fetched_page(self.data, self.url, self.charset)
        try:
            return page_article(self.data, url=self.url, html=self.html)
        except (InputError, ExtractError) as e:
            return Failure(self.source, str(e))


def read_inputs(paths: Iterable[Path]) -> Iterator[tuple[str, Item]]:
    """(source, article, failure or skip) for every page or record under `paths`."""
    for source, found in scan_inputs(paths):
        yield source, found.read() if isinstance(found, Unread) else found


def scan_inputs(paths: Iterable[Path]) -> Iterator[tuple[str, Unread | Failure | Skipped]]:
    """(source, its bytes unread, or a failure or skip) for every page or record under `paths`.

    A folder is read recursively, taking the files whose kind khabar knows and leaving other
    files (notes, expected-output JSON) alone; a file named explicitly is always read.
    """
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if _kind(file):
                    yield from _scan_file(file)
        elif path.exists():
            yield from _scan_file(path)
        else:
            yield str(path), Failure(str(path), "no such file or folder")


def _scan_file(path: Path) -> Iterator[tuple[str, Unread | Failure | Skipped]]:
    """The inputs of one file: the records of a JSONL file or web archive, or one page."""
    kind = _kind(path)
    if kind == "articles":
        yield from _scan_jsonl(path)
    elif kind == "archive":
        yield from _scan_warc(path)
    else:
        try:
            data = _page_bytes(path)
        except InputError as e:
            yield str(path), Failure(str(path), str(e))
        else:
            yield str(path), Unread(str(path), "page", data, html=kind == "html" or _looks_like_html(data))


def read_page(path: Path, url: str | None = None) -> Article:
    """The article of one page file (.txt dump or HTML). Raises InputError or ExtractError."""
    data = _page_bytes(path)
    return page_article(data, url=url, html=_kind(path) == "html" or _looks_like_html(data))


def _page_bytes(path: Path) -> bytes:
    """The bytes of one page file. Raises InputError."""
    if _kind(path) in ("articles", "archive"):
        raise InputError("this file holds many articles, not one page: ingest it")
    try:
        if path.is_dir():
            raise InputError("a folder, not a page")
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise InputError(_too_large(size))
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file or folder") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}") from None


def page_article(data: bytes, *, url: str | None = None, html: bool, charset: str | None = None) -> Article:
    """The article in one page's bytes. Raises InputError or ExtractError."""
    text, encoding = decode(data, charset or (declared_charset(data) if html else None))
    text, repaired = without_mojibake(text)
    article = read_html(text, url=url) if html else read_text_dump(text, url=url)
    notes = list(article.notes)
    if encoding not in ("utf-8", "utf-16"):
        notes.append(f"decoded as {_ENCODING_NAMES.get(encoding, encoding)}")
    if repaired:
        notes.append("repaired double-encoded UTF-8 (mojibake)")
    return article.with_(notes=tuple(notes)) if notes != list(article.notes) else article


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(ARCHIVE_SUFFIXES):
        return "archive"
    if name.endswith(ARTICLE_SUFFIXES):
        return "articles"
    if name.endswith((".html", ".htm")):
        return "html"
    if name.endswith(".txt"):
        return "text"
    return None


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<!--")) or b"<html" in head


def _too_large(size: int) -> str:
    return f"{size / 1e6:.0f} MB is too large for one page (limit {MAX_PAGE_BYTES // 1_000_000} MB)"


def _scan_jsonl(path: Path) -> Iterator[tuple[str, Unread]]:
    """One article object a line (blank lines are passed over)."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if raw.strip():
                source = f"{path}:{number}"
                yield source, Unread(source, "line", raw)


def _jsonl_article(source: str, raw: bytes) -> Item:
    """The article of one JSONL line; a bad line is a failure of its own."""
    try:
        return Article.from_json(json.loads(raw.decode("utf-8")))
    except UnicodeDecodeError:
        return Failure(source, "not UTF-8")
    except json.JSONDecodeError as e:
        return Failure(source, f"not JSON ({e.msg})")
    except ValueError as e:
        return Failure(source, f"not an article: {e}")


class _BrokenRecord(Exception):
    """A record warcio cannot read; `offset` is where it starts."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset = offset


# What warcio raises on a damaged archive (a truncated record even surfaces as AttributeError
# inside warcio); caught only around warcio's own calls so khabar's bugs are never hidden.
_ARCHIVE_ERRORS = (ArchiveLoadFailed, EOFError, OSError, zlib.error, gzip.BadGzipFile, ValueError, AttributeError)


def _scan_warc(path: Path) -> Iterator[tuple[str, Unread | Failure | Skipped]]:
    """Persian HTML responses of a web archive, record by record; a broken record is reported
    and reading goes on at the next record."""
    try:
        stream = path.open("rb")
    except OSError as e:
        yield str(path), Failure(str(path), f"cannot read: {e.strerror or e}")
        return
    with stream:
        compressed = stream.read(3) == _GZIP_MAGIC
        start: int | None = 0
        seen = 0
        while start is not None:
            try:
                for offset, item in _records(stream, start, path):
                    seen += 1
                    yield f"{path}@{offset}", item
                start = None
            except _BrokenRecord as broken:
                seen += 1
                source = f"{path}@{broken.offset}"
                yield source, Failure(source, f"broken WARC record ({broken}); skipped it")
                start = _next_record(stream, broken.offset, compressed)
        if seen == 0:
            yield str(path), Failure(str(path), "no WARC records in this file")


def _records(stream: BinaryIO, start: int, path: Path) -> Iterator[tuple[int, Unread | Failure | Skipped]]:
    size = stream.seek(0, 2)
    stream.seek(start)
    iterator = ArchiveIterator(stream, check_digests=True)
    records = iter(iterator)
    while True:
        try:
            record = next(records)
        except StopIteration:
            if start + iterator.offset < size:  # warcio stops quietly at a member cut short
                raise _BrokenRecord(start + iterator.offset, "the file ends inside a record") from None
            return
        except _ARCHIVE_ERRORS as e:
            raise _BrokenRecord(start + iterator.offset, str(e) or type(e).__name__) from None
        offset = start + iterator.offset  # (get_record_offset() would consume the record first)
        if record.rec_type != "response":
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        http = record.http_headers
        if http is None and (url or "").startswith("http"):
            raise _BrokenRecord(offset, "a response without its HTTP headers (truncated)")
        content_type = (http.get_header("Content-Type") or "") if http else ""
        if http is None or http.get_statuscode() != "200" or "html" not in content_type.lower():
            yield offset, Skipped(url or str(path), f"not an HTML page ({content_type or 'no content type'})")
            continue
        length = int(record.rec_headers.get_header("Content-Length") or 0)
        if length > MAX_PAGE_BYTES:
            yield offset, Failure(url or str(path), _too_large(length))
            continue
        try:
            data = record.content_stream().read(MAX_PAGE_BYTES + 1)
        except _ARCHIVE_ERRORS as e:
            raise _BrokenRecord(offset, str(e) or type(e).__name__) from None
        if len(data) > MAX_PAGE_BYTES:
            yield offset, Failure(url or str(path), _too_large(len(data)))
            continue
        # bytes the record announced but the file does not have: cut off mid-record
        if (getattr(record.raw_stream, "limit", 0) or 0) > 0:
            raise _BrokenRecord(offset, "the record is cut off")
        if record.digest_checker.passed is False:
            raise _BrokenRecord(offset, "; ".join(record.digest_checker.problems) or "digest mismatch")
        yield offset, Unread(f"{path}@{offset}", "fetched", data, url, _charset(content_type))


def fetched_page(data: bytes, url: str | None, charset: str | None) -> Item:
    """A page fetched from the web (by the crawler, or from a web archive): its article, or why
    there is none (Failure), or Skipped when it is not a Persian page."""
    source = url or "a WARC record"
    try:
        article = page_article(data, url=url, html=True, charset=charset)
    except (InputError, ExtractError) as e:
        return Failure(source, str(e))
    if not is_persian(f"{article.title}\n{article.body}"):
        return Skipped(source, "not a Persian page")
    return article


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip().strip("\"'")
    return None


def _next_record(stream: BinaryIO, broken_at: int, compressed: bool) -> int | None:
    """Where the record after a broken one starts: the next gzip member of a .warc.gz, the next
    "WARC/1." line of a plain archive; None at the end of the file."""
    magic = _GZIP_MAGIC if compressed else b"\n" + _WARC_MAGIC
    position = broken_at + 1
    stream.seek(position)
    carry = b""
    while chunk := stream.read(1 << 20):
        window = carry + chunk
        found = window.find(magic)
        if found >= 0:
            return position - len(carry) + found + (0 if compressed else 1)
        carry = window[-(len(magic) - 1) :]
        position += len(chunk)
    return None
