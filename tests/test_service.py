"""The service layer's result cache: a result is served again until a commit lands or it ages
past RESULT_TTL, never after."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar import service
from khabar.service import Khabar
from tests.conftest import REPO

PAGES = REPO / "tests" / "data" / "pages"


@pytest.fixture
def kh(tmp_path: Path):
    khabar = Khabar(tmp_path / "data")
    khabar.ingest([PAGES / "asriran-1.html"])
    yield khabar
    khabar.close()


def _count_searches(kh: Khabar) -> list[str]:
    """Every query that reaches the index (a spy around the real search, which still runs)."""
    asked: list[str] = []
    real = kh.index.search

    def search(text: str, **options):
        asked.append(text)
        return real(text, **options)

    kh.index.search = search  # type: ignore[method-assign]
    return asked


def test_a_repeated_search_is_served_from_the_cache(kh: Khabar) -> None:
    asked = _count_searches(kh)
    first = kh.search("کره شمالی")
    again = kh.search("کره شمالی")
    assert first.total == again.total == 1 and again.hits == first.hits
    assert asked == ["کره شمالی"]


def test_a_commit_makes_the_cached_result_stale(kh: Khabar) -> None:
    assert kh.search("ولفسبورگ").total == 0
    kh.ingest([PAGES / "asriran-2.html"])  # "بایرن 2 - 1 ولفسبورگ"
    assert kh.search("ولفسبورگ").total == 1


def test_a_result_older_than_its_time_to_live_is_made_again(kh: Khabar, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _count_searches(kh)
    monkeypatch.setattr(service, "RESULT_TTL", 0.0)
    kh.search("کره شمالی")
    kh.search("کره شمالی")
    assert asked == ["کره شمالی", "کره شمالی"]
