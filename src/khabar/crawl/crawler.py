"""One crawl: visit each source's feeds and sitemaps, queue the article addresses they list, fetch
what is new, and store and index the articles. Every response is archived (WARC).

Order of acknowledgement, so a `kill -9` at any moment loses nothing and stores nothing twice:
an address enters the frontier when a feed lists it; it is marked done only after its article
is committed to the store (and so to the index, see `khabar.pipeline`). After a crash the
address is still pending, is fetched again, and its article, already stored under the same id,
counts as a duplicate.

Feeds are revisited on a schedule that adapts to how often they change: halved (down to
`MIN_INTERVAL`) when a visit finds new articles, grown by half (up to `MAX_INTERVAL`) when not;
a failing source backs off the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import httpx

from khabar.crawl.fetch import FEED_TYPES, HTML_TYPES, POLITE, Fetched, Fetcher, Politeness
from khabar.crawl.robots import Robots
from khabar.crawl.sources import Source
from khabar.errors import ExtractError, StoreError
from khabar.extract.feeds import read_feed, read_sitemap
from khabar.group.grouper import Grouper
from khabar.index.engine import SearchIndex
from khabar.inputs import Failure, Item, Skipped, Unread
from khabar.models import Article, normalize_url
from khabar.pipeline import Ingester, Prepared, analysed, worker_pool
from khabar.store import crawl as state
from khabar.store.archive import WarcArchive, warc_records
from khabar.store.sqlite import Connection

log = logging.getLogger("khabar.crawl")

MIN_INTERVAL = 120.0  # seconds between visits of a feed that changes all the time
START_INTERVAL = 600.0
MAX_INTERVAL = 6 * 3600.0
FLUSH_EVERY = 100  # articles stored (and acknowledged) together, at the most
FLUSH_SECONDS = 2.0  # and at least this often while articles come in
WRITER_WAIT = 120  # seconds to wait for another process to finish writing the index
BATCH = 200  # frontier addresses taken at a time
MAX_CHILD_SITEMAPS = 20  # of a sitemap index, the first ones (sites list the newest first)


@dataclass
class CrawlReport:
    requests: int = 0
    conditional: int = 0  # requests that carried an ETag or Last-Modified
    not_modified: int = 0
    listed: int = 0  # new article addresses found in feeds and sitemaps
    fetched: int = 0
    added: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: int = 0  # not a Persian article page
    disallowed: int = 0  # robots.txt said no: never fetched
    deferred: int = 0  # robots.txt could not be read: left for the next visit
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return dict(self.__dict__)


class _Ready(NamedTuple):
    """A fetched article, analysed for the index and for grouping."""

    article: Article
    prepared: Prepared


class Crawler:
    """Crawls `sources` into the store `conn` and the index `index` (see the module docstring)."""

    def __init__(
        self,
        conn: Connection,
        index: SearchIndex,
        archive_dir: Path,
        sources: Sequence[Source],
        *,
        politeness: Politeness = POLITE,
        max_pages: int | None = None,
        workers: int | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        progress: Callable[[CrawlReport], None] | None = None,
    ) -> None:
        self.conn = conn
        self.index = index
        self.sources = list(sources)
        self.politeness = politeness
        self.max_pages = max_pages
        self.progress = progress
        self.archive = WarcArchive(archive_dir)
        self._workers = workers if workers is not None else (os.cpu_count() or 1)
        self._transport = transport
        self.report = CrawlReport()
        # One grouper for the crawl, so the stories it decoded stay decoded from batch to batch,
        # while the index (whose writer lock guards the store too) is unchanged since it wrote.
        self._grouper: Grouper | None = None
        self._written = -1

    async def once(self) -> CrawlReport:
        """Visit every source once: its feeds and sitemaps, then the new articles they list."""
        await self._cycle(due_only=False)
        return self.report

    async def forever(self, stop: asyncio.Event, tick: float = 30.0) -> None:
        """Crawl on schedule until `stop` is set: each feed when it is due."""
        while not stop.is_set():
            await self._cycle(due_only=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), tick)

    async def _cycle(self, *, due_only: bool) -> None:
        self._robots: dict[str, asyncio.Future[Robots]] = {}
        self._store_busy = asyncio.Lock()  # held while the store thread uses the connection
        state.requeue_deferred(self.conn)
        pool = worker_pool(self._workers) if self._workers > 1 else None
        self._pool = pool
        try:
            async with Fetcher(self.politeness, on_response=self._archive, transport=self._transport) as fetcher:
                self._fetcher = fetcher
                now = time.time()
                visits = [
                    self._visit(source, url, kind)
                    for source in self.sources
                    for kind, urls in (("feed", source.feeds), ("sitemap", source.sitemaps))
                    for url in urls
                    if not due_only or self._due(url, now)
                ]
                await asyncio.gather(*visits)
                await self._store([])  # first, index what a crash left stored but unindexed
                await self._fetch_articles()
        finally:
            self.archive.close()
            if pool is not None:
                pool.shutdown(cancel_futures=True)

    def _due(self, url: str, now: float) -> bool:
        known = state.fetch_state(self.conn, url)
        return known is None or known.next_due <= now

    # feeds and sitemaps

    async def _visit(self, source: Source, url: str, kind: str, depth: int = 0) -> None:
        known = state.fetch_state(self.conn, url)
        interval = known.interval if known else START_INTERVAL
        robots = await self._robots_for(url)
        if not robots.allows(url):
            reason = robots.unreachable or "disallowed by robots.txt"
            self._fail(source, url, kind, reason, interval, known.failures if known else 0)
            return
        fetched = await self._get(url, known, FEED_TYPES)
        if fetched.not_modified:
            self.report.not_modified += 1
            self._record(source, url, kind, "unchanged", min(interval * 1.5, MAX_INTERVAL))
            return
        if not fetched.ok:
            self._fail(source, url, kind, fetched.error or "failed", interval, known.failures if known else 0)
            return
        try:
            if kind == "feed":
                links, children = read_feed(fetched.body, fetched.final_url), ()
            else:
                sitemap = read_sitemap(fetched.body, fetched.final_url)
                links, children = sitemap.links, sitemap.sitemaps
        except ExtractError as e:
            self._fail(source, url, kind, str(e), interval, known.failures if known else 0)
            return
        new = state.add_to_frontier(self.conn, source.name, (normalize_url(link.url) for link in links))
        self.report.listed += new
        next_interval = max(interval / 2, MIN_INTERVAL) if new else min(interval * 1.5, MAX_INTERVAL)
        self._record(
            source,
            url,
            kind,
            "ok",
            next_interval,
            etag=fetched.header("etag"),
            modified=fetched.header("last-modified"),
        )
        log.info("listed", extra={"fields": {"source": source.name, "url": url, "kind": kind, "new": new}})
        if depth == 0:
            await asyncio.gather(*(self._visit(source, c, "sitemap", 1) for c in children[:MAX_CHILD_SITEMAPS]))

    def _record(
        self,
        source: Source,
        url: str,
        kind: str,
        status: str,
        interval: float,
        *,
        etag: str | None = None,
        modified: str | None = None,
        body: bytes | None = None,
    ) -> None:
        state.record_fetch(
            self.conn,
            url,
            source=source.name,
            kind=kind,
            status=status,
            next_due=time.time() + interval,
            interval=interval,
            etag=etag,
            last_modified=modified,
            body=body,
        )

    def _fail(self, source: Source, url: str, kind: str, error: str, interval: float, failures: int) -> None:
        wait = min(interval * 2**failures, MAX_INTERVAL)
        state.record_fetch(
            self.conn,
            url,
            source=source.name,
            kind=kind,
            status="error",
            next_due=time.time() + wait,
            interval=interval,
            error=error,
        )
        self.report.errors.append(f"{source.name}: {url}: {error}")
        log.warning("source error", extra={"fields": {"source": source.name, "url": url, "error": error}})

    # robots.txt

    async def _robots_for(self, url: str) -> Robots:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = asyncio.ensure_future(self._load_robots(origin))
        return await self._robots[origin]

    async def _load_robots(self, origin: str) -> Robots:
        url = f"{origin}/robots.txt"
        async with self._store_busy:
            known = state.fetch_state(self.conn, url)
        fetched = await self._get(url, known, None)
        if fetched.not_modified and known is not None and known.body is not None:
            robots = Robots(known.body.decode("utf-8", errors="replace"))
        else:
            robots = Robots.from_fetch(fetched.status, fetched.body, fetched.error)
            if fetched.ok:
                async with self._store_busy:
                    state.record_fetch(
                        self.conn,
                        url,
                        source=urlsplit(origin).netloc,
                        kind="robots",
                        status="ok",
                        next_due=time.time() + 86400,
                        interval=86400,
                        etag=fetched.header("etag"),
                        last_modified=fetched.header("last-modified"),
                        body=fetched.body,
                    )
        if robots.crawl_delay:
            self._fetcher.slow_down(urlsplit(origin).hostname or "", robots.crawl_delay)
        return robots

    # articles

    async def _fetch_articles(self) -> None:
        """Fetch the pending addresses; store the articles as they come, in small batches.

        A window of addresses is kept in flight, topped up from the frontier before each store,
        so fetching and extraction never wait for a batch's last page, nor for the store."""
        names = [s.name for s in self.sources]
        budget = self.max_pages if self.max_pages is not None else float("inf")
        running: set[asyncio.Future] = set()
        taken: set[str] = set()  # addresses in flight or waiting to be stored: still pending in the frontier
        found: list[tuple[str, str, _Ready]] = []
        stored_at = time.monotonic()
        while True:
            if budget > 0 and len(running) < BATCH // 2:
                wanted = int(min(BATCH - len(running), budget))
                more = [a for a in state.pending(self.conn, wanted + len(taken), names) if a[0] not in taken]
                more = more[:wanted]
                budget = budget - len(more) if len(more) == wanted else 0  # or the frontier is empty
                for url, source in more:
                    taken.add(url)
                    running.add(asyncio.ensure_future(self._fetch_article(url, source)))
            if not running:
                break
            done, running = await asyncio.wait(running, timeout=FLUSH_SECONDS, return_when=asyncio.FIRST_COMPLETED)
            failed = []
            for task in done:
                url, source, outcome = task.result()
                if isinstance(outcome, _Ready):
                    found.append((url, source, outcome))
                else:
                    failed.append((url, *outcome))
                    taken.discard(url)
            if failed:
                state.finish(self.conn, failed)
            if len(found) >= FLUSH_EVERY or (found and (time.monotonic() - stored_at >= FLUSH_SECONDS or not running)):
                await self._store(found)
                taken.difference_update(url for url, _, _ in found)
                found, stored_at = [], time.monotonic()

    async def _fetch_article(self, url: str, source: str) -> tuple[str, str, _Ready | tuple[str, str | None]]:
        """(url, source, the article at `url`), or (url, source, (frontier state, reason)) when
        there is none."""
        return url, source, await self._article_at(url)

    async def _article_at(self, url: str) -> _Ready | tuple[str, str | None]:
        robots = await self._robots_for(url)
        if not robots.allows(url):
            if robots.unreachable:  # not a no: asked again on the next visit
                self.report.deferred += 1
                return "deferred", robots.unreachable
            self.report.disallowed += 1
            return "skipped", "disallowed by robots.txt"
        fetched = await self._get(url, None, HTML_TYPES, keep_ok=True)
        if not fetched.ok:
            self.report.failed += 1
            log.warning("fetch failed", extra={"fields": {"url": url, "error": fetched.error}})
            return "failed", fetched.error
        self.report.fetched += 1
        loop = asyncio.get_running_loop()
        records, item, prepared = await loop.run_in_executor(self._pool, _read_page, fetched)
        self.archive.append(records)
        if isinstance(item, Failure):
            self.report.failed += 1
            log.warning("not an article", extra={"fields": {"url": url, "error": item.reason}})
            return "failed", item.reason
        if isinstance(item, Skipped):
            self.report.skipped += 1
            return "skipped", item.reason
        assert isinstance(item, Article) and prepared is not None
        return _Ready(item, prepared)

    async def _store(self, found: list[tuple[str, str, _Ready]]) -> None:
        """Store and index these articles, then mark their addresses done (never the other way).

        The work runs in a thread (SQLite and tantivy let go of the GIL for much of it), so the
        fetches in flight go on meanwhile; a fetch task that needs the store's connection
        (robots.txt state, for a new host) waits for `_store_busy`. The index's writer is taken
        only for this moment, so `khabar ingest` can run beside a crawl; while another process
        holds it, wait for it.
        """
        for attempt in itertools.count():
            try:
                async with self._store_busy:
                    ingester = await asyncio.to_thread(self._store_batch, found)
                break
            except StoreError as e:
                if attempt >= WRITER_WAIT:
                    raise
                log.info("waiting for the index", extra={"fields": {"reason": str(e)}})
                await asyncio.sleep(1)
        state.finish(self.conn, [(url, "done", None) for url, _, _ in found])
        self.report.added += ingester.report.added
        self.report.duplicates += ingester.report.duplicates
        if self.progress and found:
            self.progress(self.report)

    def _store_batch(self, found: list[tuple[str, str, _Ready]]) -> Ingester:
        """(In the store thread.) One batch into the store, the groups and the index."""
        with self.index.writer() as writer:
            if self._grouper is None or self.index.generation() != self._written:
                # another process wrote since: what this grouper remembers may be stale
                self._grouper = Grouper(self.conn, self.index.frequency, self.index.document_count)
            ingester = Ingester(self.conn, writer, workers=1, grouper=self._grouper, pool=self._pool)
            try:
                ingester.catch_up()
                for _, source, ready in found:
                    ingester.add(source, ready.article, ready.prepared)
                ingester.close()
            except BaseException:
                ingester.abort()
                self._grouper = None
                raise
        self._written = self.index.generation()
        return ingester

    async def _get(
        self, url: str, known: state.FetchState | None, accept: tuple[str, ...] | None, *, keep_ok: bool = False
    ) -> Fetched:
        etag = known.etag if known else None
        modified = known.last_modified if known else None
        self.report.requests += 1
        self.report.conditional += bool(etag or modified)
        return await self._fetcher.get(url, etag=etag, last_modified=modified, accept=accept, keep_ok=keep_ok)

    def _archive(self, fetched: Fetched) -> None:
        self.archive.append(_records_of(fetched))


def _read_page(fetched: Fetched) -> tuple[bytes, Item, Prepared | None]:
    """In a worker process: an article page's WARC records, and its article analysed for the
    index and for grouping (`khabar.pipeline.analysed`). The crawl process, which runs the
    fetching, the store and the index, is the busiest; all pure work on a page is done here."""
    page = Unread(fetched.final_url, "fetched", fetched.body, fetched.final_url, fetched.charset)
    return (_records_of(fetched), *analysed(page))


def _records_of(fetched: Fetched) -> bytes:
    assert fetched.status is not None
    return warc_records(
        fetched.final_url, fetched.status, fetched.reason, fetched.headers, fetched.body, fetched.request_headers
    )
