"""The `khabar` command: a thin shell over `khabar.service` (see ../shared/interface.md).

Exit status: 0 success, 1 when some input failed (the rest still processed), 2 usage error.
Every error is one line on stderr; set KHABAR_DEBUG=1 to see a traceback for a bug.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from khabar.errors import KhabarError
from khabar.models import Article, SearchResult, dumps, jalali_text
from khabar.pipeline import IngestReport
from khabar.service import SORTS, CrawlReport, Khabar, Politeness, default_sources, extract_file, load_sources
from khabar.text.display import display
from khabar.text.highlight import Snippet

_BOLD, _PLAIN = "\033[1m", "\033[0m"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.run(args)
    except KhabarError as e:
        print(f"khabar: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("khabar: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a bug: one line for the user, the traceback on request
        if os.environ.get("KHABAR_DEBUG"):
            raise
        print(f"khabar: internal error: {type(e).__name__}: {e} (KHABAR_DEBUG=1 shows more)", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="khabar", description="A Persian news search engine.")
    p.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("KHABAR_DATA") or "khabar-data"),
        help="the data directory: store, index, archives (default: $KHABAR_DATA, else ./khabar-data)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    e = sub.add_parser("extract", help="read one page (.html or .txt) and print its article, without storing it")
    e.add_argument("path", type=Path, metavar="PATH")
    e.add_argument("--url", help="the page's address, when the file does not say it")
    e.add_argument("--json", action="store_true", help="print the article as JSON")
    e.set_defaults(run=_extract)

    i = sub.add_parser(
        "ingest", help="add pages (.txt, .html), articles (.jsonl), web archives (.warc, .warc.gz) or folders"
    )
    i.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    i.add_argument("--json", action="store_true", help="print the summary as JSON")
    i.set_defaults(run=_ingest)

    s = sub.add_parser("search", help="ranked search")
    s.add_argument("query", metavar="QUERY")
    s.add_argument("--agency", action="append", default=[], metavar="NAME", help="only this agency (repeatable)")
    s.add_argument("--from", dest="date_from", metavar="DATE", help="from this day: 1400-04-22 or 2021-07-13")
    s.add_argument("--to", dest="date_to", metavar="DATE", help="up to and including this day")
    s.add_argument(
        "--sort",
        choices=SORTS,
        default="best",
        help="best: relevance with a preference for recent news (default); relevance; newest",
    )
    s.add_argument("--page", type=int, default=1, metavar="N", help="which page of results (default 1)")
    s.add_argument("--limit", type=int, default=10, metavar="N")
    s.add_argument("--json", action="store_true", help="print the results as JSON")
    s.set_defaults(run=_search)

    so = sub.add_parser("story", help="every article of one story, in time order, and its subject thread")
    so.add_argument("story_id", metavar="ID", help="a story id (an article's story_id)")
    so.add_argument("--json", action="store_true")
    so.set_defaults(run=_story)

    sj = sub.add_parser("subject", help="the stories of one subject thread, oldest first")
    sj.add_argument("subject_id", metavar="ID", help="a subject id (as `khabar story` shows it)")
    sj.add_argument("--json", action="store_true")
    sj.set_defaults(run=_subject)

    r = sub.add_parser("reindex", help="build the search index anew from the store")
    r.set_defaults(run=_reindex)

    c = sub.add_parser(
        "crawl", help="fetch the configured sources and ingest what is new; every response is archived as WARC"
    )
    _sources_option(c)
    c.add_argument("--once", action="store_true", help="visit every source once, then exit")
    c.add_argument("--max-pages", type=int, metavar="N", help="fetch at most N article pages in this run")
    c.add_argument(
        "--delay", type=float, default=1.0, metavar="S", help="seconds between two requests to one host (default 1)"
    )
    c.add_argument(
        "--timeout", type=float, default=20.0, metavar="S", help="seconds a fetch may take in all (default 20)"
    )
    c.add_argument("--json", action="store_true", help="print the summary as JSON (with --once)")
    c.set_defaults(run=_crawl)

    sv = sub.add_parser("serve", help="the web UI, the JSON API and RSS feeds")
    _server_options(sv)
    sv.set_defaults(run=_serve)

    st = sub.add_parser(
        "start",
        help="khabar's main job on its embedded default: load the demo corpus, crawl the sources, serve the web UI",
    )
    _server_options(st)
    st.add_argument("--no-crawl", action="store_true", help="serve the demo corpus without crawling the sources")
    st.set_defaults(run=_start)
    return p


def _sources_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sources", type=Path, metavar="FILE", help="a TOML file of sources (default: the list khabar ships with)"
    )


def _server_options(p: argparse.ArgumentParser) -> None:
    _sources_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--workers", type=int, default=1, metavar="N", help="worker processes (default 1)")
    p.add_argument(
        "--rate-limit",
        type=float,
        default=20.0,
        metavar="N",
        help="requests per second allowed per client address, bursts of 3×N (default 20; 0: no limit)",
    )


def _extract(args: argparse.Namespace) -> int:
    article = extract_file(args.path, url=args.url)
    print(dumps(article.to_json()) if args.json else _article_text(article))
    return 0


def _ingest(args: argparse.Namespace) -> int:
    kh = Khabar(args.data)
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        report = kh.ingest(args.paths, progress=progress)
    finally:
        kh.close()
        if progress:
            progress.done()
    for error in report.errors:
        print(f"khabar: {error}", file=sys.stderr)
    if args.json:
        print(dumps(report.to_json()))
    else:
        skipped = f", skipped {report.skipped} (not Persian news pages)" if report.skipped else ""
        print(f"added {report.added}, duplicates {report.duplicates}, failed {report.failed}{skipped} — {args.data}")
    return 1 if report.failed else 0


class _Progress:
    """One line on a terminal's stderr, rewritten a few times a second, while a bulk ingest runs."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = 0.0

    def __call__(self, report: IngestReport) -> None:
        now = time.monotonic()
        if now - self.shown < 0.2:
            return
        self.shown = now
        seen = report.added + report.duplicates + report.failed + report.skipped
        rate = seen / max(now - self.started, 1e-9)
        line = (
            f"ingest: {seen:,} read · {report.added:,} added · {report.duplicates:,} duplicates · "
            f"{report.failed:,} failed · {report.skipped:,} skipped · {rate:,.0f}/s"
        )
        print(f"\r{line}", end="", file=sys.stderr, flush=True)

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _search(args: argparse.Namespace) -> int:
    kh = Khabar(args.data)
    try:
        result = kh.search(
            args.query,
            agencies=args.agency,
            date_from=args.date_from,
            date_to=args.date_to,
            sort=args.sort,
            limit=args.limit,
            offset=(max(args.page, 1) - 1) * args.limit,
        )
    finally:
        kh.close()
    print(dumps(result.to_json()) if args.json else _results_text(result, sys.stdout.isatty()))
    return 0


