"""Shared test fixtures: the bundled seed pages and demo corpus, the seeds' expected reading, and
a real `khabar` command on the PATH of this virtualenv."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

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


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
