"""Grouping features: the shortcuts taken for speed give what the plain library calls give."""

from __future__ import annotations

import heapq
import json
from collections import Counter
from operator import itemgetter

import numpy as np
from datasketch import MinHash

from khabar.group.features import GRAM, NUM_PERM, TOP_TERMS, features, gram_hashes, minhash
from khabar.models import Article
from khabar.text.analysis import primary_terms
from khabar.text.lexicon import STOP_WORDS
from tests.conftest import DEMO


def demo_articles() -> list[Article]:
    return [
        Article.from_json(json.loads(line))
        for line in (DEMO / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]


def test_minhash_is_datasketchs_update_batch() -> None:
    texts = [f"{a.lead or ''}\n{a.body}" for a in demo_articles()] + ["", "کوتاه"]
    for text in texts:
        grams = gram_hashes("".join(primary_terms(text)))
        sketch = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)
        sketch.update_batch(grams.tolist())
        assert np.array_equal(minhash(grams), sketch.hashvalues)


def test_gram_hashes_are_the_polynomial_hash_of_each_run_sampled() -> None:
    """Each GRAM-character run's codes as the digits of a number in base 1,000,003, modulo 2^64,
    mixed and cut to 32 bits; a quarter of them kept (those ending in two zero bits), distinct,
    ascending: worked out one run at a time here, all at once there."""

    def one_at_a_time(stream: str) -> list[int]:
        kept = set()
        for start in range(len(stream) - GRAM + 1):
            value = 0
            for char in stream[start : start + GRAM]:
                value = (value * 1_000_003 + ord(char)) % 2**64
            value = (value ^ (value >> 31)) & 0xFFFFFFFF
            if value & 3 == 0:
                kept.add(value)
        return sorted(kept)

    texts = ["".join(primary_terms(f"{a.lead or ''}\n{a.body}")) for a in demo_articles()[:5]]
    texts += ["", "ک" * (GRAM - 1), "ک" * GRAM, "دانشاموزان۱۴۰۰abc", "😀" + "ی" * 30]
    for text in texts:
        assert gram_hashes(text).tolist() == one_at_a_time(text)


def test_content_terms_are_the_commonest_content_words() -> None:
    for article in demo_articles():
        title, text = primary_terms(article.title), primary_terms(f"{article.lead or ''}\n{article.body}")
        counts = Counter(text)
        counts.update(title * 3)
        content = {t: n for t, n in counts.items() if len(t) > 2 and t not in STOP_WORDS and not t.isdigit()}
        expected = dict(heapq.nlargest(TOP_TERMS, content.items(), key=itemgetter(1)))
        found = features(article).terms
        assert found == expected and list(found) == list(expected)  # ties in the same order too
