"""Jinja2 for khabar's pages: auto-escaping on everywhere, and the few filters that turn article
data into what a Persian reader sees. Nothing here marks page content as safe, except `marked`,
which escapes every piece of text itself and adds only its own <mark> tags."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from urllib.parse import quote_plus, urlsplit

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from khabar.text.display import display
from khabar.text.human import jalali_date, jalali_datetime, jalali_day, persian_digits, time_ago


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("khabar.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates ship in the package: no stat of each one on every page
    )
    env.filters.update(
        fa=persian_digits,
        display=_display,
        marked=marked,
        href=href,
        host=host,
        ago=time_ago,
        jalali=jalali_datetime,
        jalali_date=jalali_date,
        jalali_day=jalali_day,
        excerpt=excerpt,
    )
    env.globals.update(query_url=query_url)
    return env


def marked(text: str, marks: Iterable[tuple[int, int]]) -> Markup:
    """`text` escaped, with the spans in `marks` wrapped in <mark>."""
    out, at = [], 0
    for start, end in sorted(marks):
        if start < at or end <= start:
            continue
        out += [escape(text[at:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def href(url: str | None) -> str | None:
    """`url` when it is a web address a link may point to; a `javascript:` or `data:` URL stored
    from a hostile page is not."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def host(url: str | None) -> str:
    """The site part of an address, for "read it on www.isna.ir"."""
    return (urlsplit(url).hostname or "") if url else ""


def excerpt(text: str | None, limit: int = 220) -> str:
    """The start of `text`, cut at a word boundary."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + "…"


def query_url(path: str, params: dict[str, object], **changes: object) -> str:
    """`path` with the query string of `params` after `changes` (a None value drops a key; a list
    repeats it). Keeps a search's filters when one of them changes."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "" or value == []:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, str(item)))
    return f"{path}?{'&'.join(f'{_quoted(k)}={_quoted(v)}' for k, v in pairs)}" if pairs else path


# A results page links every facet and page number with the search's own parameters: the same
# few values are quoted dozens of times a page, and the same titles shown on every request.
_quoted = functools.lru_cache(maxsize=4096)(quote_plus)
_display = functools.lru_cache(maxsize=4096)(display)
