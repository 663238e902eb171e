"""``--help`` everywhere, usage errors, and the parts that need no Cognito."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from pycognito.cli._config import SessionFile, default_token_file
from pycognito.cli._errors import describe
from pycognito.cli._qr import qr_text, render_matrix

from .conftest import Runner

COMMANDS = ["login", "refresh", "whoami", "verify", "logout", "local", "demo"]


def test_top_level_help_lists_every_command(cli: Runner) -> None:
    result = cli(["--help"])
    assert result.status == 0
    for command in COMMANDS:
        assert command in result.out
    assert "COGNITO_USER_POOL_ID" in result.out and "COGNITO_CLIENT_SECRET" in result.out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(cli: Runner, command: str) -> None:
    result = cli([command, "--help"])
    assert result.status == 0
    assert result.out.startswith(f"usage: pycognito {command}")


def test_no_command_is_a_usage_error(cli: Runner) -> None:
    assert cli([]).status == 2


def test_client_secret_is_never_a_flag_value(cli: Runner) -> None:
    result = cli(["login", "--client-secret", "s3cr3t-value"])
    assert result.status == 2
    assert "s3cr3t-value" not in result.err + result.out


SECRET = "hunter2-s3cr3t"


@pytest.mark.parametrize("command", ["login", "refresh", "whoami", "logout"])
@pytest.mark.parametrize(
    "spelling",
    [
        ["--client-secret=" + SECRET],  # = form
        ["--client-secret", "--client-secret=" + SECRET],  # repeated flag
        ["--client-sec=" + SECRET],  # abbreviation
        ["--client=" + SECRET],  # ambiguous abbreviation
        ["--client-secret", SECRET],  # stray value
        ["--client-secretX=" + SECRET],
    ],
    ids=["equals", "repeated", "abbreviated", "ambiguous", "stray", "misspelt"],
)
def test_a_secret_on_the_command_line_is_never_echoed(cli: Runner, command: str,
                                                      spelling: list[str]) -> None:
    result = cli([command, *spelling])
    assert result.status == 2
    assert SECRET not in result.err + result.out
    assert result.err_lines[-1].startswith("pycognito")


def test_option_values_are_not_abbreviated(cli: Runner) -> None:
    """No abbreviations: ``--pool`` is not taken for ``--pool-id``."""
    result = cli(["login", "--pool", "eu-west-1_x"])
    assert result.status == 2 and "unrecognized arguments" in result.err


@pytest.mark.parametrize("port", ["99999", "-5", "65536", "http"])
def test_local_port_out_of_range(cli: Runner, port: str) -> None:
    result = cli(["local", "--port", port])
    assert result.status == 2
    assert result.err_lines[-1] == (
        "pycognito local: error: argument --port: must be a number from 0 to 65535"
    )


def test_password_flag_does_not_exist(cli: Runner) -> None:
    result = cli(["login", "--password", "hunter2"])
    assert result.status == 2
    assert "hunter2" not in result.err + result.out


def test_missing_pool_is_one_line(cli: Runner, cli_env: object) -> None:
    result = cli(["login", "-u", "alice"], answers=["pw"])
    assert result.status == 1
    assert result.err_lines[-1] == (
        "pycognito login: no user pool: pass --pool-id or set COGNITO_USER_POOL_ID"
    )


def test_bad_pool_id_is_one_line(cli: Runner, cli_env: object) -> None:
    result = cli(["login", "--pool-id", "nounderscore", "--client-id", "c", "-u", "a"])
    assert result.status == 1
    assert len(result.err_lines) == 1 and "not a user pool id" in result.err


def test_not_logged_in(cli: Runner, cli_env: object) -> None:
    for command in ("refresh", "whoami"):
        result = cli([command])
        assert result.status == 1
        assert len(result.err_lines) == 1 and "not logged in" in result.err
    assert cli(["logout"]).status == 0


def test_default_token_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert default_token_file() == tmp_path / "pycognito" / "tokens.json"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")
    assert default_token_file() == Path.home() / ".config" / "pycognito" / "tokens.json"


def test_session_file_keeps_devices_when_cleared(tmp_path: Path) -> None:
    store = SessionFile(tmp_path / "dir" / "tokens.json")
    device = {"device_key": "k", "device_group_key": "g", "device_password": "p"}
    store.remember_device("us-east-1_x", ["Alice", "alice-sub"], device)
    store.save({"tokens": {"access_token": "a"}, "clock_offset": 1.5})
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.load() == {"tokens": {"access_token": "a"}, "clock_offset": 1.5}
    store.clear()
    assert store.load() is None
    assert store.device("us-east-1_x", "alice-sub") == device
    store.forget_device("us-east-1_x", "k")
    assert store.device("us-east-1_x", "Alice") is None
    assert json.loads(store.path.read_text()) == {"devices": {}}


def test_render_matrix_half_blocks() -> None:
    # dark modules become background on a dark terminal: light ones are drawn
    assert render_matrix([[1, 0], [1, 1]]) == " ▀"
    assert render_matrix([[1, 0], [0, 1], [1, 1]]) == "▄▀\n▄▄"  # odd: a light row is added
    assert render_matrix([[1, 0]], invert=True) == "▀ "
    assert render_matrix([]) == ""


def test_qr_text_has_quiet_zone() -> None:
    text = qr_text("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP")
    assert text is not None
    lines = text.splitlines()
    assert set(lines[0]) == {"█"} and len({len(line) for line in lines}) == 1


def test_describe_client_errors() -> None:
    class Boom(Exception):
        def __init__(self, code: str, message: str) -> None:
            super().__init__(message)
            self.response = {"Error": {"Code": code, "Message": message}}

    assert describe(Boom("NotAuthorizedException", "Incorrect username or password.")) == (
        "wrong username or password"
    )
    assert "COGNITO_CLIENT_SECRET" in describe(
        Boom("NotAuthorizedException", "Unable to verify secret hash for client abc")
    )
    assert describe(Boom("ResourceNotFoundException", "User pool x does not exist.")) == (
        "User pool x does not exist (ResourceNotFoundException)"
    )
    assert describe(Boom("CodeMismatchException", "Invalid code")) == "wrong code"
