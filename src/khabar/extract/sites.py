"""Site profiles: optional data about major Persian news sites (sites.toml), never code branches.

A profile names the outlet as readers see it ("خبرگزاری ایسنا") and its other spellings, and may
give CSS selectors for the headline, lead, body and visible publish time, elements to drop from
the body, and how the URL carries the news code. The generic reader uses what a profile gives
and needs none of it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from lxml.cssselect import CSSSelector

from khabar.text.chars import fold


@dataclass(frozen=True)
class SiteProfile:
    name: str
    title: str
    hosts: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    headline: str | None = None
    lead: str | None = None
    body: str | None = None
    published: str | None = None
    drop: tuple[str, ...] = ()
    code: str | None = None
    naive_times_in_utc: bool = False  # machine-readable times without an offset are UTC, not Tehran time
    _keys: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    def names(self, agency: str | None) -> bool:
        """True when `agency` is this outlet under one of its names."""
        return agency is not None and _key(agency) in self._keys

    def news_code(self, url: str | None) -> str | None:
        if not (self.code and url):
            return None
        found = re.search(self.code, url)
        return found.group(1) if found else None


@cache
def profiles() -> tuple[SiteProfile, ...]:
    data = tomllib.loads(resources.files("khabar.extract").joinpath("sites.toml").read_text(encoding="utf-8"))
    out = []
    for site in data["site"]:
        names = {site["title"], *site.get("aliases", [])}
        out.append(
            SiteProfile(
                name=site["name"],
                title=site["title"],
                hosts=tuple(site["hosts"]),
                aliases=tuple(site.get("aliases", [])),
                headline=site.get("headline"),
                lead=site.get("lead"),
                body=site.get("body"),
                published=site.get("published"),
                drop=tuple(site.get("drop", [])),
                code=site.get("code"),
                naive_times_in_utc=site.get("times", "Asia/Tehran") == "UTC",
                _keys=frozenset(_key(n) for n in names),
            )
        )
    return tuple(out)


def profile_for_host(url: str | None) -> SiteProfile | None:
    """The profile of the site at `url`'s host, if khabar has one."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return next((p for p in profiles() if host in p.hosts), None)


def profile_named(agency: str | None) -> SiteProfile | None:
    """The profile of the outlet a name stands for ("ایسنا" → isna)."""
    return next((p for p in profiles() if p.names(agency)), None)


@cache
def selector(css: str) -> CSSSelector:
    """A compiled CSS selector (compiled once: XPath translation is the slow part)."""
    return CSSSelector(css)


def _key(name: str) -> str:
    return " ".join(fold(name).replace("\u200c", " ").split())
