"""Query text → tantivy query, with every spelling of every word as an alternative.

The query is analysed by the same `khabar.text.analysis.analyze` as the documents, so ی/ي, the
digits, the ZWNJ and the spaced affixes already agree. What the analysis cannot know without a
word list is whether two spaced words are one compound ("بین المللی" = "بینالمللی") or one joined
word is two ("بینالمللی" = "بین المللی"). The index's own vocabulary is that word list: a glued
pair is offered as an alternative when the index holds it as a word, and a joined word is
offered split when the index holds both halves (`plan`). The known false merges stay apart:
nothing is glued after a separate preposition ("به روز" ≠ "بهروز") and no suffix is split off
("تنها" ≠ "تن ها").

Query words are never passed to tantivy's query parser: each becomes a term or phrase query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import tantivy

from khabar.errors import QueryError
from khabar.index.documents import FIELD_BOOSTS
from khabar.text import lexicon
from khabar.text.analysis import Term, analyze, is_stop

_NOT_A_HALF = frozenset(lexicon.SUFFIXES) | frozenset(lexicon.VERB_PREFIXES) | lexicon.SEPARATE_PREFIXES
_NOT_A_SECOND_HALF = _NOT_A_HALF | frozenset(lexicon.BOUND_ENDINGS)
MAX_SPLITS = 2  # a three-part compound ("درحالیکه") is written split in two places


@dataclass(frozen=True)
class Unit:
    """One word of the query in all its spellings: each alternative is one term or a phrase."""

    alternatives: tuple[tuple[str, ...], ...]
    optional: bool = False

    @property
    def terms(self) -> set[str]:
        return {t for alt in self.alternatives for t in alt}


def plan(text: str, doc_freq: Callable[[str], int]) -> list[Unit]:
    """The units a query asks for; `doc_freq(term)` tells how many documents hold a term."""
    by_position: dict[int, list[Term]] = {}
    for term in analyze(text):
        by_position.setdefault(term.position, []).append(term)
    positions = sorted(by_position)
    units: list[Unit] = []
    i = 0
    while i < len(positions):
        here = by_position[positions[i]]
        word = next(t.text for t in here if t.span == 1)
        glued = next((t.text for t in here if t.span == 2), None)
        follows = i + 1 < len(positions) and positions[i + 1] == positions[i] + 1
        second = next(t.text for t in by_position[positions[i + 1]] if t.span == 1) if follows else None
        if second is not None and glued is None and _joinable(word, second) and doc_freq(word + second):
            glued = word + second
        if second is not None and glued is not None:
            # a compound of three pieces may be split elsewhere too: درحالی که = در حالیکه
            others = [split for split in _splits(glued, doc_freq) if split != (word, second)]
            units.append(Unit(((glued,), (word, second), *others)))
            i += 2
            continue
        alternatives = [(word,), *_splits(word, doc_freq)]
        units.append(Unit(tuple(alternatives), optional=is_stop(word)))
        i += 1
    if units and all(u.optional for u in units):
        units = [Unit(u.alternatives) for u in units]
    return units


def _joinable(first: str, second: str) -> bool:
    return (
        first.isalpha()
        and second.isalpha()
        and len(first) >= 2
        and len(second) >= 2
        and first not in _NOT_A_HALF
        and second not in _NOT_A_HALF
    )


def _splits(word: str, doc_freq: Callable[[str], int]) -> list[tuple[str, str]]:
    """The splits of a joined word into two indexed words, best supported first (at most
    MAX_SPLITS): "بینالمللی" → ("بین", "المللی") when the index holds both halves."""
    if len(word) < 4 or not word.isalpha():
        return []
    found = []
    for cut in range(2, len(word) - 1):
        first, second = word[:cut], word[cut:]
        if not _joinable(first, second) or second in _NOT_A_SECOND_HALF:
            continue
        support = min(doc_freq(first), doc_freq(second))
        if support:
            found.append((support, (first, second)))
    found.sort(key=lambda f: -f[0])
    return [split for _, split in found[:MAX_SPLITS]]


def to_tantivy(units: list[Unit], schema: tantivy.Schema) -> tantivy.Query:
    """All required units must match in some field; optional ones only add to the score."""
    if not units:
        raise QueryError("the query has no words to search for")
    clauses = []
    for unit in units:
        shoulds = []
        for field, boost in FIELD_BOOSTS.items():
            for alternative in unit.alternatives:
                if len(alternative) == 1:
                    q = tantivy.Query.term_query(schema, field, alternative[0])
                else:
                    q = tantivy.Query.phrase_query(schema, field, list(alternative))
                shoulds.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, boost)))
        occur = tantivy.Occur.Should if unit.optional else tantivy.Occur.Must
        clauses.append((occur, tantivy.Query.boolean_query(shoulds)))
    return tantivy.Query.boolean_query(clauses)
