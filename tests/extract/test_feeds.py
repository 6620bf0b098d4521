import datetime as dt

import pytest

from khabar.errors import ExtractError
from khabar.extract.feeds import read_feed, read_sitemap
from tests.crawl.web import BOMB


def test_rss_entries_resolve_against_the_feed_address() -> None:
    feed = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>\xd8\xae\xd8\xa8\xd8\xb1</title><link>/news/1</link>"
        b"<pubDate>Tue, 13 Jul 2021 13:40:00 GMT</pubDate></item>"
        b"<item><link>javascript:alert(1)</link></item>"
        b"<item><link>https://www.isna.ir/news/1</link></item></channel></rss>"
    )
    links = read_feed(feed, "https://www.isna.ir/rss")
    assert [link.url for link in links] == ["https://www.isna.ir/news/1"]  # resolved, deduplicated
    assert links[0].title == "خبر" and links[0].published == dt.datetime(2021, 7, 13, 13, 40, tzinfo=dt.UTC)


def test_a_broken_feed_still_gives_its_entries_and_garbage_is_refused() -> None:
    broken = b'<rss version="2.0"><channel><item><title>a & b</title><link>https://x.ir/1</link></item><item>'
    assert [link.url for link in read_feed(broken, "https://x.ir/rss")] == ["https://x.ir/1"]
    with pytest.raises(ExtractError, match="not a readable feed"):
        read_feed(b"\x89PNG\r\n\x1a\n not a feed", "https://x.ir/rss")


def test_entity_bombs_are_refused_quickly() -> None:
    with pytest.raises(ExtractError, match="declares XML entities"):
        read_feed(BOMB, "https://x.ir/rss")
    sitemap = BOMB.replace(b"<rss", b"<urlset><url><loc>&e;</loc></url></urlset><!--").replace(b"</rss>", b"-->")
    with pytest.raises(ExtractError, match="not a readable sitemap"):
        read_sitemap(sitemap, "https://x.ir/sitemap.xml")


def test_news_sitemaps_and_sitemap_indexes() -> None:
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://x.ir/s1.xml</loc></sitemap><sitemap><loc>/s2.xml</loc></sitemap></sitemapindex>"
    )
    assert read_sitemap(index, "https://x.ir/index.xml").sitemaps == ("https://x.ir/s1.xml", "https://x.ir/s2.xml")
    news = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://x.ir/n/1</loc>'
        b"<news:news><news:title>t</news:title><news:publication_date>2021-07-13T18:10:00+04:30"
        b"</news:publication_date></news:news></url><url><loc>https://x.ir/n/2</loc><lastmod>2021-07-14</lastmod>"
        b"</url></urlset>"
    )
    links = read_sitemap(news, "https://x.ir/s1.xml").links
    assert [link.url for link in links] == ["https://x.ir/n/1", "https://x.ir/n/2"]
    assert links[0].published == dt.datetime.fromisoformat("2021-07-13T18:10:00+04:30")
    with pytest.raises(ExtractError, match="not a sitemap"):
        read_sitemap(b"<html><body>no</body></html>", "https://x.ir/s.xml")
