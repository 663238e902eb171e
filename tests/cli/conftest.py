"""Helpers for the command-line tests: run ``main([...])`` with scripted prompts."""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence, Union

import pytest

from pycognito.cli import main
from pycognito.totp import totp_code

Answer = Union[str, Callable[[str], str]]


@dataclass
class Result:
    """What one command did."""

    status: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


class ScriptedStdin:
    """stdin for the prompts: each answer is a string, or a callable given the stderr so far
    (to answer with something the command has just shown, like a TOTP key)."""

    def __init__(self, answers: Sequence[Answer], stderr: io.StringIO) -> None:
        self.answers = list(answers)
        self.stderr = stderr
        self.asked = 0

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        if not self.answers:
            return ""
        self.asked += 1
        answer = self.answers.pop(0)
        return (answer(self.stderr.getvalue()) if callable(answer) else answer) + "\n"

    def read(self) -> str:
        text = "".join(self.readline() for _ in range(len(self.answers)))
        return text


Runner = Callable[..., Result]


@pytest.fixture
def cli() -> Runner:
    """``cli(args, answers=())`` runs ``pycognito <args>`` in-process; returns a Result."""

    def run(args: Sequence[str], answers: Sequence[Answer] = ()) -> Result:
        out, err = io.StringIO(), io.StringIO()
        saved = sys.stdout, sys.stderr, sys.stdin
        sys.stdout, sys.stderr = out, err
        sys.stdin = ScriptedStdin(answers, err)  # type: ignore[assignment]
        try:
            status = main(list(args))
        except SystemExit as exc:  # --help, usage errors
            status = int(exc.code or 0)
        finally:
            sys.stdout, sys.stderr, sys.stdin = saved
        return Result(status, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private token file for the test (PYCOGNITO_TOKEN_FILE)."""
    path = tmp_path / "config" / "tokens.json"
    monkeypatch.setenv("PYCOGNITO_TOKEN_FILE", str(path))
    return path


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, token_file: Path) -> Iterator[Callable[..., None]]:
    """``cli_env(pool_info)`` points the COGNITO_* variables at a local pool."""
    for name in ("COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_REGION",
                 "COGNITO_ENDPOINT_URL", "COGNITO_CLIENT_SECRET", "COGNITO_USERNAME",
                 "COGNITO_JWKS", "PYCOGNITO_DEBUG"):
        monkeypatch.delenv(name, raising=False)

    def point(info: Any, *, secret: bool = True) -> None:
        monkeypatch.setenv("COGNITO_USER_POOL_ID", info.pool_id)
        monkeypatch.setenv("COGNITO_CLIENT_ID", info.client_id)
        monkeypatch.setenv("COGNITO_ENDPOINT_URL", info.endpoint_url)
        if secret and info.client_secret:
            monkeypatch.setenv("COGNITO_CLIENT_SECRET", info.client_secret)

    yield point


def shown_totp(stderr: str) -> str:
    """The code for the TOTP key the command printed (``Key: ...``)."""
    match = re.search(r"Key: ([A-Z2-7]+)", stderr)
    assert match, "no TOTP key was shown"
    return totp_code(match.group(1))
