"""Feeds and sitemaps → the article addresses they list. Pure functions over bytes.

RSS and Atom are read by feedparser, which copes with the broken feeds news sites publish. News
sitemaps and sitemap indexes are read by lxml with every dangerous XML feature off: no entity
expansion, no DTD, no network, no huge trees, so an entity bomb is an error, not a hang.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

from khabar.errors import ExtractError

MAX_LINKS = 10_000  # more than any feed or sitemap of one site lists at once
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_PROLOG = 65_536  # bytes: where a DOCTYPE and its declarations can be


@dataclass(frozen=True)
class Link:
    """One article address a feed or sitemap lists, with what it says about it."""

    url: str
    title: str | None = None
    published: dt.datetime | None = None


@dataclass(frozen=True)
class Sitemap:
    """What one sitemap lists: article addresses, and (for a sitemap index) more sitemaps."""

    links: tuple[Link, ...]
    sitemaps: tuple[str, ...]


def read_feed(data: bytes, base_url: str) -> tuple[Link, ...]:
    """The entries of an RSS or Atom feed. Raises ExtractError when `data` is no feed at all, or
    declares XML entities (an entity bomb: feedparser's lenient reader would take its text
    unexpanded for links); a feed with broken XML that still yields entries is read."""
    if _ENTITY_DECLARATION.search(data[:_PROLOG]):
        raise ExtractError("refused: the feed declares XML entities (an entity bomb?)")
    parsed = feedparser.parse(data, response_headers={"content-location": base_url, "content-type": "application/xml"})
    if not parsed.entries and not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no entries"
        raise ExtractError(f"not a readable feed: {str(reason)[:200]}")
    links: dict[str, Link] = {}
    for entry in parsed.entries[:MAX_LINKS]:
        url = _web_url(entry.get("link") or entry.get("id") or "", base_url)
        if url and url not in links and url != base_url:  # a cut-off entry links the feed itself
            when = entry.get("published_parsed") or entry.get("updated_parsed")
            links[url] = Link(url, entry.get("title") or None, _utc(when) if when else None)
    return tuple(links.values())


_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def read_sitemap(data: bytes, base_url: str) -> Sitemap:
    """The article addresses of a (news) sitemap, or the sitemaps of a sitemap index. Raises
    ExtractError for anything else, including XML that asks for entity expansion."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise ExtractError(f"not a readable sitemap: {e}") from None
    if root is None:
        raise ExtractError("not a readable sitemap: empty")
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise ExtractError("not a readable sitemap: it uses XML entities")
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        found = (_web_url(_child_text(s, "loc"), base_url) for s in root.iter(f"{_SITEMAP_NS}sitemap", "sitemap"))
        return Sitemap((), tuple(dict.fromkeys(u for u in found if u))[:MAX_LINKS])
    if tag != "urlset":
        raise ExtractError(f"not a sitemap: <{tag}>")
    links: dict[str, Link] = {}
    for node in root.iter(f"{_SITEMAP_NS}url", "url"):
        url = _web_url(_child_text(node, "loc"), base_url)
        if not url or url in links:
            continue
        news = node.find(f"{_NEWS_NS}news")
        title = _child_text(news, "title", _NEWS_NS) if news is not None else None
        when = _child_text(news, "publication_date", _NEWS_NS) if news is not None else None
        links[url] = Link(url, title or None, _iso(when or _child_text(node, "lastmod")))
        if len(links) >= MAX_LINKS:
            break
    return Sitemap(tuple(links.values()), ())


def _child_text(node: etree._Element, name: str, ns: str = _SITEMAP_NS) -> str:
    child = node.find(f"{ns}{name}")
    if child is None:
        child = node.find(name)
    return (child.text or "").strip() if child is not None else ""


def _web_url(url: str, base_url: str) -> str | None:
    """An absolute http(s) address, or None (a `javascript:` link, a bare fragment, garbage)."""
    url = urljoin(base_url, url.strip())
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _utc(when: object) -> dt.datetime:
    return dt.datetime.fromtimestamp(calendar.timegm(when), dt.UTC)  # type: ignore[arg-type]


def _iso(value: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
