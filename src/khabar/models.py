"""The article and search-result model, and its JSON shape (../shared/interface.md).

Frozen data classes that every layer shares (standard library plus jdatetime for the Jalali
form of a time). An article's
identity is its URL when it has one, else the hash of its text: the same page ingested twice is
the same article.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jdatetime

_TEHRAN_JALALI_FORMAT = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Article:
    """One news article as khabar reads it.

    `body` is the paragraphs joined by a blank line; `published` is an aware datetime in Tehran
    time (or None when unknown); `agency` wrote the story, `site` is where the page came from,
    `cites` the sources the text itself cites. `notes` records what the reader of the page
    noticed but did not trust (a weekday that contradicts the date, a date it rejected).
    """

    title: str
    body: str
    lead: str | None = None
    url: str | None = None
    published: dt.datetime | None = None
    agency: str | None = None
    site: str | None = None
    cites: tuple[str, ...] = ()
    news_code: str | None = None
    story_id: str | None = None
    duplicate_of: str | None = None
    entities: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    @functools.cached_property
    def id(self) -> str:
        """A stable id: 16 hex digits of the SHA-256 of the URL, or of the text without a URL."""
        if self.url:
            key = "url:" + normalize_url(self.url)
        else:
            text = " ".join(f"{self.title}\n{self.lead or ''}\n{self.body}".split())
            key = "text:" + text
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    def to_json(self) -> dict[str, Any]:
        """The interface's article object."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "lead": self.lead,
            "body": self.body,
            "published": self.published.isoformat() if self.published else None,
            "published_jalali": jalali_text(self.published),
            "agency": self.agency,
            "site": self.site,
            "cites": list(self.cites),
            "news_code": self.news_code,
            "story_id": self.story_id,
            "duplicate_of": self.duplicate_of,
            "entities": list(self.entities),
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Article:
        """An article from the interface's JSON object; unknown keys are ignored.

        Raises ValueError (with the reason) when the object is not an article.
        """
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        title = _text(data, "title")
        body = _text(data, "body")
        if not title and not body:
            raise ValueError("neither a title nor a body")
        published = data.get("published")
        when = None
        if published:
            try:
                when = dt.datetime.fromisoformat(str(published))
            except ValueError:
                raise ValueError(f"published is not an ISO 8601 time: {published!r}") from None
            if when.tzinfo is None:
                raise ValueError(f"published has no UTC offset: {published!r}")
        return cls(
            title=title,
            body=body,
            lead=_text(data, "lead") or None,
            url=_text(data, "url") or None,
            published=when,
            agency=_text(data, "agency") or None,
            site=_text(data, "site") or None,
            cites=tuple(_strings(data, "cites")),
            news_code=_text(data, "news_code") or None,
            story_id=_text(data, "story_id") or None,
            duplicate_of=_text(data, "duplicate_of") or None,
            entities=tuple(_strings(data, "entities")),
        )

    def with_(self, **changes: Any) -> Article:
        return replace(self, **changes)


@dataclass(frozen=True)
class Copy:
    """Another source's copy of an article, collapsed into one search hit."""

    id: str
    url: str | None
    agency: str | None


@dataclass(frozen=True)
class Hit:
    """One search result."""

    id: str
    title: str
    url: str | None
    agency: str | None
    published: dt.datetime | None
    snippet: str
    score: float
    marks: tuple[tuple[int, int], ...] = ()  # spans of `snippet` that match the query
    story_id: str | None = None
    copies: tuple[Copy, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "agency": self.agency,
            "published": self.published.isoformat() if self.published else None,
            "snippet": self.snippet,
            "highlights": [list(m) for m in self.marks],
            "score": round(self.score, 4),
            "story_id": self.story_id,
            "copies": [{"id": c.id, "url": c.url, "agency": c.agency} for c in self.copies],
        }


@dataclass(frozen=True)
class Story:
    """Articles about one event, in publish order. Until the grouping stage assigns stories, an
    article is a story of its own under its own id."""

    id: str
    articles: tuple[Article, ...]

    @property
    def title(self) -> str:
        """The headline that stands for the story: the most central one, sharing the most words
        with the other reports' headlines (the earliest on a tie)."""
        if len(self.articles) < 3:
            return self.articles[0].title
        words = [set(a.title.split()) for a in self.articles]
        overlap = [sum(len(w & other) for other in words) - len(w) for w in words]
        return self.articles[overlap.index(max(overlap))].title

    @property
    def first_seen(self) -> dt.datetime | None:
        return next((a.published for a in self.articles if a.published), None)

    @property
    def last_seen(self) -> dt.datetime | None:
        return max((a.published for a in self.articles if a.published), default=None)

    @property
    def sources(self) -> tuple[str, ...]:
        """Each agency (else site) once, in the order it reported the story."""
        names = (a.agency or a.site for a in self.articles)
        return tuple(dict.fromkeys(n for n in names if n))

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "sources": list(self.sources),
            "articles": [a.to_json() for a in self.articles],
        }


@dataclass(frozen=True)
class SearchResult:
    """What a search returns: the hits of one page and the facet counts of all matches."""

    query: str
    total: int
    hits: tuple[Hit, ...]
    facets: dict[str, dict[str, int]]
    relaxed: bool = False  # no article held every word: these hold all but one

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets,
            "relaxed": self.relaxed,
        }


def normalize_url(url: str) -> str:
    """The form of a URL that identifies an article: scheme and host lower-cased, no fragment,
    no default port, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and not (parts.scheme == "http" and parts.port == 80) and parts.port != 443:
        host = f"{host}:{parts.port}"
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), host, path, parts.query, ""))


def jalali_text(when: dt.datetime | None) -> str | None:
    """`YYYY-MM-DD HH:MM` in the Jalali calendar, Latin digits, in `when`'s own wall-clock time
    (khabar keeps published times in Tehran time, so this is the Tehran date and time)."""
    if when is None:
        return None
    return jdatetime.datetime.fromgregorian(datetime=when).strftime(_TEHRAN_JALALI_FORMAT)


def dumps(obj: Any) -> str:
    """JSON as khabar prints it: UTF-8 Persian, not \\u escapes."""
    return json.dumps(obj, ensure_ascii=False, indent=1)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key} is not a string")
    if "  " in value or "\t" in value or "\u00a0" in value:  # most texts are tidy
        value = _one_space(value)
    return value.strip()


def _one_space(value: str) -> str:
    """Each run of spaces, tabs and no-break spaces as one space. By string replaces, each one C
    pass over the text; the regex `[ \t\u00a0]+` had matched every single space between two
    words too: 100 µs a body of the bench's collection, which has double spaces in a third of its
    articles' texts (this: 16 µs)."""
    value = value.replace("\t", " ").replace("\u00a0", " ")
    while "  " in value:  # (a run of n spaces is gone after log2(n) passes)
        value = value.replace("  ", " ")
    return value


def _strings(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} is not a list of strings")
    return value
