"""The tantivy index in the data directory: open, add, commit, search, facets.

One process writes at a time (tantivy's own writer lock); any number read. The index holds only
what search needs (terms with positions, the store's rowid, agency, publish time); the texts
themselves live in the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tantivy

from khabar.errors import StoreError
from khabar.index.documents import agency_key, article_document, build_schema
from khabar.index.query import Unit, plan, to_tantivy
from khabar.models import Article


@dataclass(frozen=True)
class Matches:
    """One page of matches: (rowid, score) in rank order, the total, facet counts, and the
    terms that matched, for highlighting."""

    total: int
    ranked: list[tuple[int, float]]
    facets: dict[str, dict[str, int]]
    units: list[Unit]


class SearchIndex:
    """The index at `path`, created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.mkdir(parents=True, exist_ok=True)
            if tantivy.Index.exists(str(path)):
                self._index = tantivy.Index.open(str(path))
            else:
                self._index = tantivy.Index(build_schema(), path=str(path))
        except (OSError, ValueError) as e:
            raise StoreError(f"cannot open the index {path}: {e}") from None
        self.schema = self._index.schema
        self._searcher: tantivy.Searcher | None = None

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
        """A searcher over the latest commit (another process may have written since)."""
        self._index.reload()
        self._searcher = self._index.searcher()
        return self._searcher

    def frequency(self, term: str) -> int:
        """How many documents hold `term` in their body."""
        searcher = self._searcher or self.searcher()
        return searcher.doc_freq("body", term)

    def search(
        self,
        text: str,
        *,
        agencies: tuple[str, ...] = (),
        date_from: dt.datetime | None = None,
        date_to: dt.datetime | None = None,
        newest_first: bool = False,
        limit: int = 10,
        offset: int = 0,
    ) -> Matches:
        searcher = self.searcher()

        def doc_freq(term: str) -> int:
            return sum(searcher.doc_freq(field, term) for field in ("title", "body"))

        units = plan(text, doc_freq) if text.strip() else []
        query = to_tantivy(units, self.schema) if units else tantivy.Query.all_query()
        filters = self._filters(agencies, date_from, date_to)
        if filters:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), *filters])
        if newest_first or not units:
            result = searcher.search(query, limit=limit, offset=offset, order_by_field="ts", order=tantivy.Order.Desc)
        else:
            result = searcher.search(query, limit=limit, offset=offset)
        addresses = [address for _, address in result.hits]
        rowids = searcher.fast_field_values("doc", addresses) if addresses else []
        scores = [float(key) if isinstance(key, float) else 0.0 for key, _ in result.hits]
        facets = searcher.aggregate(query, {"agency": {"terms": {"field": "agency", "size": 30}}})
        agency_counts = {b["key"]: b["doc_count"] for b in facets["agency"]["buckets"]}
        return Matches(result.count, list(zip(rowids, scores, strict=True)), {"agency": agency_counts}, units)

    def _filters(
        self, agencies: tuple[str, ...], date_from: dt.datetime | None, date_to: dt.datetime | None
    ) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        filters = []
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

    def add(self, rowid: int, article: Article) -> None:
        self._writer.delete_documents_by_term("doc", rowid)
        self._writer.add_document(article_document(rowid, article))

    def commit(self) -> None:
        self._writer.commit()


__all__ = ["IndexWriter", "Matches", "SearchIndex"]
