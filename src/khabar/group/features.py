"""What grouping needs to know of one article, computed once (in a worker process, beside its
index fields): a MinHash signature of its word shingles, its content terms, its entities.

- The shingles are runs of GRAM characters of the lead and body's canonical terms written
  together without spaces (not the title, which republishers rewrite): the joined, ZWNJ and
  spaced spellings of a word ("بین‌المللی", "بین المللی", "بینالمللی"), Arabic or Persian letters
  and any digits give the same stream, so a copy "in other spellings" is still a copy, where
  word shingles would differ at every compound. A fixed quarter of the grams is kept (those whose
  hash ends in two zero bits: the same grams in every copy). The opening attribution line
  ("به گزارش ایسنا، …") changes between copies and is a few grams among hundreds.
- The signature's band keys (the LSH buckets that find copies) are made here too, so the one
  writing process does no hashing.
- The terms (title counted three times) feed the story clustering; the entities its subjects.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from datasketch import MinHash

from khabar.group.entities import Entity, entities
from khabar.models import Article
from khabar.text.analysis import GAP, primary_terms
from khabar.text.lexicon import STOP_WORDS

NUM_PERM = 96
BANDS = 32  # of ROWS values each: a pair at Jaccard 0.4 shares a bucket 88% of the time, at 0.1 3%
ROWS = NUM_PERM // BANDS
GRAM = 9  # characters
TOP_TERMS = 40
TITLE_WEIGHT = 3
_MIX = np.uint64(0x9E3779B97F4A7C15)  # (2^64 / the golden ratio: an odd number with mixed bits)
_BAND_SEEDS = np.arange(1, BANDS + 1, dtype=np.uint64) * _MIX  # each band's own start
_29, _32 = np.uint64(29), np.uint64(32)
_3, _31, _LOW32, _PRIME = np.uint64(3), np.uint64(31), np.uint64(0xFFFFFFFF), np.uint64(1_000_003)
_POWERS = {width: np.uint64(1_000_003**width % 2**64) for width in (1, 2, 4)}  # _PRIME^width, modulo 2^64
# datasketch's MinHash permutations for seed 1 (its affine32 scheme: values below 2^32), drawn
# once: datasketch draws them again for every new MinHash (a fifth of an article's features);
# as columns, one row per permutation (`minhash`).
_A_ROWS, _B_ROWS = (values[:, None] for values in MinHash(num_perm=NUM_PERM, seed=1).permutations)


@dataclass(frozen=True)
class Features:
    signature: bytes  # NUM_PERM unsigned 32-bit MinHash values (datasketch's are below 2^32)
    terms: dict[str, int]  # content term → weighted count, the TOP_TERMS commonest
    entities: tuple[Entity, ...]
    size: int  # shingles: a text too short to judge as a copy has few
    bands: tuple[int, ...]  # the signature's band keys (`band_keys`)


def features(article: Article, title: list[str] | None = None, text: list[str] | None = None) -> Features:
    """`title` and `text` (lead and body): the article's terms by position, when the caller has
    them already (ingest analyses each article once, for the index and for this); the GAP
    fillers of `positioned_terms` among them count for nothing."""
    title = primary_terms(article.title) if title is None else title
    text = primary_terms(f"{article.lead or ''}\n{article.body}") if text is None else text
    shingles = gram_hashes("".join(text).replace(GAP, ""))
    counts = Counter(text)  # (a GAP is no content term: `_content_terms` passes it over)
    counts.update(title * TITLE_WEIGHT)
    found = entities(f"{article.title}\n{article.lead or ''}\n{article.body}")
    values = minhash(shingles)
    return Features(
        signature=values.tobytes(),
        terms=_content_terms(counts),
        entities=tuple(found[:20]),
        size=len(shingles),
        bands=tuple(band_keys(values.reshape(1, -1))[0].tolist()),
    )


def gram_hashes(stream: str) -> np.ndarray:
    """The distinct 32-bit hashes of the sampled GRAM-character runs of `stream` (a polynomial
    rolling hash, computed for all positions at once), ascending.

    The hash of a run is its codes as the digits of a number in base _PRIME, modulo 2^64. It is
    built by doubling (the runs of 2 characters, of 4 from two of those, of 8, then GRAM = 9):
    four passes over the array, not eight (28 µs an article, against 35)."""
    codes = np.frombuffer(stream.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < GRAM:
        return codes[:0]
    runs = codes
    for width in (1, 2, 4):  # runs of 2·width characters from two of `width` (wraps modulo 2^64)
        doubled = runs[:-width] * _POWERS[width]
        doubled += runs[width:]
        runs = doubled
    hashes = runs[: len(codes) - GRAM + 1] * _PRIME
    hashes += codes[GRAM - 1 :]
    hashes ^= hashes >> _31
    hashes &= _LOW32
    return _distinct(np.sort(hashes[(hashes & _3) == 0]))


def _distinct(ascending: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array (np.unique, which hashes first, took 44 µs for an
    article's 700 grams; this 12)."""
    if len(ascending) < 2:
        return ascending
    return ascending[np.concatenate(([True], ascending[1:] != ascending[:-1]))]


def minhash(grams: np.ndarray) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32 values) of these 32-bit gram hashes: datasketch's
    for seed 1, as `MinHash.update_batch` makes it, worked out on the array at once (it hashes
    its input one Python value at a time: a quarter of an article's features, test_features
    holds the two equal). Its affine32 scheme: each value is mixed by MurmurHash3's 32-bit
    finalizer, then a·h + b (mod 2^32) for each permutation, and the least kept (one row of
    the grams per permutation: the least of each row is read in order, 37 µs an article where
    a column per permutation took 55)."""
    if not len(grams):
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)  # (datasketch's empty signature)
    h = grams.astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    values = _A_ROWS * h
    values += _B_ROWS
    return values.min(axis=1)


def _content_terms(counts: Counter[str]) -> dict[str, int]:
    """The TOP_TERMS commonest content terms (not stop words, digits or two letters), ties in
    first-seen order, as Counter.most_common of the filtered counts gives them; read off one
    sort of all the counts, where the filter looks only at the first few (it had looked at
    every distinct word: the commonest are stop words, but a few dozen)."""
    terms: dict[str, int] = {}
    for term, n in sorted(counts.items(), key=itemgetter(1), reverse=True):
        if len(term) > 2 and term not in STOP_WORDS and not term.isdigit():
            terms[term] = n
            if len(terms) == TOP_TERMS:
                break
    return terms


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """One 32-bit bucket key per band of each signature (rows of NUM_PERM values): the band's
    ROWS values and its number, mixed (a multiply and shift per value, for all at once). The
    band index remakes the keys of stored signatures with this when it opens: a change here
    makes its saved file another's (`store.bands`), made again from the store."""
    values = signatures.reshape(len(signatures), BANDS, ROWS).astype(np.uint64)
    keys = _BAND_SEEDS ^ values[:, :, 0]
    for row in range(ROWS):
        if row:
            keys ^= values[:, :, row]
        keys *= _MIX
        keys ^= keys >> _29
    return (keys >> _32).astype(np.uint32)


def similarities(signature: bytes, others: list[bytes]) -> np.ndarray:
    """The Jaccard similarity of an article's shingles with each of `others`', as their
    signatures estimate it (the share of equal MinHash values), all compared at once."""
    mine = np.frombuffer(signature, dtype=np.uint32)
    theirs = np.frombuffer(b"".join(others), dtype=np.uint32).reshape(len(others), NUM_PERM)
    return np.count_nonzero(theirs == mine, axis=1) / NUM_PERM
