"""How well khabar reads Persian news pages, beside plain trafilatura, on the same pages, in one run.

    .venv/bin/python bench/extract_eval.py DIR [DIR ...] [--no-profiles] [--pages]

Each DIR holds NAME.html with NAME.json beside it (the layout of ../shared/pages/ and
tests/data/pages/): the expected url, title, published (ISO 8601 with the Tehran offset),
agency, and either the full expected "body" (paragraphs joined by a blank line) or "body_first"
and "body_last", the first and last sentence of the body as checked by hand.

Per field, the share of pages read exactly right:
  title      equal after whitespace is tidied;
  published  equal to the minute, with the right UTC offset;
  agency     equal;
and the body's token F1 against the expected text (tokens split on whitespace, ZWNJ kept, so a
word broken apart counts as wrong). Where a page gives only the first and last sentence, the
expected text is the page's own visible text from the start of the first sentence to the end of
the last. "body (canonical F1)" compares khabar's canonical terms instead, which forgives
spelling and shows where the body starts and ends.

trafilatura runs as a user would run it: `bare_extraction` with metadata, and its date
detection (htmldate) asked for the original date with the time of day. Its title, date, site
name and text are scored the same way; a date with no time of day cannot be exact to the minute.
--no-profiles reads the pages as if khabar knew none of the sites.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import lxml.html
import trafilatura

from khabar.extract.encoding import declared_charset, decode
from khabar.extract.html import read_html
from khabar.text.analysis import primary_terms
from khabar.text.dates import parse_machine_time

FIELDS = ("title", "published", "agency", "body F1", "body (canonical F1)")


def ws(text: str | None) -> str:
    return " ".join((text or "").split())


BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "header",
    "footer",
    "figure",
    "figcaption",
    "pre",
}


def page_text(html: str) -> str:
    """The visible text of a page as a reader sees it: inline elements run on, block elements
    and <br> separate (written here, independent of khabar's reader)."""
    tree = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", html))
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(element) -> None:
        block = isinstance(element.tag, str) and element.tag in BLOCKS
        if block:
            parts.append(" ")
        if isinstance(element.tag, str) and element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append(" ")

    walk(tree)
    return ws("".join(parts))


def expected_body(expected: dict, html: str) -> str | None:
    if expected.get("body"):
        return ws(expected["body"])
    first, last = ws(expected.get("body_first")), ws(expected.get("body_last"))
    text = page_text(html)
    start, end = text.find(first[:60]), text.rfind(last[-60:])
    if start < 0 or end < 0:
        return None
    return text[start : end + len(last[-60:])]


def f1(got: list[str], want: list[str]) -> float:
    if not got or not want:
        return 0.0
    common = sum((Counter(got) & Counter(want)).values())
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return 2 * precision * recall / (precision + recall)


def minute(value) -> str | None:
    """An ISO time cut to the minute, with its offset: "2021-07-13T18:10+04:30"."""
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    when = parse_machine_time(text)
    if when is None or not re.search(r"\d{2}:\d{2}", text):
        return None  # a day without a time cannot be right to the minute
    return when.strftime("%Y-%m-%dT%H:%M") + when.strftime("%z")[:3] + ":" + when.strftime("%z")[3:]


def scores(title, published, agency, body: str | None, expected: dict, reference: str | None) -> dict:
    want_minute = minute(expected["published"])
    body = ws(body)
    return {
        "title": float(ws(title) == ws(expected["title"])),
        "published": float(want_minute is not None and minute(published) == want_minute),
        "agency": float(ws(agency) == ws(expected["agency"])),
        "body F1": f1(body.split(), reference.split()) if reference else 0.0,
        "body (canonical F1)": f1(primary_terms(body), primary_terms(reference)) if reference else 0.0,
    }


def khabar_reading(html: str, url: str, use_profiles: bool) -> tuple:
    article = read_html(html, url=url, use_profiles=use_profiles)
    return article.title, article.published, article.agency, article.body.replace("\n\n", " ")


def trafilatura_reading(html: str, url: str) -> tuple:
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
    )
    if document is None:
        return None, None, None, ""
    site = (document.sitename or "").split("|")[0].split(" - ")[0].strip() or None
    return document.title, document.date, site, (document.text or "").replace("\n", " ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--no-profiles", action="store_true", help="read pages as if no site had a profile")
    parser.add_argument("--pages", action="store_true", help="print every page's scores")
    args = parser.parse_args()
    pages = sorted(p for d in args.dirs for p in d.glob("*.html") if p.with_suffix(".json").exists())
    if not pages:
        sys.exit("no NAME.html with NAME.json in the given folders")
    totals = {"khabar": Counter(), "trafilatura": Counter()}
    for page in pages:
        expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        raw = page.read_bytes()
        html, _ = decode(raw, declared_charset(raw))
        reference = expected_body(expected, html)
        row = {}
        readers = {
            "khabar": lambda html, url: khabar_reading(html, url, not args.no_profiles),
            "trafilatura": trafilatura_reading,
        }
        for name, read in readers.items():
            try:
                row[name] = scores(*read(html, expected["url"]), expected, reference)
            except Exception as e:  # a reader that fails on a page scores zero on it
                print(f"  {page.name}: {name} failed: {type(e).__name__}: {e}", file=sys.stderr)
                row[name] = dict.fromkeys(FIELDS, 0.0)
            totals[name].update(row[name])
        if args.pages:
            cells = "  ".join(f"{f}={row['khabar'][f]:.2f}/{row['trafilatura'][f]:.2f}" for f in FIELDS)
            print(f"{page.parent.name}/{page.stem:<22} {cells}")
    n = len(pages)
    label = "khabar (no profiles)" if args.no_profiles else "khabar"
    print(f"{n} pages from {len({p.stem.split('-')[0] for p in pages})} sites ({', '.join(str(d) for d in args.dirs)})")
    print(f"{'field':<22}{label:>22}{'trafilatura':>14}{'ratio':>8}")
    for field in FIELDS:
        ours, theirs = totals["khabar"][field] / n, totals["trafilatura"][field] / n
        ratio = f"{ours / theirs:.2f}" if theirs else "-"
        print(f"{field:<22}{ours:>22.3f}{theirs:>14.3f}{ratio:>8}")


if __name__ == "__main__":
    main()
