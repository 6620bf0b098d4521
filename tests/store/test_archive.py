"""The crawl's WARC records: what the archive stores must read back, one gzip member a record."""

from __future__ import annotations

import hashlib
import io
import zlib
from base64 import b32encode

from warcio.archiveiterator import ArchiveIterator

from khabar.store.archive import WarcArchive, warc_records

BODY = "<html><body><h1>تیتر خبر</h1><p>متن خبر</p></body></html>".encode() * 50


def _records() -> bytes:
    return warc_records(
        "https://example.ir/news/1?x=1",
        200,
        "OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"), ("ETag", '"a1"')],
        BODY,
        [("User-Agent", "khabar-test")],
    )


def test_records_read_back_with_their_digests_and_headers() -> None:
    records, bodies = [], []
    for record in ArchiveIterator(io.BytesIO(_records())):
        records.append(record)
        bodies.append(record.content_stream().read())
    assert [r.rec_type for r in records] == ["response", "request"]
    response, request = records
    assert response.rec_headers.get_header("WARC-Target-URI") == "https://example.ir/news/1?x=1"
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header("WARC-Record-ID")
    assert response.http_headers.get_header("Content-Encoding") is None  # the body is stored decoded
    assert response.http_headers.get_header("Content-Length") == str(len(BODY))
    assert response.http_headers.get_header("ETag") == '"a1"'
    assert request.http_headers.protocol == "GET" and request.http_headers.get_header("User-Agent") == "khabar-test"
    assert bodies[0] == BODY
    digest = "sha1:" + b32encode(hashlib.sha1(BODY).digest()).decode()
    assert response.rec_headers.get_header("WARC-Payload-Digest") == digest


def test_each_record_is_its_own_gzip_member() -> None:
    """A crash that cuts the file mid-record loses only that record: every record starts a
    member of its own, so the first one decompresses alone."""
    data = _records()
    first = zlib.decompressobj(zlib.MAX_WBITS + 16)
    text = first.decompress(data)
    assert first.eof and text.startswith(b"WARC/1.") and b"WARC-Type: response" in text
    rest = zlib.decompressobj(zlib.MAX_WBITS + 16).decompress(first.unused_data)
    assert b"WARC-Type: request" in rest


def test_archive_appends_records_to_one_file(tmp_path) -> None:
    archive = WarcArchive(tmp_path / "archive")
    archive.append(_records())
    archive.append(_records())
    archive.close()
    assert archive.path is not None and archive.path.name.endswith(".warc.gz")
    with archive.path.open("rb") as f:
        assert sum(1 for r in ArchiveIterator(f) if r.rec_type == "response") == 2
