"""What a reader may type in the search box: words, "quoted phrases" (also «گیومه»), -exclusions
(-word, -"a phrase"), and OR (or |) between two items. Nothing else is syntax: a query is never
handed to a query parser, so "title:x", "AND", "(((" and "*" are only words or nothing.

Malformed input reads as what the reader most likely meant: an unbalanced quote is dropped, an
OR with nothing on one side is a word, a dash inside a word ("کووید-19") is part of the word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Words:
    """Plain text: each word in it must match (function words may)."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Words that must match side by side."""

    text: str


@dataclass(frozen=True)
class Excluded:
    """Words or a phrase the results must not hold."""

    item: Words | Phrase


@dataclass(frozen=True)
class Either:
    """Items of which at least one must match: a OR b OR c."""

    items: tuple[Words | Phrase, ...]


Item = Words | Phrase | Excluded | Either

_TOKEN = re.compile(
    r"""(?P<not>(?<!\S)-)?(?:"(?P<phrase>[^"]*)"|«(?P<guillemets>[^»]*)»)   # "a phrase", «a phrase»
      | (?<!\S)(?P<or>OR|\|)(?!\S)                                            # OR, |
      | (?<!\S)-(?P<excluded>[^\s"«»]+)                                       # -word
      | (?P<word>[^\s"«»]+)                                                   # anything else
    """,
    re.VERBOSE,
)


def parse(text: str) -> list[Item]:
    """The items of a query, in order. Plain words next to each other stay one `Words` item, so
    the analysis sees them together ("بین المللی" can be one compound)."""
    flat: list[Words | Phrase | Excluded | str] = []
    for m in _TOKEN.finditer(text.replace("“", '"').replace("”", '"')):
        phrase = m.group("phrase") if m.group("phrase") is not None else m.group("guillemets")
        if phrase is not None:
            item: Words | Phrase = Phrase(phrase) if phrase.strip() else Words("")
            flat.append(Excluded(item) if m.group("not") else item)
        elif m.group("or"):
            flat.append("OR")
        elif m.group("excluded"):
            flat.append(Excluded(Words(m.group("excluded"))))
        else:
            _add_word(flat, m.group("word"))
    return _group_either(flat)


def _add_word(flat: list, word: str) -> None:
    if flat and isinstance(flat[-1], Words):
        flat[-1] = Words(f"{flat[-1].text} {word}")
    else:
        flat.append(Words(word))


def _group_either(flat: list) -> list[Item]:
    """Join the items on both sides of each OR. The OR binds the nearest word: in "ایران OR
    عراق نفت", "ایران" or "عراق", and "نفت" besides."""
    items: list[Item] = []
    i = 0
    while i < len(flat):
        item = flat[i]
        if item == "OR":
            left = items.pop() if items and isinstance(items[-1], Words | Phrase | Either) else None
            right = flat[i + 1] if i + 1 < len(flat) and isinstance(flat[i + 1], Words | Phrase) else None
            if left is None or right is None:  # nothing to join: the OR is just a word
                if left is not None:
                    items.append(left)
                items.append(Words("OR"))
                i += 1
                continue
            left_last, left_rest = _split_last(left)
            right_first, right_rest = _split_first(right)
            if left_rest:
                items.append(left_rest)
            sides = (*left_last.items,) if isinstance(left_last, Either) else (left_last,)
            items.append(Either((*sides, right_first)))
            if right_rest:
                items.append(right_rest)
            i += 2
            continue
        items.append(item)
        i += 1
    return [item for item in items if not (isinstance(item, Words) and not item.text.strip())]


def _split_last(item: Words | Phrase | Either) -> tuple[Words | Phrase | Either, Words | None]:
    if isinstance(item, Words) and len(item.text.split()) > 1:
        *rest, last = item.text.split()
        return Words(last), Words(" ".join(rest))
    return item, None


def _split_first(item: Words | Phrase) -> tuple[Words | Phrase, Words | None]:
    if isinstance(item, Words) and len(item.text.split()) > 1:
        first, *rest = item.text.split()
        return Words(first), Words(" ".join(rest))
    return item, None
