"""The tantivy index in the data directory: open, add, commit, search, facets.

One process writes at a time (tantivy's own writer lock); any number read, and readers see each
commit as it lands. The index holds only what search needs (terms with positions, the store's
rowid, agency, publish time and day); the texts live in the store, so an index of an older
format is simply rebuilt from it.

Ranking: BM25 over all the text (title, lead, body and date words), the title's scored again,
a bonus for the query's words side by side, and by default a recency prior for news: an
article of the last RECENT scores score × (1 + RECENCY_WEIGHT · 2^(−age / RECENCY_HALF_LIFE)),
and the best recent ones are reranked with the best of all (`_run`). Sorting by "relevance"
leaves it out, "newest" sorts by time.

Shards: the index is SHARDS tantivy indexes, an article in the one its rowid picks (odd and even
rowids: the same mix of old and new, long and short in each). A query runs on all of them at
once, one thread each, and their best hits are merged. A broad query must score every match
(tantivy's pruning is out of reach through its Python binding), so its time grows with the index:
at a million articles "ملی تیم" (310,000 matches) took 17 ms on one index, and a word in nearly
every article 17-22 ms; two halves searched side by side take about half. Each shard's BM25 uses
its own counts, which differ little between two halves of one mix (as in Elasticsearch's shards).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import tantivy

from khabar.errors import QueryError, StoreError
from khabar.index.documents import (
    INDEX_VERSION,
    MATCH_FIELD,
    PAIR,
    SPLIT,
    WEEK,
    agency_key,
    article_document,
    build_schema,
    day_number_of_midnight,
    register_analyzers,
)
from khabar.index.query import Plan, plan_query, to_tantivy

SORTS = ("best", "relevance", "newest")
RECENCY_WEIGHT = 0.5  # how much a story of today outranks an equally relevant old one
RECENCY_HALF_LIFE = dt.timedelta(days=7)
RERANK_WINDOW = 100  # recent hits reranked by the recency prior, a shard
RECENT = 6 * RECENCY_HALF_LIFE  # older, the prior would raise a score by under 1%: it leaves it
MAX_OFFSET = 10_000  # deeper than any reader pages; a filter narrows better
SHARDS = 2  # one a core of the machine this was measured on (module docstring)
# Bytes of memory each shard's writer fills before it writes a segment of its own. It holds what
# the ingest adds between two commits (`pipeline.COMMIT_EVERY`): 50,000 bench articles a shard
# took 125-165 MB (a segment written before the commit is one more segment for every search to
# read). tantivy takes the memory as it fills it: a small ingest takes little.
WRITER_HEAP = 256_000_000
FACET_AGENCIES = 30
FACET_DAYS = 31
_VERSION_FILE = "khabar-index-version"
_T = TypeVar("_T")
_FREQUENCY_MEMORY = 200_000  # terms


@dataclass(frozen=True)
class Matches:
    """One page of matches: (rowid, score) in rank order, the total, facet counts, what the
    query looked for (for highlighting) and whether it had to be relaxed to find anything."""

    total: int
    ranked: list[tuple[int, float]]
    facets: dict[str, dict[str, int]]
    plan: Plan
    relaxed: bool = False


class SearchIndex:
    """The index at `path`, created on first use: SHARDS tantivy indexes, an article in the one
    its rowid picks, searched side by side (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pool: ThreadPoolExecutor | None = None
        self._open()

    def _open(self) -> None:
        version = self.path / _VERSION_FILE
        exists = version.exists() or (self.path / "meta.json").exists()  # (the latter: before shards)
        self.stale = exists and (not version.exists() or version.read_text().strip() != str(INDEX_VERSION))
        paths = [self.path / f"shard-{i}" for i in range(SHARDS)]
        try:
            self._indexes = []
            for path in paths:
                path.mkdir(parents=True, exist_ok=True)
                found = tantivy.Index.exists(str(path))
                index = tantivy.Index.open(str(path)) if found else tantivy.Index(build_schema(), path=str(path))
                register_analyzers(index)
                self._indexes.append(index)
            if not exists:
                version.write_text(f"{INDEX_VERSION}\n")
        except (OSError, ValueError) as e:
            raise StoreError(f"cannot open the index {self.path}: {e}") from None
        self.schema = self._indexes[0].schema
        self._searchers: list[tantivy.Searcher] = []
        self._generation = 0
        self._metas = [str(path / "meta.json") for path in paths]
        self._frequencies: dict[str, int] = {}
        self._frequencies_at = -1

    def rebuild(self) -> None:
        """Start an empty index of the current format (the caller reindexes the store into it)."""
        self._indexes, self._searchers = [], []  # let tantivy close its files before they go
        shutil.rmtree(self.path, ignore_errors=True)
        self._open()

    @contextmanager
    def writer(self) -> Iterator[IndexWriter]:
        """The one writer; a second process gets a StoreError that says so."""
        writers: list[tantivy.IndexWriter] = []
        try:
            for index in self._indexes:
                writers.append(index.writer(heap_size=WRITER_HEAP, num_threads=1))
        except ValueError as e:
            for writer in writers:
                writer.wait_merging_threads()
            if "lock" in str(e).lower():
                raise StoreError(
                    f"another khabar process is writing to {self.path.parent}; try again when it is done"
                ) from None
            raise StoreError(f"cannot write the index {self.path}: {e}") from None
        try:
            yield IndexWriter(writers)
        except BaseException:
            for writer in writers:
                writer.rollback()
            raise
        finally:
            for writer in writers:
                writer.wait_merging_threads()

    def searchers(self) -> list[tantivy.Searcher]:
        """A searcher of each shard over the latest commit (another process may have written
        since). The shards are reloaded only when a commit has landed: a reload costs more than
        a stat."""
        generation = self.generation()
        if not self._searchers or generation != self._generation:
            for index in self._indexes:
                index.reload()
            self._searchers = [index.searcher() for index in self._indexes]
            self._generation = generation
        return self._searchers

    def generation(self) -> int:
        """Changes with every commit: tantivy writes a new meta.json and renames it into place, so
        its inode changes even when two commits fall in one tick of the file-time clock. What a
        cached result or searcher is good for."""
        stats = []
        for meta in self._metas:  # str paths: this runs for every request
            try:
                found = os.stat(meta)
            except OSError:
                return 0
            stats.append((found.st_ino, found.st_mtime_ns, found.st_size))
        return hash(tuple(stats))

    def document_count(self) -> int:
        """How many articles the latest commit holds (and frequencies are read from it after)."""
        return sum(searcher.num_docs for searcher in self.searchers())

    def frequency(self, term: str) -> int:
        """How many documents hold `term` (in `pair` and `split` when joined by PAIR or SPLIT), remembered
        until the next commit: query plans and display forms ask for the same common words again
        and again (a lookup costs one term dictionary search per segment)."""
        searchers = self._searchers or self.searchers()
        if self._generation != self._frequencies_at:
            self._frequencies.clear()
            self._frequencies_at = self._generation
        found = self._frequencies.get(term)
        if found is None:
            if len(self._frequencies) >= _FREQUENCY_MEMORY:
                self._frequencies.clear()
            field = "pair" if PAIR in term else "split" if SPLIT in term else MATCH_FIELD
            found = self._frequencies[term] = sum(s.doc_freq(field, term) for s in searchers)
        return found

    def search(
        self,
        text: str,
        *,
        agencies: tuple[str, ...] = (),
        date_from: dt.datetime | None = None,
        date_to: dt.datetime | None = None,
        sort: str = "best",
        limit: int = 10,
        offset: int = 0,
        now: dt.datetime | None = None,
        facets: bool = True,
    ) -> Matches:
        """One page of ranked matches, with the facet counts of all matches when `facets`."""
        if self.stale:
            raise StoreError(f"the index in {self.path} was built by another khabar version: run `khabar reindex`")
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        if offset > MAX_OFFSET:
            raise QueryError(f"results deeper than {MAX_OFFSET:,} are not served: narrow the search with a filter")
        searchers = self.searchers()
        plan = plan_query(text, self.frequency) if text.strip() else Plan((), (), ())
        if not plan and plan.excluded:
            raise QueryError("the query only excludes: say what to look for")
        if not plan and text.strip() and not agencies and not (date_from or date_to):
            raise QueryError("the query has no words to search for")
        filters = self._filters(agencies, date_from, date_to)
        relaxed = False
        query = self._query(plan, filters)
        result = self._run(searchers, query, plan, sort, limit, offset, now, date_to)
        if result[0] == 0 and len(plan.required) > 1:  # every word together finds nothing: all but one
            relaxed = True
            query = self._query(plan, filters, relaxed=True)
            result = self._run(searchers, query, plan, sort, limit, offset, now, date_to)
        total, ranked = result
        return Matches(total, ranked, self._facets(searchers, query) if facets else {}, plan, relaxed)

    def _query(
        self, plan: Plan, filters: list[tuple[tantivy.Occur, tantivy.Query]], *, relaxed: bool = False
    ) -> tantivy.Query:
        query = to_tantivy(plan, self.schema, relaxed=relaxed) if plan else tantivy.Query.all_query()
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *filters]) if filters else query

    def _each(self, searchers: list[tantivy.Searcher], work: Callable[[tantivy.Searcher], _T]) -> list[_T]:
        """`work` on every shard at once: the first in this thread, the others in threads of a
        pool (tantivy lets go of the GIL while it searches). The pool has threads enough for the
        web's concurrent requests (a thread a shard would make them queue for it)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(thread_name_prefix="khabar-shard")
        others = [self._pool.submit(work, searcher) for searcher in searchers[1:]]
        return [work(searchers[0]), *(future.result() for future in others)]

    def _run(
        self,
        searchers: list[tantivy.Searcher],
        query: tantivy.Query,
        plan: Plan,
        sort: str,
        limit: int,
        offset: int,
        now: dt.datetime | None,
        date_to: dt.datetime | None,
    ) -> tuple[int, list[tuple[int, float]]]:
        """(total, [(rowid, score)]) of one page: each shard's best (or newest) `offset + limit`,
        merged. For the recency prior, also each shard's best RERANK_WINDOW of the articles of the
        last RECENT, the only ones it raises, when there are more matches: all reranked, each
        once. No other article can reach the page: an older one is not raised, and is below the
        page's last score already.

        The prior had reranked the best 200 of all matches of a shard instead. At a million
        articles, with the news of the last weeks among them, those held few recent articles: of
        the first pages that the prior's formula makes of all matches, the window's shared 32-70%
        of the articles (1-4 word bench queries), this way's 98-99%. It costs a second search,
        of the recent articles only: p50 0.1 ms more for 1 word, 0.4 for 2, 0.8 for 4 words.

        The hits are merged and reranked as arrays: as tuples, a 1-word query's 400 hits took
        180 µs, as arrays 100 µs."""
        newest = sort == "newest" or not plan
        prior = sort == "best" and bool(plan)
        depth = offset + limit
        moment = (now or dt.datetime.now(dt.UTC)).timestamp()
        # Built once, for every shard. A date filter that ends before the last RECENT leaves the
        # prior nothing to raise: the search of the recent ones had cost as much as the filtered
        # search itself (its ranges read for nothing).
        raises = prior and not (date_to is not None and date_to.timestamp() <= moment - RECENT.total_seconds())
        recent = self._recent(query, moment) if raises else None

        def top(searcher: tantivy.Searcher) -> tuple[int, tuple, list, list]:
            """(matches, keys (score or time), rowids, times) of one shard's hits."""
            if newest:
                result = searcher.search(query, limit=depth, order_by_field="ts", order=tantivy.Order.Desc)
            else:
                result = searcher.search(query, limit=depth)
            hits = result.hits
            if recent is not None and len(hits) == depth:  # more matches than it read: the best recent too
                hits += searcher.search(recent, limit=RERANK_WINDOW, count=False).hits
            if not hits:
                return result.count, (), [], []
            keys, addresses = zip(*hits, strict=True)
            rowids = searcher.fast_field_values("doc", addresses)
            times = searcher.fast_field_values("ts", addresses) if prior else []
            return result.count, keys, rowids, times

        found = self._each(searchers, top)
        total = sum(count for count, _, _, _ in found)
        keys = np.array([key for _, keys, _, _ in found for key in keys], dtype=float)  # (None: nan)
        keys[np.isnan(keys)] = -np.inf  # (an article with no time, among the newest: last)
        rowids = np.array([rowid for _, _, rowids, _ in found for rowid in rowids], dtype=np.int64)
        if prior:  # score × (1 + weight · 2^(−age / half life)) for the recent; else the score
            first = np.sort(np.unique(rowids, return_index=True)[1])  # (a recent best hit came twice)
            keys, rowids = keys[first], rowids[first]
            times = np.array([time for _, _, _, times in found for time in times], dtype=float)[first]
            ages = np.maximum(moment - times, 0) / RECENCY_HALF_LIFE.total_seconds()
            raised = ages <= RECENT / RECENCY_HALF_LIFE  # (nan, undated: False)
            keys = np.where(raised, keys * (1 + RECENCY_WEIGHT * np.power(2.0, -ages)), keys)
        page = np.argsort(-keys, kind="stable")[offset : offset + limit]  # (stable: as the shards gave them)
        scores = np.zeros(len(page)) if newest else keys[page]
        return total, list(zip(rowids[page].tolist(), scores.tolist(), strict=True))

    def _recent(self, query: tantivy.Query, moment: float) -> tantivy.Query:
        """`query`, of the articles of the last RECENT before `moment` (and after it) only."""
        since = int(moment - RECENT.total_seconds()) // WEEK
        weeks = tantivy.Query.range_query(self.schema, "week", tantivy.FieldType.Integer, since, None)
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, query), (tantivy.Occur.Must, tantivy.Query.const_score_query(weeks, 0.0))]
        )

    def _facets(self, searchers: list[tantivy.Searcher], query: tantivy.Query) -> dict[str, dict[str, int]]:
        """Hits per agency (most first) and per Jalali day (newest first) of all matches, the
        shards' counts added up."""
        wanted = {
            "agency": {"terms": {"field": "agency", "size": FACET_AGENCIES}},
            "day": {"terms": {"field": "day", "size": FACET_DAYS, "order": {"_key": "desc"}}},
        }
        counts: dict[str, Counter[str]] = {"agency": Counter(), "day": Counter()}
        for found in self._each(searchers, lambda searcher: searcher.aggregate(query, wanted)):
            for name, counter in counts.items():
                counter.update({b["key"]: b["doc_count"] for b in found[name]["buckets"]})
        agencies = sorted(counts["agency"].items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_AGENCIES]
        days = sorted(counts["day"].items(), reverse=True)[:FACET_DAYS]
        return {"agency": dict(agencies), "day": dict(days)}

    def _filters(
        self, agencies: tuple[str, ...], date_from: dt.datetime | None, date_to: dt.datetime | None
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        filters: list[tantivy.Query] = []
        if agencies:
            wanted = [
                (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "agency", agency_key(a))) for a in agencies
            ]
            filters.append(tantivy.Query.boolean_query(wanted))
        if date_from or date_to:
            filters.append(self._dates(date_from, date_to))
        return [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]

    def _dates(self, date_from: dt.datetime | None, date_to: dt.datetime | None) -> tantivy.Query:
        """The articles published from `date_from` up to, not including, `date_to`: whole days in
        Tehran (as the service asks) by the `day_no` field, any other times by `ts`."""
        bounds = (date_from, date_to)
        field, values = "day_no", [day_number_of_midnight(when) if when else None for when in bounds]
        if any(when and value is None for when, value in zip(bounds, values, strict=True)):  # a time of day
            field, values = "ts", [int(when.timestamp()) if when else None for when in bounds]
        return tantivy.Query.range_query(
            self.schema, field, tantivy.FieldType.Integer, *values, include_upper=date_to is None
        )


