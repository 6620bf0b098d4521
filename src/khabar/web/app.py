"""The web UI, the JSON API and the RSS feeds: a thin shell over `khabar.service.Khabar`.

Pages are rendered on the server (Jinja2, auto-escaped), right-to-left, in Persian, with the
bundled Vazirmatn font and no script at all. Handlers are `async` and call the service directly:
a search takes a millisecond or two of CPU, less than handing it to a thread would cost, and it
keeps the store's connection on one thread. For more than one core, run several workers.
"""

from __future__ import annotations

import logging
import math
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from khabar.errors import QueryError, StoreError
from khabar.models import SearchResult
from khabar.service import MAX_QUERY_CHARS, Khabar, Source, default_sources
from khabar.web.cache import AnswerCache
from khabar.web.feed import rss
from khabar.web.guard import Guard
from khabar.web.render import environment, query_url

log = logging.getLogger("khabar.web")

PAGE_SIZE = 10
MAX_PAGE = 100  # ten deep pages of a hundred: a filter narrows better than paging further
HOME_STORIES = 20
FEED_ITEMS = 30

SORT_NAMES = {"best": "بهترین", "relevance": "مرتبط‌ترین", "newest": "جدیدترین"}

Text = Annotated[str, Query(max_length=MAX_QUERY_CHARS * 4)]
Agencies = Annotated[list[str], Query()]
DateParam = Annotated[str | None, Query(alias="from", max_length=40)]
ToParam = Annotated[str | None, Query(alias="to", max_length=40)]
Page = Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)]


