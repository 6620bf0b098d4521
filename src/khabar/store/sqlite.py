"""The SQLite the store runs on: pysqlite3's build of a current SQLite (the standard library's
`sqlite3` interface), not the system's.

Why: the store is read all over as the grouping stage looks up stories, and signatures of
older originals, for every article; memory-mapped reads are what keep that fast; the system's
SQLite caps the map at 2 GB, and a store of a million articles is 7 GB. Beyond the map each
read was a system call into the page cache: 10,000 articles into a store of a million took
25.0 s with the system's SQLite and 18.8 s with this one, the whole file mapped.
"""

from pysqlite3 import dbapi2 as sqlite3

Connection = sqlite3.Connection
DatabaseError = sqlite3.DatabaseError
connect = sqlite3.connect


def columns(conn: Connection, table: str) -> list[str]:
    """The column names of `table` (what a schema upgrade asks of an older store)."""
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def has_table(conn: Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


__all__ = ["Connection", "DatabaseError", "columns", "connect", "has_table"]
