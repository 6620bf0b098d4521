"""Grouping quality and speed: copies (pairwise P/R/F1) and stories (B-cubed), then throughput.

    .venv/bin/python bench/group_eval.py [--copies 400] [--throughput 100000] [--seed 5]

The labelled set is built from the real articles of ../shared/corpus/articles.jsonl:

- real copies: the corpus holds articles crawled twice (same text, same address); each repeat
  is given an address of its own, as a republisher's would be, and labelled a copy ("real");
- made copies: for `--copies` originals drawn at random, a copy made the way republishers make
  them: another agency line at the top, the ending trimmed (the last paragraph, or the last
  quarter of the sentences), other spellings (ZWNJ written as a space, Arabic ي and ك, Persian
  digits) and a rewritten title, published 10 minutes to 6 hours later ("made");
- stories: a copy belongs to its original's story; a few pairs of real articles on one event,
  labelled by hand (STORY_PAIRS below, read from the titles and texts), are one story; every other
  article is a story of its own (the corpus is a sample across fifteen years; two articles of it
  rarely report one event, and the hand-checked candidate pairs that did are the ones listed).

Publish times: Fars addresses encode the Jalali date (/news/8707060255 → 1387-07-06,
/news/13970101000057 → 1397-01-01), so Fars articles get that day at noon; Varzesh3 articles
have no time (the story window then does not apply to them).

Everything is ingested through the real pipeline (`Khabar.ingest`: store, grouping, index), and
the groups read back from the store. Printed: duplicate-pair precision, recall and F1 (and the
recall of real and made pairs apart), story B-cubed precision, recall and F1, the set's size;
then, for `--throughput` articles of real statistics (bench/search_bench.py's collection), the
ingest rate with and without grouping and the grouping stage's own rate.
Goals (issue 7): pair F1 ≥ 0.95, B-cubed F1 ≥ 0.85, ≥ 1,000 articles/s for copies, ≥ 300/s for
stories.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import jdatetime

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import load_corpus, make_collection

from khabar.group import grouper as grouper_module
from khabar.service import Khabar
from khabar.text.dates import TEHRAN

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "articles.jsonl"
# Real articles of the corpus on one event, read and labelled by hand (address suffixes).
STORY_PAIRS = [
    ("varzesh3.com/news/", "قوچان‌نژاد از الکویت جدا می‌شود؟", "جدایی قوچان‌نژاد از الکویت قوت گرفت"),
]
AGENCY_LINES = ("به گزارش خبرگزاری ایسنا، ", "به گزارش ایرنا، ", "به نقل از خبرآنلاین، ", "به گزارش تسنیم، ")
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_FARS_ID = re.compile(r"/news/(\d{10,14})")


def fars_time(url: str) -> str | None:
    m = _FARS_ID.search(url)
    if not m:
        return None
    digits = m.group(1)
    year, month, day = (
        (1300 + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
        if len(digits) == 10
        else (int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    )
    try:
        g = jdatetime.date(year, month, day).togregorian()
    except ValueError:
        return None
    return dt.datetime(g.year, g.month, g.day, 12, tzinfo=TEHRAN).isoformat()


def make_copy(original: dict, rng: random.Random, n: int) -> dict:
    paragraphs = [p for p in original["body"].split("\n\n") if p.strip()]
    if len(paragraphs) >= 3:
        paragraphs = paragraphs[:-1]
    else:
        sentences = re.split(r"(?<=[.!؟])\s+", "\n\n".join(paragraphs))
        paragraphs = [" ".join(sentences[: max(1, len(sentences) * 3 // 4)])]
    body = "\n\n".join(paragraphs)
    body = re.sub(r"^(به گزارش|به نقل از)[^،,]{2,40}[،,]\s*", "", body)
    body = rng.choice(AGENCY_LINES) + body
    if rng.random() < 0.5:
        body = body.replace("\u200c", " ")
    if rng.random() < 0.5:
        body = body.replace("ی", "ي").replace("ک", "ك")
    if rng.random() < 0.5:
        body = body.translate(_PERSIAN_DIGITS)
    title = original["title"]
    title = rng.choice((f"{title} (+عکس)", f"ویدئو | {title}", title.split(":")[-1].strip() or title, title))
    published = None
    if original.get("published"):
        published = (
            dt.datetime.fromisoformat(original["published"]) + dt.timedelta(minutes=rng.randint(10, 360))
        ).isoformat()
    return {
        "url": f"https://republisher{n % 7}.example/news/{n}",
        "title": title,
        "lead": original.get("lead"),
        "body": body,
        "agency": original.get("agency"),
        "published": published,
    }


def build_set(copies: int, seed: int) -> tuple[list[dict], dict[str, str], dict[str, str], dict[tuple[str, str], str]]:
    """(articles, gold copy group by url, gold story by url, pair kind by (url, url))."""
    rng = random.Random(seed)
    articles: list[dict] = []
    group: dict[str, str] = {}
    kinds: dict[tuple[str, str], str] = {}
    seen: dict[str, int] = {}
    for line in CORPUS.open(encoding="utf-8"):
        a = json.loads(line)
        a["published"] = fars_time(a["url"])
        base = a["url"]
        if base in seen:  # a real repeat: the same article under an address of its own
            seen[base] += 1
            a["url"] = f"{base}?repeat={seen[base]}"
            kinds[(base, a["url"])] = "real"
        else:
            seen[base] = 0
        group[a["url"]] = base
        articles.append(a)
    originals = [a for a in articles if "?repeat=" not in a["url"] and len(a["body"]) > 400]
    for n, original in enumerate(rng.sample(originals, copies)):
        copy = make_copy(original, rng, n)
        group[copy["url"]] = original["url"]
        kinds[(original["url"], copy["url"])] = "made"
        articles.append(copy)
    story = dict(group)
    for site, first, second in STORY_PAIRS:
        urls = [a["url"] for a in articles if site in a["url"] and a["title"] in (first, second)]
        for url in urls:
            story[url] = story[urls[0]]
    rng.shuffle(articles)  # arrival order: copies may come before their originals
    return articles, group, story, kinds


def pairs_of(labels: dict[str, str]) -> set[tuple[str, str]]:
    members = defaultdict(list)
    for url, label in labels.items():
        members[label].append(url)
    return {tuple(sorted(p)) for urls in members.values() for p in itertools.combinations(urls, 2)}


def bcubed(gold: dict[str, str], found: dict[str, str]) -> tuple[float, float, float]:
    gold_sets, found_sets = defaultdict(set), defaultdict(set)
    for url in gold:
        gold_sets[gold[url]].add(url)
        found_sets[found[url]].add(url)
    precision = recall = 0.0
    for url in gold:
        same = gold_sets[gold[url]] & found_sets[found[url]]
        precision += len(same) / len(found_sets[found[url]])
        recall += len(same) / len(gold_sets[gold[url]])
    p, r = precision / len(gold), recall / len(gold)
    return p, r, 2 * p * r / (p + r)


def quality(copies: int, seed: int) -> None:
    articles, gold_group, gold_story, kinds = build_set(copies, seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "set.jsonl"
        path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n", encoding="utf-8")
        kh = Khabar(Path(tmp) / "data")
        kh.ingest([path])
        kh.close()
        with sqlite3.connect(Path(tmp) / "data" / "khabar.db") as conn:
            rows = conn.execute("SELECT url, id, duplicate_of, story_id FROM articles").fetchall()
    found_group = {url: dup or aid for url, aid, dup, _ in rows}
    found_story = {url: story for url, _, _, story in rows}
    gold_pairs, found_pairs = pairs_of(gold_group), pairs_of(found_group)
    hit = gold_pairs & found_pairs
    p = len(hit) / len(found_pairs) if found_pairs else 1.0
    r = len(hit) / len(gold_pairs)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    real = [tuple(sorted(k)) for k, kind in kinds.items() if kind == "real"]
    made = [tuple(sorted(k)) for k, kind in kinds.items() if kind == "made"]
    print(
        f"labelled set: {len(articles):,} articles ({len(articles) - copies:,} real from the corpus, {copies} made"
        f" copies); {len(gold_pairs)} copy pairs ({len(real)} real repeats, {len(made)} made);"
        f" {len(set(gold_story.values())):,} stories"
    )
    print(f"copies   pairwise  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}   (goal F1 ≥ 0.95)")
    print(
        f"         recall of real pairs {sum(x in found_pairs for x in real) / max(len(real), 1):.3f},"
        f" of made pairs {sum(x in found_pairs for x in made) / max(len(made), 1):.3f};"
        f" false pairs {len(found_pairs - gold_pairs)}"
    )
    bp, br, bf = bcubed(gold_story, found_story)
    print(f"stories  B-cubed   P {bp:.3f}  R {br:.3f}  F1 {bf:.3f}   (goal F1 ≥ 0.85)")


class _Timed(grouper_module.Grouper):
    """The real Grouper, with the time of its copy and story stages added up."""

    copies_s = 0.0
    stories_s = 0.0

    def _copy_of(self, *args):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return super()._copy_of(*args)
        finally:
            _Timed.copies_s += time.perf_counter() - started

    def _story(self, *args):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return super()._story(*args)
        finally:
            _Timed.stories_s += time.perf_counter() - started


def throughput(n: int) -> None:
    articles, paragraphs = load_corpus(CORPUS)
    with tempfile.TemporaryDirectory() as tmp:
        collection = Path(tmp) / "c.jsonl"
        make_collection(collection, n, articles, paragraphs)
        grouper_module_grouper = grouper_module.Grouper
        import khabar.service as service

        service.Grouper = _Timed  # type: ignore[misc]
        started = time.perf_counter()
        kh = Khabar(Path(tmp) / "grouped")
        kh.ingest([collection])
        kh.close()
        grouped = time.perf_counter() - started
        service.Grouper = grouper_module_grouper  # type: ignore[misc]
        started = time.perf_counter()
        kh = Khabar(Path(tmp) / "plain")
        kh._grouper = lambda: None  # type: ignore[method-assign]
        kh.ingest([collection])
        kh.close()
        plain = time.perf_counter() - started
    print(f"throughput at {n:,} articles (2 cores):")
    print(f"  ingest with grouping {n / grouped:,.0f}/s, without {n / plain:,.0f}/s")
    print(
        f"  grouping stage in the writer process: copies {n / _Timed.copies_s:,.0f}/s (goal ≥ 1,000),"
        f" stories {n / max(_Timed.stories_s, 1e-9):,.0f}/s (goal ≥ 300); features are made in the workers"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=400)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--throughput", type=int, default=100_000, help="articles for the speed run (0: skip)")
    args = parser.parse_args()
    quality(args.copies, args.seed)
    if args.throughput:
        throughput(args.throughput)


if __name__ == "__main__":
    main()
