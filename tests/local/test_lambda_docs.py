"""docs/local-cognito.md's pytest example of testing one's own trigger handler really runs."""

from __future__ import annotations

from pathlib import Path

from ..examples import run_pytest_example

DOC = Path(__file__).resolve().parents[2] / "docs" / "local-cognito.md"
MARKER = "<!-- docs-test: lambda-triggers -->"


def example() -> str:
    text = DOC.read_text(encoding="utf-8")
    after = text.split(MARKER, 1)[1].lstrip()
    assert after.startswith("```python\n"), "the marker must stand just before a python block"
    return after[len("```python\n"):].split("\n```", 1)[0] + "\n"


def test_the_lambda_trigger_example_passes(tmp_path: Path) -> None:
    run_pytest_example(tmp_path / "example", example())
