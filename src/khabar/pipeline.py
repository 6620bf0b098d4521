"""The one place that wires inputs → extract → store → index.

`Ingester` stores, groups and indexes articles in batches. The index commits every
COMMIT_EVERY articles (and at the end): the store commits first, then the index, then the store
records what the index holds (its `unindexed` rows go), so a crash anywhere loses nothing
committed, leaves nothing the store holds out of the index for longer than the next writer's
`catch_up`, and a re-run adds no duplicate. The store also commits on its own in between, every
STORE_COMMIT_EVERY articles. Commits are that rare because each one costs: a commit of the index
is a new segment in each shard, which tantivy merges again and again, and which every search
reads on its own; a commit of the store writes every page its transaction touched again.
Reading each input (decoding a JSONL line, extracting a page) and analysing it, most of the
work, run in worker processes, one per core (`analysed`), while this process alone stores,
groups and indexes: it gives each new article its rowid, groups it under that rowid and then
stores it once, groups and all. Finding the inputs is `khabar.inputs`. An input seen before is
a duplicate only once it is read (its id is in its text): reading the same file again costs
the workers' time, not the store's.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from khabar import store
from khabar.group.features import Features, features
from khabar.group.grouper import Grouper
from khabar.index.documents import analysed_document
from khabar.index.engine import IndexWriter
from khabar.inputs import Failure, Item, Skipped, Unread
from khabar.models import Article
from khabar.store.sqlite import Connection
from khabar.text.dates import TEHRAN

BATCH = 500
# Batches the workers may read and analyse ahead of the one this process stores, groups and
# indexes: with one, they waited whenever this process took longer than usual over a batch (a
# commit of the store, stories read from it). The cores' idle share, 50,000 bench articles into
# a store of 400,000 (its start and end included): 6.5-6.9% at one, 5.8-6.3% at two, 5.0% at
# three, 5.2% at four.
AHEAD = 3
# Articles between two commits of the index: a commit is a segment in each shard, and a search
# reads each segment on its own. tantivy merges eight segments of one size into one, so a bulk
# ingest leaves up to seven of each size: at a million bench articles, 8 segments a shard at
# 20,000 a commit, 3 at 100,000. Against one segment a shard (the whole shard in one commit), a
# 1-4 word query's p50 was 19-51% longer with 8 (2.5-3.7 ms against 2.1-2.5), 9-15% with 3
# (1.9-2.6 against 1.8-2.3). The index writer's memory holds these articles until the commit
# (`khabar.index.engine.WRITER_HEAP`). Merging fewer, larger segments also made the engine's
# ingest faster (1,745/s at 20,000 a commit, 1,810 at 100,000).
COMMIT_EVERY = 100_000
# Articles between two commits of the store, when the index does not commit. A store transaction
# of more would spill the pages it changed out of the page cache (`khabar.store.db`). At one
# batch (500), a store transaction per batch wrote the pages of the band buckets and stories it
# touched every time (10,000 into a store of 100,000: 14.1 s at one batch, 11.4 s at 10,000 with
# a larger page cache for the store). At a million, a commit still rewrote most pages of the
# store's indexes keyed at random (article ids, stories, lookup terms): the last 100,000 bench
# articles into 900,000 took the writing process 95 s of CPU at 10,000 a commit, 86 s at 20,000.
STORE_COMMIT_EVERY = 20_000
Prepared = tuple[dict[str, str | int], "Features | None"]  # an article's index fields and grouping features
PARALLEL_MIN = 64  # a batch this large is analysed in worker processes; a smaller one is not worth it
# The workers' priority: the one writing process is the ingest's serial stage, and when every core
# was busy it had waited its turn behind them; they have a batch in hand to keep up with it
# (200,000 bench articles on 2 cores: 1,150/s at nice 0, 1,230/s at 19).
WORKER_NICE = 19
# Container allocations between two of the garbage collector's youngest collections, while
# ingesting (Python's default is 700). The writing process keeps large caches (stories, lookups,
# term weights), and every few collections the collector walks all of them, though hardly
# anything khabar makes is a cycle: 32,000 bench articles took 2.1 s of collections in the
# writing process (13% of its main thread) at the default, 0.1 s at this.
GC_YOUNG = 50_000


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


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the garbage collector's youngest generation every GC_YOUNG allocations, not 700,
    for the length of a bulk job (an ingest); its older generations follow at their usual ratios."""
    before = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _worker_context() -> multiprocessing.context.BaseContext:
    """fork on Linux: the workers only run the pure-Python analysis, never the inherited tantivy
    or SQLite objects, and end with os._exit (no destructor of an inherited object runs); spawn
    would re-import the caller's main module in every worker, which breaks any script without an
    `if __name__ == "__main__"` guard. Elsewhere, spawn."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes for pure work (analysis, extraction) that end with their parent."""
    return ProcessPoolExecutor(workers, mp_context=_worker_context(), initializer=_start_worker)


