"""Article → tantivy document, fed with khabar's own terms.

tantivy's tokenizers split Persian at the ZWNJ and know none of its spellings, so each text field
is given as khabar's canonical terms (`khabar.text.analysis`) joined by spaces, and tantivy's
whitespace tokenizer only splits them again, in Rust: positions follow the terms, a punctuation
gap is a filler term that the analyzer drops and whose position stays empty (`TERMS`: phrases do
not run across it, and it is neither indexed nor counted in the text's length), and the glued
alternatives the analysis adds ("لباستر" beside "لباس تر") go to the `alt` field, where term
queries look too. The fields are plain strings, so worker processes can make them
(`document_fields`) for the one process that writes the index; offsets are not kept (snippets
come from the stored text). Only originals are indexed: another source's copy of an article
(the grouping stage's) is found through its original and shown beside it, from the store.

Every word of a query must match in `text` (title, lead, body and the publish date's words, in
one field: one posting list a word to intersect, not five); `title` is indexed again on its own
only to add to the score of the articles that match. (The lead had such a field too: without
it the known-item set scores as well or better, MRR@10 0.997 against 0.995, and a query at 1M
articles takes 1.25 ms at the median instead of 1.77.)

`pair` holds two words that stand side by side (not across a punctuation gap) as one term, when
both are common words (`COMMON`): a two-word phrase of them is one posting list to read, not two
long ones whose positions must be compared ("این تیم", in 352,000 of a million articles: 113 ms as
a phrase, 7 ms as a pair), and the bonus for query words side by side is a few such lists
(Lucene's common-grams filter). A phrase with a word off the list has a short posting list to
start from, and is checked by positions (`khabar.index.query`). The pairs of every two words had
cost two thirds of tantivy's indexing (240 µs an article of 20,000 bench articles, 119 without
the pairs of uncommon words, which were 14% of the pairs but most of the distinct ones) and half
the index's size at 20,000 articles (38 MB against 20; at a million, 1,041 against 956, where
the bench's paragraphs recur and so do their pairs).

`split` holds the two parts of each word written as two pieces joined by a ZWNJ ("دانش‌آموز"), as
one term: the analysis reads the word as one, and this keeps the writer's word that it has parts,
for the query planner to split a joined query word only where writers do (`khabar.index.query`).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from importlib import resources

import jdatetime
import tantivy

from khabar.models import Article
from khabar.text.analysis import GAP, positioned_terms, written_compounds
from khabar.text.chars import fold
from khabar.text.dates import TEHRAN

MATCH_FIELD = "text"
# BM25 scores of the title, multiplied by this, are added to the score in `text`.
BOOSTS = {"title": 3.0}
ALT_BOOST = 1.0  # a glued alternative ("لباستر" for "لباس تر"), wherever the words stood
PAIR = "\x1e"  # joins two words side by side into one `pair` term (no term holds it)
SPLIT = "\x1f"  # joins the two parts of a word written with a ZWNJ into one `split` term
# The words of `pair` terms: those in at least 0.2% of the shared corpus's real articles, in
# term form (tools/common_words.py makes the list; at a million articles, a word off it is in
# some 2,000 or fewer, a short list to check a phrase by positions from).
COMMON = frozenset((resources.files("khabar.index") / "common.txt").read_text(encoding="utf-8").split())
# Bumped whenever the schema, the analysis or the common words change what an index holds: search
# refuses an index of another version and says to run `khabar reindex`, which rebuilds it from
# the store.
INDEX_VERSION = 15
WEEK = 7 * 86_400  # seconds: the `week` field's buckets of publish time

_JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)


# The analyzer of the fields whose positions matter: the terms, split at spaces, without the GAP
# fillers. A filtered token keeps its position empty, as Lucene's stop filter does. (Indexed, the
# filler was 8% of an article's terms, a posting list with positions in nearly every document,
# and it lengthened every text by its punctuation in BM25's eyes.)
TERMS = "khabar-terms"


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("doc", indexed=True, fast=True)  # the store's rowid (i64: a delete by term matches it)
    for name in (MATCH_FIELD, *BOOSTS):
        sb.add_text_field(name, tokenizer_name=TERMS, index_option="position")
    sb.add_text_field("alt", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("pair", tokenizer_name="whitespace", index_option="freq")
    sb.add_text_field("split", tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field("agency", tokenizer_name="raw", fast=True)
    sb.add_integer_field("ts", indexed=True, fast=True)  # publish time, Unix seconds
    # publish time ÷ WEEK, a few terms for the recent articles: ranges of it read their postings,
    # not every article's time (as a range of `ts`, a fast field, does)
    sb.add_integer_field("week", indexed=True)
    # the Tehran day of publication as a number (`day_number`), for date filters of whole days: a
    # range of it reads the postings of the days in it; a range of `ts` read every article's time
    # (a 2-word query of one agency and half a year, a million articles: p50 4.9 ms, and 2.5)
    sb.add_integer_field("day_no", indexed=True)
    sb.add_text_field("day", tokenizer_name="raw", fast=True)  # Jalali publish day, "1400-04-22"
    return sb.build()


def register_analyzers(index: tantivy.Index) -> None:
    """Give an index the analyzers its schema names (tantivy keeps them in the Index object, not on
    disk: every process that opens the index registers them)."""
    terms = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).filter(tantivy.Filter.custom_stopword([GAP]))
    index.register_tokenizer(TERMS, terms.build())


def document_fields(rowid: int, article: Article) -> dict[str, str | int]:
    """An article's index fields as plain values: the analysis, which is most of the work of
    indexing, done where it can run in a worker process."""
    return analysed_document(rowid, article)[0]


def analysed_document(rowid: int, article: Article) -> tuple[dict[str, str | int], list[list[str]]]:
    """`document_fields`, and the terms by position (GAP at a punctuation gap) of the title, the
    lead and the body, for whatever else reads the article's words (grouping)."""
    fields: dict[str, str | int] = {"doc": rowid}
    parts = [article.title, article.lead or "", article.body]
    if article.published:
        parts.append(date_words(article))
        fields["ts"] = int(article.published.timestamp())
        fields["week"] = fields["ts"] // WEEK
        fields["day_no"] = day_number(article.published)
        fields["day"] = jalali_day(article.published)
    if article.agency:
        fields["agency"] = agency_key(article.agency)
    alternatives: list[str] = []
    words = []
    compounds: list[tuple[str, str]] = []
    for part in parts:
        found, glued = positioned_terms(part)
        words.append(found)
        alternatives += glued
        compounds += written_compounds(part)
    fields[MATCH_FIELD] = f" {GAP} ".join(" ".join(w) for w in words if w)  # a gap: no phrase runs from part to part
    if words[0]:
        fields["title"] = " ".join(words[0])
    if alternatives:
        fields["alt"] = " ".join(alternatives)
    pairs = _common_pairs(words)
    if pairs:
        fields["pair"] = pairs
    if compounds:
        fields["split"] = " ".join(f"{first}{SPLIT}{second}" for first, second in compounds)
    return fields, words[:3]


