"""The tantivy index in the data directory: open, add, commit, search, facets.

One process writes at a time (tantivy's own writer lock); any number read, and readers see each
commit as it lands. The index holds only what search needs (terms with positions, the store's
rowid, agency, publish time and day); the texts live in the store, so an index of an older
format is simply rebuilt from it.

Ranking: BM25 over all the text (title, lead, body and date words), the title's scored again,
a bonus for the query's words side by side, and by default a recency prior for news: the top
hits are reranked by score × (1 + RECENCY_WEIGHT · 2^(−age / RECENCY_HALF_LIFE)). Sorting by
"relevance" leaves it out, "newest" sorts by time.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tantivy

from khabar.errors import QueryError, StoreError
from khabar.index.documents import INDEX_VERSION, MATCH_FIELD, agency_key, article_document, build_schema
from khabar.index.query import Plan, plan_query, to_tantivy

SORTS = ("best", "relevance", "newest")
RECENCY_WEIGHT = 0.5  # how much a story of today outranks an equally relevant old one
RECENCY_HALF_LIFE = dt.timedelta(days=7)
RERANK_WINDOW = 200  # hits reranked by the recency prior
MAX_OFFSET = 10_000  # deeper than any reader pages; a filter narrows better
_VERSION_FILE = "khabar-index-version"
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
    """The index at `path`, created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._open()

    def _open(self) -> None:
        version = self.path / _VERSION_FILE
        exists = self.path.is_dir() and tantivy.Index.exists(str(self.path))
        self.stale = exists and (not version.exists() or version.read_text().strip() != str(INDEX_VERSION))
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            if exists:
                self._index = tantivy.Index.open(str(self.path))
            else:
                self._index = tantivy.Index(build_schema(), path=str(self.path))
                version.write_text(f"{INDEX_VERSION}\n")
        except (OSError, ValueError) as e:
            raise StoreError(f"cannot open the index {self.path}: {e}") from None
        self.schema = self._index.schema
        self._searcher: tantivy.Searcher | None = None
        self._generation = 0
        self._meta = str(self.path / "meta.json")
        self._frequencies: dict[str, int] = {}
        self._frequencies_at = -1

    def rebuild(self) -> None:
        """Start an empty index of the current format (the caller reindexes the store into it)."""
        self._index = self._searcher = None  # let tantivy close its files before they go
        shutil.rmtree(self.path, ignore_errors=True)
        self._open()

    @contextmanager
    def writer(self) -> Iterator[IndexWriter]:
        """The one writer; a second process gets a StoreError that says so."""
        try:
            writer = self._index.writer(heap_size=64_000_000, num_threads=1)
        except ValueError as e:
            if "lock" in str(e).lower():
                raise StoreError(
                    f"another khabar process is writing to {self.path.parent}; try again when it is done"
                ) from None
            raise StoreError(f"cannot write the index {self.path}: {e}") from None
        try:
            yield IndexWriter(writer)
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the latest commit (another process may have written since). The
        index is reloaded only when a commit has landed: a reload costs more than a stat."""
        generation = self.generation()
        if self._searcher is None or generation != self._generation:
            self._index.reload()
            self._searcher = self._index.searcher()
            self._generation = generation
        return self._searcher

    def generation(self) -> int:
        """Changes with every commit: tantivy writes a new meta.json and renames it into place, so
        its inode changes even when two commits fall in one tick of the file-time clock. What a
        cached result or searcher is good for."""
        try:
            found = os.stat(self._meta)  # a str path: this runs for every request
        except OSError:
            return 0
        return hash((found.st_ino, found.st_mtime_ns, found.st_size))

    def document_count(self) -> int:
        """How many articles the latest commit holds (and frequencies are read from it after)."""
        return self.searcher().num_docs

    def frequency(self, term: str) -> int:
        """How many documents hold `term`, remembered until the next commit: query plans and
        display forms ask for the same common words again and again (a lookup costs one term
        dictionary search per segment)."""
        searcher = self._searcher or self.searcher()
        if self._generation != self._frequencies_at:
            self._frequencies.clear()
            self._frequencies_at = self._generation
        found = self._frequencies.get(term)
        if found is None:
            if len(self._frequencies) >= _FREQUENCY_MEMORY:
                self._frequencies.clear()
            found = self._frequencies[term] = searcher.doc_freq(MATCH_FIELD, term)
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
        searcher = self.searcher()
        plan = plan_query(text, self.frequency) if text.strip() else Plan((), (), ())
        if not plan and plan.excluded:
            raise QueryError("the query only excludes: say what to look for")
        if not plan and text.strip() and not agencies and not (date_from or date_to):
            raise QueryError("the query has no words to search for")
        filters = self._filters(agencies, date_from, date_to)
        relaxed = False
        query = self._query(plan, filters)
        result = self._run(searcher, query, plan, sort, limit, offset, now)
        if result[0] == 0 and len(plan.required) > 1:  # every word together finds nothing: all but one
            relaxed = True
            query = self._query(plan, filters, relaxed=True)
            result = self._run(searcher, query, plan, sort, limit, offset, now)
        total, ranked = result
        return Matches(total, ranked, self._facets(searcher, query) if facets else {}, plan, relaxed)

    def _query(
        self, plan: Plan, filters: list[tuple[tantivy.Occur, tantivy.Query]], *, relaxed: bool = False
    ) -> tantivy.Query:
        query = to_tantivy(plan, self.schema, relaxed=relaxed) if plan else tantivy.Query.all_query()
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *filters])

    def _run(
        self,
        searcher: tantivy.Searcher,
        query: tantivy.Query,
        plan: Plan,
        sort: str,
        limit: int,
        offset: int,
        now: dt.datetime | None,
    ) -> tuple[int, list[tuple[int, float]]]:
        """(total, [(rowid, score)]) of one page."""
        if sort == "newest" or not plan:
            result = searcher.search(query, limit=limit, offset=offset, order_by_field="ts", order=tantivy.Order.Desc)
            addresses = [address for _, address in result.hits]
            return result.count, list(zip(self._rowids(searcher, addresses), [0.0] * len(addresses), strict=True))
        if sort == "relevance":
            result = searcher.search(query, limit=limit, offset=offset)
            addresses = [address for _, address in result.hits]
            scores = [float(score) for score, _ in result.hits]
            return result.count, list(zip(self._rowids(searcher, addresses), scores, strict=True))
        window = max(RERANK_WINDOW, offset + limit)
        result = searcher.search(query, limit=window)
        addresses = [address for _, address in result.hits]
        times = searcher.fast_field_values("ts", addresses) if addresses else []
        moment = (now or dt.datetime.now(dt.UTC)).timestamp()
        half_life = RECENCY_HALF_LIFE.total_seconds()
        boosted = []
        for (score, _), rowid, published in zip(result.hits, self._rowids(searcher, addresses), times, strict=True):
            fresh = 2 ** (-max(moment - published, 0) / half_life) if published is not None else 0.0
            boosted.append((rowid, float(score) * (1 + RECENCY_WEIGHT * fresh)))
        boosted.sort(key=lambda pair: -pair[1])
        return result.count, boosted[offset : offset + limit]

    @staticmethod
    def _rowids(searcher: tantivy.Searcher, addresses: list) -> list[int]:
        return searcher.fast_field_values("doc", addresses) if addresses else []

    @staticmethod
    def _facets(searcher: tantivy.Searcher, query: tantivy.Query) -> dict[str, dict[str, int]]:
        """Hits per agency (most first) and per Jalali day (newest first) of all matches."""
        found = searcher.aggregate(
            query,
            {
                "agency": {"terms": {"field": "agency", "size": 30}},
                "day": {"terms": {"field": "day", "size": 31, "order": {"_key": "desc"}}},
            },
        )
        return {name: {b["key"]: b["doc_count"] for b in found[name]["buckets"]} for name in ("agency", "day")}

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
            filters.append(
                tantivy.Query.range_query(
                    self.schema,
                    "ts",
                    tantivy.FieldType.Integer,
                    int(date_from.timestamp()) if date_from else None,
                    int(date_to.timestamp()) if date_to else None,
                    include_upper=date_to is None,
                )
            )
        return [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]


class IndexWriter:
    """Adds articles; nothing is visible or durable until `commit`."""

    def __init__(self, writer: tantivy.IndexWriter) -> None:
        self._writer = writer

    def add(self, fields: dict[str, str | int]) -> None:
        """Add (or replace) an article's document, made by `document_fields`."""
        self._writer.delete_documents_by_term("doc", fields["doc"])  # `doc` is i64, as Python ints become
        self._writer.add_document(article_document(fields))

    def remove(self, rowid: int) -> None:
        """Remove an article's document, if it has one (an original that became a copy)."""
        self._writer.delete_documents_by_term("doc", rowid)

    def commit(self) -> None:
        self._writer.commit()


__all__ = ["IndexWriter", "Matches", "SearchIndex"]
