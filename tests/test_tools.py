"""The data khabar ships that a tool makes from ../shared is what the tool makes today."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, shared_dir


def test_the_common_words_are_what_the_tool_makes_from_the_shared_corpus(tmp_path: Path) -> None:
    shared = shared_dir()
    if shared is None:
        pytest.skip("no ../shared on this machine")
    made = tmp_path / "common.txt"
    subprocess.run([sys.executable, str(REPO / "tools" / "common_words.py"), str(shared), str(made)], check=True)
    shipped = REPO / "src" / "khabar" / "index" / "common.txt"
    assert made.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
