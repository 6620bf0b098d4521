"""Read a Persian news article out of an HTML page.

The body comes from the surest source the page offers: a site profile's selector, else the
schema.org `articleBody` element that most Persian news platforms mark, else trafilatura's
main-text extraction for layouts nobody described. trafilatura drops every zero-width non-joiner
(it keeps only `str.isprintable()` characters, and ZWNJ is a format character), which breaks
Persian words apart ("بی‌فایده" → "بیفایده"); khabar hands it the page with each ZWNJ (and ZWJ,
and soft hyphen) replaced by a printable stand-in and puts them back afterwards.

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
from lxml import etree
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
# Invisible characters Persian text relies on (ZWNJ, ZWJ, the soft hyphen some keyboards type for
# a ZWNJ), each with a printable stand-in trafilatura keeps; none occurs in Persian news text.
_STAND_INS = {"\u200c": "⁂", "\u200d": "⁑", "\u00ad": "⁎"}
_INVISIBLE_ENTITY = re.compile(r"&(zwnj|#8204|#x200c|zwj|#8205|#x200d|shy|#173|#xad);", re.IGNORECASE)
_ENTITY_CHAR = {
    "zwnj": "\u200c",
    "#8204": "\u200c",
    "#x200c": "\u200c",
    "zwj": "\u200d",
    "#8205": "\u200d",
    "#x200d": "\u200d",
    "shy": "\u00ad",
    "#173": "\u00ad",
    "#xad": "\u00ad",
}
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
    "originalpublicationdate",  # the BBC's
)
_NOT_THE_ARTICLE = frozenset({"header", "nav", "footer", "aside", "a", "script", "style", "option"})
_COMMENTS = re.compile(r"comment|comm_|reply|feedback|discussion", re.IGNORECASE)
_TO_STAND_IN = str.maketrans(_STAND_INS)
_FROM_STAND_IN = str.maketrans({v: k for k, v in _STAND_INS.items()})
_LOWER = "translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_TITLE_XPATH = (
    f"//*[contains({_LOWER}, 'title') or contains({_LOWER}, 'titr') or contains({_LOWER}, 'headline') "
    f"or self::h2][not(self::title)]"
)
_LEAD_XPATH = (
    ".//*[@itemprop='description' or contains(@class, 'lead') or contains(@class, 'Lead') "
    "or contains(@class, 'summary') or contains(@class, 'Summary') or contains(@class, 'intro') "
    "or contains(@class, 'Intro')][not(self::meta)]"
)
_DATE_CLASS = re.compile(r"date|time|publish|pdate|news-info|meta", re.IGNORECASE)
# elements whose class, id or itemprop may name a date (the regex above decides, case-blind)
_DATE_XPATH = ".//*[@class or @id or @itemprop][not(self::script or self::style)]"
_SOURCE_LINE = re.compile(r"^\s*منبع\s*(?:خبر)?\s*[:：]\s*(.+?)\s*$")
_CODE_LABEL = re.compile(r"(?:کد\s*خبر|کد\s*مطلب|شناسه\s*خبر|شماره\s*خبر)\s*[:：]?\s*(\d{3,})")
# Where a label may start in unfolded text (Arabic kaf, tatweel): only there is the text folded.
_CODE_HINT = re.compile(r"[کك]\u0640*د|شناسه|شماره")
_AGREEMENT = 0.5  # share of words an h1 must share with the page's own title metadata
_ENOUGH_PROSE = 30  # words of sentences that make a passage an article, not a menu row
_SHORT_LINE = 8  # words: before the text, shorter lines are dates, kickers and bylines
_CAPTION_WORDS = 15  # a block with an image and no more words than this is the image and its caption
_PROSE_XPATH = "//body//text()[string-length(normalize-space()) > 40]"
_PROSE_PIECE = 60  # characters: shorter text pieces are labels, links and headlines
_SENTENCE_MARK = re.compile(r"[.،؛!؟?:]")
_DENSE_MIN = 400  # characters of sentences the article element holds at least
_DENSE_SHARE = 0.6  # share of the page's sentence text the article element holds at least


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
    container = _container(tree, profile)
    if container is not None:
        raw = _paragraphs(container, profile)
        if title_element is None:  # the title came from metadata: the page's own headline is surer
            title = _headline_before(tree, container, title, facts, profile) or title
    else:
        raw = _fallback_paragraphs(text)
        if title_element is None:  # the title came from metadata: the page's own headline is surer
            title = _headline_in_lines(raw, title, facts, profile) or title
        raw = _after_headline(raw, title)
    if not title:
        raise ExtractError("no article found: the page has no headline")
    region = _region(title_element, container)
    descriptions = tuple(facts.meta("description", "og:description"))
    lead = _lead(tree, profile, container, near=region, descriptions=descriptions)
    body = boilerplate.article_paragraphs(raw, title, lead)
    if (
        lead is None
        and len(body) > 2
        and _key(body[0]) in {_key(d) for d in facts.meta("description", "og:description")}
    ):
        lead = body.pop(0)  # a first paragraph the page also gives as its summary (BBC's bold opening)
    if not body:
        raise ExtractError("no article found: a headline but no article text")
    published, notes = _publish_time(facts, tree, profile, region, container, title_element)
    agency, cites = _agency(body, facts, profile, _source_credit(raw))
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
        news_code=(profile.news_code(own_url) if profile else None) or _news_code(region) or _news_code(tree.body),
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


def _without_site_name(title: str, facts: PageFacts, profile: SiteProfile | None, *, keep_empty: bool = False) -> str:
    """A metadata title without the parts naming the site ("عصر ایران - …", "… | خبرگزاری مهر").
    When nothing but the site's name is left, "" with `keep_empty`, else the title unchanged."""
    site_words = set(primary_terms(" ".join([*facts.meta("og:site_name"), *(profile.aliases if profile else ())])))
    if profile:
        site_words |= set(primary_terms(profile.title)) | {"خبرگزاری"}

    def names_site(part: str) -> bool:
        words = set(primary_terms(part))
        return _is_latin(part) or (bool(words) and len(words & site_words) >= max(1, len(words) // 2))

    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    kept = [p for p in parts if not names_site(p)]
    if not kept:
        return "" if keep_empty else title
    if len(kept) == len(parts):
        return title
    first, last = title.find(kept[0]), title.rfind(kept[-1]) + len(kept[-1])
    return title[first:last].strip()


def _lead(
    tree: lxml_html.HtmlElement,
    profile: SiteProfile | None,
    container: lxml_html.HtmlElement | None,
    near: lxml_html.HtmlElement | None = None,
    descriptions: tuple[str, ...] = (),
) -> str | None:
    """The lead (لید): a profile's, else an element the page marks as summary outside the body,
    looked for near the headline when the article's part of the page is known."""
    if profile and profile.lead:
        found = [_text(e) for e in selector(profile.lead)(tree)]
        return next((t for t in found if t), None)
    scope = near if near is not None and near is not container else tree
    for element in scope.xpath(_LEAD_XPATH):
        if container is not None and (element is container or _inside(element, container)):
            continue
        text = _text(element)
        if 5 <= len(text.split()) <= 120:
            return text
    for description in descriptions:  # an element outside the body that shows the page's own summary
        for element in tree.xpath("//body//*[normalize-space(.) = $d]", d=" ".join(description.split())):
            if container is None or not (element is container or _inside(element, container)):
                return _text(element)
    return None


# --- body --------------------------------------------------------------------------------------


def _container(tree: lxml_html.HtmlElement, profile: SiteProfile | None) -> lxml_html.HtmlElement | None:
    """The element holding the article text: the one a profile or the page's schema.org markup
    names, else the one that plainly holds most of the page's sentences; None when no element
    clearly does (trafilatura decides then)."""
    if profile and profile.body:
        found = selector(profile.body)(tree)
        if found:
            return max(found, key=lambda e: len(e.text_content()))
    marked = tree.xpath("//*[@itemprop='articleBody']")
    if marked:
        best = max(marked, key=lambda e: len(e.text_content()))
        if len(best.text_content().split()) >= 20:
            return best
    return _densest_block(tree)


def _densest_block(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The element whose own paragraphs (<p> children, or text between <br>s) hold most of the
    page's sentence text, when it holds most of it plainly; the rest of the page is menus, lists
    and comments in short pieces. A cheap first look that spares most pages trafilatura."""
    scores: dict[lxml_html.HtmlElement, int] = {}
    for node in tree.xpath(_PROSE_XPATH):
        text = " ".join(str(node).split())
        if len(text) < _PROSE_PIECE or not _SENTENCE_MARK.search(text):
            continue
        holder = node.getparent()
        if holder is not None and node.is_tail:
            holder = holder.getparent()
        if holder is not None and holder.tag in ("p", "span", "strong", "b", "font", "em", "i", "a"):
            holder = holder.getparent()  # a paragraph's text counts for the element holding the paragraphs
        if holder is None or not _could_be_this_article(holder):
            continue
        scores[holder] = scores.get(holder, 0) + len(text)
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    total = sum(scores.values())
    return best if scores[best] >= _DENSE_MIN and scores[best] >= _DENSE_SHARE * total else None


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
    """Share and related boxes, hidden elements, and an image with its caption."""
    classes = f"{element.get('class') or ''} {element.get('id') or ''}".lower().split()
    return (
        any(_NOISE_CLASS.search(c) for c in classes)
        or element.get("hidden") is not None
        or bool(_HIDDEN_STYLE.search(element.get("style") or ""))
        or (
            element.tag in ("div", "p", "span", "center")
            and element.find(".//img") is not None
            and len(element.text_content().split()) <= _CAPTION_WORDS
        )
    )


def _fallback_paragraphs(text: str) -> list[str]:
    """trafilatura's main text, as lines, with every ZWNJ kept (see the module docstring).

    trafilatura's XML output keeps what its plain text loses: paragraphs, line breaks (<lb/>) and
    table cells, so the old table layouts of Persian sites keep their paragraphs. Precision mode
    first; when that finds no article text (it may pick a menu row), recall mode with tables and
    trafilatura's own fallback extractors (slower, so only then).
    """
    protected = _INVISIBLE_ENTITY.sub(lambda m: _STAND_INS[_ENTITY_CHAR[m.group(1).lower()]], text)
    protected = protected.translate(_TO_STAND_IN)
    passes = (
        {"favor_precision": True, "include_tables": False, "fast": True},
        {"favor_recall": True, "include_tables": True, "fast": False},  # with trafilatura's own fallbacks
    )
    for options in passes:
        xml = trafilatura.extract(protected, output_format="xml", include_comments=False, **options)
        lines = [line.translate(_FROM_STAND_IN) for line in _xml_lines(xml)] if xml else []
        if sum(len(line.split()) for line in lines if boilerplate.reads_as_text(line)) >= _ENOUGH_PROSE:
            return lines
    return []


def _headline_in_lines(
    lines: list[str], stated: str | None, facts: PageFacts, profile: SiteProfile | None
) -> str | None:
    """The page's own headline among extracted lines: the nearest headline-shaped line before
    the first paragraph of text (as in a text dump), when the metadata title holds it (a site
    name around it) or is no more than the site's name."""
    first_text = next((i for i, line in enumerate(lines) if boilerplate.reads_as_text(line)), None)
    if not first_text:
        return None
    candidate = next((line for line in reversed(lines[:first_text]) if boilerplate.looks_like_headline(line)), None)
    if candidate is None:
        return None
    if stated is None or _key(candidate) in _key(stated):
        return candidate
    return candidate if not _without_site_name(stated, facts, profile, keep_empty=True) else None


def _headline_before(
    tree: lxml_html.HtmlElement,
    container: lxml_html.HtmlElement,
    stated: str | None,
    facts: PageFacts,
    profile: SiteProfile | None,
) -> str | None:
    """The page's own headline: the last element marked as a title before the body, when the
    metadata title holds it (a site name around it) or is no more than the site's name."""
    order = {element: i for i, element in enumerate(tree.iter())}
    start = order.get(container, 0)
    candidates = [e for e in tree.xpath(_TITLE_XPATH) if order.get(e, start) < start and _could_be_this_article(e)]
    for element in reversed(candidates):
        text = _text(element)
        if not boilerplate.looks_like_headline(text):
            continue
        if stated is None or _key(text) in _key(stated):
            return text
        return text if not _without_site_name(stated, facts, profile, keep_empty=True) else None
    return None


def _after_headline(lines: list[str], title: str | None) -> list[str]:
    """The lines after the headline: a path, a date, a code, a kicker or a byline in the rows
    above it or before the first paragraph of text is not the body."""
    title_key = _key(title or "")
    at = next((i for i, line in enumerate(lines[:12]) if _key(line) == title_key), None)
    lines = lines[at + 1 :] if at is not None else lines
    first_text = next((i for i, line in enumerate(lines) if boilerplate.reads_as_text(line)), 0)
    return [line for i, line in enumerate(lines) if i >= first_text or len(line.split()) > _SHORT_LINE]


def _xml_lines(xml: str) -> list[str]:
    """The lines of trafilatura's XML: one per paragraph, heading, list item or table cell,
    and one more at every <lb/>."""
    root = etree.fromstring(xml.encode("utf-8"))
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            lines.append(text)
        current.clear()

    def walk(element: etree._Element) -> None:
        block = element.tag in ("p", "head", "item", "cell", "quote", "row", "list", "table", "main")
        if block or element.tag == "lb":
            flush()
        if element.text and element.tag != "lb":
            current.append(element.text)
        for child in element:
            walk(child)
        if block:
            flush()
        if element.tail:
            current.append(element.tail)

    main = root.find("main")
    walk(main if main is not None else root)
    flush()
    return lines


# --- publish time ------------------------------------------------------------------------------


def _publish_time(
    facts: PageFacts,
    tree: lxml_html.HtmlElement,
    profile: SiteProfile | None,
    region: lxml_html.HtmlElement | None,
    container: lxml_html.HtmlElement | None,
    title_element: lxml_html.HtmlElement | None,
) -> tuple[dt.datetime | None, list[str]]:
    """The first publication time and notes on the times passed over.

    Machine-readable metadata wins (it carries seconds and an offset), unless it gives only a
    day that the visible text gives with a time; visible Jalali times are ranked by their labels
    like a text dump's ("تاریخ انتشار" > a byline time > a bare date), update times never count.
    """
    notes: list[str] = []
    machine = _machine_times(facts, dt.UTC if profile and profile.naive_times_in_utc else None)
    visible = _visible_times(tree, profile, region, container)
    if not machine and not any(v.has_time for v in visible):
        visible = _times_near_headline(tree, title_element) or visible
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


def _machine_times(facts: PageFacts, naive_zone: dt.tzinfo | None) -> list[tuple[str, str, dt.datetime]]:
    found = []
    for value in facts.article_value("datepublished"):
        when = parse_machine_time(str(value), naive_zone)
        if when:
            found.append(("JSON-LD datePublished", str(value), when))
    for key in _MACHINE_KEYS:
        for value in facts.meta(key):
            when = parse_machine_time(value, naive_zone)
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


def _times_near_headline(tree: lxml_html.HtmlElement, title_element: lxml_html.HtmlElement | None) -> list[DateMatch]:
    """Jalali times anywhere in the page's text, best label first, then nearest the headline
    in page order; not in the header, navigation, footer, sidebars or link lists, where the
    page's clock and other stories' times are printed."""
    found = []
    seen: set[lxml_html.HtmlElement] = set()
    for node in tree.xpath(
        "//body//text()[contains(translate(., '0123456789۰۱۲۳۴۵۶۷۸۹', '####################'), '#')]"
    ):
        element = node.getparent()
        if element is not None and node.is_tail:  # "<span>تاریخ انتشار:</span> ۱۵ خرداد …": the label's parent
            element = element.getparent()
        if element is None or element in seen or not isinstance(element.tag, str):
            continue
        seen.add(element)
        if not _could_be_this_article(element):
            continue
        text = _text(element)
        if len(text) > 150:
            text = " ".join(str(node).split())
        for match in find_dates(text):
            label = _key(text[: match.start])
            if boilerplate.is_update_label(label):
                continue
            rank = 3 if boilerplate.is_publish_label(label) else 2 if match.has_time else 1
            found.append((-rank, element, match))
    if len(found) < 2:  # nothing to order: spare the walk over the whole page
        return [m for _, _, m in found]
    order = {element: i for i, element in enumerate(tree.iter())}  # held elements: stable identity
    anchor = order.get(title_element, 0) if title_element is not None else 0
    found.sort(key=lambda r: (r[0], abs(order.get(r[1], 0) - anchor)))
    return [m for _, _, m in found]


def _could_be_this_article(element: lxml_html.HtmlElement) -> bool:
    """False inside the page header, navigation, footer, sidebars, comments and link lists."""
    for ancestor in (element, *element.iterancestors()):
        if ancestor.tag in _NOT_THE_ARTICLE:
            return False
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"
        if _COMMENTS.search(marks):
            return False
        if ancestor.tag == "li" and ancestor.find(".//a") is not None:
            return False
    return True


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


def _source_credit(lines: list[str]) -> str | None:
    """The outlet a republished story credits at its end: "منبع: خبرگزاری فارس"."""
    for line in reversed(lines[-12:]):
        found = _SOURCE_LINE.match(line)
        if found and len(found.group(1).split()) <= 5:
            return found.group(1).strip()
    return None


def _agency(
    body: list[str], facts: PageFacts, profile: SiteProfile | None, source: str | None = None
) -> tuple[str | None, list[str]]:
    """Who wrote the story: the outlet a "منبع:" line or the opening credits, when that is another
    outlet than the site (a republished story), else the site itself."""
    credited, cites = attribution.opening_attribution(body[0])
    if source:
        named = profile_named(source) or profile_named(attribution.known_agency_in(source))
        if named is None or named is not profile:
            return (named.title if named else persian_letters(source)), cites
    if credited:
        named = profile_named(credited) or profile_named(attribution.known_agency_in(credited))
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
    text = region.text_content()
    for hint in _CODE_HINT.finditer(text):
        found = _CODE_LABEL.match(fold(text[hint.start() : hint.start() + 80]))
        if found:
            return found.group(1)
    return None


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
