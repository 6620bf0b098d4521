"""Online grouping, one article at a time as it is stored: copies, stories, subjects.

1. Copies: the article's MinHash signature is cut into BANDS bands; an article sharing a band
   bucket is a candidate, and one whose estimated gram Jaccard is at least DUPLICATE_AT, or
   which holds at least CONTAINED_AT of the shorter text (a trimmed republication), is the same
   article. The group's original is its earliest-published member (the first stored
   when times are unknown); the others point to it with `duplicate_of`. A copy joins its
   original's story.
2. Stories: the article's content terms, weighted by rarity (the index's document frequencies),
   are compared (cosine) with the centroids of stories that share its terms or entities and whose
   reports lie within STORY_WINDOW of it; it joins the closest at STORY_AT or above, else it
   starts a story of its own.
3. Subjects: a story joins the subject thread of any story, at any distance in time, that shares
   a person's name with it and at least SUBJECT_SHARED entities in all (the seeds: Marotto,
   spokesman of the coalition, in Iraq, eight months apart: two stories, one subject).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from khabar import store
from khabar.group.features import Features, band_keys, similarities
from khabar.models import Article
from khabar.store import groups
from khabar.store.bands import BandIndex
from khabar.store.sqlite import Connection

DUPLICATE_AT = 0.6  # estimated Jaccard of the sampled character grams
CONTAINED_AT = 0.8  # or this share of the shorter text's grams inside the longer one's
MIN_JACCARD_CONTAINED = 0.2  # (a containment estimate from a lower Jaccard is noise)
MIN_SHINGLES = 40  # sampled grams (about 160 characters): a shorter text is never called a copy
STORY_AT = 0.4  # cosine of the article and a story's centroid
STORY_WINDOW = 3 * 86400  # seconds
STORY_CANDIDATES = 12
LOOKUP_TERMS = 6  # an article's rarest-weighted terms that look up candidate stories
LOOKUP_ENTITIES = 4
CENTROID_TERMS = 60
SUBJECT_SHARED = 2
NAMED_KINDS = ("person", "name")
# Term rarities are worked out again once the articles counted have grown by this factor: they
# change little in between, and each costs a term dictionary search in every index segment (at a
# million articles, worked out again every batch they were 6% of the writing process's time).
IDF_DRIFT = 1.2
BUCKET_LATEST = 16  # a bucket's latest originals, the ones an article is compared with (`start_batch`)
STORY_MEMORY = 100_000  # decoded stories kept between batches
LOOKUP_MEMORY = 200_000  # terms and entities whose latest stories are kept between batches


@dataclass(frozen=True)
class Assignment:
    duplicate_of: str | None
    story_id: str
    entities: tuple[str, ...]
    demoted: tuple[int, ...] = ()  # rowids that were originals and are now copies of this article


class Grouper:
    """Assigns each new article its group, story and subject (see the module docstring).
    A term's rarity comes from the number of indexed articles holding it (`frequency`) and their
    count, the batches the index has not committed counted beside them (those of a commit in
    flight apart: `committing`, `committed`); it is worked out once and again only when the count
    has grown by IDF_DRIFT.

    Articles come in batches (`start_batch`, `assign` each, `end_batch`). The band index is asked
    once per batch for every bucket its articles fall in, and the batch's own signatures go in at
    its end (`saved` keeps the index beside the store, once the store has committed them); the
    latest stories of a term are remembered between batches and kept up to date as stories gain
    terms. The one writing process does this for every article, so each lookup
    it saves is ingest speed.
    """

    def __init__(self, conn: Connection, frequency: Callable[[str], int], total: Callable[[], int]) -> None:
        self.conn = conn
        self._frequency = frequency
        self._total = total
        self._count = 0
        self._indexed = 0  # the index's article count, as last read
        self._uncommitted: Counter[str] = Counter()  # terms of the batches the index has not committed
        self._uncommitted_articles = 0
        self._in_commit: Counter[str] = Counter()  # those of the batches in the index's commit in flight
        self._in_commit_articles = 0
        self._idf: dict[str, float] = {}  # term weights, as they are asked for (see IDF_DRIFT)
        self._idf_at = 0  # the count of articles they were worked out at
        self._stories: dict[str, groups.StoryRow] = {}  # decoded once, kept while this grouper lives
        self._norms: dict[str, float] = {}  # story id → the length of its centroid (`_norm`)
        self._dirty: set[str] = set()  # stories changed in this batch
        self._subjects: dict[str, str] = {}  # merged subject → the subject it joined
        self._latest: dict[tuple[str, str], list[str]] = {}  # (kind, value) → `groups.latest_stories`
        self._bands = BandIndex(conn, band_keys)
        self._buckets: dict[int, list[int]] = {}  # this batch's band keys → rowids (stored and new)
        self._signatures: dict[int, tuple[bytes, int]] = {}  # rowid → (signature, size) of those
        self._new_signatures: list[tuple[int, bytes, int, bool]] = []  # written at the batch's end
        self._new_originals: list[tuple[int, bytes, int, tuple[int, ...]]] = []  # into the band index then
        self._new_lookups: list[tuple[str, str, int, str]] = []  # `groups.index_stories`, at the batch's end
        self._unwritten: dict[tuple[str, str], list[str]] = {}  # those of keys not in `_latest`, newest first

    def start_batch(self, batch: list[Features], *, read_index: bool = True) -> None:
        """Read the index's counts once for this batch, and count the batch's own terms beside
        them, and those of the batches not committed yet (the first batch into an empty index has
        nothing else to tell rare from common); unless `read_index` is False (the index is
        committing: the counts read last, with those batches still counted beside them, are one
        consistent view, whenever the commit lands). Look up the buckets the batch's articles fall
        in, and the signatures in them. A bucket of many originals marks a passage they share (a
        standard closing paragraph, a template), not a copy: only its BUCKET_LATEST latest are
        compared (a copy shares several buckets with its original, most of them small). At a
        million bench articles, reading the signatures of every member had been the grouping's
        largest cost."""
        self._uncommitted.update(t for f in batch for t in f.terms)
        self._uncommitted_articles += len(batch)
        if read_index:
            self._indexed = self._total()
        self._count = self._indexed + self._in_commit_articles + self._uncommitted_articles
        if self._count > self._idf_at * IDF_DRIFT or len(self._idf) > LOOKUP_MEMORY:
            self._idf, self._idf_at = {}, self._count
        self._buckets = self._bands.buckets(
            (k for f in batch if f.size >= MIN_SHINGLES for k in f.bands), BUCKET_LATEST
        )
        self._signatures = self._bands.signatures(self.conn, {r for rowids in self._buckets.values() for r in rowids})

    def end_batch(self) -> None:
        """Write the batch's signatures, and the stories it changed (once each, not once per
        article); put its originals in the band index."""
        groups.add_signatures(self.conn, self._new_signatures)
        self._bands.add(self._new_originals)
        groups.index_stories(self.conn, self._new_lookups)
        self._new_signatures, self._new_originals, self._new_lookups, self._unwritten = [], [], [], {}
        self._buckets, self._signatures = {}, {}
        changed = [self._stories[story_id] for story_id in self._dirty]
        for story in changed:
            story.subject_id = self._subject(story.subject_id)
        groups.save_stories(self.conn, changed)
        self._dirty.clear()
        if len(self._stories) > STORY_MEMORY:
            self._stories.clear()
            self._norms.clear()
        if len(self._latest) > LOOKUP_MEMORY:
            self._latest.clear()

    def committing(self) -> None:
        """The index has begun to commit every batch so far (the batches after this go in the
        next commit)."""
        self._in_commit, self._uncommitted = self._uncommitted, Counter()
        self._in_commit_articles, self._uncommitted_articles = self._uncommitted_articles, 0

    def committed(self) -> None:
        """The index's commit has landed: its own counts now hold the terms of the batches in it."""
        self._in_commit.clear()
        self._in_commit_articles = 0

    def saved(self) -> None:
        """The store has committed every batch so far: the band index may be kept beside it."""
        self._bands.save(self.conn)

    def frequency(self, term: str) -> int:
        return self._frequency(term) + self._in_commit[term] + self._uncommitted[term]

    def assign(self, rowid: int, article: Article, f: Features) -> Assignment:
        names = tuple(e.name for e in f.entities)
        ts = int(article.published.timestamp()) if article.published else None
        if article.duplicate_of or article.story_id:  # the input was grouped upstream: keep its groups
            self._add_signature(rowid, f, bucketed=not article.duplicate_of)
            story_id = article.story_id or article.duplicate_of or article.id
            if not article.duplicate_of:
                self._join(rowid, self._load(story_id) or _empty(story_id), f, ts)
            return Assignment(article.duplicate_of, story_id, names)
        copy = self._copy_of(rowid, article.id, f, ts)
        if copy is not None:
            original, story_id, demoted = copy
            if original is None:  # this article is earlier: it becomes the original
                return Assignment(None, story_id, names, demoted)
            return Assignment(original, story_id, names)
        return Assignment(None, self._story(rowid, article.id, f, ts), names)

    # copies

    def _copy_of(
        self, rowid: int, new_id: str, f: Features, ts: int | None
    ) -> tuple[str | None, str, tuple[int, ...]] | None:
        """Whether the article copies an earlier one: (its original, or None when the article
        is earlier and takes over; the story; what was demoted). Only originals are put in the
        LSH buckets: a copy is found through its original, and heavy syndication (dozens of
        copies of one story) does not flood every lookup with candidates."""
        mates = sorted({r for k in f.bands for r in self._buckets.get(k, ())}) if f.size >= MIN_SHINGLES else []
        mates = [r for r in mates if r in self._signatures and self._signatures[r][1] >= MIN_SHINGLES]
        best, best_rowid = 0.0, None
        jaccards = similarities(f.signature, [self._signatures[r][0] for r in mates]) if mates else None
        # (below MIN_JACCARD_CONTAINED no mate scores 1, `_copy_score`: most articles share a
        # passage or two with their mates, and are done with one comparison)
        if jaccards is not None and jaccards.max() >= MIN_JACCARD_CONTAINED:
            for mate, jaccard in zip(mates, jaccards.tolist(), strict=True):
                score = _copy_score(jaccard, f.size, self._signatures[mate][1])
                if score > best:
                    best, best_rowid = score, mate
        if best_rowid is None or best < 1.0:
            self._add_signature(rowid, f, bucketed=True)
            return None
        mate_id, mate_original = self.conn.execute(
            "SELECT id, duplicate_of FROM articles WHERE rowid = ?", (best_rowid,)
        ).fetchone()
        original_id = mate_original or mate_id
        original_rowid, original_ts, story_id = self.conn.execute(
            "SELECT rowid, published_ts, story_id FROM articles WHERE id = ?", (original_id,)
        ).fetchone()
        story_id = story_id or original_id
        if ts is not None and original_ts is not None and ts < original_ts:
            # the group's copies now point here; of the index, only the old original changes
            self.conn.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", (new_id, original_id))
            self.conn.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", (new_id, original_id))
            # unindexed until the index has let it go: a crash before that commit is repaired
            store.mark_unindexed(self.conn, [original_rowid])
            self._add_signature(rowid, f, bucketed=True)
            return None, story_id, (original_rowid,)
        self._add_signature(rowid, f, bucketed=False)
        return original_id, story_id, ()

    def _add_signature(self, rowid: int, f: Features, *, bucketed: bool) -> None:
        """Keep an article's signature, and when `bucketed` (an original) put it in its buckets,
        where the rest of the batch finds it at once and later batches from the band index."""
        self._new_signatures.append((rowid, f.signature, f.size, bucketed))
        if bucketed:
            self._signatures[rowid] = (f.signature, f.size)
            self._new_originals.append((rowid, f.signature, f.size, f.bands))
            for key in f.bands:
                self._buckets.setdefault(key, []).append(rowid)

    # stories

    def _story(self, rowid: int, article_id: str, f: Features, ts: int | None) -> str:
        vector = self._weights(f.terms)
        if not vector:
            return self._new_story(rowid, article_id, vector, f, ts)
        top = sorted(vector, key=vector.__getitem__, reverse=True)
        keys = [e.key for e in f.entities[:8]]
        best, best_score = None, 0.0
        for story_id in self._sharing(top[:LOOKUP_TERMS], keys[:LOOKUP_ENTITIES]):
            story = self._load(story_id)
            if story is None or _outside(ts, story):
                continue
            score = _cosine(vector, story.centroid, self._norm(story))
            if score > best_score:
                best, best_score = story, score
        if best is None or best_score < STORY_AT:
            return self._new_story(rowid, article_id, vector, f, ts)
        return self._join(rowid, best, f, ts, vector)

    def _join(
        self, rowid: int, best: groups.StoryRow, f: Features, ts: int | None, vector: dict[str, float] | None = None
    ) -> str:
        """Add the article of `rowid` to a story: its centroid, time span, entities and subject."""
        vector = vector if vector is not None else self._weights(f.terms)
        keys = [e.key for e in f.entities[:8]]
        self._stories[best.id] = best
        before = frozenset(best.centroid) | frozenset(best.entities)
        n = best.size
        centroid = {t: w * n / (n + 1) for t, w in best.centroid.items()}
        for t, w in vector.items():
            centroid[t] = centroid.get(t, 0.0) + w / (n + 1)
        best.centroid = dict(sorted(centroid.items(), key=lambda kv: -kv[1])[:CENTROID_TERMS])
        self._norms.pop(best.id, None)
        best.size = n + 1
        if ts is not None:
            best.first_ts = min(ts, best.first_ts) if best.first_ts is not None else ts
            best.last_ts = max(ts, best.last_ts) if best.last_ts is not None else ts
        for e in f.entities:
            best.entities[e.key] = best.entities.get(e.key, 0) + 1
        self._changed(rowid, best, list(best.centroid)[:12], keys, before)
        self._link_subject(best, f)
        return best.id

    def _new_story(self, rowid: int, article_id: str, vector: dict[str, float], f: Features, ts: int | None) -> str:
        story = groups.StoryRow(article_id, article_id, ts, ts, 1, vector, {e.key: 1 for e in f.entities})
        self._stories[article_id] = story
        top = sorted(vector, key=vector.__getitem__, reverse=True)[:12]
        self._changed(rowid, story, top, [e.key for e in f.entities[:8]])
        self._link_subject(story, f)
        return article_id

    def _changed(
        self, rowid: int, story: groups.StoryRow, top: list[str], keys: list[str], before: frozenset[str] = frozenset()
    ) -> None:
        """Remember to write the story and its new lookup rows (the terms and entities it did not
        hold `before`, brought by the article of `rowid`) at the batch's end; the next article of
        this batch finds it at once."""
        self._dirty.add(story.id)
        for kind, values in (("term", top), ("entity", keys)):
            for value in values:
                if value in before:
                    continue
                self._new_lookups.append((kind, value, rowid, story.id))
                latest = self._latest.get((kind, value))
                if latest is None:  # read from the store when asked: these rows are not there yet
                    latest = self._unwritten.setdefault((kind, value), [])
                latest.insert(0, story.id)
                del latest[groups.RECENT_PER_TERM :]

    def _sharing(self, terms: list[str], entity_keys: list[str]) -> list[str]:
        """Ids of recent stories that hold any of these terms or entities, most shared first
        (at most STORY_CANDIDATES)."""
        found: list[str] = []
        for kind, values in (("term", terms), ("entity", entity_keys)):
            for value in values:
                latest = self._latest.get((kind, value))
                if latest is None:
                    stored = groups.latest_stories(self.conn, kind, value)
                    latest = (self._unwritten.pop((kind, value), []) + stored)[: groups.RECENT_PER_TERM]
                    self._latest[kind, value] = latest
                found += dict.fromkeys(latest)  # each story once per value
        # (Counter.most_common, as a sort of the counts: ties keep their order as there; half the time)
        ranked = sorted(Counter(found).items(), key=itemgetter(1), reverse=True)
        return [story_id for story_id, _ in ranked[:STORY_CANDIDATES]]

    def _norm(self, story: groups.StoryRow) -> float:
        """The length of a story's centroid, worked out once each time it changes (an article
        is compared with a dozen stories)."""
        norm = self._norms.get(story.id)
        if norm is None:
            norm = self._norms[story.id] = math.hypot(*story.centroid.values()) or 1.0
        return norm

    def _load(self, story_id: str) -> groups.StoryRow | None:
        story = self._stories.get(story_id)
        if story is None:
            story = groups.story(self.conn, story_id)
            if story is not None:
                self._stories[story_id] = story
        return story

    def _subject(self, subject_id: str) -> str:
        while subject_id in self._subjects:
            subject_id = self._subjects[subject_id]
        return subject_id

    def _weights(self, terms: dict[str, int]) -> dict[str, float]:
        """Terms weighted by count × rarity (inverse document frequency, see IDF_DRIFT), as a
        unit vector."""
        idf = self._idf
        for term in [t for t in terms if t not in idf]:  # (not a set difference: that walks all of idf)
            idf[term] = math.log(1 + max(self._count, 1) / (1 + self.frequency(term)))
        weights = {t: c * idf[t] for t, c in terms.items()}
        norm = math.hypot(*weights.values()) or 1.0
        return {t: w / norm for t, w in weights.items()}

    # subjects

    def _link_subject(self, story: groups.StoryRow, f: Features) -> None:
        named = [e.key for e in f.entities if e.kind in NAMED_KINDS and len(e.key.replace(" ", "")) >= 4]
        if not named:
            return
        mine = {e.key for e in f.entities}
        joined = {self._subject(story.subject_id)}
        for other_id in self._sharing([], named[:LOOKUP_ENTITIES]):
            other = self._load(other_id)
            if other is None or other.id == story.id or self._subject(other.subject_id) in joined:
                continue
            if len(mine & set(other.entities)) >= SUBJECT_SHARED:
                joined.add(self._subject(other.subject_id))
        if len(joined) > 1:
            keep = min(joined)
            for gone in joined - {keep}:
                self._subjects[gone] = keep
            groups.merge_subjects(self.conn, keep, joined)
            story.subject_id = keep