def create_app(data_dir: Path, *, rate_limit: float = 20.0, sources: list[Source] | None = None) -> Guard:
    """khabar's web app over the data directory `data_dir`, wrapped in its guard (limits and
    security headers). `rate_limit` is requests per second per client; 0 turns it off. `sources`
    are the crawl's sources, shown with their status on /sources (default: khabar's list)."""
    kh = Khabar(data_dir)
    crawled = sources if sources is not None else default_sources()
    templates = environment()
    app = FastAPI(
        title="khabar",
        summary="جستجوی خبر فارسی — Persian news search",
        description="The JSON API of khabar. Shapes follow interface.md: articles, search results, stories.",
        docs_url=None,  # /docs is served below from khabar's own page: no script from a CDN
        redoc_url=None,
    )
    static = resources.files("khabar.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = templates.get_template(name).render(request=request, q=context.pop("q", ""), **context)
        return HTMLResponse(html, status_code=status_code)

    def error_page(request: Request, status: int, title: str, detail: str = "") -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/feed":
            return JSONResponse({"error": title, "detail": detail}, status_code=status)
        return page(request, "error.html", status, title=title, detail=detail, code=status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return error_page(request, 404, "این صفحه پیدا نشد.", "نشانی را بررسی کنید یا جستجو کنید.")
        if exc.status_code == 405:
            return error_page(request, 405, "این درخواست پذیرفته نیست.", "خبر فقط خواندنی است.")
        return error_page(request, exc.status_code, "درخواست انجام نشد.", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        wrong = "، ".join(sorted({str(e["loc"][-1]) for e in exc.errors()}))
        return error_page(request, 400, "پارامترهای درخواست درست نیست.", f"parameter: {wrong}")

    @app.exception_handler(QueryError)
    async def bad_query(request: Request, exc: QueryError) -> Response:
        return error_page(request, 400, "این جستجو را نمی‌توان انجام داد.", str(exc))

    @app.exception_handler(StoreError)
    async def store_unavailable(request: Request, exc: StoreError) -> Response:
        log.error("store unavailable: %s", exc)
        return error_page(request, 503, "خبر موقتاً در دسترس نیست.", str(exc))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return error_page(request, 500, "خطایی پیش آمد.", "این خطا ثبت شد؛ لطفاً بعداً دوباره امتحان کنید.")

    def run_search(
        q: str, agency: list[str], date_from: str | None, date_to: str | None, sort: str, page_no: int, limit: int
    ) -> SearchResult:
        if len(q) > MAX_QUERY_CHARS:
            raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
        return kh.search(
            q,
            agencies=agency,
            date_from=date_from or None,
            date_to=date_to or None,
            sort=sort,
            limit=limit,
            offset=(page_no - 1) * limit,
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(request: Request) -> HTMLResponse:
        return page(request, "home.html", stories=kh.latest_stories(HOME_STORIES), count=kh.count())

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    async def search_page(
        request: Request,
        q: Text = "",
        agency: Agencies = [],  # noqa: B006 (FastAPI reads the default, never mutates it)
        date_from: DateParam = None,
        date_to: ToParam = None,
        sort: str = "best",
        page_no: Page = 1,
    ) -> HTMLResponse:
        params = {"q": q, "agency": agency, "from": date_from, "to": date_to, "sort": sort}
        if not q.strip() and not agency and not date_from and not date_to:
            return page(request, "search.html", q=q, params=params, result=None, sort_names=SORT_NAMES)
        result = run_search(q, agency, date_from, date_to, sort, page_no, PAGE_SIZE)
        pages = min(MAX_PAGE, math.ceil(result.total / PAGE_SIZE))
        return page(
            request,
            "search.html",
            q=q,
            params=params,
            result=result,
            page_no=page_no,
            pages=pages,
            sort_names=SORT_NAMES,
            first=(page_no - 1) * PAGE_SIZE + 1,
        )

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    async def article_page(request: Request, article_id: str) -> HTMLResponse:
        article = kh.article(article_id)
        if article is None:
            raise HTTPException(404)
        story = kh.story(article.story_id) if article.story_id else None
        others = [a for a in story.articles if a.id != article.id] if story else []
        subject_id = kh.subject_of(article.story_id) if article.story_id else None
        thread = len(kh.subject(subject_id)) if subject_id else 0
        return page(
            request,
            "article.html",
            article=article,
            story=story,
            others=others,
            copies=kh.copies(article),
            subject_id=subject_id,
            thread=thread,
        )

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story_page(request: Request, story_id: str) -> HTMLResponse:
        story = kh.story(story_id)
        if story is None:
            raise HTTPException(404)
        subject_id = kh.subject_of(story_id)
        thread = kh.subject(subject_id) if subject_id else []
        return page(request, "story.html", story=story, subject_id=subject_id, thread=len(thread))

    @app.get("/subject/{subject_id}", response_class=HTMLResponse, include_in_schema=False)
    async def subject_page(request: Request, subject_id: str) -> HTMLResponse:
        stories = kh.subject_stories(subject_id)
        if not stories:
            raise HTTPException(404)
        return page(request, "subject.html", stories=stories)

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    async def sources_page(request: Request) -> HTMLResponse:
        return page(request, "sources.html", sources=kh.source_status(crawled))

    @app.get("/feed", include_in_schema=False)
    async def feed(
        request: Request,
        q: Text = "",
        agency: Agencies = [],  # noqa: B006
        date_from: DateParam = None,
        date_to: ToParam = None,
    ) -> Response:
        result = run_search(q, agency, date_from, date_to, "newest", 1, FEED_ITEMS)  # no query: the latest
        base = str(request.base_url).rstrip("/")
        params = {"q": q, "agency": agency, "from": date_from, "to": date_to}
        body = rss(
            result,
            search_url=base + query_url("/search", params),
            self_url=base + query_url("/feed", params),
            article_url=base + "/article/{id}",
        )
        return Response(body, media_type="application/rss+xml; charset=utf-8")

    @app.get("/api/search", summary="Ranked search (the interface's search-result JSON)")
    async def api_search(
        q: Text = "",
        agency: Agencies = [],  # noqa: B006
        date_from: DateParam = None,
        date_to: ToParam = None,
        sort: str = "best",
        page_no: Page = 1,
        limit: Annotated[int, Query(ge=1, le=100)] = PAGE_SIZE,
    ) -> JSONResponse:
        return JSONResponse(run_search(q, agency, date_from, date_to, sort, page_no, limit).to_json())

    @app.get("/api/articles/{article_id}", summary="One article (the interface's article JSON)")
    async def api_article(article_id: str) -> JSONResponse:
        article = kh.article(article_id)
        if article is None:
            raise HTTPException(404)
        return JSONResponse(article.to_json())

    @app.get("/api/stories/{story_id}", summary="One story: its articles in publish order")
    async def api_story(story_id: str) -> JSONResponse:
        story = kh.story(story_id)
        if story is None:
            raise HTTPException(404)
        return JSONResponse(story.to_json())

    @app.get("/api/subjects/{subject_id}", summary="One subject thread: its stories, oldest first")
    async def api_subject(subject_id: str) -> JSONResponse:
        stories = kh.subject_stories(subject_id)
        if not stories:
            raise HTTPException(404)
        return JSONResponse({"id": subject_id, "stories": [s.to_json() for s in stories]})

    @app.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        return page(request, "docs.html", spec=app.openapi())

    # the two search routes are the ones readers repeat, word for word
    searches = AnswerCache(app, kh.generation, paths=("/search", "/api/search"))
    return Guard(searches, rate=rate_limit, burst=max(1, round(3 * rate_limit)))
