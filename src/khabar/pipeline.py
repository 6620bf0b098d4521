"""The one place that wires inputs → extract → store → index.

`Ingester` stores, groups and indexes articles in batches. The store writes in one transaction
from one commit of the index to the next, every COMMIT_EVERY articles (and at the end): the
store commits first, then the index, then the store records what the index holds (its
`unindexed` rows go), so a crash anywhere loses nothing committed, leaves nothing the store
holds out of the index for longer than the next writer's `catch_up`, and a re-run adds no
duplicate. Commits are that rare because each one costs: a segment in each shard of the index,
which tantivy merges again and again, and every page the transaction touched written again.
The analysis of a large batch (most of the work) runs in worker processes, one per core; this
process alone writes the store and the index. Reading the inputs is `khabar.inputs`.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sqlite3
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from khabar import store
from khabar.group.features import Features, features
from khabar.group.grouper import Grouper
from khabar.index.documents import analysed_document
from khabar.index.engine import IndexWriter
from khabar.inputs import Failure, Item, Skipped, fetched_page
from khabar.models import Article
from khabar.text.analysis import GAP
from khabar.text.dates import TEHRAN

BATCH = 500
# Articles between two commits. At one batch (500), merging the index's segments took 9 s of the
# writing process's 37 s of CPU over 20,000 bench articles, and a store transaction per batch
# wrote the pages of the band buckets and stories it touched every time (10,000 into a store of
# 100,000: 14.1 s at one batch, 11.4 s at 10,000 with a larger page cache for the store).
COMMIT_EVERY = 10_000
Prepared = tuple[dict[str, str | int], "Features | None"]  # an article's index fields and grouping features
PARALLEL_MIN = 64  # a batch this large is analysed in worker processes; a smaller one is not worth it


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


def _worker_context() -> multiprocessing.context.BaseContext:
    """fork on Linux: the workers only run the pure-Python analysis, never the inherited tantivy
    or SQLite objects, and end with os._exit (no destructor of an inherited object runs); spawn
    would re-import the caller's main module in every worker, which breaks any script without an
    `if __name__ == "__main__"` guard. Elsewhere, spawn."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes for pure work (analysis, extraction) that end with their parent."""
    return ProcessPoolExecutor(workers, mp_context=_worker_context(), initializer=_die_with_parent)


