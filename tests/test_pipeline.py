"""The ingest pipeline's promises about the index: when it commits, and that what the store holds
reaches the index even when a commit never came."""

from __future__ import annotations

from pathlib import Path

from khabar import store
from khabar.models import Article
from khabar.pipeline import Ingester
from khabar.service import Khabar


def articles(n: int) -> list[Article]:
    return [Article(title=f"خبر شماره {i} از دیدار", body=f"متن خبر {i} درباره دیدار {i} در تهران.") for i in range(n)]


def test_the_index_commits_every_commit_every_articles_and_at_the_end(tmp_path: Path) -> None:
    kh = Khabar(tmp_path / "data")
    with kh.index.writer() as writer:
        ingester = Ingester(kh.conn, writer, commit_every=5)
        for article in articles(3):
            ingester.add("test", article)
        ingester.flush()
        ingester.flush()  # stored and given to the index, three of five
        assert kh.index.document_count() == 0
        assert len(next(store.unindexed(kh.conn))) == 3
        for article in articles(6)[3:]:
            ingester.add("test", article)
        ingester.flush()
        ingester.flush()  # six: committed
        assert kh.index.document_count() == 6
        assert next(store.unindexed(kh.conn), []) == []
        ingester.add("test", Article(title="خبر آخر", body="متن خبر آخر."))
        ingester.close()
    assert kh.index.document_count() == 7 and kh.search("آخر").total == 1
    assert next(store.unindexed(kh.conn), []) == []


def test_what_an_uncommitted_index_lost_is_indexed_by_the_next_writer(tmp_path: Path) -> None:
    kh = Khabar(tmp_path / "data")
    with kh.index.writer() as writer:
        ingester = Ingester(kh.conn, writer, commit_every=100)
        for article in articles(4):
            ingester.add("test", article)
        ingester.flush()
        ingester.flush()  # never closed: as if the process had died here
    assert kh.index.document_count() == 0
    kh.ingest([])
    assert kh.index.document_count() == 4 and kh.search("دیدار").total == 4
