"""``pycognito demo`` runs end to end (in a subprocess, with its own local Cognito)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from typing import Any, Callable

import pytest

from pycognito.demo import Journey, StepFailed

from .loopback_guard import LOOPBACK_GUARD

STEPS = [
    "start the local Cognito",
    "create pool and app client",
    "sign up with attributes",
    "read the code from the outbox",
    "confirm the sign-up",
    "SRP login",
    "verify the tokens",
    "read and update the profile",
    "set up TOTP MFA",
    "log out, log in with TOTP",
    "remember this device",
    "log in again on the device",
    "call an API with RequestsSrpAuth",
    "refresh the tokens",
    "change the password",
    "sign out everywhere",
    "log in with a wrong password",
]


def test_demo_runs_every_step() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "PYCOGNITO_"))}
    result = subprocess.run(
        [sys.executable, "-m", "pycognito.cli", "demo"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    step_lines = [line for line in lines if re.match(r"^(ok|FAIL) +\d+  ", line)]
    assert len(step_lines) == len(STEPS), result.stdout
    for number, (line, title) in enumerate(zip(step_lines, STEPS), 1):
        assert re.match(rf"^ok +{number}  {re.escape(title)} +\d+ ms  \S", line), line
    assert "otpauth://totp/" in result.stdout
    assert "█" in result.stdout  # the QR code
    assert re.search(r"^demo finished: 17 steps ok in \d+\.\d s$", result.stdout, re.M)
    total = float(re.search(r"ok in (\d+\.\d) s", result.stdout).group(1))  # type: ignore[union-attr]
    assert total < 30
    assert "Demo-Passw0rd" not in result.stdout + result.stderr  # the password is never shown
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("flag", ["--no-qr", "--light"])
def test_demo_qr_options(flag: str) -> None:
    """docs/demo.md: ``--no-qr`` leaves out the QR code (the URI is still shown); ``--light``
    draws it for a light background: the quiet zone is blank, not a row of blocks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "PYCOGNITO_"))}
    result = subprocess.run(
        [sys.executable, "-m", "pycognito.cli", "demo", flag],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    [uri] = [n for n, line in enumerate(lines) if "otpauth://totp/" in line]
    if flag == "--no-qr":
        assert "█" not in result.stdout and "▀" not in result.stdout
    else:
        quiet, first_row = lines[uri + 1], lines[uri + 2]
        assert quiet.strip() == "" and first_row.strip().startswith(("█", "▀"))


def test_a_step_that_misbehaves_fails_the_demo() -> None:
    out = io.StringIO()
    journey = Journey(out, qr=False)

    def fine() -> str:
        return "fine"

    def broken() -> str:
        raise StepFailed("the old refresh token still works")

    def never() -> str:  # pragma: no cover - must not run
        raise AssertionError("steps after a failure must not run")

    journey.steps = lambda: [("first", fine), ("second", broken), ("third", never)]  # type: ignore[method-assign]
    assert journey.run() == 1
    text = out.getvalue()
    assert re.search(r"^ok +1  first", text, re.M)
    assert re.search(r"^FAIL +2  second .* the old refresh token still works$", text, re.M)
    assert "demo FAILED at step 2" in text


def test_unexpected_error_is_one_line() -> None:
    out = io.StringIO()
    journey = Journey(out, qr=False)

    def boom() -> str:
        raise KeyError("nope")

    journey.steps = lambda: [("boom", boom)]  # type: ignore[method-assign]
    assert journey.run() == 1
    assert "Traceback" not in out.getvalue()
    assert re.search(r"^FAIL +1  boom", out.getvalue(), re.M)



class _KeepingTokens(Journey):
    """The demo on the test session's local Cognito (one per process), remembering every token
    its user held after each step (to look for them)."""

    seen: set[str]

    def __init__(self, out: io.StringIO, local: Any) -> None:
        super().__init__(out, qr=False)
        self.shared = local

    def start_local(self) -> str:
        self.local = self.shared
        return str(self.local.endpoint_url)

    def close(self) -> None:
        self.local = None  # the test session's server: not the demo's to stop
        super().close()

    def step(self, title: str, action: Callable[[], str]) -> None:
        super().step(title, action)
        if not hasattr(self, "seen"):
            self.seen = set()
        if self.user is not None:
            tokens = (self.user.id_token, self.user.access_token, self.user.refresh_token)
            self.seen.update(token for token in tokens if token)


def test_demo_output_holds_no_secret(local: Any) -> None:
    """In-process, so that the run's own secrets are at hand: no password, client secret,
    token or device password in anything the demo printed."""
    out = io.StringIO()
    journey = _KeepingTokens(out, local)
    assert journey.run() == 0, out.getvalue()
    text = out.getvalue()
    assert len(journey.seen) >= 11  # three logins and a refresh
    secrets = [*journey.seen, journey.client_secret, journey.device["device_password"],
               "Demo-Passw0rd", "Not-the-passw0rd"]
    assert all(isinstance(secret, str) and len(secret) > 8 for secret in secrets)
    for secret in secrets:
        assert secret not in text
    assert journey.sign_up_code in text  # shown on purpose, like the TOTP URI


#: The demo, in a process where nothing but loopback may be used.
_DEMO_ON_LOOPBACK = LOOPBACK_GUARD + r'''
from pycognito.cli import main
sys.exit(main(["demo", "--no-qr"]))
'''


def test_the_demo_uses_nothing_but_loopback() -> None:
    """docs/demo.md: "nothing but loopback is used" (no AWS endpoint, no name lookup of one)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COGNITO_", "PYCOGNITO_", "AWS_"))}
    result = subprocess.run([sys.executable, "-c", _DEMO_ON_LOOPBACK], capture_output=True,
                            text=True, env=env, timeout=120, check=False)
    assert "NOT LOOPBACK" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo finished: 17 steps ok" in result.stdout
