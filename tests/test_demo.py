"""``pycognito demo`` runs end to end (in a subprocess, with its own local Cognito)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

from pycognito.demo import Journey, StepFailed

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
