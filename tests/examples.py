"""Running a documented pytest example (README.md, docs/*.md) as the reader would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def run_pytest_example(folder: Path, code: str, *, tests: int = 1) -> None:
    """Write ``code`` as a test module in ``folder`` and run pytest on it in a subprocess (an
    example starts its own local Cognito, which cannot share a process with the session's);
    its ``tests`` tests must all pass."""
    folder.mkdir(exist_ok=True)
    (folder / "test_example.py").write_text(code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COGNITO_", "AWS_ENDPOINT_URL", "PYTEST_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir",
         str(folder), "-c", os.devnull, str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert re.search(rf"(?<!\d){tests} passed\b", done.stdout), done.stdout  # not "11 passed"