def _common_pairs(parts: list[list[str]]) -> str:
    """The `pair` terms of the parts' words: each two side by side that are both common (a GAP is
    not: no pair runs across it), joined by spaces. All in C loops: which words are common, as a
    byte each; the pairs', as those bytes of one big number ANDed with themselves shifted a
    word; the pairs' two words picked by them and joined at once, not one small string a pair
    (a generator of f-strings had taken 80 µs an article; a join a pair, 57; this, 41)."""
    left: list[str] = []
    right: list[str] = []
    for words in parts:
        common = int.from_bytes(bytes(map(COMMON.__contains__, words)), "little")
        both = (common & (common >> 8)).to_bytes(len(words), "little")  # (its last byte is 0)
        left += itertools.compress(words, both)
        right += itertools.compress(words[1:], both)
    joined = [None, PAIR, None, " "] * len(left)
    joined[0::4], joined[2::4] = left, right
    return "".join(joined[:-1])


def article_document(fields: dict[str, str | int]) -> tantivy.Document:
    """The tantivy document of `document_fields`."""
    doc = tantivy.Document()
    for name, value in fields.items():
        if isinstance(value, int):
            doc.add_integer(name, value)
        else:
            doc.add_text(name, value)
    return doc


def date_words(article: Article) -> str:
    """The publish date as readers type it ("22 تیر 1400", "1400/04/22"), so a search for a
    date or a year finds what was published then."""
    assert article.published is not None
    return _date_words(article.published.astimezone(TEHRAN).date())


@functools.lru_cache(maxsize=4096)
def _date_words(day: dt.date) -> str:
    """(Of a day: many articles share one, and jdatetime took 40 µs an article for the two.)"""
    when = jdatetime.date.fromgregorian(date=day)
    return f"{when.day} {_JALALI_MONTHS[when.month - 1]} {when.year} {when.year}/{when.month:02}/{when.day:02}"


def jalali_day(when: dt.datetime) -> str:
    """The Jalali day of a time, in Tehran: "1400-04-22"."""
    return _jalali_day(when.astimezone(TEHRAN).date())


@functools.lru_cache(maxsize=4096)
def _jalali_day(day: dt.date) -> str:
    return jdatetime.date.fromgregorian(date=day).strftime("%Y-%m-%d")


def day_number(when: dt.datetime) -> int:
    """The day of a time in Tehran, as a number (days since 1 January of year 1)."""
    return when.astimezone(TEHRAN).date().toordinal()


def day_number_of_midnight(when: dt.datetime) -> int | None:
    """`day_number` of a time that is the start of a day in Tehran; else None."""
    local = when.astimezone(TEHRAN)
    return local.date().toordinal() if local.time() == dt.time(0) else None


def agency_key(agency: str) -> str:
    """The form of an agency name that filters and facets compare: folded, spaces tidied."""
    return " ".join(fold(agency).replace("\u200c", " ").split())