def _die_with_parent() -> None:
    """A worker ends when the process that started it does, even by `kill -9`: none is left
    behind, idle, holding the parent's files."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before that took effect
            os._exit(0)


_PR_SET_PDEATHSIG = 1


class Ingester:
    """Adds articles to the store and the index in batches (see the module docstring)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        writer: IndexWriter,
        workers: int | None = None,
        grouper: Grouper | None = None,
        pool: ProcessPoolExecutor | None = None,
        commit_every: int = COMMIT_EVERY,
    ) -> None:
        """`pool`: worker processes to share (the caller's, which it shuts down itself);
        `commit_every`: articles between two commits of the index (`close` commits the rest)."""
        self._conn = conn
        self._writer = writer
        self._grouper = grouper
        self._batch: list[tuple[str, Article, Prepared | None]] = []
        self._workers = workers if workers is not None else (os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = pool
        self._own_pool = pool is None
        self._started: tuple[list[tuple[int, Article]], set[int], Iterator] | None = None
        self._commit_every = commit_every
        self._uncommitted: list[int] = []  # rowids indexed (or removed) since the last commit
        self.report = IngestReport()

    def catch_up(self) -> int:
        """Index what the store holds but the index never committed (after a crash)."""
        done = 0
        for batch in store.unindexed(self._conn):
            self._index(batch)
            done += len(batch)
        return done

    def add(self, source: str, item: Item, prepared: Prepared | None = None) -> None:
        """Add an item; `prepared`: its index fields and features, when made already (by
        `prepared_page`, in a worker, beside the extraction)."""
        if isinstance(item, Failure):
            self.report.failed += 1
            self.report.errors.append(str(item))
            return
        if isinstance(item, Skipped):
            self.report.skipped += 1
            return
        self._batch.append((source, in_tehran_time(item), prepared))
        if len(self._batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Store the batch, start its analysis, and group and index the batch before it.

        Pipelined: the workers analyse this batch while this process groups and indexes the one
        stored before it (in the store's open transaction: see the module docstring).
        """
        new: list[tuple[int, Article]] = []
        ready: dict[int, Prepared] = {}
        if self._batch:
            self._begin()
            for source, article, prepared in self._batch:
                rowid = store.add_article(self._conn, article, source)
                if rowid is None:
                    self.report.duplicates += 1
                else:
                    new.append((rowid, article))
                    if prepared is not None:
                        ready[rowid] = prepared
            self._batch.clear()
            self.report.added += len(new)
        started = self._start(new, ready) if new else None
        if self._started is not None:
            self._finish(*self._started)
        self._started = started

    def close(self) -> None:
        """Store, group and index what is left, and commit it all."""
        self.flush()
        if self._started is not None:
            self._finish(*self._started)
            self._started = None
        self._commit()
        self._shut_pool()

    def abort(self) -> None:
        """Give up what the store has not committed, after an error (the caller's
        `SearchIndex.writer` rolls the index back as the error leaves it): both return to their
        last commit, where they agree."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        self._batch.clear()
        self._started, self._uncommitted = None, []
        self._shut_pool()

    def _shut_pool(self) -> None:
        if self._pool is not None and self._own_pool:
            self._pool.shutdown()
        self._pool = None

    def _begin(self) -> None:
        """Open the store's transaction, unless it is open (it lasts until `_commit`)."""
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN")

    def _index(self, batch: list[tuple[int, Article]]) -> None:
        if batch:
            self._finish(*self._start(batch))

    def _start(
        self, batch: list[tuple[int, Article]], ready: dict[int, Prepared] | None = None
    ) -> tuple[list[tuple[int, Article]], set[int], Iterator]:
        ungrouped = store.ungrouped(self._conn, [rowid for rowid, _ in batch]) if self._grouper else set()
        if ready and len(ready) == len(batch):
            results = (
                ({**ready[rowid][0], "doc": rowid}, ready[rowid][1] if rowid in ungrouped else None)
                for rowid, _ in batch
            )
            return batch, ungrouped, results
        return batch, ungrouped, self._prepared(batch, ungrouped)

    def _finish(self, batch: list[tuple[int, Article]], ungrouped: set[int], results: Iterator) -> None:
        """Group (what is new to grouping) and index one batch; commit when COMMIT_EVERY
        articles wait."""
        demoted: list[int] = []
        prepared = list(results)
        if self._grouper and ungrouped:
            self._grouper.start_batch([found for _, found in prepared if found is not None])
            self._begin()
        for (rowid, article), (fields, found) in zip(batch, prepared, strict=True):
            duplicate_of = article.duplicate_of
            if found is not None and self._grouper is not None:
                assignment = self._grouper.assign(rowid, article, found)
                store.set_groups(
                    self._conn, rowid, assignment.story_id, assignment.duplicate_of, list(assignment.entities)
                )
                duplicate_of = assignment.duplicate_of
                demoted += assignment.demoted
            if duplicate_of is None:
                self._writer.add(fields)
            else:  # a copy is not indexed: search finds its original, and shows it beside
                self._writer.remove(rowid)
        if self._grouper and ungrouped:
            self._grouper.end_batch()
        for rowid in demoted:  # earlier originals that became copies (the store marked them unindexed)
            self._writer.remove(rowid)
        self._uncommitted += [rowid for rowid, _ in batch] + demoted
        if len(self._uncommitted) >= self._commit_every:
            self._commit()

    def _commit(self) -> None:
        """Commit the store, then the index, then record in the store what the index holds."""
        if self._conn.in_transaction:
            self._conn.execute("COMMIT")
        if not self._uncommitted:
            return
        self._writer.commit()
        store.mark_indexed(self._conn, self._uncommitted)
        self._uncommitted = []
        if self._grouper is not None:
            self._grouper.committed()

    def _prepared(
        self, batch: list[tuple[int, Article]], ungrouped: set[int]
    ) -> Iterator[tuple[dict[str, str | int], Features | None]]:
        """Index fields and (for articles not grouped yet) grouping features, in batch order:
        made in worker processes when the batch is large."""
        wanted = [rowid in ungrouped for rowid, _ in batch]
        if len(batch) < PARALLEL_MIN or (self._workers < 2 and self._pool is None):
            return (prepare(rowid, article, g) for (rowid, article), g in zip(batch, wanted, strict=True))
        if self._pool is None:
            self._pool = worker_pool(self._workers)
        rowids, articles = zip(*batch, strict=True)
        return self._pool.map(prepare, rowids, articles, wanted, chunksize=16)


def prepare(rowid: int, article: Article, group: bool) -> tuple[dict[str, str | int], Features | None]:
    """An article's index fields, and its grouping features when `group` (the work that runs in
    worker processes). The features reuse the index fields' terms: one analysis per article."""
    fields, (title, lead, body) = analysed_document(rowid, article)
    if not group:
        return fields, None
    return fields, features(article, [t for t in title if t != GAP], [t for t in lead + body if t != GAP])


def prepared_page(data: bytes, url: str | None, charset: str | None) -> tuple[Item, Prepared | None]:
    """A fetched page's article (`khabar.inputs.fetched_page`) with its index fields and
    grouping features, all made where the page is read: the crawl's workers do every step of
    the analysis, and the one writing process only stores, groups and indexes."""
    item = fetched_page(data, url, charset)
    if not isinstance(item, Article):
        return item, None
    item = in_tehran_time(item)
    return item, prepare(0, item, True)  # the store's rowid is set when it is stored
