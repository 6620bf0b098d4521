"""The benches are not run by the suite (they take minutes to hours), but what they import from
khabar must exist: a renamed function must not break a bench unnoticed."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCHES = sorted((Path(__file__).resolve().parents[1] / "bench").glob("*.py"))


@pytest.mark.parametrize("bench", BENCHES, ids=lambda p: p.name)
def test_what_a_bench_imports_from_khabar_exists(bench: Path) -> None:
    missing = []
    for node in ast.walk(ast.parse(bench.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("khabar"):
            module = importlib.import_module(node.module)
            missing += [f"{node.module}.{a.name}" for a in node.names if not hasattr(module, a.name)]
    assert not missing, f"{bench.name} imports what khabar no longer has: {missing}"
