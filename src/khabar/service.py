"""khabar as a library: one object over a data directory, used by the CLI and the web layer.

    kh = Khabar(Path("khabar-data"))
    kh.ingest([Path("pages/")])
    kh.search("می شود", agencies=("ایسنا",))

Everything lives in the data directory: `khabar.db` (the store), `index/` (the search index),
`khabar.bands.npy` (the copy finder's band buckets, a cache of the store) and `archive/` (WARC).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import replace
from importlib import resources
from pathlib import Path

import uvloop

from khabar import store
from khabar.crawl import Crawler
from khabar.crawl import CrawlReport as CrawlReport  # re-exported, with Politeness, for the CLI
from khabar.crawl import Politeness as Politeness
from khabar.crawl import Source as Source
from khabar.crawl import default_sources as default_sources  # re-exported for the CLI and the web layer
from khabar.crawl import load_sources as load_sources
from khabar.crawl.fetch import POLITE
from khabar.errors import QueryError
from khabar.group.entities import name_key
from khabar.group.grouper import Grouper
from khabar.index.engine import SORTS as SORTS  # re-exported for the CLI and the web layer
from khabar.index.engine import SearchIndex
from khabar.inputs import read_page, scan_inputs
from khabar.models import Article, Copy, Hit, SearchResult, Story
from khabar.pipeline import Ingester, IngestReport, fewer_collections
from khabar.store.sqlite import Connection
from khabar.text.dates import TEHRAN, parse_user_date
from khabar.text.highlight import snippet

MAX_QUERY_CHARS = 500
MAX_LIMIT = 100
RESULT_CACHE = 2000  # recent results kept: news readers ask the same queries, until the index changes
# and for at most RESULT_TTL, each result from when it was made (not all at once on the minute,
# which sent every reader to the index together): the recency prior, with a half-life of a week,
# moves a score by less than 0.02% in five minutes
RESULT_TTL = 300.0  # seconds
LATEST_SCAN = 10  # recent articles read per story wanted on the home page (a story has several)


class Khabar:
    """The store and index in `data_dir`, opened on first use."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._conn: Connection | None = None
        self._index: SearchIndex | None = None
        self._results: OrderedDict[tuple, tuple[float, SearchResult]] = OrderedDict()

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            self._conn = store.connect(self.data_dir / "khabar.db")
        return self._conn

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = SearchIndex(self.data_dir / "index")
        return self._index

    def generation(self) -> int:
        """Changes whenever the index does (a commit by any process): what an answer made from
        it is good for."""
        return self.index.generation()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def ingest(self, paths: Iterable[Path], progress: Callable[[IngestReport], None] | None = None) -> IngestReport:
        """Store and index every article under `paths`; bad inputs are reported, not fatal."""
        with self.index.writer() as writer, fewer_collections():
            ingester = Ingester(self.conn, writer, grouper=self._grouper())
            try:
                ingester.catch_up()
                for source, item in scan_inputs(paths):
                    ingester.add(source, item)
                    if progress:
                        progress(ingester.report)
            finally:
                ingester.close()
        return ingester.report

    def _grouper(self) -> Grouper:
        return Grouper(self.conn, self.index.frequency, self.index.document_count)

    def reindex(self) -> int:
        """Build the index anew from the store (after an upgrade, or to repair it); returns the
        number of articles indexed."""
        self.index.rebuild()
        store.mark_all_unindexed(self.conn)
        with self.index.writer() as writer, fewer_collections():
            ingester = Ingester(self.conn, writer, grouper=self._grouper())
            try:
                return ingester.catch_up()
            finally:
                ingester.close()

    def ingest_demo(self) -> IngestReport:
        """The bundled demo corpus: the two seed pages and a sample of real articles."""
        demo = resources.files("khabar") / "demo"
        with resources.as_file(demo) as folder:
            return self.ingest([folder])

    def crawl(
        self,
        sources: list[Source],
        *,
        max_pages: int | None = None,
        politeness: Politeness = POLITE,
        progress: Callable[[CrawlReport], None] | None = None,
    ) -> CrawlReport:
        """Visit every source once and store what is new (`khabar crawl --once`)."""
        crawler = Crawler(
            self.conn,
            self.index,
            self.data_dir / "archive",
            sources,
            politeness=politeness,
            max_pages=max_pages,
            progress=progress,
        )
        return uvloop.run(crawler.once())

    def crawl_until(
        self, sources: list[Source], stop: threading.Event, *, politeness: Politeness = POLITE, workers: int = 1
    ) -> None:
        """Crawl on schedule until `stop` is set (`khabar crawl`, and beside the web UI)."""
        crawler = Crawler(
            self.conn, self.index, self.data_dir / "archive", sources, politeness=politeness, workers=workers
        )

        async def run() -> None:
            stopped = asyncio.Event()
            loop = asyncio.get_running_loop()
            threading.Thread(target=lambda: (stop.wait(), loop.call_soon_threadsafe(stopped.set)), daemon=True).start()
            await crawler.forever(stopped)

        uvloop.run(run())

    def source_status(self, sources: list[Source]) -> list[dict]:
        """Each source with its feeds' last fetch and its article counts (the sources page)."""
        known = store.crawl.source_status(self.conn)
        return [{"source": s, **known.get(s.name, {"fetches": [], "articles": {}})} for s in sources]

    def article(self, article_id: str) -> Article | None:
        return store.get_article(self.conn, article_id)

    def count(self) -> int:
        return store.count_articles(self.conn)

    def copies(self, article: Article) -> list[Article]:
        """Other sources' copies of `article` (the grouping stage points them at it)."""
        return store.copies_of(self.conn, [article.id]).get(article.id, [])

    def story(self, story_id: str) -> Story | None:
        articles = store.story_articles(self.conn, story_id)
        return Story(story_id, tuple(articles)) if articles else None

    def subject_of(self, story_id: str) -> str | None:
        """The subject thread a story belongs to (None before grouping has seen it)."""
        return store.groups.subject_of(self.conn, story_id)

    def subject(self, subject_id: str) -> list[str]:
        """The stories of a subject thread, oldest first."""
        return store.groups.subject_stories(self.conn, subject_id)

    def subject_stories(self, subject_id: str) -> list[Story]:
        stories = (self.story(story_id) for story_id in self.subject(subject_id))
        return [s for s in stories if s is not None]

    @staticmethod
    def entity_key(name: str) -> str:
        """The key that merges a name's spellings (وین ماروتو = واین ماروتو)."""
        return name_key(name)

    def latest_stories(self, limit: int = 20) -> list[Story]:
        """The stories with the most recent reports, newest first."""
        keys: dict[str, None] = {}
        for article in store.latest_articles(self.conn, limit * LATEST_SCAN):
            keys.setdefault(article.story_id or article.id)
            if len(keys) == limit:
                break
        stories = (self.story(key) for key in keys)
        return [s for s in stories if s is not None]

    def search(
        self,
        query: str,
        *,
        agencies: Iterable[str] = (),
        date_from: str | None = None,
        date_to: str | None = None,
        sort: str = "best",
        limit: int = 10,
        offset: int = 0,
        now: dt.datetime | None = None,
    ) -> SearchResult:
        """Ranked search. Dates are Jalali ("1400-04-22") or ISO ("2021-07-13"), both inclusive.
        `sort`: "best" (relevance with a recency prior), "relevance", or "newest"."""
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}")
        if offset < 0:
            raise QueryError("offset must not be negative")
        text = _clean_query(query)
        key = (text, tuple(agencies), date_from, date_to, sort, limit, offset, self.generation())
        cached = self._results.get(key) if now is None else None
        if cached is not None and time.monotonic() - cached[0] < RESULT_TTL:
            self._results.move_to_end(key)
            return replace(cached[1], query=query)
        start = _day_start(date_from, "from") if date_from else None
        end = _day_start(date_to, "to") + dt.timedelta(days=1) if date_to else None
        matches = self.index.search(
            text,
            agencies=tuple(a for a in agencies if a.strip()),
            date_from=start,
            date_to=end,
            sort=sort,
            limit=limit,
            offset=offset,
            now=now,
        )
        articles = store.articles_by_rowid(self.conn, [rowid for rowid, _ in matches.ranked])
        copies = store.copy_links(self.conn, [a.id for a in articles.values()])
        wanted = matches.plan.terms
        hits = []
        for rowid, score in matches.ranked:
            article = articles.get(rowid)
            if article is None:
                continue
            passage = snippet(
                "\n".join(filter(None, [article.lead, article.body])), wanted, frequency=self.index.frequency
            )
            hits.append(
                Hit(
                    id=article.id,
                    title=article.title,
                    url=article.url,
                    agency=article.agency,
                    published=article.published,
                    snippet=passage.text,
                    marks=passage.marks,
                    score=score,
                    story_id=article.story_id,
                    copies=tuple(Copy(*link) for link in copies.get(article.id, ())),
                )
            )
        result = SearchResult(
            query=query, total=matches.total, hits=tuple(hits), facets=matches.facets, relaxed=matches.relaxed
        )
        if now is None:
            self._results[key] = (time.monotonic(), result)
            self._results.move_to_end(key)
            if len(self._results) > RESULT_CACHE:
                self._results.popitem(last=False)
        return result


def extract_file(path: Path, url: str | None = None) -> Article:
    """Read one page without storing it. Raises InputError or ExtractError."""
    article = read_page(path)
    return article.with_(url=url) if url else article


def _clean_query(query: str) -> str:
    """Control characters out, length capped: a query is words, never markup or syntax."""
    cleaned = "".join(c if c.isprintable() or c in "\u200c\u200d" else " " for c in query)
    return cleaned[:MAX_QUERY_CHARS]


def _day_start(value: str, which: str) -> dt.datetime:
    try:
        day = parse_user_date(value)
    except ValueError as e:
        raise QueryError(f"--{which}: {e}") from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=TEHRAN)
