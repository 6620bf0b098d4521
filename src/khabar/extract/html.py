"""Read a Persian news article out of an HTML page.

The body comes from the surest source the page offers: a site profile's selector, else the
schema.org `articleBody` element that most Persian news platforms mark, else trafilatura's
main-text extraction for layouts nobody described. trafilatura drops every zero-width non-joiner
(it keeps only `str.isprintable()` characters, and ZWNJ is a format character), which breaks
Persian words apart ("بی‌فایده" → "بیفایده"); khabar hands it the page with each ZWNJ replaced by
a printable stand-in and puts them back afterwards.

Around the body, what generic extractors miss on Persian pages: the title that the page's own
metadata agrees with (a site-name suffix, a stale og:title or a section name in an h1 lose), the
lead, the publish time from machine-readable metadata or labelled Jalali text (never the page's
header clock or its update time), the agency and the sources it cites, the news code and the
canonical URL. Where two sources disagree the more specific wins, and `Article.notes` says why.
"""

from __future__ import annotations

import datetime as dt
import re

import trafilatura
from lxml import html as lxml_html

from khabar.errors import ExtractError
from khabar.extract import attribution, boilerplate
from khabar.extract.page import PageFacts, page_facts, parse_html
from khabar.extract.sites import SiteProfile, profile_for_host, profile_named, selector
from khabar.models import Article
from khabar.text.analysis import primary_terms
from khabar.text.chars import ZWNJ, fold, persian_letters
from khabar.text.dates import DateMatch, find_dates, parse_machine_time

_BLOCK = frozenset(
    "p div section article h1 h2 h3 h4 h5 h6 ul ol li blockquote table tbody tr td th pre header footer "
    "dl dt dd center main hr address details summary".split()
)
_SKIP = frozenset(
    "script style noscript iframe form button input select textarea figure figcaption svg video audio "
    "object embed nav aside template picture map".split()
)
_NOISE_CLASS = re.compile(
    r"(?:^|[-_])(?:related|readmore|read-more|share|sharing|social|comments?|advert|ads|banner|hidetag|"
    r"hidden|hide|d-none|sr-only|print|rating|subscribe|newsletter|tags?|keywords|caption|breadcrumbs?)(?:$|[-_])"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_ZWNJ_ENTITY = re.compile(r"&(?:zwnj|#8204|#x200c);", re.IGNORECASE)
_STAND_IN = "⁂"  # printable, so trafilatura keeps it; never in Persian news text
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»]+\s+|\s*\|\s*")
_MACHINE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "dc.date.issued",
    "dc.date",
    "dcterms.issued",
    "publish-date",
    "pubdate",
)
_DATE_CLASS = re.compile(r"date|time|publish|pdate|news-info|meta", re.IGNORECASE)
# elements whose class, id or itemprop may name a date (the regex above decides, case-blind)
_DATE_XPATH = ".//*[@class or @id or @itemprop][not(self::script or self::style)]"
_CODE_LABEL = re.compile(r"(?:کد\s*خبر|کد\s*مطلب|شناسه\s*خبر|شماره\s*خبر)\s*[:：]?\s*(\d{3,})")
_AGREEMENT = 0.5  # share of words an h1 must share with the page's own title metadata


