"""Search speed and size at scale: khabar beside SQLite FTS5 on the same articles, in one run.

    .venv/bin/python bench/search_bench.py [--articles 100000 1000000] [--queries 400] [--work DIR]

For each N, a collection of N articles with real statistics is made from the shared corpus
(../shared/corpus/articles.jsonl, 2,400 real articles, 15,000 paragraphs), as a stream of news
over three years in time order: each original takes a real title and lead and a body of as many
real paragraphs as a real article has, drawn from the whole corpus (two originals rarely share a
paragraph, though at a million each paragraph is in some 400), an agency (Zipf-weighted among
fifteen) and a URL of its own; a share of the articles (--syndicated, 25%) republish one of the
last 1,000 originals, as agencies republish each other: their own attribution line on top, the
last paragraph dropped half the time, 10 minutes to 6 hours later. It is written as JSONL and:

  khabar: ingested through the real pipeline (`Khabar.ingest`: read, analyse, store, group, index);
  khabar's engine alone, as FTS5 is one: the same articles read and analysed in the worker
          processes and indexed, nothing stored or grouped (its figure is the engine's ingest);
  FTS5:   loaded into SQLite FTS5 (unicode61 tokenizer, bm25) with agency and time columns, in
          the SQLite khabar's store runs on (`khabar.store.sqlite`).

Then the same queries run on both: 1–4 word queries of real title words, two-word phrases of
real text, and 2-word queries filtered by agency and a date range. Latency is measured in the
engine (`SearchIndex.search`: planning, ranking with the recency prior as on the stream's last
day, and the total, and again with the agency and day facets; FTS5: MATCH … ORDER BY rank
LIMIT 10 and its count), p50 and p99. Also printed: ingest articles/s, index size beside the raw
text size, the index's segments (a search reads each on its own), the process's peak RSS.
Ratios are khabar / FTS5 (for latency, lower is better).
Goals (issue 4, at 1M on two cores): p50 ≤ 2 ms, p99 ≤ 10 ms, ingest ≥ 1,000/s, index ≤ raw text.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import itertools
import json
import os
import random
import re
import resource
import statistics
import tempfile
import time
from pathlib import Path

from khabar.index.engine import SearchIndex
from khabar.inputs import scan_inputs
from khabar.pipeline import COMMIT_EVERY, analysed, fewer_collections, worker_pool
from khabar.service import Khabar
from khabar.store import sqlite as sqlite3
from khabar.text.dates import TEHRAN

REPO = Path(__file__).resolve().parents[1]
AGENCIES = (
    "خبرگزاری ایسنا",
    "خبرگزاری ایرنا",
    "خبرگزاری فارس",
    "خبرگزاری تسنیم",
    "خبرگزاری مهر",
    "خبرآنلاین",
    "ورزش سه",
    "همشهری آنلاین",
    "باشگاه خبرنگاران جوان",
    "تابناک",
    "عصر ایران",
    "انتخاب",
    "مشرق نیوز",
    "خبرگزاری ایلنا",
    "بی‌بی‌سی فارسی",
)
SYNDICATED = 0.25  # the share of articles that republish an earlier one
STREAM_START = dt.datetime(2021, 1, 1, tzinfo=TEHRAN)
STREAM_SPAN = dt.timedelta(days=3 * 365)
# The searches run as on the day the stream ends, as a live news engine's do: the recency prior
# has the last weeks' articles to raise (by the wall clock, years later, it would have none).
SEARCH_NOW = STREAM_START + STREAM_SPAN + dt.timedelta(hours=1)
WORD = re.compile(r"[\u0600-\u06ff\u200c]{3,}")


def load_corpus(path: Path) -> tuple[list[dict], list[str]]:
    articles, paragraphs = [], []
    with path.open(encoding="utf-8") as f:
        for line in f:
            a = json.loads(line)
            articles.append(a)
            paragraphs += [p for p in (a.get("body") or "").split("\n\n") if len(p) > 40]
    return articles, paragraphs


def make_collection(
    path: Path,
    n: int,
    articles: list[dict],
    paragraphs: list[str],
    seed: int = 1,
    syndicated: float = SYNDICATED,
) -> int:
    """Write n articles of real statistics to `path` (the module docstring); return the raw text
    size in bytes."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(AGENCIES))]
    lengths = [min(len([p for p in (a.get("body") or "").split("\n\n") if p]) or 1, 30) for a in articles]
    start = STREAM_START.timestamp()
    span = STREAM_SPAN.total_seconds()
    recent: collections.deque[dict] = collections.deque(maxlen=1000)
    raw = 0
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            agency = rng.choices(AGENCIES, weights)[0]
            copy = bool(recent) and rng.random() < syndicated
            if copy:
                original = rng.choice(recent)
                body = original["body"].split("\n\n")
                if len(body) > 2 and rng.random() < 0.5:
                    body = body[:-1]
                body[0] = f"به گزارش {agency}، به نقل از {original['agency']}، {body[0]}"
                when = dt.datetime.fromisoformat(original["published"]) + dt.timedelta(minutes=rng.randint(10, 360))
                title, lead = original["title"], original["lead"]
            else:
                base = rng.choice(articles)
                body = rng.sample(paragraphs, rng.choice(lengths))
                moment = start + span * i / n + rng.uniform(-6, 6) * 3600
                when = dt.datetime.fromtimestamp(moment, TEHRAN)
                title, lead = base["title"], base.get("lead")
            record = {
                "url": f"https://bench.example/news/{i}",
                "title": title,
                "lead": lead,
                "body": "\n\n".join(body),
                "agency": agency,
                "published": when.replace(microsecond=0).isoformat(),
            }
            if not copy:
                recent.append(record)
            raw += sum(len(x.encode("utf-8")) for x in (record["title"], record["lead"] or "", record["body"]))
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return raw


