"""khabar (خبر): a Persian news search engine.

    from khabar import Khabar
    kh = Khabar(Path("khabar-data"))
    kh.ingest([Path("pages/")])
    for hit in kh.search("می شود").hits: ...

The command line (`khabar`) and the web layer are thin shells over `Khabar`. khabar logs to the
"khabar" logger and leaves where the lines go to the application (the CLI sets that up).
"""

import logging

from khabar.errors import ExtractError, InputError, KhabarError, QueryError, StoreError
from khabar.models import Article, Copy, Hit, SearchResult
from khabar.pipeline import IngestReport
from khabar.service import Khabar, extract_file

__version__ = "0.1.0"

logging.getLogger("khabar").addHandler(logging.NullHandler())

__all__ = [
    "Article",
    "Copy",
    "ExtractError",
    "Hit",
    "IngestReport",
    "InputError",
    "Khabar",
    "KhabarError",
    "QueryError",
    "SearchResult",
    "StoreError",
    "extract_file",
]
