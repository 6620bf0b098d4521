"""The architecture stays visible: lower layers never import higher ones, and the pure layers
(text/, extract/) do no I/O of their own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import khabar

PACKAGE = Path(khabar.__file__).parent
# What each layer may import from khabar (besides itself).
ALLOWED = {
    "text": set(),
    "extract": {"text", "models", "errors"},
    "store": {"models", "errors"},
    "index": {"text", "models", "errors"},
    "models": set(),
    "errors": set(),
    "group": {"text", "models", "errors", "store"},
    "pipeline": {"text", "extract", "store", "index", "models", "errors", "inputs", "group"},
    "inputs": {"text", "extract", "models", "errors"},
    "crawl": {"text", "extract", "store", "index", "models", "errors", "pipeline", "inputs", "group"},
    "service": {"text", "extract", "store", "index", "models", "errors", "pipeline", "inputs", "crawl", "group"},
    "web": {"text", "models", "errors", "service"},
    "cli": {"text", "models", "errors", "service", "pipeline", "web"},
}
PURE = {"text", "extract"}
IO_MODULES = {"os", "io", "socket", "pathlib", "shutil", "subprocess", "sqlite3", "urllib.request", "httpx"}


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        layer = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if layer != "__init__":
            found.append((layer, path))
    return found


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(("layer", "path"), modules(), ids=lambda v: str(v).split("khabar/")[-1])
def test_imports_point_down(layer: str, path: Path) -> None:
    assert layer in ALLOWED, f"{layer} is a new layer: add it to ALLOWED"
    for name in imports(path):
        if name.startswith("khabar."):
            target = name.split(".")[1]
            assert target == layer or target in ALLOWED[layer], f"{path.name} imports {name}"


@pytest.mark.parametrize(
    ("layer", "path"), [m for m in modules() if m[0] in PURE], ids=lambda v: str(v).split("khabar/")[-1]
)
def test_pure_layers_do_no_io(layer: str, path: Path) -> None:
    """No file, network or process access; reading package data (tz rules) is allowed."""
    assert not imports(path) & IO_MODULES
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)]
    assert "open" not in calls and "print" not in calls and "input" not in calls


def test_public_api_is_explicit_and_sorted() -> None:
    import khabar.text

    for module in (khabar, khabar.text):
        # ruff's order (RUF022): CONSTANTS, then Classes, then functions, each alphabetical
        kinds = [(0 if n.isupper() else 1 if n[0].isupper() else 2, n) for n in module.__all__]
        assert kinds == sorted(kinds)
        for name in module.__all__:
            assert hasattr(module, name), name
