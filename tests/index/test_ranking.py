"""The query language, ranking and paging over a real index on disk."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from khabar import Khabar, QueryError, StoreError
from khabar.index.documents import COMMON
from khabar.text.analysis import GAP
from khabar.text.dates import TEHRAN

NOW = dt.datetime(2023, 6, 10, 12, 0, tzinfo=TEHRAN)


def day(days_ago: float) -> str:
    return (NOW - dt.timedelta(days=days_ago)).isoformat()


ARTICLES = [
    {
        "title": "تولید نفت در نشست وین",
        "body": "وزیران نفت اوپک در وین درباره تولید نفت گفت‌وگو کردند.",
        "published": day(300),
    },
    {
        "title": "قیمت نفت بالا رفت",
        "body": "قیمت نفت خام امروز در بازار جهانی بالا رفت و تولید نفت کم شد.",
        "published": day(1),
    },
    {
        "title": "صادرات گاز ایران",
        "body": "صادرات گاز ایران به عراق افزایش یافت و نفت هم صادر شد.",
        "published": day(2),
    },
    {
        "title": "تیم ملی فوتبال",
        "body": "تیم ملی فوتبال ایران امروز تمرین کرد و سرمربی تیم ملی گفت آماده‌ایم.",
        "published": day(3),
    },
    {"title": "فوتبال ملی", "body": "بازیکنان ملی پوش فوتبال در تیم باشگاهی خود به میدان رفتند.", "published": day(3)},
    {"title": "باران در ماه می", "body": "در ماه می باران زیادی در اروپا بارید.", "published": day(20)},
    {"title": "باران بهاری", "body": "باران بهاری امسال زودتر از همیشه آمد.", "published": day(20)},
]


@pytest.fixture(scope="module")
def kh(tmp_path_factory: pytest.TempPathFactory) -> Khabar:
    folder = tmp_path_factory.mktemp("ranking")
    path = folder / "a.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8")
    k = Khabar(folder / "data")
    assert k.ingest([path]).added == len(ARTICLES)
    return k


def titles(kh: Khabar, query: str, **options) -> list[str]:
    return [h.title for h in kh.search(query, now=NOW, limit=20, **options).hits]


def test_a_quoted_phrase_must_match_side_by_side(kh: Khabar) -> None:
    assert set(titles(kh, "تیم ملی فوتبال")) == {"تیم ملی فوتبال", "فوتبال ملی"}
    assert titles(kh, '"تیم ملی"') == ["تیم ملی فوتبال"]
    assert titles(kh, "«تیم ملی» فوتبال") == ["تیم ملی فوتبال"]


def test_a_phrase_is_its_words_in_order_not_its_pairs_apart_nor_across_punctuation(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    bodies = {
        "الف": "بازار نفت خام آسیا امروز آرام بود.",
        "ب": "نفت خام و کالای خام آسیا گران شد.",  # both pairs of the phrase, never all three words
        "پ": "قیمت نفت، خام فروشی را کم کرد.",  # the two words apart, across a comma
    }
    path.write_text(
        "\n".join(json.dumps({"title": t, "body": b}, ensure_ascii=False) for t, b in bodies.items()), encoding="utf-8"
    )
    k = Khabar(tmp_path / "data")
    k.ingest([path])
    assert titles(k, '"نفت خام آسیا"') == ["الف"]
    assert set(titles(k, '"نفت خام"')) == {"الف", "ب"}
    assert set(titles(k, '"خام نفت"')) == set()


def test_punctuation_is_neither_a_term_nor_length(tmp_path: Path) -> None:
    """A punctuation gap keeps its position empty: no term of the index holds it, and a text is
    as long, for BM25, with or without its commas."""
    bodies = {  # (the first and the third share a shard, and its lengths)
        "الف": "گوزن بنفش در جنگل دیده شد و رفت",
        "پ": "خبری دیگر",
        "ب": "گوزن، بنفش، در، جنگل، دیده، شد، و، رفت.",
    }
    path = tmp_path / "a.jsonl"
    path.write_text(
        "\n".join(json.dumps({"title": t, "body": b}, ensure_ascii=False) for t, b in bodies.items()), encoding="utf-8"
    )
    k = Khabar(tmp_path / "data")
    k.ingest([path])
    hits = k.search("گوزن", sort="relevance").hits
    assert {h.title for h in hits} == {"الف", "ب"}
    assert hits[0].score == pytest.approx(hits[1].score)
    assert k.index.frequency(GAP) == 0
    assert titles(k, '"گوزن بنفش"') == ["الف"]


def test_a_phrase_with_an_uncommon_word_is_checked_by_positions(tmp_path: Path) -> None:
    """Pairs of common words are read from the `pair` field; a pair with a word off the list is
    not indexed, and the phrase is matched by positions, as strictly."""
    assert "گوزن" not in COMMON and "بنفش" not in COMMON and {"در", "جنگل"} <= COMMON
    bodies = {
        "الف": "در جنگل گوزن بنفش دیده شد.",
        "ب": "گوزن در کنار گل بنفش ایستاد و در جنگل ماند.",  # the words apart
        "پ": "یک گوزن، بنفش بود.",  # across a comma
    }
    path = tmp_path / "a.jsonl"
    path.write_text(
        "\n".join(json.dumps({"title": t, "body": b}, ensure_ascii=False) for t, b in bodies.items()), encoding="utf-8"
    )
    k = Khabar(tmp_path / "data")
    k.ingest([path])
    assert titles(k, '"گوزن بنفش"') == ["الف"]
    assert titles(k, '"جنگل گوزن بنفش"') == ["الف"]
    assert set(titles(k, '"در جنگل"')) == {"الف", "ب"}
    assert set(titles(k, "گوزن بنفش")) == {"الف", "ب", "پ"}
    assert titles(k, "گوزن بنفش", sort="relevance")[0] == "الف"  # side by side: the nearness bonus


def test_exclusion(kh: Khabar) -> None:
    assert set(titles(kh, "نفت")) == {"تولید نفت در نشست وین", "قیمت نفت بالا رفت", "صادرات گاز ایران"}
    assert set(titles(kh, "نفت -گاز")) == {"تولید نفت در نشست وین", "قیمت نفت بالا رفت"}
    assert set(titles(kh, 'باران -"ماه می"')) == {"باران بهاری"}
    with pytest.raises(QueryError, match="only excludes"):
        kh.search("-نفت")


def test_or(kh: Khabar) -> None:
    assert set(titles(kh, "گاز OR فوتبال")) == {"صادرات گاز ایران", "تیم ملی فوتبال", "فوتبال ملی"}
    assert titles(kh, "وین OR عراق نفت", sort="newest") == ["صادرات گاز ایران", "تولید نفت در نشست وین"]


def test_nearness_ranks_words_side_by_side_first(kh: Khabar) -> None:
    assert titles(kh, "تیم ملی", sort="relevance")[0] == "تیم ملی فوتبال"


def test_when_no_article_holds_every_word_all_but_one_is_enough(kh: Khabar) -> None:
    result = kh.search("قیمت نفت خام زرافه", now=NOW)
    assert result.relaxed and result.hits[0].title == "قیمت نفت بالا رفت"
    assert not kh.search("قیمت نفت", now=NOW).relaxed


def test_the_recency_prior_and_the_sorts(tmp_path: Path) -> None:
    """Two stories about as relevant: pure BM25 keeps the older (it says "قیمت نفت" twice), news
    ranking prefers yesterday's; the prior does not overturn a clearly better match."""
    pair = [
        {
            "title": "قیمت نفت خام",
            "body": "قیمت نفت خام در بازار جهانی بالا رفت و قیمت نفت به اوج رسید.",
            "published": day(300),
        },
        {"title": "قیمت نفت خام", "body": "قیمت نفت خام در بازار جهانی امروز بالا رفت.", "published": day(1)},
    ]
    path = tmp_path / "pair.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in pair), encoding="utf-8")
    k = Khabar(tmp_path / "data")
    k.ingest([path])

    def days(sort: str) -> list[int]:
        return [(NOW - h.published).days for h in k.search("قیمت نفت", sort=sort, now=NOW).hits]

    assert days("relevance") == [300, 1]
    assert days("best") == [1, 300]
    assert days("newest") == [1, 300]


