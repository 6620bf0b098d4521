"""A real khabar web server over a real data directory: the demo corpus, plus a few articles that
exercise what the corpus does not (a story of several reports, a republished copy, a hostile
title), served by the real `khabar serve` command on a free port of 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.conftest import DEMO, free_port, khabar_command, run_khabar, wait_until_up

XSS_TITLE = '<script>alert("xss")</script><img src=x onerror=alert(1)> هشدار امنیتی'
STORY = "story-test-1"
EXTRA = [
    {  # a hostile page: markup in the title and body, a javascript: address
        "url": "javascript:alert(document.domain)",
        "title": XSS_TITLE,
        "body": 'متن خبر <b onmouseover="alert(2)">پررنگ</b> و <a href="javascript:alert(3)">پیوند</a> هشدار امنیتی',
        "agency": "<i>خبرگزاری</i>",
        "published": "2026-11-20T10:00:00+03:30",
    },
    {
        "url": "https://www.isna.ir/news/1405090100001/",
        "title": "آغاز نشست سران کشورهای حاشیه خزر در تهران",
        "lead": "نشست سران کشورهای حاشیه دریای خزر امروز در تهران آغاز شد.",
        "body": "نشست سران کشورهای حاشیه دریای خزر امروز در تهران آغاز شد.\n\nدر این نشست درباره محیط زیست دریای خزر گفتگو می‌شود.",
        "agency": "ایسنا",
        "published": "2026-11-23T09:00:00+03:30",
        "story_id": STORY,
    },
    {
        "url": "https://www.irna.ir/news/85000001/",
        "title": "بیانیه پایانی نشست سران خزر منتشر شد",
        "lead": "بیانیه پایانی نشست سران کشورهای حاشیه خزر در تهران منتشر شد.",
        "body": "بیانیه پایانی نشست سران کشورهای حاشیه خزر در تهران منتشر شد.\n\nسران بر همکاری در حفاظت از محیط زیست دریای خزر تأکید کردند.",
        "agency": "ایرنا",
        "published": "2026-11-23T18:30:00+03:30",
        "story_id": STORY,
    },
    {  # another site's copy of the ISNA report, pointed at it
        "url": "https://www.khabaronline.ir/news/2000001/",
        "title": "آغاز نشست سران کشورهای حاشیه خزر در تهران",
        "lead": "نشست سران کشورهای حاشیه دریای خزر امروز در تهران آغاز شد.",
        "body": "نشست سران کشورهای حاشیه دریای خزر امروز در تهران آغاز شد.\n\nدر این نشست درباره محیط زیست دریای خزر گفتگو می‌شود.",
        "agency": "خبرآنلاین",
        "published": "2026-11-23T09:40:00+03:30",
        "story_id": STORY,
    },
]


@pytest.fixture(scope="session")
def web_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("web") / "data"
    extra = data.parent / "extra.jsonl"
    copy = dict(EXTRA[3])
    originals = {a["url"]: a for a in EXTRA}
    del originals[copy["url"]]
    lines = [json.dumps(a, ensure_ascii=False) for a in originals.values()]
    extra.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_khabar("ingest", str(DEMO), str(extra), data=data, check=True)
    isna_id = json.loads(run_khabar("search", '"آغاز نشست سران"', "--json", data=data, check=True).stdout)["hits"][0][
        "id"
    ]
    copy_file = data.parent / "copy.jsonl"
    copy_file.write_text(json.dumps({**copy, "duplicate_of": isna_id}, ensure_ascii=False) + "\n", encoding="utf-8")
    run_khabar("ingest", str(copy_file), data=data, check=True)
    return data


@pytest.fixture(scope="session")
def base_url(web_data: Path) -> Iterator[str]:
    """`khabar serve` on a free port, rate limit off (the tests ask fast)."""
    port = free_port()
    argv = [khabar_command(), "--data", str(web_data), "serve", "--port", str(port), "--rate-limit", "0"]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as c:
        yield c


@contextmanager
def serving(app: object) -> Iterator[str]:
    """Any ASGI app on a real socket of 127.0.0.1, in a thread of this process."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