def _story(args: argparse.Namespace) -> int:
    kh = Khabar(args.data)
    try:
        story = kh.story(args.story_id)
        if story is None:
            raise KhabarError(f"no story {args.story_id!r} in {args.data}")
        subject = kh.subject_of(story.id)
    finally:
        kh.close()
    if args.json:
        print(dumps({**story.to_json(), "subject_id": subject}))
        return 0
    print(display(story.title))
    print(f"{len(story.articles)} reports · {'، '.join(story.sources)} · subject {subject or '-'}")
    for a in story.articles:
        meta = " · ".join(x for x in (jalali_text(a.published), a.agency or a.site, a.id) if x)
        print(f"  {meta}\n    {display(a.title)}")
    return 0


def _subject(args: argparse.Namespace) -> int:
    kh = Khabar(args.data)
    try:
        stories = kh.subject_stories(args.subject_id)
    finally:
        kh.close()
    if not stories:
        raise KhabarError(f"no subject {args.subject_id!r} in {args.data}")
    if args.json:
        print(dumps({"id": args.subject_id, "stories": [s.to_json() for s in stories]}))
        return 0
    for s in stories:
        print(f"{jalali_text(s.first_seen) or '?'} · {len(s.articles)} reports · {s.id}\n    {display(s.title)}")
    return 0


def _reindex(args: argparse.Namespace) -> int:
    kh = Khabar(args.data)
    try:
        print(f"reindexed {kh.reindex()} articles — {args.data}")
    finally:
        kh.close()
    return 0


def _crawl(args: argparse.Namespace) -> int:
    sources = load_sources(args.sources) if args.sources else default_sources()
    politeness = Politeness(delay=max(args.delay, 0.0), timeout=max(args.timeout, 0.1))
    _log_to_stderr()
    kh = Khabar(args.data)
    try:
        if not args.once:
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            print(f"khabar: crawling {len(sources)} sources into {args.data} (Ctrl-C stops)", file=sys.stderr)
            try:
                kh.crawl_until(sources, stop, politeness=politeness, workers=os.cpu_count() or 1)
            except KeyboardInterrupt:
                stop.set()
            return 0
        progress = _CrawlProgress() if sys.stderr.isatty() else None
        try:
            report = kh.crawl(sources, max_pages=args.max_pages, politeness=politeness, progress=progress)
        finally:
            if progress:
                progress.done()
    finally:
        kh.close()
    if args.json:
        print(dumps(report.to_json()))
    else:
        print(
            f"added {report.added}, duplicates {report.duplicates}, failed {report.failed}, skipped {report.skipped},"
            f" disallowed {report.disallowed} — {report.requests} requests ({report.not_modified} unchanged),"
            f" {len(report.errors)} source errors — {args.data}"
        )
    return 1 if report.errors or report.failed else 0


