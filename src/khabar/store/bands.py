"""The copy finder's memory: band key → the originals in its bucket, and the signatures of the
latest originals, in memory; made from the store's `signatures` table, the record of truth.

Why in memory: at a million bench articles, looking band buckets and signatures up in the store
(a B-tree of 24M rows, a probe a band) took 420 s of the writing process's 1,500. The buckets
are one sorted array of `key << 32 | rowid` (8 bytes a pair), searched for a whole batch's keys
at once; new pairs go into a small sorted array of their own, merged into the large one when
MERGE_AT have come (each merge copies the large array). The array is saved beside the store
(`khabar.bands.npy` beside `khabar.db`) when an ingest has committed, covering the signatures
up to a rowid, and an opening reads only the signatures after that from the store. The file is
a cache and nothing more: a missing, stale or foreign one is made again from the store. A
bucket entry is a hint: each candidate is compared by its signature, so an entry too many costs
a comparison, never a wrong copy.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from khabar.store import groups
from khabar.store.sqlite import Connection

# signatures (n × their values, uint32) → their band keys (n × bands, uint32)
KeysOf = Callable[[np.ndarray], np.ndarray]
MERGE_AT = 1 << 20  # new pairs merged into the large sorted array at once
# The signatures kept in memory: those of the originals among the latest rowids, in a slot each
# (rowid mod this), 388 bytes a slot, taken only as written. A candidate's signature not there
# is read from the store: at 400,000 bench articles, 300,000 originals kept (in a dict, 600 bytes
# each) left 14 candidates an article to read, 57 µs of the writing process's time.
SIGNATURE_MEMORY = 1 << 20
SAVE_SHARE = 0.05  # the file is written again when the pairs it lacks are this share of all
_READ_CHUNK = 50_000  # signatures read from the store at a time, when opening
_ROWID = np.uint64(0xFFFFFFFF)
_SEEN_SHIFT = np.uint64(4)  # `_seen` has a bit for each 16 keys: 2^28 bits, 32 MB
_MAGIC = 0x6B686162_62616E64  # "khabband": the file's first value; then the rowid covered, a check


class BandIndex:
    """The band buckets of every original in the store, and the signatures of the latest ones
    (see the module docstring). `keys_of` makes the band keys of signatures read from the store,
    the same keys the grouping stage gives `add` for new articles."""

    def __init__(self, conn: Connection, keys_of: KeysOf) -> None:
        self._keys_of = keys_of
        self._path = _cache_path(conn)
        self._sorted = np.empty(0, dtype=np.uint64)  # key << 32 | rowid, ascending
        self._fresh = np.empty(0, dtype=np.uint64)  # the same, added since the last merge
        # a bit set for each key in either (a few keys share a bit): most keys of a new article
        # are in no bucket, and a bit tells so without searching the arrays (24M pairs at a
        # million articles)
        self._seen = np.zeros(1 << 25, dtype=np.uint8)
        self._saved_pairs = 0  # of those in `_sorted`, the ones the file holds
        # the latest originals' signatures (`SIGNATURE_MEMORY`): the rowid in each slot (0 for
        # none: rowids start at 1), its signature's values, its size
        self._kept = np.zeros(SIGNATURE_MEMORY, dtype=np.int64)
        self._kept_values: np.ndarray | None = None  # (made at the first, when the width is known)
        self._kept_sizes = np.zeros(SIGNATURE_MEMORY, dtype=np.int64)
        covered = self._load(conn)
        self._read(conn, covered)
        self._mark_sorted()

    def buckets(self, keys: Iterable[int], latest: int) -> dict[int, list[int]]:
        """Band key → the `latest` last rowids in its bucket (ascending), for the keys that have one."""
        wanted = np.sort(np.fromiter(keys, dtype=np.uint64))  # (distinct, by a sort: np.unique hashed, 4× slower)
        wanted = wanted[np.concatenate(([True], wanted[1:] != wanted[:-1]))] if len(wanted) > 1 else wanted
        byte, mask = _bits(wanted)
        wanted = wanted[self._seen[byte] & mask != 0] << np.uint64(32)
        found: dict[int, list[int]] = {}
        for pairs in (self._sorted, self._fresh):
            for key, rowids in _runs(pairs, wanted, latest):
                found[key] = sorted(found[key] + rowids)[-latest:] if key in found else rowids
        return found

    def signatures(self, conn: Connection, rowids: Iterable[int]) -> dict[int, tuple[bytes, int]]:
        """rowid → (signature, size) of these originals: the latest from memory, the rest from the store."""
        wanted = np.fromiter(rowids, dtype=np.int64)
        slots = wanted % SIGNATURE_MEMORY
        kept = self._kept[slots] == wanted
        found: dict[int, tuple[bytes, int]] = {}
        if self._kept_values is not None and kept.any():
            values = self._kept_values[slots[kept]]
            found = dict(
                zip(
                    wanted[kept].tolist(),
                    zip(map(bytes, values), self._kept_sizes[slots[kept]].tolist(), strict=True),
                    strict=True,
                )
            )
        if not kept.all():
            read = groups.signatures(conn, wanted[~kept].tolist())
            self._remember([(rowid, *read[rowid]) for rowid in sorted(read)])  # (likely asked for again)
            found.update(read)
        return found

    def add(self, originals: list[tuple[int, bytes, int, tuple[int, ...]]]) -> None:
        """Put (rowid, signature, size, band keys) of new originals in their buckets (what the
        store's `signatures` rows of them, written in the same transaction, will make again)."""
        if not originals:
            return
        self._remember([(rowid, signature, size) for rowid, signature, size, _ in originals])
        keys = np.array([keys for _, _, _, keys in originals], dtype=np.uint64)
        rowids = np.array([rowid for rowid, _, _, _ in originals], dtype=np.uint64)
        self._mark(keys)
        self._fresh = _inserted(self._fresh, _pairs(keys, rowids))
        if len(self._fresh) >= MERGE_AT:
            self._merge()

    def save(self, conn: Connection) -> None:
        """Write the buckets beside the store when the file lacks SAVE_SHARE of them (call it
        once the store has committed every article added: the file says it covers them all)."""
        self._merge()
        if self._path is None or len(self._sorted) - self._saved_pairs <= SAVE_SHARE * len(self._sorted):
            return
        row = conn.execute("SELECT rowid, signature FROM signatures ORDER BY rowid DESC LIMIT 1").fetchone()
        if row is None:
            return
        header = np.array([_MAGIC, row[0], self._check(row[1])], dtype=np.uint64)
        temporary = self._path.with_suffix(".tmp")
        with temporary.open("wb") as f:
            np.save(f, np.concatenate([header, self._sorted]))
            f.flush()
            os.fsync(f.fileno())
        temporary.replace(self._path)
        self._saved_pairs = len(self._sorted)

    def _load(self, conn: Connection) -> int:
        """Read the saved buckets, if they are this store's; the rowid they cover (else 0)."""
        if self._path is None or not self._path.exists():
            return 0
        try:
            saved = np.load(self._path, mmap_mode="r")
            magic, covered, check = (int(v) for v in saved[:3])
        except (OSError, ValueError):  # (unreadable: made again)
            return 0
        row = conn.execute("SELECT signature FROM signatures WHERE rowid = ?", (covered,)).fetchone()
        if magic != _MAGIC or row is None or self._check(row[0]) != check:
            return 0  # another store's, or another band function's
        self._sorted = saved[3:]
        self._saved_pairs = len(self._sorted)
        return covered

    def _read(self, conn: Connection, after: int) -> None:
        """Add the buckets of the originals stored after rowid `after`, a chunk at a time."""
        rows = conn.execute(
            "SELECT rowid, signature, size FROM signatures WHERE bucketed AND rowid > ? ORDER BY rowid", (after,)
        )
        while chunk := rows.fetchmany(_READ_CHUNK):
            values = np.frombuffer(b"".join(signature for _, signature, _ in chunk), dtype=np.uint32)
            keys = self._keys_of(values.reshape(len(chunk), -1)).astype(np.uint64)
            rowids = np.array([rowid for rowid, _, _ in chunk], dtype=np.uint64)
            self._sorted = _inserted(self._sorted, _pairs(keys, rowids))
            self._remember(chunk[-SIGNATURE_MEMORY:])

    def _remember(self, rows: list[tuple[int, bytes, int]]) -> None:
        """Keep (rowid, signature, size) of originals, ascending by rowid, in their slots: each
        in a slot free or holding an older rowid, which it forgets (a slot keeps the newest)."""
        rows = rows[-SIGNATURE_MEMORY:]
        if not rows:
            return
        values = np.frombuffer(b"".join(signature for _, signature, _ in rows), dtype=np.uint32)
        values = values.reshape(len(rows), -1)
        if self._kept_values is None:  # zeros: pages of memory taken only as slots are written
            self._kept_values = np.zeros((SIGNATURE_MEMORY, values.shape[1]), dtype=np.uint32)
        rowids = np.array([rowid for rowid, _, _ in rows], dtype=np.int64)
        slots = rowids % SIGNATURE_MEMORY
        newest = self._kept[slots] <= rowids
        slots = slots[newest]
        self._kept[slots] = rowids[newest]
        self._kept_values[slots] = values[newest]
        self._kept_sizes[slots] = np.array([size for _, _, size in rows], dtype=np.int64)[newest]

    def _mark(self, keys: np.ndarray) -> None:
        """Set the bits of new keys in `_seen`."""
        np.bitwise_or.at(self._seen, *_bits(keys.ravel()))

    def _mark_sorted(self) -> None:
        """Set the bits of every key in the large array, when opening: a region of the bits at a
        time, as a boolean array packed into bits (`_mark` took 2.7 s for a million articles'
        24M pairs; this, 1 s)."""
        if len(self._sorted) < MERGE_AT:  # (few: at once, without the 256 MB of regions)
            self._mark(self._sorted >> np.uint64(32))
            return
        bits = self._sorted >> (np.uint64(32) + _SEEN_SHIFT)
        region = 1 << 24
        for start in range(0, len(self._seen) * 8, region):
            low, high = np.searchsorted(bits, [start, start + region])
            found = np.zeros(region, dtype=bool)
            found[(bits[low:high] - np.uint64(start)).astype(np.int64)] = True
            self._seen[start // 8 : (start + region) // 8] |= np.packbits(found, bitorder="little")

    def _merge(self) -> None:
        if len(self._fresh):
            self._sorted, self._fresh = _inserted(self._sorted, self._fresh), self._fresh[:0]

    def _check(self, signature: bytes) -> int:
        """Of the covered article's signature and its band keys: a file of another store, or of
        other band keys (the grouping changed how it makes them), does not pass."""
        keys = self._keys_of(np.frombuffer(signature, dtype=np.uint32).reshape(1, -1))
        digest = hashlib.blake2b(signature + keys.astype(np.uint32).tobytes(), digest_size=8).digest()
        return int.from_bytes(digest, "little")


def _cache_path(conn: Connection) -> Path | None:
    """`khabar.bands.npy` beside the store's file (none for a store in memory)."""
    name = conn.execute("PRAGMA database_list").fetchone()[2]
    return Path(name).with_suffix(".bands.npy") if name else None


def _bits(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the keys' bits are in `BandIndex._seen`: the byte of each, and its mask there."""
    bits = keys >> _SEEN_SHIFT
    return bits >> np.uint64(3), np.left_shift(1, bits & np.uint64(7)).astype(np.uint8)


def _pairs(keys: np.ndarray, rowids: np.ndarray) -> np.ndarray:
    """`key << 32 | rowid` of each key (n × bands) of each rowid (n)."""
    return ((keys << np.uint64(32)) | rowids[:, None]).ravel()


def _inserted(into: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """The sorted array `into` with `pairs` in their places."""
    pairs.sort()
    return np.insert(into, np.searchsorted(into, pairs), pairs)


def _runs(pairs: np.ndarray, wanted: np.ndarray, latest: int) -> Iterable[tuple[int, list[int]]]:
    """(key, its `latest` last rowids) of the `wanted` keys (`key << 32`) that `pairs` holds,
    found all at once: where each key's run starts and ends, then its last `latest` values."""
    starts = np.searchsorted(pairs, wanted)
    ends = np.searchsorted(pairs, wanted | _ROWID, side="right")
    hit = ends > starts
    ends = ends[hit]
    starts = np.maximum(starts[hit], ends - latest)
    lengths = ends - starts
    bounds = np.cumsum(lengths)
    at = np.repeat(starts - (bounds - lengths), lengths) + np.arange(bounds[-1] if len(bounds) else 0)
    rowids = (pairs[at] & _ROWID).tolist()
    start = 0
    for key, end in zip((wanted[hit] >> np.uint64(32)).tolist(), bounds.tolist(), strict=True):
        yield key, rowids[start:end]
        start = end