def make_queries(articles: list[dict], paragraphs: list[str], count: int, seed: int = 2) -> dict[str, list[dict]]:
    """Queries of each kind: {"words"/"phrase"/"filtered": [{"text", "agency", "from", "to"}]}."""
    rng = random.Random(seed)
    titles = [WORD.findall(a["title"]) for a in articles]
    titles = [t for t in titles if len(t) >= 4]
    queries: dict[str, list[dict]] = {
        "1 word": [],
        "2 words": [],
        "3 words": [],
        "4 words": [],
        "phrase": [],
        "filtered": [],
    }
    for _ in range(count):
        for k in (1, 2, 3, 4):
            words = rng.choice(titles)
            queries[f"{k} words" if k > 1 else "1 word"].append({"text": " ".join(rng.sample(words, k))})
        words = WORD.findall(rng.choice(paragraphs))
        at = rng.randrange(max(len(words) - 1, 1))
        queries["phrase"].append({"text": f'"{" ".join(words[at : at + 2])}"'})
        year = rng.choice((1400, 1401, 1402))
        queries["filtered"].append(
            {
                "text": " ".join(rng.sample(rng.choice(titles), 2)),
                "agency": rng.choice(AGENCIES[:6]),
                "from": f"{year}-01-01",
                "to": f"{year}-06-31",
            }
        )
    return queries


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def khabar_side(collection: Path, work: Path, queries: dict[str, list[dict]], n: int) -> dict:
    kh = Khabar(work / "khabar")
    start = time.perf_counter()
    report = kh.ingest([collection])
    ingest = time.perf_counter() - start
    assert report.added == n, report
    index = SearchIndex(work / "khabar" / "index")
    from khabar.service import _day_start  # the date filter exactly as the service builds it

    latency: dict[str, tuple[float, float]] = {}
    faceted: dict[str, tuple[float, float]] = {}
    for kind, items in queries.items():
        for q in items[:20]:  # warm the page cache and the searcher
            index.search(q["text"], limit=10, now=SEARCH_NOW)
        for facets, into in ((False, latency), (True, faceted)):
            samples = []
            for q in items:
                agencies = (q["agency"],) if "agency" in q else ()
                start_q = time.perf_counter()
                index.search(
                    q["text"],
                    agencies=agencies,
                    date_from=_day_start(q["from"], "from") if "from" in q else None,
                    date_to=_day_start(q["to"], "to") + dt.timedelta(days=1) if "to" in q else None,
                    limit=10,
                    facets=facets,
                    now=SEARCH_NOW,
                )
                samples.append(time.perf_counter() - start_q)
            into[kind] = percentiles(samples)
    return {
        "faceted": faceted,
        "ingest/s": n / ingest,
        "index MB": _size(work / "khabar" / "index") / 1e6,
        "segments": [searcher.num_segments for searcher in index.searchers()],
        # (khabar.db, its write-ahead log, the band buckets' cache khabar.bands.npy)
        "store MB": sum(f.stat().st_size for f in (work / "khabar").glob("khabar.*")) / 1e6,
        "latency": latency,
    }


def engine_ingest(collection: Path, work: Path) -> float:
    """Articles/s of the search engine alone: each article read and analysed in the worker
    processes (`khabar.pipeline.analysed`, grouping features left out) and indexed in this one,
    committed every `COMMIT_EVERY` as the ingest commits; no store, no grouping."""
    index = SearchIndex(work / "engine")
    found = (unread for _, unread in scan_inputs([collection]))
    count = 0
    start = time.perf_counter()
    with worker_pool(os.cpu_count() or 1) as pool, index.writer() as writer, fewer_collections():
        while chunk := list(itertools.islice(found, 5000)):  # (map submits all it is given at once)
            for _, (fields, _) in pool.map(analysed, chunk, itertools.repeat(False), chunksize=64):
                count += 1
                fields["doc"] = count
                writer.add(fields, new=True)
                if count % COMMIT_EVERY == 0:
                    writer.commit()
        writer.commit()
    return count / (time.perf_counter() - start)


