"""Issue 13's "done when": a user's own pytest module (``user_suite.py``: a passwordless e-mail
sign-in, a custom-challenge sign-in driven by three handlers of theirs, a user migration and a
token-customising handler, on a pool made by the code they would run on AWS) passes on the
local Cognito, run by pytest in a fresh process with none of this repository's fixtures."""

from __future__ import annotations

from pathlib import Path

from ..examples import run_pytest_example

SUITE = Path(__file__).with_name("user_suite.py")


def test_a_users_trigger_suite_passes(tmp_path: Path) -> None:
    code = SUITE.read_text(encoding="utf-8")
    assert "from tests" not in code and "conftest" not in code  # nothing of ours but the package
    run_pytest_example(tmp_path / "suite", code, tests=code.count("\ndef test_"))
