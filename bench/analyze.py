"""Canonicalization speed: how fast khabar turns Persian text into index terms.

    .venv/bin/python bench/analyze.py [--corpus ../shared/corpus/articles.jsonl] [--mb 20]

The text is the real corpus (titles, leads, bodies), its articles repeated in a shuffled order
until there are at least --mb megabytes of UTF-8: real vocabulary and real spelling mix (old Fars
articles in Arabic letters without ZWNJ, new ones in Persian letters with it). Caches are emptied
before each measured run. `positioned_terms` is the same analysis as the index takes it (no
offsets). The baseline is the least any Persian analyzer does: character folding
and a split on whitespace, no word rules; the ratio shows what khabar's word rules cost.
Goal (issue 2): at least 5 MB/s on one core.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from khabar.text import analysis
from khabar.text.analysis import analyze, positioned_terms
from khabar.text.chars import fold

GOAL_MB_S = 5.0


def corpus_texts(path: Path, megabytes: float) -> list[str]:
    articles = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            articles.append("\n".join(x for x in (a.get("title"), a.get("lead"), a.get("body")) if x))
    texts, size, rng = [], 0, random.Random(2)
    while size < megabytes * 1e6:
        batch = articles[:]
        rng.shuffle(batch)
        for text in batch:
            texts.append(text)
            size += len(text.encode("utf-8"))
    return texts


def measure(name: str, fn, texts: list[str], megabytes: float) -> float:
    for cache in (analysis._TOKEN_UNITS, analysis._ONE_TOKEN, analysis._CHUNKS):
        cache.clear()
    analysis.segment.cache_clear()
    start = time.perf_counter()
    count = sum(len(fn(t)) for t in texts)
    seconds = time.perf_counter() - start
    speed = megabytes / seconds
    print(f"  {name:<44} {speed:6.2f} MB/s  ({seconds:5.2f} s, {count:,} terms)")
    return speed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default = Path(__file__).resolve().parents[2] / "shared/corpus/articles.jsonl"
    parser.add_argument("--corpus", type=Path, default=default)
    parser.add_argument("--mb", type=float, default=20.0)
    args = parser.parse_args()
    texts = corpus_texts(args.corpus, args.mb)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    first = texts[: len(texts) * 7 // 20]  # about one pass over the corpus: mostly unseen words
    first_mb = sum(len(t.encode("utf-8")) for t in first) / 1e6
    print(f"canonicalization speed on {megabytes:.1f} MB of real Persian news text ({len(texts):,} articles), one core")
    baseline = measure("baseline: fold + whitespace split", lambda t: fold(t).split(), texts, megabytes)
    khabar = measure("khabar analyze (all rules, offsets, positions)", analyze, texts, megabytes)
    cold = measure(f"khabar analyze, first {first_mb:.1f} MB only (cold)", analyze, first, first_mb)
    walk = measure("khabar positioned_terms (the index's walk)", lambda t: positioned_terms(t)[0], texts, megabytes)
    print(f"  khabar / baseline: {khabar / baseline:.2f}x")
    print(f"  khabar / goal ({GOAL_MB_S} MB/s): {khabar / GOAL_MB_S:.2f}x")
    print(f"  cold first pass / goal: {cold / GOAL_MB_S:.2f}x")
    print(f"  the index's walk / analyze: {walk / khabar:.2f}x")


if __name__ == "__main__":
    main()
