"""Persian text: canonical characters and terms, display forms, snippets, Jalali dates.

Pure functions, no I/O: the same analysis serves the index and the query.
"""

from khabar.text.analysis import Term, analyze, is_stop, primary_terms, terms
from khabar.text.chars import fold, fold_term
from khabar.text.dates import TEHRAN, DateMatch, find_dates, parse_user_date, tehran_time
from khabar.text.display import display
from khabar.text.highlight import Snippet, snippet

__all__ = [
    "TEHRAN",
    "DateMatch",
    "Snippet",
    "Term",
    "analyze",
    "display",
    "find_dates",
    "fold",
    "fold_term",
    "is_stop",
    "parse_user_date",
    "primary_terms",
    "snippet",
    "tehran_time",
    "terms",
]
