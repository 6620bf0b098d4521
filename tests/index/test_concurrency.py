"""One writer process at a time, with a clear message for a second; readers search meanwhile."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.conftest import DEMO, REPO, run_khabar


def test_a_second_writer_gets_a_clear_message_and_readers_keep_searching(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_khabar("ingest", str(DEMO / "seeds"), data=data, check=True)
    # a writer that holds the index while it ingests (as a long crawl or bulk ingest does)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from khabar import Khabar
                kh = Khabar(Path({str(data)!r}))
                with kh.index.writer():
                    print("holding", flush=True)
                    time.sleep(8)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        second = run_khabar("ingest", str(DEMO / "articles.jsonl"), data=data)
        assert second.returncode == 1
        assert (
            second.stderr.strip() == f"khabar: another khabar process is writing to {data}; try again when it is done"
        )
        start = time.monotonic()
        found = json.loads(run_khabar("search", "ائتلاف", "--json", data=data, check=True).stdout)
        assert found["total"] == 2 and time.monotonic() - start < 5
    finally:
        holder.kill()
        holder.wait()
    # once the writer is gone, the next one gets in, and nothing was lost
    assert run_khabar("ingest", str(DEMO / "articles.jsonl"), data=data).returncode == 0
