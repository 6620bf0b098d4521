"""Extraction speed: HTML pages read per second on one core (decode, repair, read the article).

    .venv/bin/python bench/extract_speed.py [DIR ...] [--pages 1000] [--no-profiles]

Reads every NAME.html under the given folders (default: ../shared/pages and tests/data/pages)
over and over until --pages pages have been read, in one process, and prints pages/s overall
and per folder. The baseline it names is plain trafilatura (`bare_extraction` with metadata,
as in bench/extract_eval.py) on the same pages. Goal (issue 3): at least 150 pages/s.
"""

from __future__ import annotations

import argparse
import itertools
import time
from pathlib import Path

import trafilatura

from khabar.extract.encoding import declared_charset, decode, without_mojibake
from khabar.extract.html import read_html

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = (REPO.parent / "shared" / "pages", REPO / "tests" / "data" / "pages")
GOAL = 150


def khabar_read(data: bytes, use_profiles: bool) -> None:
    text, _ = decode(data, declared_charset(data))
    text, _ = without_mojibake(text)
    read_html(text, use_profiles=use_profiles)


def trafilatura_read(data: bytes) -> None:
    trafilatura.bare_extraction(data, with_metadata=True, include_comments=False)


def rate(pages: list[bytes], count: int, read) -> float:
    start = time.perf_counter()
    for data in itertools.islice(itertools.cycle(pages), count):
        read(data)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=list(DEFAULT_DIRS))
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--no-profiles", action="store_true")
    args = parser.parse_args()
    folders = {d: [p.read_bytes() for p in sorted(d.glob("*.html"))] for d in args.dirs if d.is_dir()}
    pages = [p for group in folders.values() for p in group]
    if not pages:
        raise SystemExit("no .html pages in the given folders")
    for data in pages:  # warm up: imports, compiled selectors, caches
        khabar_read(data, not args.no_profiles)
    size = sum(map(len, pages)) / len(pages) / 1000
    print(f"{len(pages)} distinct pages (mean {size:.0f} KB), read {args.pages} times in all, one core")
    ours = rate(pages, args.pages, lambda d: khabar_read(d, not args.no_profiles))
    label = "khabar (no profiles)" if args.no_profiles else "khabar"
    for folder, group in folders.items():
        if group:
            share = max(args.pages * len(group) // len(pages), len(group))
            folder_rate = rate(group, share, lambda d: khabar_read(d, not args.no_profiles))
            print(f"  {label} on {folder}: {folder_rate:.0f} pages/s")
    theirs = rate(pages, min(args.pages, 300), trafilatura_read)
    print(f"  {label}: {ours:.0f} pages/s   trafilatura: {theirs:.0f} pages/s   ratio {ours / theirs:.2f}")
    print(f"  {label} / goal ({GOAL} pages/s): {ours / GOAL:.2f}")


if __name__ == "__main__":
    main()
