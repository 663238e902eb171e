"""Every ```python block of docs/oauth.md runs as it is (each starts its own local Cognito, so
each runs in a fresh interpreter) and prints what its comments say."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "oauth.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
PRINTED = re.compile(r"^\s*print\(.*#\s*(?P<expected>.+)$", re.M)


def blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_doc_has_examples() -> None:
    assert len(blocks()) >= 2


@pytest.mark.parametrize("index", range(len(blocks())))
def test_example_runs(index: int, tmp_path: Path) -> None:
    code = blocks()[index]
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    for expected in (m.group("expected").strip() for m in PRINTED.finditer(code)):
        assert expected in printed, (expected, printed)
