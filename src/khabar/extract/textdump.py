"""Read an article out of a plain-text dump of a news page (what "copy all text" or a text
crawler gives): the title, lead and body among menus, header dates, codes, share buttons,
disclaimers and lists of unrelated headlines.

Each non-empty line is classified by its shape: a date line (a date and a few words), a code
line, page furniture, an end marker, a disclaimer, or prose. The body starts at the first prose
paragraph that reads as article text; the title is the nearest headline-shaped line before it
(menus and kickers above lose); the body runs to the first end marker, share label or
disclaimer, or a related-news heading followed only by headlines. Inside the body a date line
without a label is prose ("بازی شماره 3 - 12/12/1363"). A trailing block of short lines that
share no words with the article (other stories' headlines) is dropped.

The publish time comes only from date lines before the body, after it, or labelled as such,
ranked by their labels: "تاریخ انتشار" beats an unlabelled date with a time (an agency's byline),
which beats a bare date (a page's header shows today's date); "به روز شده"/"updated" dates are
never the publish time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from khabar.errors import ExtractError
from khabar.extract import attribution, boilerplate
from khabar.models import Article
from khabar.text.chars import fold, persian_letters, tidy_space
from khabar.text.dates import DateMatch, find_dates

_CODE_LINE = re.compile(r"^کد\s*[:：]?\s*(\d{3,})$")  # a bare "کد 757695" line
_CODE = re.compile(r"(?:کد\s*خبر|کد\s*مطلب|شناسه\s*خبر|شماره\s*خبر)\s*[:：]?\s*(\d{3,})")
_META_WORDS_MAX = 8  # words left on a line beside a date for it to be a date line, not prose


@dataclass
class _Line:
    text: str
    kind: str  # prose, date, code, tool, end, related, disclaimer
    dates: list[DateMatch]


def read_text_dump(text: str, url: str | None = None) -> Article:
    """The article in a plain-text page dump. Raises ExtractError when there is none."""
    lines = [_classify(line) for line in tidy_space(text).split("\n") if line.strip()]
    first_text = next((i for i, line in enumerate(lines) if line.kind == "prose" and _reads_as_text(line)), None)
    if first_text is None:
        if any(_headline(line) for line in lines):
            raise ExtractError("no article found: a headline but no body")
        raise ExtractError("no article found: no paragraph reads as article text")
    title_at = next((i for i in range(first_text - 1, -1, -1) if _headline(lines[i])), None)
    if title_at is None:
        raise ExtractError("no article found: no headline before the text")
    title = lines[title_at].text
    body, meta, end_at = _body(lines, first_text, title)
    body = boilerplate.without_trailing_headlines(body, title)
    if not body:
        raise ExtractError("no article found: a headline but no body")

    lead = None
    if (
        len(body) >= 2
        and not attribution.starts_with_attribution(body[0])
        and attribution.starts_with_attribution(body[1])
        and len(body[0].split()) <= 80
    ):
        lead = body.pop(0)

    outside = lines[:first_text] + lines[end_at:]
    published, notes = _publish_time([line for line in outside + meta if line.kind == "date"])
    agency, cites = attribution.opening_attribution(body[0])
    credited, site = attribution.republisher_credit([line.text for line in outside])
    agency = credited or _byline_agency(lines[:first_text]) or agency
    cites += attribution.cited_sources(body)
    agency = persian_letters(agency) if agency else None
    return Article(
        title=title,
        lead=lead,
        body="\n\n".join(body),
        url=url,
        published=published.when if published else None,
        agency=agency,
        site=persian_letters(site) if site else None,
        cites=tuple(_unique(persian_letters(c) for c in cites if agency is None or _key(c) != _key(agency))),
        news_code=_news_code(outside + meta),
        notes=tuple(notes),
    )


def _body(lines: list[_Line], start: int, title: str) -> tuple[list[str], list[_Line], int]:
    """The body paragraphs from `start`, the labelled meta lines met on the way, and where the
    body ends."""
    body: list[str] = []
    meta: list[_Line] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if line.kind in ("end", "disclaimer", "tool"):
            break
        if line.kind == "related":
            after = i + 1
            while after < len(lines) and lines[after].kind == "prose" and not _reads_as_text(lines[after]):
                after += 1
            if after == len(lines) or lines[after].kind != "prose":
                break  # a list of other stories closes the article
            i = after  # an inline "read more" link: skip it, the article goes on
            continue
        if line.kind in ("date", "code") and _labelled(line):
            meta.append(line)
        elif _key(line.text) != _key(title):
            body.append(line.text)
        i += 1
    return body, meta, i


def _reads_as_text(line: _Line) -> bool:
    return boilerplate.reads_as_text(line.text) or attribution.starts_with_attribution(line.text)


def _labelled(line: _Line) -> bool:
    """A date or code line inside the body that says what it is (a publish or update time, a
    news code), not a date that belongs to the story."""
    if line.kind == "code":
        return True
    label = line.text[: line.dates[0].start]
    labelled = boilerplate.is_publish_label(label) or boilerplate.is_update_label(label)
    return labelled or bool(_CODE.search(fold(line.text)))


def _news_code(lines: list[_Line]) -> str | None:
    for line in lines:
        folded = fold(line.text)
        found = _CODE.search(folded) or _CODE_LINE.match(folded)
        if found and len(line.text.split()) <= 16:
            return found.group(1)
    return None


def _classify(text: str) -> _Line:
    folded = fold(text)
    if _CODE_LINE.match(folded) or (_CODE.match(folded) and len(text.split()) <= 4):
        return _Line(text, "code", [])
    dates = find_dates(text)
    if dates and _words_beside(text, dates) <= _META_WORDS_MAX:
        return _Line(text, "date", dates)
    return _Line(text, boilerplate.line_kind(text) or "prose", [])


def _headline(line: _Line) -> bool:
    return (
        line.kind == "prose"
        and boilerplate.looks_like_headline(line.text)
        and not attribution.starts_with_attribution(line.text)
    )


def _words_beside(text: str, dates: list[DateMatch]) -> int:
    rest, last = [], 0
    for d in dates:
        rest.append(text[last : d.start])
        last = d.end
    rest.append(text[last:])
    return len(re.sub(r"[^\w\s]", " ", " ".join(rest)).split())


def _label(line: _Line, match: DateMatch) -> str:
    """The words before a date on its line, in comparable form ("تاریخ انتشار")."""
    before = line.text[: match.start]
    previous = [d for d in line.dates if d.end <= match.start]
    if previous:
        before = before[previous[-1].end :]
    return _key(before)


def _publish_time(date_lines: list[_Line]) -> tuple[DateMatch | None, list[str]]:
    """The publish time among the page's date lines, and notes on what was passed over."""
    ranked: list[tuple[int, int, DateMatch]] = []
    notes: list[str] = []
    for order, line in enumerate(date_lines):
        for match in line.dates:
            label = _label(line, match)
            if boilerplate.is_update_label(label):
                notes.append(f"not the publish time (an update time): {match.text}")
                continue
            if boilerplate.is_publish_label(label):
                rank = 3
            elif match.has_time:
                rank = 2
            else:
                rank = 1
            ranked.append((-rank, order, match))
    if not ranked:
        return None, notes
    ranked.sort(key=lambda r: (r[0], r[1]))
    best = ranked[0][2]
    for _, _, other in ranked[1:]:
        if other.when != best.when:
            notes.append(f"not the publish time (a page date): {other.text}")
    if best.weekday_ok is False:
        notes.append(f"the weekday {best.weekday} does not fall on {best.jalali()}")
    if not best.has_time:
        notes.append("the page gives a publish date without a time")
    return best, notes


def _byline_agency(lines: list[_Line]) -> str | None:
    """An agency named beside the date in a byline ("خبرگزاری فارس سه شنبه 22 تیر 1400")."""
    for line in lines:
        if line.kind != "date":
            continue
        label = _CODE.sub(" ", line.text[: line.dates[0].start])
        found = attribution.known_agency_in(label)
        if found or re.match(r"\s*خبرگزاری\s+\S", label):
            return found or " ".join(label.split())
    return None


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text).replace("\u200c", " ")).split())


def _unique(items) -> list[str]:
    seen, out = set(), []
    for item in items:
        if _key(item) not in seen:
            seen.add(_key(item))
            out.append(item)
    return out
