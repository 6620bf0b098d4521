"""The one place that wires inputs → extract → store → index.

`Ingester` stores and indexes articles in batches: the store commits first, then the index, then
the store marks the batch indexed, so a crash anywhere loses nothing already acknowledged and a
re-run adds no duplicate. Reading the inputs is `khabar.inputs`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from khabar import store
from khabar.index.engine import IndexWriter
from khabar.inputs import Failure, Item, Skipped
from khabar.models import Article
from khabar.text.dates import TEHRAN

BATCH = 500


@dataclass
class IngestReport:
    added: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: int = 0  # web-archive records that are not Persian news pages
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "skipped": self.skipped,
            "errors": self.errors,
        }


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

    def add(self, source: str, item: Item) -> None:
        if isinstance(item, Failure):
            self.report.failed += 1
            self.report.errors.append(str(item))
            return
        if isinstance(item, Skipped):
            self.report.skipped += 1
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
