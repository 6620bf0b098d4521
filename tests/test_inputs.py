"""Reading input files: web archives record by record, bad records and files reported and
skipped, the rest read."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from khabar.errors import InputError
from khabar.inputs import MAX_PAGE_BYTES, Failure, Skipped, read_inputs, read_page
from khabar.models import Article
from tests.conftest import run_khabar
from tests.extract.test_html import page

PERSIAN = page()
PERSIAN_2 = page(
    title="پرسپولیس قهرمان لیگ برتر شد",
    paragraphs=(
        "به گزارش ورزش سه، پرسپولیس با پیروزی در هفته پایانی قهرمان لیگ برتر فوتبال ایران شد.",
        "هواداران این تیم پس از سوت پایان بازی در ورزشگاه آزادی جشن گرفتند و تا پاسی از شب در خیابان‌ها بودند.",
    ),
)
ARABIC = """<html lang="ar"><head><meta charset="utf-8"><title>خبر</title></head><body><h1>المتحدث باسم التحالف: القوات باقية</h1>
<div itemprop="articleBody"><p>أعلن المتحدث باسم التحالف الدولي ضد تنظيم داعش أن القوات الأمريكية ستبقى في العراق حتى
تنتهي المهمة، وقال إن الحكومة العراقية لم تطلب انسحاب القوات من هذه القواعد.</p><p>وأضاف أن التحالف يحترم سيادة العراق
وأن الوجود العسكري يستند إلى اتفاقات بين بغداد وواشنطن التي تم توقيعها في العام الماضي.</p></div></body></html>"""


def warc(records: list[tuple[str, str, bytes]], *, gzip: bool) -> bytes:
    """A web archive of (url, content type, body) responses, with a request record between."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    for url, content_type, body in records:
        status = "404 Not Found" if "missing" in url else "200 OK"
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers)
        )
    return out.getvalue()