def test_a_clearly_better_match_outranks_a_fresher_one(kh: Khabar) -> None:
    assert titles(kh, "نفت تولید")[0] == "تولید نفت در نشست وین"
    assert titles(kh, "نفت", sort="newest") == ["قیمت نفت بالا رفت", "صادرات گاز ایران", "تولید نفت در نشست وین"]
    with pytest.raises(QueryError, match="sort"):
        kh.search("نفت", sort="oldest")


def test_paging(kh: Khabar) -> None:
    everything = titles(kh, "نفت")
    pages = [h.title for offset in range(3) for h in kh.search("نفت", now=NOW, limit=1, offset=offset).hits]
    assert pages == everything
    with pytest.raises(QueryError, match="deeper"):
        kh.search("نفت", offset=10_001)


def test_filters_alone_browse_newest_first(kh: Khabar) -> None:
    assert titles(kh, "", date_from="2023-05-01")[:2] == ["قیمت نفت بالا رفت", "صادرات گاز ایران"]


def test_an_index_of_another_format_is_rebuilt_from_the_store(tmp_path: Path, kh: Khabar) -> None:
    data = tmp_path / "data"
    k = Khabar(data)
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(ARTICLES[0], ensure_ascii=False), encoding="utf-8")
    k.ingest([path])
    k.close()
    (data / "index" / "khabar-index-version").write_text("1\n")  # as an older khabar left it
    stale = Khabar(data)
    with pytest.raises(StoreError, match="reindex"):
        stale.search("وین")
    assert stale.reindex() == 1
    assert stale.search("وین").total == 1