def read_html(text: str, url: str | None = None, *, use_profiles: bool = True) -> Article:
    """The article in an HTML page (already decoded to text). Raises ExtractError.

    `use_profiles=False` reads the page as if khabar knew nothing of its site (the profiles are
    a help, never a need: tests and the evaluation check both ways).
    """
    tree = parse_html(text)
    facts = page_facts(tree)
    own_url = facts.own_url(url)
    profile = (
        (profile_for_host(url) or profile_for_host(own_url) or _profile_from_urls(facts)) if use_profiles else None
    )
    title, title_element = _headline(tree, facts, profile)
    if not title:
        raise ExtractError("no article found: the page has no headline")
    container = _container(tree, profile)
    lead = _lead(tree, profile, container)
    raw = _paragraphs(container, profile) if container is not None else _fallback_paragraphs(text)
    body = boilerplate.article_paragraphs(raw, title, lead)
    if not body:
        raise ExtractError("no article found: a headline but no article text")
    region = _region(title_element, container)
    published, notes = _publish_time(facts, tree, profile, region, container)
    agency, cites = _agency(body, facts, profile)
    cites += attribution.cited_sources(body)
    return Article(
        title=title,
        lead=lead,
        body="\n\n".join(body),
        url=own_url,
        published=published,
        agency=agency,
        site=profile.title if profile else _site_name(facts),
        cites=tuple(_unique(persian_letters(c) for c in cites if not agency or _key(c) != _key(agency))),
        news_code=(profile.news_code(own_url) if profile else None) or _news_code(region),
        notes=tuple(notes),
    )


def _profile_from_urls(facts: PageFacts) -> SiteProfile | None:
    return next(filter(None, (profile_for_host(u) for u in facts.absolute_urls())), None)


# --- title and lead ----------------------------------------------------------------------------


def _headline(
    tree: lxml_html.HtmlElement, facts: PageFacts, profile: SiteProfile | None
) -> tuple[str | None, lxml_html.HtmlElement | None]:
    """The headline: a profile's, else the h1 that the page's title metadata agrees with, else
    the metadata title without its site-name suffix."""
    if profile and profile.headline:
        for element in selector(profile.headline)(tree):
            text = _text(element)
            if text:
                return text, element
    stated = [
        *[h for h in facts.article_value("headline") if isinstance(h, str)],
        *facts.meta("og:title", "twitter:title", "dc.title"),
        *([facts.html_title] if facts.html_title else []),
    ]
    stated_words = [set(primary_terms(s)) for s in stated]
    best: tuple[float, int, str, lxml_html.HtmlElement] | None = None
    for element in tree.iter("h1"):
        text = _text(element)
        if not text:
            continue
        words = set(primary_terms(text))
        agreement = max((len(words & s) / len(words) for s in stated_words if words), default=0.0)
        if best is None or (agreement, len(text)) > best[:2]:
            best = (agreement, len(text), text, element)
    if best and (best[0] >= _AGREEMENT or not stated):
        return best[2], best[3]
    for candidate in stated:
        cleaned = _without_site_name(" ".join(candidate.split()), facts, profile)
        if cleaned:
            return cleaned, None
    return None, None


def _without_site_name(title: str, facts: PageFacts, profile: SiteProfile | None) -> str:
    """A metadata title without the " - ایرنا" / "| خبرگزاری مهر" part naming the site."""
    site_words = set(primary_terms(" ".join([*facts.meta("og:site_name"), *(profile.aliases if profile else ())])))
    if profile:
        site_words |= set(primary_terms(profile.title))
    parts = _TITLE_SEPARATORS.split(title)
    while len(parts) > 1 and (set(primary_terms(parts[-1])) <= site_words or _is_latin(parts[-1])):
        parts.pop()
    return title[: title.rfind(parts[-1]) + len(parts[-1])].strip() if parts else title


def _lead(
    tree: lxml_html.HtmlElement, profile: SiteProfile | None, container: lxml_html.HtmlElement | None
) -> str | None:
    """The lead (لید): a profile's, else an element the page marks as summary outside the body."""
    if profile and profile.lead:
        found = [_text(e) for e in selector(profile.lead)(tree)]
        return next((t for t in found if t), None)
    for element in tree.xpath(
        "//*[@itemprop='description' or contains(@class,'lead') or contains(@class,'summary') "
        "or contains(@class,'introtext')][not(self::meta)]"
    ):
        if container is not None and (element is container or _inside(element, container)):
            continue
        text = _text(element)
        if 5 <= len(text.split()) <= 120:
            return text
    return None


# --- body --------------------------------------------------------------------------------------