RECORDS = [
    ("https://www.isna.ir/news/1/a", "text/html; charset=utf-8", PERSIAN.encode()),
    ("https://www.aljazeera.net/news/2", "text/html; charset=utf-8", ARABIC.encode()),
    ("https://www.isna.ir/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(300)),
    ("https://www.isna.ir/missing", "text/html", b"<html>404</html>"),
    ("https://www.varzesh3.com/news/3/b", "text/html", PERSIAN_2.encode()),
]


def items(path: Path) -> list:
    return [item for _, item in read_inputs([path])]


@pytest.mark.parametrize("compressed", [True, False], ids=["warc.gz", "warc"])
def test_a_web_archive_gives_its_persian_pages_and_skips_the_rest(tmp_path: Path, compressed: bool) -> None:
    path = tmp_path / ("a.warc.gz" if compressed else "a.warc")
    path.write_bytes(warc(RECORDS, gzip=compressed))
    got = items(path)
    articles = [i for i in got if isinstance(i, Article)]
    assert [a.url for a in articles] == ["https://www.isna.ir/news/1/a", "https://www.varzesh3.com/news/3/b"]
    assert articles[0].title == "ائتلاف آمریکا: اگر الکاظمی بخواهد از عراق خارج می‌شویم"
    skipped = sorted(i.reason for i in got if isinstance(i, Skipped))
    assert skipped == ["not a Persian page", "not an HTML page (image/png)", "not an HTML page (text/html)"]
    assert not [i for i in got if isinstance(i, Failure)]


def test_a_corrupt_record_in_the_middle_is_reported_and_reading_goes_on(tmp_path: Path) -> None:
    data = bytearray(warc(RECORDS, gzip=True))
    second_response = data.find(b"\x1f\x8b\x08", data.find(b"\x1f\x8b\x08", data.find(b"\x1f\x8b\x08", 1) + 1) + 1)
    data[second_response + 40 : second_response + 120] = bytes(80)  # inside the Arabic page's member
    path = tmp_path / "corrupt.warc.gz"
    path.write_bytes(bytes(data))
    got = items(path)
    failures = [i for i in got if isinstance(i, Failure)]
    assert len(failures) == 1 and "broken WARC record" in failures[0].reason
    assert [a.url for a in got if isinstance(a, Article)] == [
        "https://www.isna.ir/news/1/a",
        "https://www.varzesh3.com/news/3/b",
    ]


@pytest.mark.parametrize("compressed", [True, False], ids=["warc.gz", "warc"])
def test_a_truncated_last_record_is_reported_and_the_rest_kept(tmp_path: Path, compressed: bool) -> None:
    data = warc(RECORDS, gzip=compressed)
    path = tmp_path / ("t.warc.gz" if compressed else "t.warc")
    path.write_bytes(data[: len(data) - 700])
    got = items(path)
    assert [a.url for a in got if isinstance(a, Article)] == ["https://www.isna.ir/news/1/a"]
    assert [i for i in got if isinstance(i, Failure)]


def test_a_huge_page_in_an_archive_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = b"<html><body>" + b"x" * (MAX_PAGE_BYTES + 10) + b"</body></html>"
    path = tmp_path / "huge.warc.gz"
    path.write_bytes(warc([("https://www.isna.ir/news/9/huge", "text/html", huge), *RECORDS[:1]], gzip=True))
    got = items(path)
    assert [i.reason for i in got if isinstance(i, Failure)] == ["5 MB is too large for one page (limit 5 MB)"]
    assert len([i for i in got if isinstance(i, Article)]) == 1


def test_page_files_that_are_not_pages(tmp_path: Path) -> None:
    cases = {
        "empty.html": b"",
        "image.html": b"\x89PNG\r\n\x1a\n" + bytes(1000),
        "huge.html": b"<html>" + b" " * (50 * 1024 * 1024) + b"</html>",
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    messages = {name: str(_error(tmp_path / name)) for name in cases}
    assert messages["empty.html"] == "empty file"
    assert messages["image.html"] == "a PNG image, not a page"
    assert messages["huge.html"].startswith("52 MB is too large for one page")


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_page(path)
    return caught.value


def test_double_encoded_pages_are_repaired_or_refused(tmp_path: Path) -> None:
    mojibake = PERSIAN.encode("utf-8").decode("latin-1").encode("utf-8")
    (tmp_path / "repairable.html").write_bytes(mojibake)
    article = read_page(tmp_path / "repairable.html")
    assert article.title == "ائتلاف آمریکا: اگر الکاظمی بخواهد از عراق خارج می‌شویم"
    assert "repaired double-encoded UTF-8 (mojibake)" in article.notes
    lost = PERSIAN.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    (tmp_path / "lost.html").write_bytes(lost)
    assert str(_error(tmp_path / "lost.html")).startswith("mojibake")


def test_a_windows_1256_page_with_its_declaration(tmp_path: Path) -> None:
    text = PERSIAN.replace('charset="utf-8"', 'charset="windows-1256"').translate(str.maketrans("ی", "ي"))
    (tmp_path / "old.html").write_bytes(text.encode("cp1256", errors="replace"))
    article = read_page(tmp_path / "old.html")
    assert (
        article.title.startswith("ائتلاف آمريكا")
        or article.title.startswith("ائتلاف آمریکا")
        or "ائتلاف" in article.title
    )
    assert "decoded as windows-1256" in article.notes


def test_ingest_a_web_archive_through_the_cli(tmp_path: Path) -> None:
    good = tmp_path / "news.warc.gz"
    good.write_bytes(warc(RECORDS, gzip=True))
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(warc(RECORDS, gzip=True)[:-500])
    result = run_khabar("ingest", str(good), str(broken), "--json", data=tmp_path / "data")
    summary = json.loads(result.stdout)
    assert result.returncode == 1  # the broken record failed; everything else went in
    assert (summary["added"], summary["duplicates"], summary["skipped"]) == (2, 1, 6)
    assert summary["failed"] == 1 and "broken WARC record" in result.stderr


def test_scanning_finds_the_bytes_and_leaves_the_reading_to_whoever_ingests(tmp_path: Path) -> None:
    """`scan_inputs` only finds each input (the ingest's workers read them): an archived page
    and a JSONL line come unread, and read as `read_inputs` reads them; what is plainly no page
    (an image, a 404) is skipped at once."""
    from khabar.inputs import Unread, scan_inputs

    archive = tmp_path / "a.warc.gz"
    archive.write_bytes(warc(RECORDS, gzip=True))
    lines = tmp_path / "b.jsonl"
    lines.write_text(
        json.dumps({"title": "خبر", "body": "متن خبر"}, ensure_ascii=False) + "\n{broken\n", encoding="utf-8"
    )
    scanned = [found for _, found in scan_inputs([archive, lines])]
    assert [type(found).__name__ for found in scanned] == [
        "Unread",  # isna: a Persian page
        "Unread",  # aljazeera: HTML, found not Persian only once read
        "Skipped",  # the image
        "Skipped",  # the 404
        "Unread",  # varzesh3
        "Unread",  # the JSONL article
        "Unread",  # the broken line: its failure is found when it is read
    ]
    read = [found.read() if isinstance(found, Unread) else found for found in scanned]
    assert read == [item for _, item in read_inputs([archive, lines])]
    assert isinstance(read[1], Skipped) and isinstance(read[-1], Failure) and "not JSON" in read[-1].reason
