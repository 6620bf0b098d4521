"""RSS 2.0 of a search, so a reader can follow any query in a feed reader.

Built with ElementTree, which escapes every text and attribute: article titles and snippets are
untrusted and go in as text, never as markup.
"""

from __future__ import annotations

import email.utils
import xml.etree.ElementTree as ET

from khabar.models import SearchResult
from khabar.text.display import display


def rss(result: SearchResult, *, search_url: str, self_url: str, article_url: str) -> bytes:
    """The feed of one search: each hit an item linking the original article (else khabar's page
    of it). `article_url` is khabar's article address with `{id}` in it."""
    rss_el = ET.Element("rss", {"version": "2.0", "xmlns:atom": "http://www.w3.org/2005/Atom"})
    channel = ET.SubElement(rss_el, "channel")
    query = result.query.strip()
    _text(channel, "title", f"خبر — {query}" if query else "خبر — تازه‌ترین خبرها")
    _text(channel, "link", search_url)
    _text(channel, "description", f"نتایج جستجوی «{query}» در خبر" if query else "تازه‌ترین خبرها در خبر")
    _text(channel, "language", "fa")
    ET.SubElement(channel, "atom:link", {"href": self_url, "rel": "self", "type": "application/rss+xml"})
    for hit in result.hits:
        item = ET.SubElement(channel, "item")
        _text(item, "title", display(hit.title))
        _text(item, "link", hit.url or article_url.format(id=hit.id))
        _text(item, "description", hit.snippet)
        if hit.published:
            _text(item, "pubDate", email.utils.format_datetime(hit.published))
        if hit.agency:  # RSS's <author> is an e-mail address: the agency goes in as a category
            _text(item, "category", hit.agency)
        guid = ET.SubElement(item, "guid", {"isPermaLink": "false"})
        guid.text = f"khabar:{hit.id}"
    return ET.tostring(rss_el, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value
