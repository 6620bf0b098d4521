"""The fetcher against the local test web: conditional requests, bounds, retries, politeness."""

from __future__ import annotations

import asyncio
import time

from khabar.crawl.fetch import FEED_TYPES, HTML_TYPES, Fetcher, Politeness
from tests.crawl.web import serving

FAST = Politeness(delay=0, timeout=3, backoff=0.1)


def fetch(politeness: Politeness, *urls: str, **kwargs: object) -> list:
    async def run() -> list:
        async with Fetcher(politeness) as f:
            return list(await asyncio.gather(*(f.get(u, **kwargs) for u in urls)))  # type: ignore[arg-type]

    return asyncio.run(run())


def test_an_unchanged_feed_costs_one_304() -> None:
    with serving() as web:
        (first,) = fetch(FAST, f"{web.base}/feed.xml", accept=FEED_TYPES)
        assert first.ok and first.header("etag") and b"<rss" in first.body
        (second,) = fetch(FAST, f"{web.base}/feed.xml", etag=first.header("etag"))
        assert second.not_modified and second.body == b""
        assert web.log[-1][1]["if-none-match"] == first.header("etag")


def test_a_503_with_retry_after_is_asked_again_after_the_wait() -> None:
    with serving() as web:
        started = time.monotonic()
        (result,) = fetch(FAST, f"{web.base}/hostile/busy.xml")
        assert result.ok and time.monotonic() - started >= 1.0
        assert web.requests("/hostile/busy.xml") == ["/hostile/busy.xml"] * 2


def test_a_retry_after_beyond_the_bound_is_not_waited_for() -> None:
    with serving() as web:
        (result,) = fetch(Politeness(delay=0, max_retry_after=0.5), f"{web.base}/hostile/busy.xml")
        assert result.status == 503 and result.error == "HTTP 503 Service Unavailable"
        assert len(web.requests("/hostile/busy.xml")) == 1


def test_bounds_give_one_line_reasons() -> None:
    with serving() as web:
        bomb, loop, slow, image = fetch(
            Politeness(delay=0, timeout=2, retries=0, max_bytes=1_000_000),
            f"{web.base}/hostile/gzipbomb.html",
            f"{web.base}/hostile/loop",
            f"{web.base}/hostile/slow.xml",
            f"{web.base}/hostile/image.jpg",
            accept=HTML_TYPES,
        )
        assert bomb.error == "larger than 1 MB" and bomb.body == b""
        assert loop.error == "too many redirects (more than 5)"
        assert slow.error == "no complete answer within 2 s"
        assert image.error == "not a page of the expected kind: image/jpeg" and image.body == b""
    (refused,) = fetch(Politeness(delay=0, retries=0, timeout=2), "http://127.0.0.1:9/")
    assert refused.error.startswith("unreachable")


def test_requests_to_one_host_are_spaced_by_the_delay() -> None:
    with serving() as web:
        started = time.monotonic()
        fetch(Politeness(delay=0.3), *[f"{web.base}/news/fars-{n}.html" for n in (1, 2, 3)])
        assert time.monotonic() - started >= 0.6  # three requests, two gaps
        assert all("khabar/" in headers["user-agent"] for _, headers in web.log)