def test_a_recent_article_below_the_best_of_all_is_still_raised(tmp_path: Path, monkeypatch) -> None:
    """The prior reranks the best of all matches and the best of the recent ones: yesterday's
    article is raised above older, somewhat better matches even where more than RERANK_WINDOW of
    them rank above it by relevance (a window of 2 here, as a million articles hold hundreds; one
    shard, so that every article's BM25 counts the same articles)."""
    monkeypatch.setattr("khabar.index.engine.RERANK_WINDOW", 2)
    monkeypatch.setattr("khabar.index.engine.SHARDS", 1)
    older = [
        {"title": f"گزارش {i}", "body": "نرخ تورم در این ماه بالا رفت و تورم به اوج رسید.", "published": day(300 + i)}
        for i in range(6)
    ]
    fresh = {"title": "گزارش تازه", "body": "نرخ تورم در این ماه بالا رفت و قیمت به اوج رسید.", "published": day(0.5)}
    path = tmp_path / "window.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in [*older, fresh]), encoding="utf-8")
    k = Khabar(tmp_path / "data")
    k.ingest([path])
    assert titles(k, "تورم", sort="relevance")[-1] == "گزارش تازه"  # it says "تورم" once, they twice
    first = k.search("تورم", now=NOW, limit=1)
    assert first.total == 7 and [h.title for h in first.hits] == ["گزارش تازه"]
    assert titles(k, "تورم")[0] == "گزارش تازه"
    # a date filter that takes in the recent articles raises them too; one that ends long before
    # leaves nothing to raise
    until_today = k.search("تورم", now=NOW, limit=1, date_to=NOW.date().isoformat())
    assert [h.title for h in until_today.hits] == ["گزارش تازه"]
    assert titles(k, "تورم", date_to=(NOW - dt.timedelta(days=200)).date().isoformat()) == [
        title for title in titles(k, "تورم", sort="relevance") if title != "گزارش تازه"
    ]
