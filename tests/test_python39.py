"""README: "The library runs on Python 3.9 or newer" (the local Cognito needs 3.10, as moto
does). The suite runs on a newer Python, so this holds the source to 3.9's grammar, and to
annotations that 3.9 never evaluates, outside ``pycognito.local``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
LIBRARY = sorted(p for p in SRC.rglob("*.py") if "local" not in p.relative_to(SRC).parts[1:2])


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(SRC)))
def test_the_library_parses_as_python_39(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, str(path), feature_version=(3, 9))
    futures = {alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
               and node.module == "__future__" for alias in node.names}
    assert "annotations" in futures, "3.9 would evaluate X | Y annotations at run time"


def test_the_parse_would_fail_on_newer_syntax() -> None:
    with pytest.raises(SyntaxError):
        ast.parse("match x:\n    case 1:\n        pass\n", feature_version=(3, 9))