class IndexWriter:
    """Adds articles, each to its shard; nothing is visible or durable until `commit`."""

    def __init__(self, writers: list[tantivy.IndexWriter]) -> None:
        self._writers = writers

    def add(self, fields: dict[str, str | int], *, new: bool = False) -> None:
        """Add (or replace) an article's document, made by `document_fields`; `new`: the article
        was never indexed (just stored), so there is nothing to replace and no delete to queue."""
        writer = self._shard(int(fields["doc"]))
        if not new:
            writer.delete_documents_by_term("doc", fields["doc"])  # `doc` is i64, as Python ints become
        writer.add_document(article_document(fields))

    def remove(self, rowid: int) -> None:
        """Remove an article's document, if it has one (an original that became a copy)."""
        self._shard(rowid).delete_documents_by_term("doc", rowid)

    def _shard(self, rowid: int) -> tantivy.IndexWriter:
        """The writer of the shard an article belongs in (its rowid picks it)."""
        return self._writers[rowid % len(self._writers)]

    def commit(self) -> None:
        """Commit every shard, all at once: each shard's indexing thread writes its segment, and
        tantivy lets go of the GIL while it does (a commit of 100,000 bench articles took
        1.3-2.1 s, against 2.8-3.5 one shard after the other). A crash between two shards'
        commits leaves the batch unmarked in the store, and the next writer adds it again (an
        article added again replaces itself)."""
        if len(self._writers) == 1:
            self._writers[0].commit()
            return
        with ThreadPoolExecutor(len(self._writers), thread_name_prefix="khabar-shard-commit") as pool:
            for _ in pool.map(tantivy.IndexWriter.commit, self._writers):  # (raises what a commit raised)
                pass


__all__ = ["IndexWriter", "Matches", "SearchIndex"]
