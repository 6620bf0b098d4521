"""Crawl speed: pages per second fetched, extracted, stored and indexed from a local web.

    .venv/bin/python bench/crawl_bench.py [--pages 2000] [--work DIR]

A web of N article pages is made from the real articles of ../shared/corpus/articles.jsonl (each
page: a news-site layout with a header, menus, the title, lead and body, a related-headlines
list and a footer; its own address) and served from memory by a separate process on 127.0.0.1,
with an RSS feed per 500 pages. Then one `Khabar.crawl` (the real crawler: robots.txt, feeds,
fetch, WARC archive, extraction in worker processes, store, index) runs with politeness off
(no delay, 16 requests per host) into an empty data directory, and the figures are printed:
pages/s end to end (feeds included), and the time in each phase.

Both the server and the crawler run on this machine's two cores.
Goal (issue 6): ≥ 200 pages/s.
"""

from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import shutil
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from khabar.crawl import Politeness, Source
from khabar.service import Khabar

REPO = Path(__file__).resolve().parents[1]
PER_FEED = 500


def make_pages(n: int) -> dict[str, bytes]:
    articles = [json.loads(line) for line in (REPO.parent / "shared" / "corpus" / "articles.jsonl").open()]
    pages: dict[str, bytes] = {}
    for i in range(n):
        a = articles[i % len(articles)]
        related = "".join(
            f'<li><a href="/news/{(i + k) % n}">{html.escape(articles[(i + k) % len(articles)]["title"])}</a></li>'
            for k in range(1, 8)
        )
        body = "".join(f"<p>{html.escape(p)}</p>" for p in (a.get("body") or "").split("\n\n") if p.strip())
        title = html.escape(a["title"]) + ("" if i < len(articles) else f" ({i // len(articles)})")
        pages[f"/news/{i}"] = (
            f'<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>{title} - خبر محلی</title>'
            f'</head><body><header><nav><a href="/">صفحه نخست</a> <a href="/politics">سیاسی</a> '
            f'<a href="/sport">ورزشی</a></nav></header><main><article><h1>{title}</h1>'
            f'<p class="lead">{html.escape(a.get("lead") or "")}</p><div class="body">{body}</div></article>'
            f"<aside><h3>اخبار مرتبط</h3><ul>{related}</ul></aside></main>"
            f"<footer>کلیه حقوق محفوظ است.</footer></body></html>"
        ).encode()
    return pages


def feeds(base: str, n: int) -> dict[str, bytes]:
    found = {}
    for f in range(0, n, PER_FEED):
        items = "".join(f"<item><link>{base}/news/{i}</link></item>" for i in range(f, min(n, f + PER_FEED)))
        found[f"/feed{f // PER_FEED}.xml"] = f'<rss version="2.0"><channel>{items}</channel></rss>'.encode()
    return found


def serve(port: int, n: int, ready: multiprocessing.Event) -> None:
    content = make_pages(n)
    content.update(feeds(f"http://127.0.0.1:{port}", n))
    content["/robots.txt"] = b"User-agent: *\nAllow: /\n"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = content.get(self.path)
            kind = "application/rss+xml" if self.path.endswith(".xml") else "text/html; charset=utf-8"
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    ready.set()
    server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ready = multiprocessing.get_context("fork").Event()
    server = multiprocessing.get_context("fork").Process(target=serve, args=(port, args.pages, ready), daemon=True)
    server.start()
    ready.wait(60)
    work = Path(tempfile.mkdtemp(dir=args.work))
    try:
        base = f"http://127.0.0.1:{port}"
        source = Source(
            "bench",
            "وب محلی",
            base + "/",
            feeds=tuple(f"{base}/feed{f}.xml" for f in range((args.pages + PER_FEED - 1) // PER_FEED)),
        )
        kh = Khabar(work / "data")
        started = time.perf_counter()
        report = kh.crawl([source], politeness=Politeness(delay=0, per_host=16, total=32))
        elapsed = time.perf_counter() - started
        count = kh.count()
        kh.close()
        archive = sum(p.stat().st_size for p in (work / "data" / "archive").glob("*.warc.gz"))
        print(f"{args.pages:,} pages from a local web · politeness off · 2 cores shared with the server")
        print(f"fetched {report.fetched:,} · stored {report.added:,} · failed {report.failed} · {count:,} in the store")
        print(f"elapsed {elapsed:.1f} s · {report.fetched / elapsed:,.0f} pages/s (goal ≥ 200)")
        print(f"WARC archive {archive / 1e6:.1f} MB · {report.requests:,} requests")
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
