"""The `khabar` command: a thin shell over `khabar.service` (see ../shared/interface.md).

Exit status: 0 success, 1 when some input failed (the rest still processed), 2 usage error.
Every error is one line on stderr; set KHABAR_DEBUG=1 to see a traceback for a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from khabar.errors import KhabarError
from khabar.models import Article, SearchResult, dumps, jalali_text
from khabar.pipeline import IngestReport
from khabar.service import SORTS, Khabar, extract_file
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

    r = sub.add_parser("reindex", help="build the search index anew from the store")
    r.set_defaults(run=_reindex)

    sv = sub.add_parser("serve", help="the web UI, the JSON API and RSS feeds")
    _server_options(sv)
    sv.set_defaults(run=_serve)

    st = sub.add_parser(
        "start", help="khabar's main job on its embedded default: load the demo corpus and serve it on the web"
    )
    _server_options(st)
    st.set_defaults(run=_start)
    return p


def _server_options(p: argparse.ArgumentParser) -> None:
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


def _reindex(args: argparse.Namespace) -> int:
    kh = Khabar(args.data)
    try:
        print(f"reindexed {kh.reindex()} articles — {args.data}")
    finally:
        kh.close()
    return 0


def _serve(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise KhabarError("--workers must be at least 1")
    from khabar.web import serve  # the web stack loads only for the commands that serve

    print(f"khabar: serving {args.data} on http://{args.host}:{args.port}/ (Ctrl-C stops)", flush=True)
    serve(args.data, args.host, args.port, workers=args.workers, rate_limit=args.rate_limit)
    return 0


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
    return _serve(args)


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
