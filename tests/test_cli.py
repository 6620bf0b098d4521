"""The `khabar` command as users and ../shared/checks/seeds.py run it: separate processes, a real
data directory, real files."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from khabar.text.display import display
from tests.conftest import EXPECTED, SEED_NAMES, SEEDS, free_port, khabar_command, run_khabar, wait_until_up, ws
from tests.crawl.web import serving


@pytest.mark.parametrize("name", SEED_NAMES)
def test_extract_json_matches_expected_for_every_field(name: str) -> None:
    expected = EXPECTED["pages"][name]
    result = run_khabar("extract", str(SEEDS / name), "--json", check=True)
    article = json.loads(result.stdout)
    assert set(article) >= {
        "id",
        "url",
        "title",
        "lead",
        "body",
        "published",
        "published_jalali",
        "agency",
        "site",
        "cites",
        "news_code",
        "story_id",
        "duplicate_of",
        "entities",
    }
    assert ws(article["title"]) == ws(expected["title"])
    assert article["published"] == expected["published"]
    assert article["agency"] == expected["agency"]
    assert article["cites"] == expected["cites"]
    assert ws(article["lead"]) == ws(expected.get("lead"))
    assert article["news_code"] == expected.get("news_code")
    assert article["site"] == expected.get("republished_by")
    paragraphs = [p for p in article["body"].split("\n\n") if p.strip()]
    assert len(paragraphs) == expected["body_paragraphs"]
    assert ws(paragraphs[0]).startswith(ws(expected["body_first_line_starts_with"]))
    assert ws(paragraphs[-1]).endswith(ws(expected["body_last_line_ends_with"]))
    for unwanted in expected["body_must_not_contain"]:
        assert unwanted not in article["body"]
    jalali = {"000_f3ac28793e446b22.txt": "1400-04-22 18:10", "002_2685855fda886fa6.txt": "1399-09-04 22:46"}
    assert article["published_jalali"] == jalali[name]


def test_extract_prints_a_readable_article_and_takes_a_url(tmp_path: Path) -> None:
    url = "https://www.isna.ir/news/99090402345/"
    result = run_khabar("extract", str(SEEDS / SEED_NAMES[1]), "--url", url, check=True)
    assert result.stdout.startswith(EXPECTED["pages"][SEED_NAMES[1]]["title"])
    assert "1399-09-04 22:46" in result.stdout
    article = json.loads(run_khabar("extract", str(SEEDS / SEED_NAMES[1]), "--url", url, "--json").stdout)
    assert article["url"] == url


@pytest.fixture(scope="module")
def seeded_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cli") / "data"
    result = run_khabar("ingest", str(SEEDS), data=data, check=True)
    assert result.stdout.startswith("added 2, duplicates 0, failed 0")
    return data


@pytest.mark.parametrize(
    ("query", "seed"),
    [
        ("می\u200cشویم", 0),
        ("می شویم", 0),
        ("میشویم", 0),
        ("بین المللی", 1),
        ("بین\u200cالمللی", 1),
        ("بینالمللی", 1),
        ("تروریست های", 0),
        ("واین ماروتو", 1),
        ("الكاظمي", 0),
    ],
)
def test_search_across_processes_finds_each_spelling(seeded_data: Path, query: str, seed: int) -> None:
    result = json.loads(run_khabar("search", query, "--json", data=seeded_data, check=True).stdout)
    assert set(result) == {"query", "total", "hits", "facets", "relaxed"}
    assert ws(result["hits"][0]["title"]) == ws(EXPECTED["pages"][SEED_NAMES[seed]]["title"])
    hit = result["hits"][0]
    assert {"id", "title", "url", "agency", "published", "snippet", "score", "story_id", "copies"} <= set(hit)


def test_search_filters_on_the_command_line(seeded_data: Path) -> None:
    def titles(*args: str) -> list[str]:
        out = json.loads(run_khabar("search", "ائتلاف", "--json", *args, data=seeded_data, check=True).stdout)
        return [h["agency"] for h in out["hits"]]

    assert titles("--agency", "ایسنا") == ["ایسنا"]
    assert titles("--from", "۱۴۰۰-۰۱-۰۱") == ["خبرگزاری فارس"]
    assert titles("--to", "2021-01-01") == ["ایسنا"]
    assert titles("--sort", "newest") == ["خبرگزاری فارس", "ایسنا"]


def test_ingest_again_adds_nothing(seeded_data: Path) -> None:
    result = run_khabar("ingest", str(SEEDS), "--json", data=seeded_data, check=True)
    assert json.loads(result.stdout) == {"added": 0, "duplicates": 2, "failed": 0, "skipped": 0, "errors": []}


def test_bad_input_gets_one_line_each_and_the_rest_is_ingested(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    missing = tmp_path / "nowhere.txt"
    # a real page saved in windows-1256, as old Persian sites serve it (Arabic yeh, Latin digits)
    page = (SEEDS / SEED_NAMES[1]).read_text(encoding="utf-8")
    page = page.translate(str.maketrans("ی۰۱۲۳۴۵۶۷۸۹", "ي0123456789"))
    cp1256 = tmp_path / "old-page.txt"
    cp1256.write_bytes(page.encode("cp1256", errors="replace"))
    data = tmp_path / "data"
    result = run_khabar(
        "ingest",
        str(empty),
        str(binary),
        str(missing),
        str(cp1256),
        str(SEEDS / SEED_NAMES[0]),
        "--json",
        data=data,
    )
    assert result.returncode == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3, errors
    assert any("empty.txt" in e and "empty" in e for e in errors)
    assert any("photo.txt" in e and "PNG" in e for e in errors)
    assert any("nowhere.txt" in e and "no such file" in e for e in errors)
    assert all(e.startswith("khabar: ") and "Traceback" not in e for e in errors)
    summary = json.loads(result.stdout)
    assert (summary["added"], summary["failed"]) == (2, 3)
    # the windows-1256 page was read, not lost: its agency and text are searchable
    found = json.loads(run_khabar("search", "کوبسی", "--json", data=data, check=True).stdout)
    assert found["hits"][0]["agency"] == "ایسنا"
    extracted = json.loads(run_khabar("extract", str(cp1256), "--json", check=True).stdout)
    assert extracted["notes"][-1] == "decoded as windows-1256"
    assert extracted["published"] == EXPECTED["pages"][SEED_NAMES[1]]["published"]


def test_extract_errors_are_one_line(tmp_path: Path) -> None:
    result = run_khabar("extract", str(tmp_path / "missing.txt"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "no such file" in result.stderr


def test_usage_errors_exit_2() -> None:
    assert run_khabar("search").returncode == 2
    assert run_khabar("frobnicate").returncode == 2
    assert run_khabar().returncode == 2


def test_bad_search_options_are_one_line(seeded_data: Path) -> None:
    result = run_khabar("search", "ائتلاف", "--from", "yesterday", data=seeded_data)
    assert result.returncode == 1 and result.stderr.startswith("khabar: --from: not a date")


def test_data_directory_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KHABAR_DATA", str(tmp_path / "env-data"))
    run_khabar("ingest", str(SEEDS / SEED_NAMES[0]), check=True)
    assert (tmp_path / "env-data" / "khabar.db").exists()


def _start(data: Path, sources: Path, until: str) -> tuple[str, str, str]:
    """`khabar start` on a free port with `sources` to crawl: wait for its web UI and for `until`
    (a regular expression) on its sources page, read one search page, stop it."""
    port = free_port()
    argv = [khabar_command(), "--data", str(data), "start", "--port", str(port), "--sources", str(sources)]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        deadline = time.monotonic() + 60
        while not re.search(until, httpx.get(f"{base}/sources", timeout=10).text) and time.monotonic() < deadline:
            time.sleep(0.2)
        page = httpx.get(f"{base}/search", params={"q": "می شویم"}, timeout=10).text
        sources_page = httpx.get(f"{base}/sources", timeout=10).text
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=20)
    return out, page, sources_page


def test_start_loads_the_demo_corpus_crawls_and_serves_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with serving() as web:
        sources = tmp_path / "sources.toml"
        sources.write_text(web.sources_toml(), encoding="utf-8")
        out, page, sources_page = _start(data, sources, until="خبرها: [۱-۹]")
        assert web.requests("/news/")  # the crawler ran beside the web UI
    count = int(out.split(" articles in ")[0].split()[-1])
    assert 280 <= count <= 302
    assert "«بین المللی»" in out  # a first search, on the terminal
    assert "http://127.0.0.1:" in out
    assert display(TITLE_000) in page  # readers see titles in display form (ZWNJ restored)
    assert display(TITLE_000) != TITLE_000
    assert "خبرگزاری آزمایشی" in sources_page and "خوانده شد" in sources_page
    unreachable = tmp_path / "gone.toml"
    unreachable.write_text('[[source]]\nname = "gone"\nfeeds = ["http://127.0.0.1:9/rss"]\n', encoding="utf-8")
    again, _, sources_page = _start(data, unreachable, until="در دسترس نیست")
    assert f"{count} articles in" not in again and "0 added now" in again  # the crawl added articles
    assert "در دسترس نیست" in sources_page  # offline, a source says so; the demo is still served


TITLE_000 = EXPECTED["pages"][SEED_NAMES[0]]["title"]
