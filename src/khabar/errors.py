"""khabar's exceptions. Every one carries a message meant for the user: the CLI prints it as one
line, the web layer as a page, never a traceback.

    KhabarError
    ├── InputError        a file or record that cannot be read (missing, empty, binary, undecodable)
    ├── ExtractError      readable, but no article could be found in it
    ├── QueryError        a search query or filter that cannot be run as written
    └── StoreError        the data directory cannot be used (locked by another writer, corrupt)
"""

from __future__ import annotations


class KhabarError(Exception):
    """Base class: the message is a complete sentence for the user."""


class InputError(KhabarError):
    """An input file or record cannot be read."""


class ExtractError(KhabarError):
    """An input was read but holds no article."""


class QueryError(KhabarError):
    """A query or filter is malformed."""


class StoreError(KhabarError):
    """The store or the index cannot be opened or written."""
