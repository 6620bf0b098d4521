"""The web server under load: concurrent clients on loopback against /api/search and /search.

    .venv/bin/python bench/http_bench.py [--articles 100000] [--clients 50] [--seconds 30]
                                         [--workers 2] [--work DIR] [--no-cold]

Builds (once, kept in --work) a data directory of N articles with real statistics, made from
the shared corpus the same way as bench/search_bench.py, starts the real `khabar serve` on a free
port of 127.0.0.1 (rate limit off: every client comes from one address), and for each route runs
`--clients` connections in a closed loop for `--seconds`: each sends a request, reads the whole
answer, and sends the next (keep-alive, no pause between requests). Queries are 1–3 real title
words, drawn from a set where a few queries are common and most are rare (Zipf), as a news search
sees them, after WARM_UP seconds of them (the server's result and answer caches in their steady
state, as while no commit lands: a commit empties them). Printed per route: requests/s, latency
p50/p99/max, errors (any status but 200, or a broken connection). Then (unless --no-cold) the
same routes with queries drawn evenly from 200,000, hardly any asked twice: what the server's
caches cannot help with.

The load generator runs on the same two cores as the server; its own CPU share is printed.
Goal (issue 5, at 100k articles): 0 errors and p99 ≤ 50 ms at 50 clients.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_bench import WORD, load_corpus, make_collection

REPO = Path(__file__).resolve().parents[1]
KHABAR = str(Path(sys.executable).parent / "khabar")
COLD = 200_000  # queries drawn evenly for the cold runs: hardly one is asked twice
WARM_UP = 10  # seconds of the Zipf queries before the figures: a server that has been up a while
_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


def build(work: Path, n: int) -> Path:
    data = work / f"web-{n}"
    if (data / "ready").exists():
        return data
    articles, paragraphs = load_corpus(REPO.parent / "shared" / "corpus" / "articles.jsonl")
    collection = work / f"collection-{n}.jsonl"
    started = time.perf_counter()
    make_collection(collection, n, articles, paragraphs)
    subprocess.run([KHABAR, "--data", str(data), "ingest", str(collection)], check=True, stdout=subprocess.DEVNULL)
    collection.unlink()
    (data / "ready").write_text("")
    print(f"built {n:,} articles in {time.perf_counter() - started:.0f} s")
    return data


def make_queries(count: int, seed: int = 3) -> list[str]:
    articles, _ = load_corpus(REPO.parent / "shared" / "corpus" / "articles.jsonl")
    rng = random.Random(seed)
    titles = [w for w in (WORD.findall(a["title"]) for a in articles) if len(w) >= 3]
    return [" ".join(rng.sample(rng.choice(titles), rng.randint(1, 3))) for _ in range(count)]


async def client(
    port: int, path: str, queries: list[str], cumulative: list[float], until: float, seed: int
) -> tuple[list[float], int]:
    rng = random.Random(seed)
    latencies: list[float] = []
    errors = 0
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while time.perf_counter() < until:
        q = rng.choices(queries, cum_weights=cumulative)[0]  # (summed once: not per request)
        request = f"GET {path}?{urlencode({'q': q})} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        started = time.perf_counter()
        try:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")  # one read for the status line and headers
            found = _LENGTH.search(head)
            await reader.readexactly(int(found[1]) if found else 0)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            errors += 1
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            continue
        latencies.append(time.perf_counter() - started)
        if not head.startswith(b"HTTP/1.1 200"):
            errors += 1
    writer.close()
    return latencies, errors


async def load(port: int, path: str, clients: int, seconds: float, queries: list[str], zipf: bool = True) -> dict:
    cumulative = list(itertools.accumulate(1 / (rank + 1) if zipf else 1.0 for rank in range(len(queries))))
    until = time.perf_counter() + seconds
    cpu = time.process_time()
    started = time.perf_counter()
    results = await asyncio.gather(*(client(port, path, queries, cumulative, until, i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    latencies = sorted(x for lat, _ in results for x in lat)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
        "max": latencies[-1] * 1000,
        "errors": sum(e for _, e in results),
        "client_cpu": (time.process_time() - cpu) / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/khabar-http-bench"))
    parser.add_argument(
        "--cold", action=argparse.BooleanOptionalAction, default=True, help="also run with queries never asked before"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    data = build(args.work, args.articles)
    queries = make_queries(args.queries)
    port = _free_port()
    argv = [KHABAR, "--data", str(data), "serve", "--port", str(port), "--rate-limit", "0"]
    server = subprocess.Popen([*argv, "--workers", str(args.workers)], stdout=subprocess.DEVNULL)
    try:
        _wait(port)
        asyncio.run(load(port, "/api/search", args.clients, WARM_UP, queries))  # the caches, the page cache
        print(
            f"{args.articles:,} articles · {args.clients} clients · {args.seconds:.0f} s per route · "
            f"{args.workers} server workers · {len(queries):,} distinct queries (Zipf), after {WARM_UP} s of them"
        )
        print(f"{'route':<26}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}{'client CPU':>12}")
        runs = [("/api/search", queries, True), ("/search", queries, True)]
        if args.cold:
            runs += [(route, make_queries(COLD, seed=11), False) for route in ("/api/search", "/search")]
        for path, asked, zipf in runs:
            r = asyncio.run(load(port, path, args.clients, args.seconds, asked, zipf))
            label = path if zipf else f"{path} (new queries)"
            print(
                f"{label:<26}{r['rps']:>8,.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['max']:>9.1f}"
                f"{r['errors']:>8}{r['client_cpu']:>11.0%}"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up")


if __name__ == "__main__":
    main()
