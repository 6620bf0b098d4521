"""The band index: the same buckets whether made live, read back from its file, or made again
from the store's signatures; a file of another store is not used."""

from pathlib import Path

import numpy as np

from khabar import store
from khabar.group.features import NUM_PERM, band_keys
from khabar.store import bands, groups
from khabar.store.bands import BandIndex


def signature(seed: int) -> bytes:
    return np.random.default_rng(seed).integers(0, 2**32, NUM_PERM, dtype=np.uint32).tobytes()


def keys(sig: bytes) -> tuple[int, ...]:
    return tuple(band_keys(np.frombuffer(sig, dtype=np.uint32).reshape(1, -1))[0].tolist())


def add(conn, index: BandIndex, rowids: range, *, shared: bytes | None = None) -> None:
    """Store and index originals; `shared`: a signature whose first band they all hold."""
    rows = []
    for rowid in rowids:
        sig = signature(rowid)
        if shared is not None:
            sig = shared[:12] + sig[12:]  # (the first band: ROWS 32-bit values)
        rows.append((rowid, sig, 100, keys(sig)))
    conn.execute("BEGIN")
    groups.add_signatures(conn, [(rowid, sig, size, True) for rowid, sig, size, _ in rows])
    conn.execute("COMMIT")
    index.add(rows)


def test_buckets_made_live_saved_and_made_again_agree(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "k.db")
    live = BandIndex(conn, band_keys)
    crowded = signature(0)
    add(conn, live, range(1, 41), shared=crowded)
    add(conn, live, range(41, 61))
    wanted = [k for rowid in (1, 39, 50) for k in keys(signature(rowid))] + [keys(crowded)[0], 12345]
    found = live.buckets(wanted, 16)
    assert found[keys(crowded)[0]] == list(range(25, 41))  # the latest 16 originals, ascending
    assert found[keys(signature(50))[5]] == [50]
    assert 12345 not in found
    live.save(conn)
    assert (tmp_path / "k.bands.npy").exists()
    assert BandIndex(conn, band_keys).buckets(wanted, 16) == found  # from the file
    (tmp_path / "k.bands.npy").unlink()
    assert BandIndex(conn, band_keys).buckets(wanted, 16) == found  # from the store
    assert live.signatures(conn, [50, 3, 999]) == {50: (signature(50), 100), 3: (groups.signatures(conn, [3])[3])}


def test_what_the_file_lacks_is_read_from_the_store(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "k.db")
    index = BandIndex(conn, band_keys)
    add(conn, index, range(1, 101))
    index.save(conn)
    add(conn, index, range(101, 103))  # too few to write the file again
    index.save(conn)
    assert BandIndex(conn, band_keys).buckets(keys(signature(102)), 16) == {k: [102] for k in keys(signature(102))}


def test_a_file_of_another_store_is_not_used(tmp_path: Path) -> None:
    one = store.connect(tmp_path / "one" / "k.db")
    index = BandIndex(one, band_keys)
    add(one, index, range(1, 30))
    index.save(one)
    other = store.connect(tmp_path / "other" / "k.db")
    add(other, BandIndex(other, band_keys), range(1000, 1030))
    (tmp_path / "one" / "k.bands.npy").replace(tmp_path / "other" / "k.bands.npy")
    reopened = BandIndex(other, band_keys)
    assert reopened.buckets(keys(signature(5)), 16) == {}
    assert reopened.buckets(keys(signature(1005))[:1], 16) == {keys(signature(1005))[0]: [1005]}


def test_a_broken_file_is_made_again(tmp_path: Path) -> None:
    conn = store.connect(tmp_path / "k.db")
    add(conn, BandIndex(conn, band_keys), range(1, 5))
    (tmp_path / "k.bands.npy").write_bytes(b"not an array")
    assert BandIndex(conn, band_keys).buckets(keys(signature(3))[:1], 16) == {keys(signature(3))[0]: [3]}


def test_new_pairs_are_merged_into_the_large_array_and_found_in_both(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(bands, "MERGE_AT", 64)
    conn = store.connect(tmp_path / "k.db")
    index = BandIndex(conn, band_keys)
    crowded = signature(0)
    add(conn, index, range(1, 11), shared=crowded)  # 320 pairs: merged
    assert (len(index._sorted), len(index._fresh)) == (320, 0)
    add(conn, index, range(11, 12), shared=crowded)  # 32: not yet
    assert (len(index._sorted), len(index._fresh)) == (320, 32)
    key = keys(crowded)[0]
    assert index.buckets([key, key], 16) == {key: list(range(1, 12))}
    assert index.buckets([key], 4) == {key: [8, 9, 10, 11]}
    reopened = BandIndex(conn, band_keys)  # its keys' bits set a region at a time (many pairs)
    assert reopened.buckets([key, *keys(signature(3))[1:]], 4) == {key: [8, 9, 10, 11]} | {
        k: [3] for k in keys(signature(3))[1:]
    }


def test_signatures_kept_in_memory_and_read_from_the_store_agree(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(bands, "SIGNATURE_MEMORY", 8)  # a slot for each 8th rowid
    conn = store.connect(tmp_path / "k.db")
    first = BandIndex(conn, band_keys)
    add(conn, first, range(1, 17))
    first.save(conn)
    add(conn, first, range(17, 21))
    index = BandIndex(conn, band_keys)  # keeps 17-20, read after what the file covers (1-16)
    reads: list[list[int]] = []
    read = groups.signatures
    monkeypatch.setattr(groups, "signatures", lambda c, rowids: reads.append(sorted(rowids)) or read(c, rowids))
    expected = {rowid: (signature(rowid), 100) for rowid in (3, 14, 20)}
    assert index.signatures(conn, [3, 14, 20, 999]) == expected  # (999 is no original)
    assert reads == [[3, 14, 999]]
    assert index.signatures(conn, [14, 20]) == {14: expected[14], 20: expected[20]}  # 14 kept when read
    assert index.signatures(conn, [3, 6]) == {3: expected[3], 6: (signature(6), 100)}
    assert index.signatures(conn, [14]) == {14: expected[14]}  # not pushed out by 6, older than it
    assert reads == [[3, 14, 999], [3, 6]]  # 3 is not kept: its slot holds 19, newer
    assert first.signatures(conn, [13, 20]) == {13: (signature(13), 100), 20: expected[20]}
    assert len(reads) == 2  # made live, it keeps the 8 latest (13-20)
