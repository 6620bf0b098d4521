"""The index is cut into shards by rowid and searched side by side: what comes back must be what
one index would give (all matches counted, pages in order across shards, facets added up)."""

import datetime as dt
from pathlib import Path

from khabar.index.documents import document_fields
from khabar.index.engine import RECENT, SHARDS, SearchIndex
from khabar.models import Article
from khabar.text.dates import TEHRAN


def test_pages_counts_and_facets_span_every_shard(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    start = dt.datetime(2026, 11, 1, 12, tzinfo=TEHRAN)
    with index.writer() as writer:
        for rowid in range(1, 9):  # each shard gets some: odd and even rowids
            article = Article(
                title=f"گزارش شماره {rowid}",
                body="خبر " * rowid,  # more mentions, higher relevance
                agency="ایرنا" if rowid % 3 else "ایسنا",
                published=start + dt.timedelta(days=rowid),
            )
            writer.add(document_fields(rowid, article))
        writer.commit()
    assert SHARDS > 1 and all(searcher.num_docs > 0 for searcher in index.searchers())
    assert index.document_count() == 8 and index.frequency("خبر") == 8

    newest = index.search("خبر", sort="newest", limit=3, offset=2)
    assert newest.total == 8 and [rowid for rowid, _ in newest.ranked] == [6, 5, 4]
    relevant = [rowid for rowid, _ in index.search("خبر", sort="relevance", limit=8).ranked]
    assert relevant == [8, 7, 6, 5, 4, 3, 2, 1]
    assert index.search("خبر", limit=8, now=start).total == 8

    facets = index.search("خبر", limit=1).facets
    assert facets["agency"] == {"ایرنا": 6, "ایسنا": 2}
    assert len(facets["day"]) == 8 and list(facets["day"]) == sorted(facets["day"], reverse=True)


def test_an_undated_article_comes_last_among_the_newest_and_is_not_boosted(tmp_path: Path) -> None:
    """An article with no publish time has no `ts`: sorted by time it follows every dated one,
    and the recency prior leaves its score as it is; a dated one's grows by its age, until it is
    older than RECENT."""
    index = SearchIndex(tmp_path / "index")
    now = dt.datetime(2026, 11, 1, 12, tzinfo=TEHRAN)
    weeks_ago = {1: 0, 2: 1, 3: 2, 4: None, 5: 5, 6: 7}
    with index.writer() as writer:
        for rowid, weeks in weeks_ago.items():
            published = None if weeks is None else now - dt.timedelta(weeks=weeks)
            writer.add(document_fields(rowid, Article(title="گزارش", body="خبر", published=published)))
        writer.commit()
    assert dt.timedelta(weeks=5) < RECENT < dt.timedelta(weeks=7)  # (the two ages either side)
    assert [rowid for rowid, _ in index.search("خبر", sort="newest").ranked] == [1, 2, 3, 5, 6, 4]
    relevance = dict(index.search("خبر", sort="relevance").ranked)
    best = dict(index.search("خبر", now=now).ranked)
    assert best.keys() == relevance.keys() == set(weeks_ago)
    # × (1 + 0.5 · 2^(−age / 7 days)): today × 1.5, a week ago × 1.25, two weeks × 1.125, five
    # weeks × 1.015625; seven weeks (older than RECENT) and undated: as they are
    ratios = [round(best[rowid] / relevance[rowid], 6) for rowid in weeks_ago]
    assert ratios == [1.5, 1.25, 1.125, 1.0, 1.015625, 1.0]


def test_date_filters_of_whole_days_and_of_times_of_day_take_the_same_articles_at_their_edges(tmp_path: Path) -> None:
    """Whole days in Tehran are filtered by the day's number, other times by the second: both
    take the articles from the lower bound up to, not including, the upper."""
    index = SearchIndex(tmp_path / "index")
    day = dt.datetime(2026, 11, 1, tzinfo=TEHRAN)
    second, hours = dt.timedelta(seconds=1), dt.timedelta(hours=12)
    published = {1: day - second, 2: day, 3: day + hours, 4: day + 2 * hours - second, 5: day + 2 * hours, 6: None}
    with index.writer() as writer:
        for rowid, when in published.items():
            writer.add(document_fields(rowid, Article(title="گزارش", body="خبر", published=when)))
        writer.commit()

    def found(**bounds: dt.datetime) -> set[int]:
        return {rowid for rowid, _ in index.search("خبر", limit=10, **bounds).ranked}

    assert found(date_from=day, date_to=day + 2 * hours) == {2, 3, 4}
    assert found(date_from=day.astimezone(dt.UTC), date_to=(day + 2 * hours).astimezone(dt.UTC)) == {2, 3, 4}
    assert found(date_from=day) == {2, 3, 4, 5}
    assert found(date_to=day) == {1}
    assert found(date_from=day + hours, date_to=day + 2 * hours) == {3, 4}
    assert found(date_from=day - second, date_to=day + hours) == {1, 2}
