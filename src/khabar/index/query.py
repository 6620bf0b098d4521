"""Query text → tantivy query, with every spelling of every word as an alternative.

The query is analysed by the same `khabar.text.analysis.analyze` as the documents, so ی/ي, the
digits, the ZWNJ and the spaced affixes already agree. What the analysis cannot know without a
word list is whether two spaced words are one compound ("بین المللی" = "بینالمللی") or one joined
word is two ("بینالمللی" = "بین المللی"). The index's own vocabulary is that word list: a glued
pair is offered as an alternative when the index holds it as a word, and a joined word is
offered split where the index shows writers parting it (`_splits`). The known false merges stay apart:
nothing is glued after a separate preposition ("به روز" ≠ "بهروز") and no suffix is split off
("تنها" ≠ "تن ها").

Query words are never passed to tantivy's query parser: each becomes a term or phrase query.
What a reader may type besides words ("phrases", -exclusions, OR) is `khabar.index.syntax`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import tantivy

from khabar.errors import QueryError
from khabar.index import syntax
from khabar.index.documents import ALT_BOOST, BOOSTS, COMMON, MATCH_FIELD, PAIR, SPLIT
from khabar.text import lexicon
from khabar.text.analysis import Term, analyze, is_stop, joinable

_NOT_A_SECOND_HALF = frozenset(lexicon.BOUND_ENDINGS)
MAX_SPLITS = 2  # a three-part compound ("درحالیکه") is written split in two places
SPLIT_SHARE = 0.05  # articles writing two common words spaced, per article writing them joined


@dataclass(frozen=True)
class Unit:
    """One word of the query in all its spellings: each alternative is one term or a phrase."""

    alternatives: tuple[tuple[str, ...], ...]
    stop: bool = False  # a stop word among other words: the plan leaves it out

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
        third = _word_at(by_position, positions, i + 2) if follows else None
        if second is not None and third is not None and glued is None and joinable(word, second + third):
            whole = word + second + third  # a compound written in three pieces: اعتمادبه نفس مان
            if (joinable(second, third) or third in lexicon.WORDLIKE_SUFFIXES) and doc_freq(whole):
                units.append(Unit(((whole,), (word, second, third))))
                i += 3
                continue
        if second is not None and glued is None and joinable(word, second) and doc_freq(word + second):
            glued = word + second
        if second is not None and glued is not None:
            # a compound of three pieces may be split elsewhere too: درحالی که = در حالیکه
            others = [split for split in _splits(glued, doc_freq) if split != (word, second)]
            units.append(Unit(((glued,), (word, second), *others)))
            i += 2
            continue
        alternatives = [(word,), *_splits(word, doc_freq)]
        units.append(Unit(tuple(alternatives), stop=is_stop(word)))
        i += 1
    if units and all(u.stop for u in units):
        units = [Unit(u.alternatives) for u in units]
    return units


def _word_at(by_position: dict[int, list[Term]], positions: list[int], i: int) -> str | None:
    """The word at the i-th position when it directly follows the one before."""
    if i >= len(positions) or positions[i] != positions[i - 1] + 1:
        return None
    return next(t.text for t in by_position[positions[i]] if t.span == 1)


def _splits(word: str, doc_freq: Callable[[str], int]) -> list[tuple[str, str]]:
    """The splits of a joined word into two words that writers are seen to write apart, best
    supported first (at most MAX_SPLITS): "بینالمللی" → ("بین", "المللی").

    A split is offered where the index shows a writer parting the word there: with a ZWNJ (its
    `split` term, "دانش‌آموز"), or, for two common words, with a space in at least SPLIT_SHARE
    as many articles as write the word joined (their `pair` term counts them: "کی روش" beside
    "کیروش"). A ZWNJ is the spelling of a compound's parts, and a space is what writers put for
    it without one.

    Any two indexed halves had been offered. At a million bench articles, a 4-word query had 1.5
    splits on average, most of them of words that happen to begin and end in something indexed
    ("نیمه" → "نی مه", "دولت" → "دو لت"); of 20 with an uncommon half checked by phrase search,
    one was in any article. Reading them took a fifth of the query's time: on one index of a
    million, 4-word queries took 2.41 ms at the median that way and 1.95 this way (3 words 2.34
    and 1.92), and the first pages differed for 0-4 of 400 queries of each kind."""
    if len(word) < 4 or not word.isalpha():
        return []
    found = []
    joined: int | None = None
    for cut in range(2, len(word) - 1):
        first, second = word[:cut], word[cut:]
        if not joinable(first, second) or second in _NOT_A_SECOND_HALF:
            continue
        support = doc_freq(f"{first}{SPLIT}{second}")
        if not support and first in COMMON and second in COMMON:
            spaced = doc_freq(f"{first}{PAIR}{second}")
            joined = doc_freq(word) if joined is None else joined
            support = spaced if spaced and spaced >= SPLIT_SHARE * joined else 0
        if support:
            found.append((support, (first, second)))
    found.sort(key=lambda f: -f[0])
    return [split for _, split in found[:MAX_SPLITS]]


@dataclass(frozen=True)
class Plan:
    """A query, planned: what must match, what must not, and a proximity bonus. A stop word
    beside other words is left out, as a stock analyzer's stop filter leaves it: it is in most
    articles, so it tells nothing of which match is best (its BM25 weight is near zero), and
    reading its posting list, most of the index long, took most of a broad query's time ("گزارش
    است", 862,000 matches of a million: 29 ms with "است" scored, 15 without). A query of stop
    words only is searched for them."""

    required: tuple[Unit, ...]
    excluded: tuple[Unit, ...]
    near: tuple[str, ...]  # the required words in query order, scored higher side by side

    @property
    def terms(self) -> set[str]:
        """The terms a snippet should mark: what the query looks for, not what it excludes."""
        return set().union(*(u.terms for u in self.required)) if self.required else set()

    def __bool__(self) -> bool:
        return bool(self.required)


MAX_PHRASE_VARIANTS = 8  # spellings of a quoted phrase tried side by side, at most


def plan_query(text: str, doc_freq: Callable[[str], int]) -> Plan:
    """Plan what a reader typed (see `khabar.index.syntax`)."""
    required: list[Unit] = []
    excluded: list[Unit] = []
    near: list[str] = []
    for item in syntax.parse(text):
        if isinstance(item, syntax.Excluded):
            excluded.extend(_units_of(item.item, doc_freq, as_phrase=isinstance(item.item, syntax.Phrase)))
        elif isinstance(item, syntax.Either):
            sides = [u for side in item.items for u in _units_of(side, doc_freq, as_phrase=True)]
            if sides:
                required.append(Unit(tuple(alt for u in sides for alt in u.alternatives)))
        elif isinstance(item, syntax.Phrase):
            required.extend(_units_of(item, doc_freq, as_phrase=True))
        else:
            for unit in plan(item.text, doc_freq):
                if not unit.stop:
                    required.append(unit)
                    if len(unit.alternatives[0]) == 1:
                        near.append(unit.alternatives[0][0])
    return Plan(tuple(required), tuple(excluded), tuple(near))


def _units_of(item: syntax.Words | syntax.Phrase, doc_freq: Callable[[str], int], *, as_phrase: bool) -> list[Unit]:
    """The units of an item; a phrase becomes one unit whose alternatives are its spellings,
    each a sequence of terms side by side."""
    units = [Unit(u.alternatives) for u in plan(item.text, doc_freq)]
    if not as_phrase or len(units) < 2:
        return units
    variants: list[tuple[str, ...]] = [()]
    for unit in units:
        variants = [v + alt for v in variants for alt in unit.alternatives][:MAX_PHRASE_VARIANTS]
    return [Unit(tuple(variants))]


def to_tantivy(plan: Plan, schema: tantivy.Schema, *, relaxed: bool = False) -> tantivy.Query:
    """Required units must match in some field (all of them; with `relaxed`, all but one);
    the proximity of the required words adds to the score."""
    if not plan:
        raise QueryError("the query has no words to search for")
    clauses = [(tantivy.Occur.Should, q) for unit in plan.required for q in _boosts(unit, schema)]
    if len(plan.required) == 1 and not plan.excluded and len(plan.near) < 2:
        # One word: its spellings and their title boosts as one disjunction (the title's words
        # are in `text`: the same matches, the same scores), which tantivy scores faster than a
        # required clause beside optional ones ("این", in 69,000 of a shard's 73,000 documents at
        # 200,000 bench articles: the shard's best 200 in 0.75 ms against 1.09)
        return tantivy.Query.boolean_query([*_unit_clauses(plan.required[0], schema), *clauses])
    required = [_unit_query(unit, schema) for unit in plan.required]
    if relaxed and len(required) > 1:
        clauses.append(
            (
                tantivy.Occur.Must,
                tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, q) for q in required], minimum_number_should_match=len(required) - 1
                ),
            )
        )
    else:
        clauses += [(tantivy.Occur.Must, q) for q in required]
    clauses += [(tantivy.Occur.MustNot, _unit_query(unit, schema)) for unit in plan.excluded]
    for first, second in itertools.pairwise(plan.near):
        near = _side_by_side(schema, first, second)
        clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(near, NEAR_BOOST)))
    if not required:
        raise QueryError("the query only excludes: say what to look for")
    return tantivy.Query.boolean_query(clauses)


NEAR_BOOST = 2.0  # for two query words side by side in an article, in the order of the query


def _unit_query(unit: Unit, schema: tantivy.Schema) -> tantivy.Query:
    """A unit matches when any of its spellings matches in `text`, a single term also among the
    glued alternatives of `alt`."""
    shoulds = _unit_clauses(unit, schema)
    return shoulds[0][1] if len(shoulds) == 1 else tantivy.Query.boolean_query(shoulds)


def _unit_clauses(unit: Unit, schema: tantivy.Schema) -> list[tuple[tantivy.Occur, tantivy.Query]]:
    """The unit's spellings, as optional clauses (see `_unit_query`)."""
    shoulds = [(tantivy.Occur.Should, _spelling(schema, MATCH_FIELD, alternative)) for alternative in unit.alternatives]
    for alternative in unit.alternatives:
        if len(alternative) == 1:
            q = tantivy.Query.term_query(schema, "alt", alternative[0], index_option="freq")
            shoulds.append((tantivy.Occur.Should, tantivy.Query.boost_query(q, ALT_BOOST)))
    return shoulds