def _start_worker() -> None:
    """A worker ends when the process that started it does, even by `kill -9`: none is left
    behind, idle, holding the parent's files. It runs at the least priority (WORKER_NICE), and
    collects garbage as an ingest does (`fewer_collections`: its token caches are large)."""
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before that took effect
            os._exit(0)
    if hasattr(os, "nice"):
        os.nice(WORKER_NICE)


_PR_SET_PDEATHSIG = 1


class Ingester:
    """Adds articles to the store and the index in batches (see the module docstring)."""

    def __init__(
        self,
        conn: Connection,
        writer: IndexWriter,
        workers: int | None = None,
        grouper: Grouper | None = None,
        pool: ProcessPoolExecutor | None = None,
        commit_every: int = COMMIT_EVERY,
        store_commit_every: int = STORE_COMMIT_EVERY,
        ahead: int = AHEAD,
    ) -> None:
        """`pool`: worker processes to share (the caller's, which it shuts down itself);
        `commit_every`: articles between two commits of the index and the store (`close` commits
        the rest); `store_commit_every`: between two commits of the store alone; `ahead`:
        batches the workers may have in hand while this process stores one (AHEAD)."""
        self._conn = conn
        self._writer = writer
        self._grouper = grouper
        self._batch: list[tuple[str, Article | Unread, Prepared | None]] = []
        self._workers = workers if workers is not None else (os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = pool
        self._own_pool = pool is None
        self._started: collections.deque[Iterator[tuple[str, Item, Prepared | None]]] = collections.deque()
        self._commit_every = commit_every
        self._store_commit_every = store_commit_every
        self._ahead = ahead
        self._uncommitted: list[int] = []  # rowids indexed (or removed) since the index's last commit
        # what waits for the index's writer while a commit holds it: (rowid, fields to add, or
        # None to remove its document, whether it is new)
        self._unwritten: list[tuple[int, dict[str, str | int] | None, bool]] = []
        self._unsaved = 0  # articles since the store's last commit
        # the index's commit in flight (`_commit`): its thread, its rowids, what it raised
        self._committing: tuple[threading.Thread, list[int], list[BaseException]] | None = None
        self.report = IngestReport()

    def catch_up(self) -> int:
        """Index what the store holds but the index never committed (after a crash)."""
        done = 0
        for batch in store.unindexed(self._conn):
            ungrouped = store.ungrouped(self._conn, [rowid for rowid, _ in batch]) if self._grouper else set()
            results = self._analysed([article for _, article in batch], [rowid in ungrouped for rowid, _ in batch])
            entries = [(r, article, prepared, None) for (r, article), (_, prepared) in zip(batch, results, strict=True)]
            self._index(entries, stored=True)
            done += len(batch)
        return done

    def add(self, source: str, item: Item | Unread, prepared: Prepared | None = None) -> None:
        """Add an item, or an input's bytes for the workers to read (`khabar.inputs.Unread`);
        `prepared`: its index fields and features, when made already (by `analysed`, in a
        worker, beside the extraction)."""
        if isinstance(item, Failure):
            self.report.failed += 1
            self.report.errors.append(str(item))
            return
        if isinstance(item, Skipped):
            self.report.skipped += 1
            return
        self._batch.append((source, item, prepared))
        if len(self._batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Start the batch's reading and analysis, and store, group and index the batches before
        the last `ahead`.

        Pipelined: the workers read and analyse the last `ahead` batches while this process
        stores, groups and indexes the one before them (in the store's open transaction: see the
        module docstring). A flush with no new batch stores the oldest one the workers have.
        """
        if self._batch:
            self._started.append(self._start(self._batch))
            self._batch = []
            while len(self._started) > self._ahead:
                self._finish(self._started.popleft())
        elif self._started:  # nothing new to read ahead: store the oldest batch in hand
            self._finish(self._started.popleft())

    def close(self) -> None:
        """Store, group and index what is left, and commit it all."""
        self.flush()
        while self._started:
            self._finish(self._started.popleft())
        self._commit()
        self._settle()
        if self._conn.in_transaction:
            self._conn.execute("COMMIT")
        if self._grouper is not None:
            self._grouper.saved()
        self._shut_pool()

    def abort(self) -> None:
        """Give up what the store has not committed, after an error (the caller's
        `SearchIndex.writer` rolls the index back as the error leaves it): both return to their
        last commit, where they agree."""
        if self._committing is not None:  # (a commit of what the store has committed: let it land)
            self._committing[0].join()
            self._committing = None
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        self._batch.clear()
        self._started.clear()
        self._uncommitted = []
        self._unwritten = []
        self._shut_pool()

    def _shut_pool(self) -> None:
        if self._pool is not None and self._own_pool:
            self._pool.shutdown()
        self._pool = None

    def _begin(self) -> None:
        """Open the store's transaction, unless it is open (it lasts until `_commit`)."""
        if not self._conn.in_transaction:
            self._conn.execute("BEGIN")

    def _start(
        self, batch: list[tuple[str, Article | Unread, Prepared | None]]
    ) -> Iterator[tuple[str, Item, Prepared | None]]:
        """The batch's items with their analysis, in batch order, as the workers make them."""
        if all(prepared is not None for _, _, prepared in batch):
            return iter(batch)  # (only articles come prepared: the crawler's)
        results = self._analysed([found for _, found, _ in batch], [True] * len(batch))
        return ((source, *result) for (source, _, _), result in zip(batch, results, strict=True))

    def _finish(self, results: Iterator[tuple[str, Item, Prepared | None]]) -> None:
        """Store, group and index a batch's new articles (an article stored already is a
        duplicate); each is given its rowid first, to be grouped under it and then stored once,
        with its groups."""
        self._begin()
        found: list[tuple[str, Article, Prepared]] = []
        for source, item, prepared in results:
            if isinstance(item, Failure):
                self.report.failed += 1
                self.report.errors.append(str(item))
            elif isinstance(item, Skipped):
                self.report.skipped += 1
            else:
                assert prepared is not None
                found.append((source, item, prepared))
        stored = store.stored_ids(self._conn, [article.id for _, article, _ in found])
        rowid = store.next_rowid(self._conn)
        new: list[tuple[int, Article, Prepared, str | None]] = []
        for source, article, prepared in found:
            if article.id in stored:
                self.report.duplicates += 1
                continue
            stored.add(article.id)
            new.append((rowid, article, prepared, source))
            rowid += 1
        self.report.added += len(new)
        self._index(new, stored=False)

    def _index(self, batch: list[tuple[int, Article, Prepared, str | None]], *, stored: bool) -> None:
        """Group what has features (what is new to grouping) and index it; store the articles
        with their groups, unless they are `stored` already (then their groups, when new);
        commit when COMMIT_EVERY articles wait (the store alone, when STORE_COMMIT_EVERY do).
        While the index commits, the batch waits to be handed to its writer (`_write`)."""
        demoted: list[int] = []
        grouping = self._grouper is not None and any(found is not None for _, _, (_, found), _ in batch)
        if grouping:
            features = [found for _, _, (_, found), _ in batch if found is not None]
            self._grouper.start_batch(features, read_index=self._committing is None)
        self._begin()
        for rowid, article, (fields, found), source in batch:
            fields["doc"] = rowid
            duplicate_of = article.duplicate_of
            groups = None
            if found is not None and self._grouper is not None:
                assignment = self._grouper.assign(rowid, article, found)
                groups = (assignment.story_id, assignment.duplicate_of, list(assignment.entities))
                duplicate_of = assignment.duplicate_of
                demoted += assignment.demoted
            if not stored:
                store.add_article(self._conn, article, source, rowid=rowid, groups=groups)
            elif groups:
                store.set_groups(self._conn, rowid, *groups)
            if duplicate_of is None:
                self._unwritten.append((rowid, fields, not stored))
            elif stored:  # a copy is not indexed (search finds its original, and shows it beside);
                self._unwritten.append((rowid, None, False))  # a new one has no document to remove
        if grouping:
            self._grouper.end_batch()
        # earlier originals that became copies (the store marked them unindexed)
        self._unwritten += [(rowid, None, False) for rowid in demoted]
        if self._committing is None or not self._committing[0].is_alive():
            self._settle()
            self._write()
        self._uncommitted += [rowid for rowid, _, _, _ in batch] + demoted
        self._unsaved += len(batch)
        if len(self._uncommitted) >= self._commit_every:
            self._commit()
        elif self._unsaved >= self._store_commit_every:
            self._conn.execute("COMMIT")
            self._unsaved = 0

    def _write(self) -> None:
        """Hand the index's writer what waited for it (`_unwritten`)."""
        for rowid, fields, new in self._unwritten:
            if fields is not None:
                self._writer.add(fields, new=new)
            else:
                self._writer.remove(rowid)
        self._unwritten = []

    def _commit(self) -> None:
        """Commit the store, then start the index's commit in a thread: tantivy lets go of the
        GIL while it writes its segments, and this process groups and stores the next batches
        meanwhile, holding their documents until the commit has landed (the commit holds the
        index's writer: `_unwritten`). Waiting for the commit before the next batch's documents
        had stalled the whole ingest 2.6-3.4 s a commit of 100,000 bench articles (the workers
        idle once they were AHEAD); only the last commit, in `close`, is waited for now."""
        self._settle()
        self._write()
        if self._conn.in_transaction:
            self._conn.execute("COMMIT")
        self._unsaved = 0
        if not self._uncommitted:
            return
        errors: list[BaseException] = []

        def commit() -> None:
            try:
                self._writer.commit()
            except BaseException as e:  # raised again in this process's thread, by `_settle`
                errors.append(e)

        if self._grouper is not None:
            self._grouper.committing()
        thread = threading.Thread(target=commit, name="khabar-index-commit")
        thread.start()
        self._committing, self._uncommitted = (thread, self._uncommitted, errors), []

    def _settle(self) -> None:
        """Wait for the index's commit in flight, then record in the store what the index holds
        (in the store's open transaction: should a crash lose that record, the next writer only
        indexes those articles again) and let the grouper read the index's counts again."""
        if self._committing is None:
            return
        thread, rowids, errors = self._committing
        thread.join()
        self._committing = None
        if errors:
            raise errors[0]
        self._begin()
        store.mark_indexed(self._conn, rowids)
        if self._grouper is not None:
            self._grouper.committed()

    def _analysed(self, found: list[Article | Unread], group: list[bool]) -> Iterator[tuple[Item, Prepared | None]]:
        """`analysed` of each input, in order: in worker processes when there are many."""
        if len(found) < PARALLEL_MIN or (self._workers < 2 and self._pool is None):
            return map(analysed, found, group)
        if self._pool is None:
            self._pool = worker_pool(self._workers)
        return self._pool.map(analysed, found, group, chunksize=16)


def prepare(rowid: int, article: Article, group: bool) -> tuple[dict[str, str | int], Features | None]:
    """An article's index fields, and its grouping features when `group` (the work that runs in
    worker processes). The features reuse the index fields' terms: one analysis per article."""
    fields, (title, lead, body) = analysed_document(rowid, article)
    if not group:
        return fields, None
    return fields, features(article, title, lead + body)


def analysed(found: Article | Unread, group: bool = True) -> tuple[Item, Prepared | None]:
    """(The work of a worker process.) The article of an input, read from its bytes when it is
    not yet, with its index fields and, when `group`, its grouping features; or why there is no
    article. The ingest's and the crawl's workers do every step of the reading and the analysis,
    and the one writing process only stores, groups and indexes (it sets the store's rowid)."""
    item = found.read() if isinstance(found, Unread) else found
    if not isinstance(item, Article):
        return item, None
    item = in_tehran_time(item)
    _ = item.id  # (its hash worked out here: it comes to the writing process with the article)
    return item, prepare(0, item, group)
