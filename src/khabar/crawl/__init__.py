"""Collecting the news: sources, a polite fetcher, robots.txt, and the crawl that ties them to
the store and the index. This package alone talks to the network."""

from khabar.crawl.crawler import Crawler, CrawlReport
from khabar.crawl.fetch import Politeness
from khabar.crawl.sources import Source, default_sources, load_sources

__all__ = ["CrawlReport", "Crawler", "Politeness", "Source", "default_sources", "load_sources"]
