"""A display form of Persian text: the zero-width non-joiner restored where the rules are sure.

Many pages strip the ZWNJ ("میشویم", "شدهاند") or write a space for it ("می شویم",
"تروریست های"). Titles and snippets read better with it restored, but a wrong ZWNJ is worse than
none ("میلیارد" is not "می‌لیارد"), so only what the analysis rules are sure of is changed:

- the verbal prefix می/نمی before a verb the lexicon knows, joined or spaced;
- a past participle joined to the short forms of "to be" (شدهاند → شده‌اند);
- a spaced suffix that always attaches (ها, های, ترین, اند…), unless it is a known false merge;
- given word frequencies (the index's document frequencies, say), a joined suffix after a stem
  that is a word of its own at least as common as the whole (تروریستهای → تروریست‌های, while
  "انتهای" stays whole: "انت" is far rarer than "انتهای").

Nothing else in the text changes: letters, digits and spacing stay as the page wrote them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from khabar.text import lexicon
from khabar.text.analysis import is_participle, is_verb_after_prefix, spaced_tokens, word_parts
from khabar.text.chars import ZWNJ, fold

_PERFECT_TAILS = ("اند", "ایم", "اید", "ام", "ای")
_JOINING_ENDS = frozenset("بپتثجچحخسشصضطظعغفقکگلمنهیئ")
_SUFFIXES_LONGEST_FIRST = tuple(sorted(lexicon.SURE_SUFFIXES, key=len, reverse=True))


def display(text: str, frequency: Callable[[str], int] | None = None) -> str:
    """`text` with ZWNJ restored where the canonical rules are sure (see the module docstring)."""
    out: list[str] = []
    append = out.append
    length = 0  # of the text consumed so far
    previous: tuple[str, ...] = ()
    before_previous: tuple[str, ...] = ()
    for between, token in spaced_tokens(text):
        words = word_parts(token)
        length += len(between) + len(token)
        if previous and len(words) == 1 and between.isspace() and _joins_spaced(before_previous, previous, words[0]):
            between = ZWNJ
        append(between)
        append(_join_inside(token, words, frequency) if len(words) == 1 else token)
        before_previous, previous = previous, words
    append(text[length:])
    return "".join(out)


def _joins_spaced(before: tuple[str, ...], previous: tuple[str, ...], word: str) -> bool:
    last = previous[-1]
    if last in lexicon.VERB_PREFIXES and len(previous) == 1:
        month_or_wine = bool(before) and before[-1] in lexicon.MI_NOT_PREFIX_AFTER
        return not month_or_wine and is_verb_after_prefix(word)
    return word in lexicon.SURE_SUFFIXES and len(last) >= 2 and (last, word) not in lexicon.FALSE_MERGES


def _join_inside(raw: str, words: tuple[str, ...], frequency: Callable[[str], int] | None) -> str:
    """Insert ZWNJ inside one joined word where a prefix or an ending is certain."""
    if ZWNJ in raw or "\u200b" in raw:
        return raw  # the writer already chose where the word joins
    word = words[0]
    cuts = _sure_cuts(word)
    if not cuts and frequency is not None:
        cut = _suffix_cut(word, frequency)
        if cut:
            cuts = (cut,)
    return _insert_at_folded(raw, list(cuts)) if cuts else raw


@functools.lru_cache(maxsize=65536)
def _sure_cuts(word: str) -> tuple[int, ...]:
    """Cuts after a verbal prefix and before a perfect tail. Cached: snippets show the same
    common words over and over."""
    cuts: list[int] = []
    stem_start = 0
    for prefix in lexicon.VERB_PREFIXES:
        if word.startswith(prefix) and is_verb_after_prefix(word[len(prefix) :]):
            cuts.append(len(prefix))
            stem_start = len(prefix)
            break
    rest = word[stem_start:]
    for tail in _PERFECT_TAILS:
        if rest.endswith(tail) and is_participle(rest[: -len(tail)]):
            cuts.append(len(word) - len(tail))
            break
    return tuple(cuts)


def _suffix_cut(word: str, frequency: Callable[[str], int]) -> int | None:
    """Where a joined suffix starts, when its stem is a word at least as common as the whole."""
    if not word.endswith(_SUFFIXES_LONGEST_FIRST):
        return None
    for suffix in _SUFFIXES_LONGEST_FIRST:
        stem = word[: -len(suffix)]
        if (
            word.endswith(suffix)
            and len(stem) >= 3
            and stem[-1] in _JOINING_ENDS
            and (stem, suffix) not in lexicon.FALSE_MERGES
            and frequency(stem.replace("آ", "ا")) >= max(2, frequency(word.replace("آ", "ا")))
        ):
            return len(stem)
    return None


def _insert_at_folded(raw: str, cuts: list[int]) -> str:
    """Insert ZWNJ into `raw` after the characters whose folded form has the lengths in `cuts`."""
    out: list[str] = []
    folded_length = 0
    pending = sorted(cuts)
    for ch in raw:
        out.append(ch)
        folded_length += len(fold(ch))
        if pending and folded_length == pending[0] and fold(ch):
            out.append(ZWNJ)
            pending.pop(0)
    return "".join(out)
