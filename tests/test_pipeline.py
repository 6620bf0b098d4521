"""The ingest pipeline's promises: the store and the index commit every `commit_every` articles
(the index's commit landing while the next batches are stored and grouped) and at the end, and a
process that dies between two commits leaves a store and an index that agree, which ingesting the
same input again completes."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from khabar import store
from khabar.group.grouper import Grouper
from khabar.models import Article
from khabar.pipeline import GC_YOUNG, PARALLEL_MIN, WORKER_NICE, Ingester, fewer_collections, worker_pool
from khabar.service import Khabar


def articles(n: int) -> list[Article]:
    return [Article(title=f"خبر شماره {i} از دیدار", body=f"متن خبر {i} درباره دیدار {i} در تهران.") for i in range(n)]


def test_the_store_and_the_index_commit_every_commit_every_articles_and_at_the_end(tmp_path: Path) -> None:
    kh = Khabar(tmp_path / "data")
    reader = Khabar(tmp_path / "data")  # another connection: sees only what is committed
    with kh.index.writer() as writer:
        ingester = Ingester(kh.conn, writer, commit_every=5)
        for article in articles(3):
            ingester.add("test", article)
        ingester.flush()
        ingester.flush()  # stored and given to the index, three of five
        assert kh.index.document_count() == 0 and reader.count() == 0
        assert len(next(store.unindexed(kh.conn))) == 3  # (in the writer's own transaction)
        for article in articles(6)[3:]:
            ingester.add("test", article)
        ingester.flush()
        ingester.flush()  # six: the store commits, and the index's commit is under way
        assert reader.count() == 6
        ingester.add("test", Article(title="خبر آخر", body="متن خبر آخر."))
        ingester.flush()
        ingester.flush()
        ingester.close()
    assert kh.index.document_count() == 7 and reader.count() == 7 and kh.search("آخر").total == 1
    assert next(store.unindexed(reader.conn), []) == []


class HeldCommits:
    """The index's writer, whose commits wait until the test lets them go (a commit of a large
    batch takes seconds)."""

    def __init__(self, writer) -> None:
        self.writer = writer
        self.release = threading.Event()

    def add(self, fields, *, new: bool = False) -> None:
        self.writer.add(fields, new=new)

    def remove(self, rowid: int) -> None:
        self.writer.remove(rowid)

    def commit(self) -> None:
        self.release.wait(timeout=30)
        self.writer.commit()


def test_batches_are_stored_and_grouped_while_the_index_commits_and_go_into_its_next_commit(tmp_path: Path) -> None:
    kh = Khabar(tmp_path / "data")
    with kh.index.writer() as writer:
        held = HeldCommits(writer)
        grouper = Grouper(kh.conn, kh.index.frequency, kh.index.document_count)
        ingester = Ingester(kh.conn, held, grouper=grouper, commit_every=5)
        for article in articles(6):
            ingester.add("test", article)
        ingester.flush()
        ingester.flush()  # six: the index's commit is under way, and held
        start = time.perf_counter()
        ingester.add("test", Article(title="خبر آخر", body="متن خبر آخر."))
        ingester.flush()
        ingester.flush()
        assert time.perf_counter() - start < 10  # (it did not wait for the commit)
        assert kh.count() == 7 and kh.index.document_count() == 0  # stored, grouped, not yet indexed
        assert store.ungrouped(kh.conn, [7]) == set()
        held.release.set()
        ingester.close()
    assert kh.index.document_count() == 7 and kh.search("آخر").total == 1
    assert next(store.unindexed(kh.conn), []) == []


def test_the_store_commits_on_its_own_between_two_commits_of_the_index(tmp_path: Path) -> None:
    kh = Khabar(tmp_path / "data")
    reader = Khabar(tmp_path / "data")
    with kh.index.writer() as writer:
        ingester = Ingester(kh.conn, writer, commit_every=6, store_commit_every=3)
        for article in articles(4):
            ingester.add("test", article)
        ingester.flush()
        ingester.flush()
        assert reader.count() == 4 and kh.index.document_count() == 0
        assert len(next(store.unindexed(reader.conn))) == 4  # committed as not yet indexed
        for article in articles(6)[4:]:
            ingester.add("test", article)
        ingester.flush()
        ingester.flush()
        ingester.close()
    assert kh.index.document_count() == 6 and next(store.unindexed(reader.conn), []) == []


def test_a_process_killed_between_commits_loses_only_what_it_had_not_committed(tmp_path: Path) -> None:
    data, source = tmp_path / "data", tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"title": a.title, "body": a.body}, ensure_ascii=False) + "\n" for a in articles(5)),
        encoding="utf-8",
    )
    killed = f"""
import os
from pathlib import Path
from khabar.inputs import read_inputs
from khabar.pipeline import WORKER_NICE, Ingester, worker_pool
from khabar.service import Khabar
kh = Khabar(Path({str(data)!r}))
with kh.index.writer() as writer:
    ingester = Ingester(kh.conn, writer, commit_every=3)
    items = list(read_inputs([Path({str(source)!r})]))
    for source, item in items[:3]:
        ingester.add(source, item)
    ingester.flush()
    ingester.flush()  # three: the store commits, the index begins to
    for source, item in items[3:]:
        ingester.add(source, item)
    ingester.flush()
    ingester.flush()  # two more, stored, not committed
    os._exit(0)
"""
    subprocess.run([sys.executable, "-c", killed], check=True)
    kh = Khabar(data)
    # the index's commit of the three landed, or was cut short: then the store lists them as unindexed
    assert kh.count() == 3 and kh.index.document_count() + len(next(store.unindexed(kh.conn), [])) == 3
    report = kh.ingest([source])
    assert (report.added, report.duplicates) == (2, 3)
    assert kh.count() == kh.index.document_count() == 5 and kh.search("دیدار").total == 5


def test_the_workers_read_ahead_batches_while_the_writing_process_stores_an_earlier_one(tmp_path: Path) -> None:
    kh = Khabar(tmp_path / "data")
    batches = [articles(300)[i : i + PARALLEL_MIN] for i in range(0, 4 * PARALLEL_MIN, PARALLEL_MIN)]
    with kh.index.writer() as writer:
        ingester = Ingester(kh.conn, writer, workers=2, ahead=2)
        for done, batch in enumerate(batches):
            for article in batch:
                ingester.add("test", article)
            ingester.flush()
            # the last two batches are with the workers; those before them are stored
            assert store.count_articles(kh.conn) == max(0, done - 1) * PARALLEL_MIN
        ingester.flush()  # nothing new: the oldest batch in hand is stored
        assert store.count_articles(kh.conn) == 3 * PARALLEL_MIN
        ingester.close()
    assert kh.count() == kh.index.document_count() == 4 * PARALLEL_MIN


def test_the_workers_give_way_to_the_writing_process() -> None:
    pool = worker_pool(1)
    try:
        assert pool.submit(os.nice, 0).result() == min(os.nice(0) + WORKER_NICE, 19)
        assert pool.submit(gc.get_threshold).result()[0] == GC_YOUNG
    finally:
        pool.shutdown()


def test_an_ingest_collects_garbage_less_often_and_leaves_the_collector_as_it_found_it() -> None:
    before = gc.get_threshold()
    try:
        with fewer_collections():
            assert gc.get_threshold() == (GC_YOUNG, *before[1:])
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert gc.get_threshold() == before