class _CrawlProgress:
    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, r: CrawlReport) -> None:
        rate = r.fetched / max(time.monotonic() - self.started, 1e-9)
        line = f"crawl: {r.requests:,} requests · {r.added:,} added · {r.failed:,} failed · {rate:,.0f} pages/s"
        print(f"\r{line}", end="", file=sys.stderr, flush=True)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _log_to_stderr() -> None:
    """Crawl events as one line each on stderr: readable on a terminal, JSON otherwise."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_HumanLog() if sys.stderr.isatty() else _JsonLog())
    root = logging.getLogger("khabar")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if not sys.stderr.isatty() else logging.WARNING)
    root.propagate = False


class _JsonLog(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"time": round(record.created, 3), "level": record.levelname.lower(), "event": record.getMessage()}
        line.update(getattr(record, "fields", {}))
        return json.dumps(line, ensure_ascii=False)


class _HumanLog(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in getattr(record, "fields", {}).items())
        return f"\rkhabar: {record.getMessage()}: {fields}"


def _serve(args: argparse.Namespace, crawl: bool = False) -> int:
    if args.workers < 1:
        raise KhabarError("--workers must be at least 1")
    from khabar.web import serve  # the web stack loads only for the commands that serve

    sources = load_sources(args.sources) if args.sources else default_sources()
    stop = threading.Event()
    crawler = threading.Thread(target=_crawl_beside, args=(args.data, sources, stop), daemon=True)
    if crawl:
        _log_to_stderr()
        crawler.start()
    print(f"khabar: serving {args.data} on http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    try:
        serve(args.data, args.host, args.port, workers=args.workers, rate_limit=args.rate_limit, sources=sources)
    finally:
        stop.set()
        if crawl:
            crawler.join(timeout=10)
    return 0


def _crawl_beside(data: Path, sources: list, stop: threading.Event) -> None:
    """The crawler's thread beside the web UI: it keeps the index fresh, or says why it cannot."""
    kh = Khabar(data)
    try:
        kh.crawl_until(sources, stop)
    except KhabarError as e:
        logging.getLogger("khabar.crawl").error("the crawler stopped", extra={"fields": {"error": str(e)}})
    finally:
        kh.close()


def _start(args: argparse.Namespace) -> int:
    kh = Khabar(args.data)
    try:
        report = kh.ingest_demo()
        print(f"khabar: {kh.count()} articles in {args.data} (demo corpus: {report.added} added now)")
        print(_results_text(kh.search("بین المللی", limit=3), sys.stdout.isatty()))
    finally:
        kh.close()
    for error in report.errors:
        print(f"khabar: {error}", file=sys.stderr)
    return _serve(args, crawl=not args.no_crawl)


def _article_text(a: Article) -> str:
    lines = [a.title, ""]
    meta = [x for x in (a.agency, a.site, jalali_text(a.published)) if x]
    if meta:
        lines.append(" · ".join(meta))
    if a.news_code:
        lines.append(f"کد خبر: {a.news_code}")
    if a.cites:
        lines.append("به نقل از: " + "، ".join(a.cites))
    if a.lead:
        lines += ["", a.lead]
    lines += ["", a.body]
    lines += [f"\n[{note}]" for note in a.notes]
    return "\n".join(lines)


def _results_text(result: SearchResult, bold: bool) -> str:
    lines = [f"«{result.query}»: {result.total} results"]
    if result.relaxed:
        lines.append("(no article holds every word; these hold all but one)")
    agencies = result.facets.get("agency") or {}
    if agencies:
        lines.append("   " + " · ".join(f"{name} ({count})" for name, count in list(agencies.items())[:6]))
    for n, hit in enumerate(result.hits, start=1):
        meta = " · ".join(x for x in (hit.agency, jalali_text(hit.published), hit.id) if x)
        lines.append(f"{n}. {display(hit.title)}")
        lines.append(f"   {meta}")
        text = hit.snippet
        if bold:
            text = Snippet(hit.snippet, hit.marks).render(_BOLD, _PLAIN)
        lines.append(f"   {text}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
