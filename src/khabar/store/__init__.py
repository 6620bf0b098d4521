"""The article store: SQLite in the data directory, plain functions that take a connection."""

from khabar.store.db import (
    add_article,
    articles_by_rowid,
    connect,
    copies_of,
    copy_links,
    count_articles,
    get_article,
    latest_articles,
    mark_all_unindexed,
    mark_indexed,
    mark_unindexed,
    set_groups,
    story_articles,
    ungrouped,
    unindexed,
)

__all__ = [
    "add_article",
    "articles_by_rowid",
    "connect",
    "copies_of",
    "copy_links",
    "count_articles",
    "get_article",
    "latest_articles",
    "mark_all_unindexed",
    "mark_indexed",
    "mark_unindexed",
    "set_groups",
    "story_articles",
    "ungrouped",
    "unindexed",
]