def _container(tree: lxml_html.HtmlElement, profile: SiteProfile | None) -> lxml_html.HtmlElement | None:
    """The element holding the article text, when the page says which one it is."""
    if profile and profile.body:
        found = selector(profile.body)(tree)
        if found:
            return max(found, key=lambda e: len(e.text_content()))
    marked = tree.xpath("//*[@itemprop='articleBody']")
    if marked:
        best = max(marked, key=lambda e: len(e.text_content()))
        if len(best.text_content().split()) >= 20:
            return best
    return None


def _paragraphs(container: lxml_html.HtmlElement, profile: SiteProfile | None) -> list[str]:
    """The lines of text in `container`: a block element or a <br> ends a line; furniture
    (scripts, figures, captions, share and related boxes, hidden elements) is left out."""
    # the elements themselves, not their id(): lxml makes element proxies on demand and reuses
    # the ids of freed ones, so only a held reference keeps identity stable
    dropped = {e for css in (profile.drop if profile else ()) for e in selector(css)(container)}
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            lines.append(text)
        current.clear()

    def walk(element: lxml_html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is not None and not (tag in _SKIP or element in dropped or _furniture(element)):
            if tag in _BLOCK or tag == "br":
                flush()
            if element.text:
                current.append(element.text)
            for child in element:
                walk(child)
            if tag in _BLOCK:
                flush()
        if element.tail and element is not container:
            current.append(element.tail)

    walk(container)
    flush()
    return lines


def _furniture(element: lxml_html.HtmlElement) -> bool:
    classes = f"{element.get('class') or ''} {element.get('id') or ''}".lower().split()
    return (
        any(_NOISE_CLASS.search(c) for c in classes)
        or element.get("hidden") is not None
        or bool(_HIDDEN_STYLE.search(element.get("style") or ""))
    )


def _fallback_paragraphs(text: str) -> list[str]:
    """trafilatura's main text, with every ZWNJ kept (see the module docstring)."""
    protected = _ZWNJ_ENTITY.sub(_STAND_IN, text.replace(ZWNJ, _STAND_IN))
    extracted = trafilatura.extract(
        protected, include_comments=False, include_tables=False, favor_precision=True, fast=True
    )
    if not extracted:
        return []
    return [" ".join(line.split()).replace(_STAND_IN, ZWNJ) for line in extracted.split("\n") if line.strip()]


# --- publish time ------------------------------------------------------------------------------


def _publish_time(
    facts: PageFacts,
    tree: lxml_html.HtmlElement,
    profile: SiteProfile | None,
    region: lxml_html.HtmlElement | None,
    container: lxml_html.HtmlElement | None,
) -> tuple[dt.datetime | None, list[str]]:
    """The first publication time and notes on the times passed over.

    Machine-readable metadata wins (it carries seconds and an offset), unless it gives only a
    day that the visible text gives with a time; visible Jalali times are ranked by their labels
    like a text dump's ("تاریخ انتشار" > a byline time > a bare date), update times never count.
    """
    notes: list[str] = []
    machine = _machine_times(facts)
    visible = _visible_times(tree, profile, region, container)
    if machine:
        source, value, when = machine[0]
        for other_source, other_value, other in machine[1:]:
            if abs((other - when).total_seconds()) >= 60:
                notes.append(f"{other_source} {other_value!r} disagrees with {source} {value!r}; took {source}")
        same_day = [v for v in visible if v.has_time and v.when.date() == when.date()]
        if when.time() == dt.time(0) and ":" not in value and same_day:
            notes.append(f"{source} {value!r} gives only the day; took the visible time {same_day[0].text!r}")
            return same_day[0].when, notes
        if visible and abs((visible[0].when - when).total_seconds()) >= 60 and visible[0].has_time:
            notes.append(f"the visible time {visible[0].text!r} is not {source} {value!r}; took {source}")
        return when, notes
    if visible:
        notes.append(f"publish time read from the visible text {visible[0].text!r}")
        if not visible[0].has_time:
            notes.append("the page gives a publish date without a time")
        if visible[0].weekday_ok is False:
            notes.append(f"the weekday {visible[0].weekday} does not fall on {visible[0].jalali()}")
        return visible[0].when, notes
    return None, notes


def _machine_times(facts: PageFacts) -> list[tuple[str, str, dt.datetime]]:
    found = []
    for value in facts.article_value("datepublished"):
        when = parse_machine_time(str(value))
        if when:
            found.append(("JSON-LD datePublished", str(value), when))
    for key in _MACHINE_KEYS:
        for value in facts.meta(key):
            when = parse_machine_time(value)
            if when:
                found.append((key, value, when))
    return found


def _visible_times(
    tree: lxml_html.HtmlElement,
    profile: SiteProfile | None,
    region: lxml_html.HtmlElement | None,
    container: lxml_html.HtmlElement | None,
) -> list[DateMatch]:
    """Jalali times printed near the headline, best first."""
    texts: list[str] = []
    if profile and profile.published:
        texts += [_text(e) for e in selector(profile.published)(tree)]
    if region is not None:
        in_body = set(container.iter()) if container is not None else set()  # held: identity is stable
        for element in region.xpath(_DATE_XPATH):
            if element in in_body:
                continue
            marks = f"{element.get('class') or ''} {element.get('id') or ''} {element.get('itemprop') or ''}"
            if _DATE_CLASS.search(marks):
                text = _text(element)
                if text and len(text) <= 120:
                    texts.append(text)
    ranked = []
    for order, text in enumerate(texts):
        for match in find_dates(text):
            label = _key(text[: match.start])
            if boilerplate.is_update_label(label):
                continue
            rank = 3 if boilerplate.is_publish_label(label) else 2 if match.has_time else 1
            ranked.append((-rank, order, match))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [m for _, _, m in ranked]


def _region(
    title_element: lxml_html.HtmlElement | None, container: lxml_html.HtmlElement | None
) -> lxml_html.HtmlElement | None:
    """The part of the page that holds this article: the nearest element holding both its
    headline and its body (so the sidebar's times of other stories stay out)."""
    if title_element is None:
        return container
    if container is None:
        return title_element.getparent()
    ancestors = set(title_element.iterancestors())  # held elements: identity stays stable (see _paragraphs)
    for candidate in container.iterancestors():
        if candidate in ancestors:
            return candidate
    return None


# --- agency, site, code ------------------------------------------------------------------------


def _agency(body: list[str], facts: PageFacts, profile: SiteProfile | None) -> tuple[str | None, list[str]]:
    """Who wrote the story: the agency its opening credits when that is another outlet than the
    site (a republished story), else the site itself."""
    credited, cites = attribution.opening_attribution(body[0])
    if credited:
        named = profile_named(credited)
        if profile and (named is profile or profile.names(credited)):
            return profile.title, cites
        if named:
            return named.title, cites
        return persian_letters(credited), cites
    if profile:
        return profile.title, cites
    return _site_name(facts), cites


def _site_name(facts: PageFacts) -> str | None:
    for name in facts.meta("og:site_name"):
        first = _TITLE_SEPARATORS.split(name)[0].strip()
        if first:
            return persian_letters(first)
    for article in facts.articles:
        publisher = article.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return persian_letters(_TITLE_SEPARATORS.split(publisher["name"])[0].strip())
    return None


def _news_code(region: lxml_html.HtmlElement | None) -> str | None:
    if region is None:
        return None
    found = _CODE_LABEL.search(fold(region.text_content()))
    return found.group(1) if found else None


# --- small helpers -----------------------------------------------------------------------------


def _text(element: lxml_html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _inside(element: lxml_html.HtmlElement, ancestor: lxml_html.HtmlElement) -> bool:
    return any(a is ancestor for a in element.iterancestors())


def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isascii() for c in letters)


def _key(text: str) -> str:
    return " ".join(fold(text).replace(ZWNJ, " ").split())


def _unique(items) -> list[str]:
    seen, out = set(), []
    for item in items:
        if _key(item) not in seen:
            seen.add(_key(item))
            out.append(item)
    return out
