"""Persian text to index terms: one term for every spelling of one word.

Persian writers spell one word three ways: joined ("میشود"), with a zero-width non-joiner
("می‌شود") and with a space ("می شود"); pages that strip the ZWNJ turn the second into the first.
The rules here make the three one term, at index time and at query time alike (`analyze` is the
only analysis khabar has):

- A ZWNJ always joins: "می‌شود", "کتاب‌ها", "بین‌المللی" are one word each, written glued.
  Two exceptions keep words apart: a preposition written before a word with a ZWNJ ("به‌روز" is
  "به روز", not the name "بهروز") and the known false merges of `lexicon.FALSE_MERGES`
  ("تن‌ها", bodies, is not "تنها", alone).
- A spaced verbal prefix (می, نمی) is glued to the verb that follows when the lexicon knows the
  verb, and kept apart otherwise; after "ماه" it is the month (May), never a prefix.
- A spaced suffix (ها, های, ترین, اند…) is glued to the word before it. The suffixes that are
  also words (تر, ای, ام) are indexed both ways: the glued form at the position of the first
  word (covering two positions) and the two words apart, so "لباس تر" (wet clothes) still
  matches "لباس" and "تر", while "بزرگ تر" matches "بزرگتر".
- URLs, e-mail addresses, dates, times and numbers are protected: one token each, never split.

Spaced compounds ("بین المللی" beside "بینالمللی") cannot be told from two words without a
word list; khabar uses the index's own vocabulary as that list, at query time
(`khabar.index.query`), so no list has to be shipped or kept current.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from khabar.text import lexicon
from khabar.text.chars import ZWNJ, fold, fold_term


class Term(NamedTuple):
    """One index term at one position; `start`/`end` are offsets into the analysed text.

    A glued spelling indexed beside its two parts has ``span == 2``: it sits at the position of
    the first part and stands for both.
    """

    text: str
    position: int
    start: int
    end: int
    span: int = 1


# Marks and invisible characters that may sit inside a written word.
_IN_WORD = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200d\u00ad\u200e\u200f"
_WCH = rf"(?:[^\W_]|[{_IN_WORD}])"
_JOINERS = "\u200c\u200b"
_URL_CHAR = r"[^\s<>\"'«»()\[\]{}]"
_URL_END = r"[^\s<>\"'«»()\[\]{}.,;:!?،؛]"

_TOKEN_PARTS = {
    "url": rf"(?:https?://|www\.){_URL_CHAR}*{_URL_END}",
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "date": r"\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}(?![^\W_]|[/.-]\d)",
    "time": r"\d{1,2}:\d{2}(?::\d{2})?(?![^\W_]|:\d)",
    "number": r"\d+(?:[.,٫٬]\d+)*(?![^\W_])",
    "word": rf"{_WCH}+(?:[{_JOINERS}]+{_WCH}+)*",
}
# Named groups tell a token's kind; the unnamed twin only finds tokens, faster.
_TOKEN = re.compile("|".join(f"(?P<{kind}>{part})" for kind, part in _TOKEN_PARTS.items()))
# For the hot loop: each token with what separates it from the one before, in one findall.
_SEPARATOR = rf"([^\w{_IN_WORD}]*)"
_SPACED_TOKENS = re.compile(_SEPARATOR + "(" + "|".join(f"(?:{part})" for part in _TOKEN_PARTS.values()) + ")")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")


def _verb_bodies() -> frozenset[str]:
    """Every form that may follow the prefix می/نمی: stem plus personal ending."""
    bodies: set[str] = set()
    for past, present in lexicon.VERB_STEMS:
        bodies.update(past + e for e in lexicon.PAST_ENDINGS + lexicon.PERFECT_ENDINGS)
        bodies.update(present + e for e in lexicon.PRESENT_ENDINGS)
        if present[-1] in "اوآ":  # a glide ی after a vowel: می‌آید, می‌گوید
            bodies.update(present + "ی" + e for e in lexicon.PRESENT_ENDINGS)
    return frozenset(bodies)


VERB_BODIES = _verb_bodies()
_PARTICIPLES = frozenset(past + "ه" for past in lexicon.PAST_STEMS)
_SURE = frozenset(lexicon.SURE_SUFFIXES)
_WORDLIKE = frozenset(lexicon.WORDLIKE_SUFFIXES)
_PREFIXES = frozenset(lexicon.VERB_PREFIXES)
_AFFIXES = _SURE | _WORDLIKE
STOP_TERMS = frozenset(fold_term(w) for w in lexicon.STOP_WORDS)
_AFFIX_PIECES = frozenset(lexicon.SUFFIXES)


def is_verb_after_prefix(word: str) -> bool:
    """True when `word` (folded) is a verb form that takes می/نمی: شود, رفتند, گفته‌اند."""
    return word in VERB_BODIES


def is_participle(word: str) -> bool:
    """True when `word` (folded) is a past participle such as شده, رفته."""
    return word in _PARTICIPLES


def is_stop(term: str) -> bool:
    """True for Persian function words (in term form)."""
    return term in STOP_TERMS


_NOT_A_PART = frozenset(lexicon.SUFFIXES) | _PREFIXES | lexicon.SEPARATE_PREFIXES


def joinable(first: str, second: str) -> bool:
    """Whether two words (terms) may be the parts of one compound: letters, two or more each,
    neither an affix nor a separate preposition."""
    return (
        first.isalpha()
        and second.isalpha()
        and len(first) >= 2
        and len(second) >= 2
        and first not in _NOT_A_PART
        and second not in _NOT_A_PART
    )


def written_compounds(text: str) -> list[tuple[str, str]]:
    """The two parts (terms) of each word of `text` written as two pieces joined by a ZWNJ, when
    they may be a compound's (`joinable`): "دانش‌آموز" → ("دانش", "اموز"). The analysis reads such
    a word as one; these are the writers' word that it has two parts, and where.

    Only the chunks that hold a ZWNJ are read, each distinct one once (memoized): 29 µs an
    article of the shared corpus, which has 14 ZWNJs and 3 such compounds an article."""
    if ZWNJ not in text:
        return []
    found: list[tuple[str, str]] = []
    for chunk in text.split():
        if ZWNJ in chunk:
            parts = _COMPOUNDS.get(chunk)
            if parts is None:
                parts = _COMPOUNDS[chunk] = _compounds_in(chunk)
                if len(_COMPOUNDS) >= _TOKEN_UNITS_MAX:
                    _COMPOUNDS.clear()
            found += parts
    return found


def _compounds_in(chunk: str) -> tuple[tuple[str, str], ...]:
    found = []
    for m in _TOKEN.finditer(chunk):
        pieces = m.group().split(ZWNJ)
        if m.lastgroup == "word" and len(pieces) == 2 and len(segment(m.group())) == 1:
            first, second = (fold_term(piece) for piece in pieces)
            if joinable(first, second):
                found.append((first, second))
    return tuple(found)


@lru_cache(maxsize=1 << 18)
def segment(token: str) -> tuple[str, ...]:
    """The words (folded, آ kept, ZWNJ removed) that one written token holds.

    A ZWNJ joins, except after a separate preposition and inside a known false merge; an ezafe
    "ی" written after a ZWNJ on a word ending in ه ("خانه‌ی") is dropped, as "خانهٔ" drops its
    hamza, so both are the word "خانه". Some writers put a ZWNJ for every space
    ("یکی‌از‌مهم‌ترین‌اشخاص"): in a token of three pieces or more, a ZWNJ is read as a space
    except where an affix joins (a suffix to the word before it, می/نمی to the verb after).
    Memoized: news text repeats its word forms.
    """
    words: list[str] = []
    for chunk in fold(token).split():  # NFKC images of some ligatures hold spaces
        pieces = [p for p in chunk.split(ZWNJ) if p]
        run_on = len(pieces) >= 3
        current = ""
        for piece in pieces:
            if not current:
                current = piece
            elif piece == "ی" and current.endswith("ه"):
                continue
            elif (
                current in lexicon.SEPARATE_PREFIXES
                or (current, piece) in lexicon.FALSE_MERGES
                or (run_on and piece not in _AFFIX_PIECES and current not in _PREFIXES)
            ):
                words.append(current)
                current = piece
            else:
                current += piece
        if current:
            words.append(current)
    return tuple(words)


def spaced_tokens(text: str) -> Iterator[tuple[str, str]]:
    """The written tokens of `text` in order, each with what stands between it and the one before
    (space or punctuation); the pieces put back together are `text` but for what follows the
    last token. One `findall` for the whole text: this runs for every word a reader is shown.
    `analyze` has these lines inline: as a generator there they cost 5% of indexing speed."""
    cursor = 0
    for between, token in _SPACED_TOKENS.findall(text):
        start = cursor + len(between)
        if not text.startswith(token, start):  # a character neither a separator nor a token
            start = text.find(token, cursor)
            between = text[cursor:start]
        cursor = start + len(token)
        yield between, token


def word_parts(token: str) -> tuple[str, ...]:
    """The words of a written word token (as `segment`); () for a URL, date, number and the like."""
    found = _WORD_PARTS.get(token)
    if found is None:
        m = _TOKEN.fullmatch(token)
        found = segment(token) if m is None or m.lastgroup == "word" else ()
        if len(_WORD_PARTS) >= _TOKEN_UNITS_MAX:
            _WORD_PARTS.clear()
        _WORD_PARTS[token] = found
    return found


def _protected(kind: str, raw: str) -> str:
    """The term of a URL, e-mail address, date, time or number: folded, never split."""
    text = fold(raw)
    if kind == "number" and _THOUSANDS.fullmatch(text):
        return text.replace(",", "")
    if kind == "date":
        parts = re.split(r"[/.-]", text)
        if any(len(p) == 4 for p in parts):
            parts = [p if len(p) == 4 else p.zfill(2) for p in parts]
        return "/".join(parts)
    return text


# The units of each distinct written token: ((word or None, term), ...), the word being the
# folded word with آ kept (None for URLs, dates, numbers: they are never glued). Memoized in a
# plain dict, emptied when it grows large: news text repeats its tokens, and this is khabar's
# hottest loop. Emptying it changes no result.
_TOKEN_UNITS: dict[str, tuple[tuple[str | None, str], ...]] = {}
_WORD_PARTS: dict[str, tuple[str, ...]] = {}
_COMPOUNDS: dict[str, tuple[tuple[str, str], ...]] = {}
_TOKEN_UNITS_MAX = 1 << 18


def _token_units(token: str) -> tuple[tuple[str | None, str], ...]:
    m = _TOKEN.fullmatch(token)
    kind = m.lastgroup if m else "word"
    if kind == "word":
        units = tuple((word, word.replace("آ", "ا")) for word in segment(token))
    else:
        units = ((None, _protected(kind or "word", token)),)
    if len(_TOKEN_UNITS) >= _TOKEN_UNITS_MAX:
        _TOKEN_UNITS.clear()
    _TOKEN_UNITS[token] = units
    return units


_new = tuple.__new__


def analyze(text: str) -> list[Term]:
    """The index terms of `text`, in order; the same function serves documents and queries.

    Each word's term is emitted as soon as it is read; when the next word turns out to belong
    to it (see `_glue`), the last term is replaced by the glued one ("sure") or the glued one is
    added beside it ("both"). Gluing is rare, so the common path stays short: this loop runs
    for every word khabar ever sees.
    """
    terms: list[Term] = []
    append = terms.append
    cache = _TOKEN_UNITS
    affixes, prefixes, new, glue_of = _AFFIXES, _PREFIXES, _new, _glue
    position = -1
    cursor = 0
    last_word: str | None = None  # the last word, while something may still glue onto it
    word_before: str | None = None  # the word before it ("ماه" before "می")
    for between, token in _SPACED_TOKENS.findall(text):
        start = cursor + len(between)
        if not text.startswith(token, start):  # a character neither a separator nor a token
            start = text.find(token, cursor)
            between = text[cursor:start]
        end = start + len(token)
        joined = between == " " or not between or between.isspace()
        gap = not joined and cursor > 0
        cursor = end
        for word, term in cache.get(token) or _token_units(token):
            if joined and last_word is not None and (word in affixes or last_word in prefixes):
                glue = glue_of(word_before, last_word, word, True)
                if glue == "sure":
                    last = terms[-1]
                    terms[-1] = new(Term, (last[0] + term, last[1], last[2], end, 1))
                    word_before, last_word = word, None
                    continue
                if glue == "both":
                    last = terms[-1]
                    append(new(Term, (last[0] + term, last[1], last[2], end, 2)))
            position += 2 if gap else 1
            append(new(Term, (term, position, start, end, 1)))
            word_before, last_word = last_word, word
            joined, gap = True, False  # the next word of the same token is joined to this one
    return terms


def _glue(previous_word: str | None, word: str | None, following: str | None, joined: bool) -> str | None:
    """Whether `word` and the word after it (spaced, when `joined`) are one word: "sure",
    "both" (index the glued form beside the two words) or None."""
    if following is None or word is None or not joined:
        return None
    if word in _PREFIXES:
        if previous_word in lexicon.MI_NOT_PREFIX_AFTER:
            return None
        return "sure" if following in VERB_BODIES else "both"
    if following in _SURE:
        return "sure" if len(word) >= 2 and (word, following) not in lexicon.FALSE_MERGES else None
    if following in _WORDLIKE:
        return "both" if len(word) >= 2 and (word, following) not in lexicon.FALSE_MERGES else None
    return None


GAP = "\x1f"  # the filler `positioned_terms` puts at a punctuation gap: no query term is ever it
# Each distinct whitespace-separated chunk of text, read once: a chunk that is one token is its
# units (`_TOKEN_UNITS`); any other is ((separated, units) for each token, trailing), where
# `separated` says characters other than space stood before the token within the chunk and
# `trailing` that some follow its last one. Emptied when large, like `_TOKEN_UNITS`.
_ONE_TOKEN: dict[str, tuple[tuple[str | None, str], ...]] = {}
_CHUNKS: dict[str, tuple[tuple[tuple[bool, tuple[tuple[str | None, str], ...]], ...], bool]] = {}


def _chunk(chunk: str) -> None:
    """Read a chunk into `_ONE_TOKEN` or `_CHUNKS` (the tokens `analyze` finds in it, the same
    way: no token holds whitespace)."""
    items = []
    cursor = 0
    for between, token in _SPACED_TOKENS.findall(chunk):
        start = cursor + len(between)
        if not chunk.startswith(token, start):  # as in `analyze`
            start = chunk.find(token, cursor)
        items.append((start > cursor, _TOKEN_UNITS.get(token) or _token_units(token)))
        cursor = start + len(token)
    if len(_ONE_TOKEN) + len(_CHUNKS) >= _TOKEN_UNITS_MAX:
        _ONE_TOKEN.clear()
        _CHUNKS.clear()
    if len(items) == 1 and not items[0][0] and cursor == len(chunk) and items[0][1]:
        _ONE_TOKEN[chunk] = items[0][1]
    else:
        _CHUNKS[chunk] = (tuple(items), cursor < len(chunk))


def positioned_terms(text: str) -> tuple[list[str], list[str]]:
    """What `analyze` finds in `text`, as the index wants it: the terms by position (a GAP where
    `analyze` skips a position at a punctuation gap) and the glued alternatives ("both").

    The same rules as `analyze`, walked for speed (indexing runs this on every article): the
    text is cut at whitespace, which no token holds, and each distinct chunk is read once; a
    chunk of one plain token, most of them, costs a dictionary lookup. No offsets, no `Term`s.
    tests/text/test_analysis.py holds it equal to `analyze` on the corpus and random text.
    """
    words: list[str] = []
    glued: list[str] = []
    append = words.append
    one_token, chunks, affixes, prefixes = _ONE_TOKEN, _CHUNKS, _AFFIXES, _PREFIXES
    pending = False  # characters other than space since the last token
    seen = False  # a token that gave no term came before (else `words` tells)
    last_word: str | None = None
    word_before: str | None = None
    for chunk in text.split():
        units = one_token.get(chunk)
        if units is not None and not pending:  # the common case, inlined (unified: 20, not 24 MB/s)
            for word, term in units:
                if (
                    last_word is not None
                    and (word in affixes or last_word in prefixes)
                    and _glued_on(words, glued, word_before, last_word, word, term)
                ):
                    word_before, last_word = word, None
                    continue
                append(term)
                word_before, last_word = last_word, word
            continue
        if units is None and chunk not in chunks:
            _chunk(chunk)
        if chunk in chunks:
            items, trailing = chunks[chunk]
        else:
            items, trailing = ((False, one_token[chunk]),), False
        for separated, units in items:
            joined = not (pending or separated)
            gap = not joined and (seen or bool(words))
            pending, seen = False, True
            for word, term in units:
                if (
                    joined
                    and last_word is not None
                    and (word in affixes or last_word in prefixes)
                    and _glued_on(words, glued, word_before, last_word, word, term)
                ):
                    word_before, last_word = word, None
                    continue
                if gap:
                    append(GAP)
                append(term)
                word_before, last_word = last_word, word
                joined, gap = True, False
        pending = trailing  # (a chunk without tokens is all trailing)
    return words, glued


def _glued_on(
    words: list[str], glued: list[str], word_before: str | None, last_word: str, word: str | None, term: str
) -> bool:
    """For `positioned_terms`, where an affix meets a word (rare): glue `term` onto the last
    word and say so ("sure"), or add the glued form to `glued` beside the two ("both")."""
    glue = _glue(word_before, last_word, word, True)
    if glue == "sure":
        words[-1] += term
        return True
    if glue == "both":
        glued.append(words[-1] + term)
    return False


def terms(text: str) -> list[str]:
    """The term texts of `text` in order, glued alternatives included (for tests and tools)."""
    return [t.text for t in analyze(text)]


def primary_terms(text: str) -> list[str]:
    """One term per position: the spelling-independent reading of `text`."""
    return [t for t in positioned_terms(text)[0] if t != GAP]