def _boosts(unit: Unit, schema: tantivy.Schema) -> list[tantivy.Query]:
    """The unit in the title: optional, it only raises the score of a match."""
    return [
        tantivy.Query.boost_query(
            tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, _spelling(schema, field, alternative)) for alternative in unit.alternatives]
            ),
            boost,
        )
        for field, boost in BOOSTS.items()
    ]


def _spelling(schema: tantivy.Schema, field: str, alternative: tuple[str, ...]) -> tantivy.Query:
    """One spelling in `field`; in `text`, a phrase's pairs of common words are read from the
    `pair` field: two words are one pair term, and a longer phrase is checked word by word only
    where all its pairs are."""
    if len(alternative) == 1:
        return tantivy.Query.term_query(schema, field, alternative[0])
    if field != MATCH_FIELD:
        return tantivy.Query.phrase_query(schema, field, list(alternative))
    if len(alternative) == 2:
        return _side_by_side(schema, *alternative)
    pairs = [_pair(schema, a, b) for a, b in itertools.pairwise(alternative) if a in COMMON and b in COMMON]
    phrase = tantivy.Query.phrase_query(schema, field, list(alternative))
    if not pairs:
        return phrase
    where = tantivy.Query.const_score_query(tantivy.Query.boolean_query([(tantivy.Occur.Must, p) for p in pairs]), 0.0)
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, where), (tantivy.Occur.Must, phrase)])


def _side_by_side(schema: tantivy.Schema, first: str, second: str) -> tantivy.Query:
    """Two words side by side in `text`: their `pair` term when both are common words, else a
    phrase, checked by positions from the uncommon word's short posting list."""
    if first in COMMON and second in COMMON:
        return _pair(schema, first, second)
    return tantivy.Query.phrase_query(schema, MATCH_FIELD, [first, second])


def _pair(schema: tantivy.Schema, first: str, second: str) -> tantivy.Query:
    return tantivy.Query.term_query(schema, "pair", f"{first}{PAIR}{second}", index_option="freq")