def fts5_side(collection: Path, work: Path, queries: dict[str, list[dict]], n: int) -> dict:
    db = sqlite3.connect(work / "fts.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, lead, body, agency UNINDEXED, ts UNINDEXED, tokenize='unicode61')"
    )
    start = time.perf_counter()
    with collection.open(encoding="utf-8") as f:
        batch = []
        for line in f:
            a = json.loads(line)
            ts = int(dt.datetime.fromisoformat(a["published"]).timestamp())
            batch.append((a["title"], a.get("lead") or "", a["body"], a["agency"], ts))
            if len(batch) == 5000:
                db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", batch)
                batch.clear()
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)", batch)
    db.commit()
    ingest = time.perf_counter() - start

    def match(text: str) -> str:
        """Each word quoted (FTS5's own syntax never sees the reader's text); a phrase as one."""
        if text.startswith('"'):
            return '"' + text.strip('"').replace('"', "") + '"'
        return " ".join('"' + w.replace('"', "") + '"' for w in text.split())

    latency: dict[str, tuple[float, float]] = {}
    for kind, items in queries.items():
        samples = []
        for q in items:
            sql = "SELECT rowid FROM docs WHERE docs MATCH ?"
            params: list = [match(q["text"])]
            if "agency" in q:
                lo = dt.datetime(*_gregorian(q["from"]), tzinfo=TEHRAN).timestamp()
                hi = dt.datetime(*_gregorian(q["to"]), tzinfo=TEHRAN).timestamp() + 86400
                sql += " AND agency = ? AND ts >= ? AND ts < ?"
                params += [q["agency"], lo, hi]
            start_q = time.perf_counter()
            db.execute(sql + " ORDER BY bm25(docs, 3.0, 1.5, 1.0) LIMIT 10", params).fetchall()
            db.execute(sql.replace("SELECT rowid", "SELECT count(*)"), params).fetchone()
            samples.append(time.perf_counter() - start_q)
        latency[kind] = percentiles(samples)
    size = sum(p.stat().st_size for p in work.glob("fts.db*"))
    db.close()
    return {"ingest/s": n / ingest, "index MB": size / 1e6, "latency": latency}


def _gregorian(jalali: str) -> tuple[int, int, int]:
    import jdatetime

    y, m, d = map(int, jalali.split("-"))
    d = min(d, 30 if m > 6 else 31)
    g = jdatetime.date(y, m, d).togregorian()
    return g.year, g.month, g.day


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=400, help="queries of each kind")
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "articles.jsonl")
    parser.add_argument("--work", type=Path, help="where to build (default: a temporary folder)")
    parser.add_argument("--syndicated", type=float, default=SYNDICATED, help="share of republished copies")
    args = parser.parse_args()
    articles, paragraphs = load_corpus(args.corpus)
    queries = make_queries(articles, paragraphs, args.queries)
    for n in args.articles:
        with tempfile.TemporaryDirectory(dir=args.work) as tmp:
            work = Path(tmp)
            t0 = time.perf_counter()
            raw = make_collection(work / "collection.jsonl", n, articles, paragraphs, syndicated=args.syndicated)
            print(f"\n{n:,} articles, {raw / 1e6:,.0f} MB of raw text (made in {time.perf_counter() - t0:.0f} s)")
            ours = khabar_side(work / "collection.jsonl", work, queries, n)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            engine = engine_ingest(work / "collection.jsonl", work)
            theirs = fts5_side(work / "collection.jsonl", work, queries, n)
            print(f"{'':24}{'khabar':>14}{'SQLite FTS5':>14}{'ratio':>8}")
            print(
                f"{'ingest articles/s':24}{ours['ingest/s']:>14,.0f}{theirs['ingest/s']:>14,.0f}"
                f"{ours['ingest/s'] / theirs['ingest/s']:>8.2f}   (store, grouping and index)"
            )
            print(
                f"{'  the engine alone':24}{engine:>14,.0f}{theirs['ingest/s']:>14,.0f}"
                f"{engine / theirs['ingest/s']:>8.2f}   (read, analysed and indexed, as FTS5)"
            )
            print(
                f"{'index MB':24}{ours['index MB']:>14,.0f}{theirs['index MB']:>14,.0f}"
                f"{ours['index MB'] / theirs['index MB']:>8.2f}"
            )
            print(
                f"{'index / raw text':24}{ours['index MB'] * 1e6 / raw:>14.2f}{theirs['index MB'] * 1e6 / raw:>14.2f}"
            )
            print(f"{'index segments a shard':24}{' '.join(map(str, ours['segments'])):>14}")
            print(f"{'store MB (texts)':24}{ours['store MB']:>14,.0f}")
            print(f"{'peak RSS MB (process)':24}{rss:>14,.0f}")
            print("query latency, p50 / p99 ms (khabar: ranked page and total; with facets: + agency and day counts)")
            for kind in queries:
                a50, a99 = ours["latency"][kind]
                b50, b99 = theirs["latency"][kind]
                f50, f99 = ours["faceted"][kind]
                print(
                    f"{kind:24}{a50:>7.2f}/{a99:<6.2f}{b50:>7.2f}/{b99:<6.2f}"
                    f"{a50 / b50:>5.2f}/{a99 / b99:.2f}   with facets {f50:.2f}/{f99:.2f}"
                )


if __name__ == "__main__":
    main()
