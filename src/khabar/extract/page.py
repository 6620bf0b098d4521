"""What a news page says about itself for machines: meta tags, JSON-LD, canonical links, titles.

Persian news sites fill these in unevenly: one meta element often carries several keys at once
(`itemprop="datePublished" property="article:published_time"`), JSON-LD comes with wrong key
case ("headLine"), invalid JSON, a `@graph` list or none at all, and canonical links are often
relative. `page_facts` gathers it all once, forgivingly, for the reader to weigh.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass
class PageFacts:
    metas: dict[str, list[str]] = field(default_factory=dict)  # lower-cased key → values, in page order
    articles: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD article objects, keys lower-cased
    linked: list[dict[str, Any]] = field(default_factory=list)  # every JSON-LD object
    canonical: str | None = None
    html_title: str | None = None

    def meta(self, *keys: str) -> list[str]:
        """The values of these meta keys, in the order of `keys`, then of the page."""
        return [v for k in keys for v in self.metas.get(k, []) if v.strip()]

    def article_value(self, key: str) -> list[Any]:
        return [a[key] for a in self.articles if a.get(key)]

    def absolute_urls(self) -> list[str]:
        """Every absolute URL the page gives for itself or its publisher, surest first."""
        candidates = [self.canonical, *self.meta("og:url")]
        for obj in self.linked:
            candidates += [obj.get("url"), obj.get("@id"), obj.get("mainentityofpage")]
            publisher = obj.get("publisher")
            if isinstance(publisher, dict):
                candidates.append(publisher.get("url"))
        return [c for c in candidates if isinstance(c, str) and urlsplit(c).scheme in ("http", "https")]

    def own_url(self, base: str | None) -> str | None:
        """The article's canonical URL: absolute as given, or a relative one made absolute
        against `base` or the site's own absolute URLs."""
        for candidate in (self.canonical, *self.meta("og:url"), *map(str, self.article_value("url"))):
            if not candidate:
                continue
            if urlsplit(candidate).scheme in ("http", "https"):
                return candidate
            host = base or next(iter(self.absolute_urls()), None)
            if host:
                return urljoin(host, candidate)
        return base


def parse_html(text: str) -> lxml_html.HtmlElement:
    """The page's element tree (lxml takes no XML encoding declaration in a decoded string)."""
    return lxml_html.document_fromstring(_XML_DECLARATION.sub("", text, count=1) or "<html></html>")


def page_facts(tree: lxml_html.HtmlElement) -> PageFacts:
    facts = PageFacts()
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = meta.get(attribute)
            if key:
                facts.metas.setdefault(key.strip().lower(), []).append(content.strip())
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            for obj in _objects(_load_json(script.text)):
                facts.linked.append(obj)
                types = obj.get("@type")
                types = types if isinstance(types, list) else [types]
                if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types):
                    facts.articles.append(obj)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            facts.canonical = link.get("href").strip()
            break
    title = tree.find(".//title")
    if title is not None:
        facts.html_title = " ".join(title.text_content().split()) or None
    return facts


def _load_json(text: str) -> Any:
    """JSON-LD as pages write it: control characters inside strings and trailing commas happen."""
    try:
        return json.loads(text, strict=False)
    except ValueError:
        cleaned = re.sub(r",\s*([}\]])", r"\1", text)
        try:
            return json.loads(cleaned, strict=False)
        except ValueError:
            return None


def _objects(data: Any) -> list[dict[str, Any]]:
    """Every JSON-LD object, `@graph` members included, with lower-cased keys."""
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            obj = {k.lower() if isinstance(k, str) else k: v for k, v in item.items()}
            found.append(obj)
            if isinstance(obj.get("@graph"), list):
                stack.extend(reversed(obj["@graph"]))
    return found