def _copy_score(jaccard: float, a: int, b: int) -> float:
    """≥ 1 when two texts are one article: their grams mostly shared (Jaccard), or the shorter one
    mostly inside the longer (a republisher trimmed the ending). The containment is estimated from
    the Jaccard and the two sizes: shared = J·(a+b)/(1+J)."""
    shared = jaccard * (a + b) / (1 + jaccard)
    contained = shared / min(a, b) if jaccard >= MIN_JACCARD_CONTAINED else 0.0
    return max(jaccard / DUPLICATE_AT, contained / CONTAINED_AT)


def _empty(story_id: str) -> groups.StoryRow:
    return groups.StoryRow(story_id, story_id, None, None, 0, {}, {})


def _outside(ts: int | None, story: groups.StoryRow) -> bool:
    """Whether a report at `ts` lies beyond the story's window (unknown times never do)."""
    if ts is None or story.first_ts is None or story.last_ts is None:
        return False
    return ts < story.first_ts - STORY_WINDOW or ts > story.last_ts + STORY_WINDOW


def _cosine(a: dict[str, float], b: dict[str, float], norm: float) -> float:
    """The cosine of a unit vector `a` and a story's centroid `b` of length `norm` (the shared
    terms summed exactly, so the order a set gives them in changes nothing)."""
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    return math.fsum(a[t] * b[t] for t in shared) / norm
