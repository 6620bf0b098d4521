"""The sources khabar crawls: a TOML file of `[[source]]` tables (../shared/interface.md).

    [[source]]
    name = "isna"                       # short id, used in filters and logs
    title = "خبرگزاری ایسنا"             # the name readers see
    homepage = "https://www.isna.ir/"
    feeds = ["https://www.isna.ir/rss"] # RSS or Atom
    sitemaps = []                       # news sitemaps or sitemap indexes

A default list of major Persian news sources ships with khabar (`sources.toml` beside this file).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from khabar.errors import InputError


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    homepage: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()

    @property
    def host(self) -> str:
        return urlsplit(self.homepage).hostname or ""


def default_sources() -> list[Source]:
    text = (resources.files("khabar.crawl") / "sources.toml").read_text(encoding="utf-8")
    return parse_sources(text, "the default sources")


def load_sources(path: Path) -> list[Source]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    return parse_sources(text, str(path))


def parse_sources(text: str, origin: str) -> list[Source]:
    """The sources in a TOML text; InputError names the first thing wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{origin}: not valid TOML: {e}") from None
    tables = data.get("source")
    if not isinstance(tables, list) or not tables:
        raise InputError(f"{origin}: no [[source]] tables")
    sources, names = [], set()
    for n, table in enumerate(tables, start=1):
        where = f"{origin}: source {n}"
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{where}: `name` is missing")
        if name in names:
            raise InputError(f"{where}: the name {name!r} is used twice")
        names.add(name)
        homepage = table.get("homepage", "")
        feeds, sitemaps = table.get("feeds", []), table.get("sitemaps", [])
        for key, urls in (("feeds", feeds), ("sitemaps", sitemaps)):
            if not isinstance(urls, list) or not all(isinstance(u, str) and _is_web(u) for u in urls):
                raise InputError(f"{where} ({name}): `{key}` must be a list of http(s) addresses")
        if not feeds and not sitemaps:
            raise InputError(f"{where} ({name}): neither `feeds` nor `sitemaps`")
        if homepage and not _is_web(homepage):
            raise InputError(f"{where} ({name}): `homepage` is not an http(s) address")
        sources.append(
            Source(
                name=name,
                title=str(table.get("title") or name),
                homepage=homepage or (feeds or sitemaps)[0],
                feeds=tuple(feeds),
                sitemaps=tuple(sitemaps),
            )
        )
    return sources


def _is_web(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
