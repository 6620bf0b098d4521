"""The one place that wires inputs → extract → store → index.

`read_inputs` turns paths (files or folders) into articles or failures, one at a time, so a bad
file or record is reported and skipped and never stops the rest. `Ingester` stores and indexes
articles in batches: the store commits first, then the index, then the store marks the batch
indexed, so a crash anywhere loses nothing already acknowledged and a re-run adds no duplicate.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from khabar import store
from khabar.errors import ExtractError, InputError
from khabar.extract.encoding import decode
from khabar.extract.textdump import read_text_dump
from khabar.index.engine import IndexWriter
from khabar.models import Article
from khabar.text.dates import TEHRAN

PAGE_SUFFIXES = (".txt",)
ARTICLE_SUFFIXES = (".jsonl",)
READABLE_SUFFIXES = PAGE_SUFFIXES + ARTICLE_SUFFIXES
MAX_PAGE_BYTES = 5_000_000  # larger than any real article page; a bigger "page" is not one
BATCH = 500
_ENCODING_NAMES = {"cp1256": "windows-1256"}


@dataclass(frozen=True)
class Failure:
    """An input that could not be read, with the reason in words."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class IngestReport:
    added: int = 0
    duplicates: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "errors": self.errors,
        }


def read_inputs(paths: Iterable[Path]) -> Iterator[tuple[str, Article | Failure]]:
    """(source, article or failure) for every page or record under `paths`.

    A folder is read recursively, taking the files whose kind khabar knows and leaving other
    files (notes, expected-output JSON) alone; a file named explicitly is always read.
    """
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if file.suffix.lower() in READABLE_SUFFIXES:
                    yield from read_file(file)
        elif path.exists():
            yield from read_file(path)
        else:
            yield str(path), Failure(str(path), "no such file or folder")


def read_file(path: Path) -> Iterator[tuple[str, Article | Failure]]:
    """The articles of one file: the records of a JSONL file, or the one article of a page."""
    source = str(path)
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        yield from _read_jsonl(path)
        return
    try:
        yield source, read_page(path)
    except (InputError, ExtractError) as e:
        yield source, Failure(source, str(e))


def read_page(path: Path) -> Article:
    """The article of one page file. Raises InputError or ExtractError."""
    if path.suffix.lower() in ARTICLE_SUFFIXES:
        raise InputError("a JSONL file holds articles, not a page: ingest it")
    try:
        if path.is_dir():
            raise InputError("a folder, not a page")
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise InputError(f"{size / 1e6:.0f} MB is too large for one page (limit {MAX_PAGE_BYTES // 1_000_000} MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file or folder") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}") from None
    text, encoding = decode(data)
    article = read_text_dump(text)
    if encoding not in ("utf-8", "utf-16"):
        article = article.with_(notes=(*article.notes, f"decoded as {_ENCODING_NAMES.get(encoding, encoding)}"))
    return article


def _read_jsonl(path: Path) -> Iterator[tuple[str, Article | Failure]]:
    """One article object a line; a bad line is a failure of its own, streamed, constant memory."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            source = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                yield source, Article.from_json(json.loads(raw.decode("utf-8")))
            except UnicodeDecodeError:
                yield source, Failure(source, "not UTF-8")
            except json.JSONDecodeError as e:
                yield source, Failure(source, f"not JSON ({e.msg})")
            except ValueError as e:
                yield source, Failure(source, f"not an article: {e}")


def in_tehran_time(article: Article) -> Article:
    """Publish times are kept in Tehran time, whatever offset the input used."""
    if article.published and article.published.utcoffset() != article.published.astimezone(TEHRAN).utcoffset():
        return article.with_(published=article.published.astimezone(TEHRAN))
    return article


class Ingester:
    """Adds articles to the store and the index in batches (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection, writer: IndexWriter) -> None:
        self._conn = conn
        self._writer = writer
        self._pending: list[tuple[int, Article]] = []
        self.report = IngestReport()

    def catch_up(self) -> int:
        """Index what the store holds but the index never committed (after a crash)."""
        done = 0
        for batch in store.unindexed(self._conn):
            for rowid, article in batch:
                self._writer.add(rowid, article)
            self._writer.commit()
            store.mark_indexed(self._conn, [rowid for rowid, _ in batch])
            done += len(batch)
        return done

    def add(self, source: str, item: Article | Failure) -> None:
        if isinstance(item, Failure):
            self.report.failed += 1
            self.report.errors.append(str(item))
            return
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN")
        article = in_tehran_time(item)
        rowid = store.add_article(self._conn, article, source)
        if rowid is None:
            self.report.duplicates += 1
        else:
            self.report.added += 1
            self._pending.append((rowid, article))
        if len(self._pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("COMMIT")
        if not self._pending:
            return
        for rowid, article in self._pending:
            self._writer.add(rowid, article)
        self._writer.commit()
        store.mark_indexed(self._conn, [rowid for rowid, _ in self._pending])
        self._pending.clear()
