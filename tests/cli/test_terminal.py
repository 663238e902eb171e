"""The command at a real terminal (a pty) and with odd stdin: Ctrl-D and Ctrl-C at a prompt,
stdin closed, Ctrl-C while the package imports. Each ends with one clear line on a line of its
own and the documented exit status, never a traceback."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only")

REPO = Path(__file__).resolve().parents[2]
FAKE_POOL = {"COGNITO_USER_POOL_ID": "eu-west-1_Nowhere1", "COGNITO_CLIENT_ID": "client1"}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGNITO_", "PYCOGNITO_"))}
    env.update(FAKE_POOL, PYTHONPATH=str(REPO / "src"))
    return env


def _read_until(fd: int, marker: bytes, seen: bytearray, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no {marker!r} within {timeout} s; got {bytes(seen)!r}"
        seen += os.read(fd, 4096)


def _read_rest(fd: int, seen: bytearray) -> None:
    while True:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            return
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            return
        if not chunk:
            return
        seen += chunk


def _at_the_password_prompt(keys: Optional[bytes], interrupt: bool) -> tuple[int, str]:
    """Run ``pycognito login -u bob`` on a pty; at the hidden prompt type ``keys`` or send
    SIGINT. Returns the exit status and everything the terminal showed."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pycognito.cli", "login", "-u", "bob"],
        stdin=slave, stdout=slave, stderr=slave, env=_env(), close_fds=True,
    )
    os.close(slave)
    seen = bytearray()
    try:
        _read_until(master, b"Password: ", seen)
        time.sleep(0.2)  # let getpass turn echo off and wait for input
        if interrupt:
            process.send_signal(signal.SIGINT)
        if keys:
            os.write(master, keys)
        _read_rest(master, seen)
        status = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return status, seen.decode("utf-8", "replace").replace("\r\n", "\n")


def test_ctrl_d_at_the_hidden_prompt() -> None:
    status, shown = _at_the_password_prompt(b"\x04", interrupt=False)
    assert status == 1
    assert shown.endswith(
        "Password: \npycognito login: no answer to the prompt (Password): input ended\n"
    ), shown
    assert "Traceback" not in shown


def test_ctrl_c_at_the_hidden_prompt() -> None:
    status, shown = _at_the_password_prompt(None, interrupt=True)
    assert status == 130
    assert shown.endswith("Password: \npycognito login: interrupted\n"), shown
    assert "Traceback" not in shown


def test_stdin_closed() -> None:
    """``pycognito login <&-``: Python starts with ``sys.stdin`` None."""
    result = subprocess.run(
        ["sh", "-c", 'exec "$0" -m pycognito.cli login -u bob <&-', sys.executable],
        capture_output=True, text=True, env=_env(), timeout=60, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "pycognito login: no answer to the prompt (Password): stdin is closed"
    ], result.stderr
    assert result.stdout == ""


_INTERRUPTED_IMPORT = """
import sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "pycognito._cognito":
            raise KeyboardInterrupt  # as if Ctrl-C arrived while the package imports
        return None

sys.meta_path.insert(0, Interrupt())
import _pycognito_cli
sys.exit(_pycognito_cli.main())
"""


def test_ctrl_c_while_the_package_imports() -> None:
    """The console script's entry point is outside the package: a Ctrl-C during the package's
    import (tens of milliseconds, more on a busy machine) is one line and status 130."""
    result = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_IMPORT, "login"], capture_output=True, text=True,
        env=_env(), timeout=60, check=False,
    )
    assert result.returncode == 130
    assert result.stderr == "pycognito: interrupted\n"


def test_the_installed_command_uses_the_launcher() -> None:
    from importlib.metadata import entry_points

    [script] = [e for e in entry_points(group="console_scripts") if e.name == "pycognito"]
    assert script.value == "_pycognito_cli:main"
