"""Shared test fixtures: the bundled seed pages and demo corpus, the seeds' expected reading, and
a real `khabar` command on the PATH of this virtualenv."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "src" / "khabar" / "demo"
SEEDS = DEMO / "seeds"
EXPECTED = json.loads((REPO / "tests" / "data" / "seeds_expected.json").read_text(encoding="utf-8"))
SEED_NAMES = list(EXPECTED["pages"])


def shared_dir() -> Path | None:
    """../shared beside the repository (or $KHABAR_SHARED), when this machine has it."""
    for candidate in (os.environ.get("KHABAR_SHARED"), REPO.parent / "shared"):
        if candidate and Path(candidate, "seeds", "expected.json").exists():
            return Path(candidate)
    return None


def ws(text: str | None) -> str:
    """Whitespace runs (no-break spaces too) as one space: how expected.json compares text."""
    return re.sub(r"[\s\u00a0]+", " ", text or "").strip()


def khabar_command() -> str:
    found = Path(sys.executable).parent / "khabar"
    return str(found) if found.exists() else shutil.which("khabar") or "khabar"


def run_khabar(*args: str, data: Path | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    """The real `khabar` command in a separate process, as a user runs it."""
    argv = [khabar_command(), *(["--data", str(data)] if data else []), *args]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"{argv} exited {result.returncode}: {result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(
                f"the server exited {process.returncode}: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"no server came up on {base}")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
