"""Every ```python block of docs/oauth.md runs as it is (each starts its own local Cognito, so
each runs in a fresh interpreter) and prints what its ``print(...)  # expected`` comments say."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import DEFAULT_PASSWORD

DOC = Path(__file__).resolve().parents[2] / "docs" / "oauth.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
PRINTED = re.compile(r"^\s*print\(.*#\s*(?P<expected>.+)$", re.M)


def blocks() -> list[str]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_doc_has_examples() -> None:
    assert len(blocks()) >= 2


ROOT = DOC.parents[1]


@pytest.mark.parametrize("index", range(len(blocks())))
def test_example_runs(index: int, tmp_path: Path) -> None:
    """The person at the browser (``webbrowser.open``) is ``tests/oauth/hosted.py``."""
    code = blocks()[index]
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "BROWSER": f"{sys.executable} -m tests.oauth.hosted %s",
           "DOC_BROWSER_USER": "alice", "DOC_BROWSER_PASSWORD": DEFAULT_PASSWORD}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    for expected in (m.group("expected").strip() for m in PRINTED.finditer(code)):
        assert expected in printed, (expected, printed)
