"""The real command in a subprocess: exit statuses, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PASSWORD = "Correct-Horse-9!"


def _run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pycognito.cli", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=60, check=False,
    )


def _env(info: Any, token_file: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        COGNITO_USER_POOL_ID=info.pool_id,
        COGNITO_CLIENT_ID=info.client_id,
        COGNITO_ENDPOINT_URL=info.endpoint_url,
        PYCOGNITO_TOKEN_FILE=str(token_file),
    )
    if info.client_secret:
        env["COGNITO_CLIENT_SECRET"] = info.client_secret
    for name in ("PYCOGNITO_DEBUG", "COGNITO_JWKS", "COGNITO_REGION", "COGNITO_USERNAME"):
        env.pop(name, None)
    return env


def test_login_verify_logout_in_subprocesses(make_pool: Any, make_user: Any,
                                             tmp_path: Path) -> None:
    info = make_pool(client_secret=True)
    make_user(info, "alice")
    token_file = tmp_path / "tokens.json"
    env = _env(info, token_file)

    wrong = _run(["login", "-u", "alice"], env, stdin="Wrong-Horse-9!\n")
    assert wrong.returncode == 1
    assert wrong.stdout == ""
    assert wrong.stderr.splitlines()[-1] == "pycognito login: wrong username or password"
    assert "Traceback" not in wrong.stderr and "Wrong-Horse-9!" not in wrong.stderr

    good = _run(["login", "-u", "alice", "--json"], env, stdin=f"{PASSWORD}\n")
    assert good.returncode == 0, good.stderr
    tokens = json.loads(good.stdout)
    assert PASSWORD not in good.stdout + good.stderr

    tampered = tokens["AccessToken"][:-6] + ("AAAAAA" if not tokens["AccessToken"].endswith(
        "AAAAAA") else "BBBBBB")
    bad = _run(["verify", tampered], env)
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert len(bad.stderr.strip().splitlines()) == 1
    assert bad.stderr.startswith("pycognito verify: invalid token: ")

    ok = _run(["verify", "-"], env, stdin=tokens["IdToken"])
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["cognito:username"] == "alice"

    out = _run(["logout"], env)
    assert out.returncode == 0, out.stderr


def test_no_aws_credentials_needed(make_pool: Any, make_user: Any, tmp_path: Path) -> None:
    """docs/cli.md: every call the CLI makes is a public Cognito operation, sent unsigned."""
    info = make_pool(client_secret=True)
    make_user(info, "alice")
    env = _env(info, tmp_path / "tokens.json")
    for name in list(env):
        if name.startswith("AWS_") and name not in ("AWS_EC2_METADATA_DISABLED",):
            del env[name]
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true", HOME=str(tmp_path))
    for args in (["login", "-u", "alice"], ["whoami"], ["refresh"], ["logout"]):
        done = _run(args, env, stdin=f"{PASSWORD}\n")
        assert done.returncode == 0, (args, done.stderr)


def test_network_error_in_subprocess(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(COGNITO_USER_POOL_ID="us-east-1_abc", COGNITO_CLIENT_ID="c",
               COGNITO_ENDPOINT_URL="http://127.0.0.1:9",
               PYCOGNITO_TOKEN_FILE=str(tmp_path / "t.json"))
    env.pop("COGNITO_CLIENT_SECRET", None)
    result = _run(["login", "-u", "alice"], env, stdin="x\n")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "Password: "  # the prompt, then exactly one error line
    assert len(lines) == 2 and "Traceback" not in result.stderr
    assert lines[1].startswith("pycognito login: cannot reach Cognito at http://127.0.0.1:9")


def test_console_script_help() -> None:
    script = Path(sys.executable).with_name("pycognito")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pycognito.cli"]
    result = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0
    assert "login" in result.stdout and "demo" in result.stdout


def test_local_prints_its_endpoint_first() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pycognito.cli", "local", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("http://127.0.0.1:")
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_password_that_is_not_utf8_is_one_line_without_the_password(
        make_pool: Any, make_user: Any, tmp_path: Path) -> None:
    info = make_pool()
    make_user(info, "bob")
    env = _env(info, tmp_path / "tokens.json")
    for io_encoding in ("utf-8:surrogateescape", "utf-8:strict"):
        env["PYTHONIOENCODING"] = io_encoding
        done = subprocess.run([sys.executable, "-m", "pycognito.cli", "login", "-u", "bob"],
                              input=b"Sec\xffret-Horse\n", capture_output=True, env=env,
                              timeout=60, check=False)
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 1, err
        assert err.startswith("Password: \n") and "Traceback" not in err
        assert len(err.strip().splitlines()) == 2  # the prompt, then one line
        assert "Sec" not in err and "ret-Horse" not in err and b"Sec" not in done.stdout
        if io_encoding.endswith("surrogateescape"):
            assert "password is not valid text" in err


def test_a_damaged_token_file_is_one_warning_line(make_pool: Any, tmp_path: Path) -> None:
    """Not Python's two-line warning (file:line, category, and the source line)."""
    info = make_pool()
    token_file = tmp_path / "tokens.json"
    token_file.write_text("[" * 100_000)
    result = _run(["whoami"], _env(info, token_file))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"pycognito whoami: warning: the saved session in FileTokenStorage('{token_file}') "
        "cannot be used (not a JSON object); it is ignored: log in again",
        f"pycognito whoami: not logged in (no tokens in {token_file}); run `pycognito login`",
    ]


def test_a_reader_that_goes_away_ends_the_command_quietly(make_pool: Any, make_user: Any,
                                                          tmp_path: Path) -> None:
    """``pycognito verify ... | head -c 10``: the pipe's reader is gone before the claims are
    written; status 141 as under SIGPIPE, and no "[Errno 32] Broken pipe" line or traceback."""
    info = make_pool()
    make_user(info, "alice")
    env = _env(info, tmp_path / "tokens.json")
    good = _run(["login", "-u", "alice", "--json"], env, stdin=f"{PASSWORD}\n")
    token = json.loads(good.stdout)["IdToken"]
    read, write = os.pipe()
    os.close(read)  # the reader has gone before anything is written
    try:
        done = subprocess.run([sys.executable, "-m", "pycognito.cli", "verify", token],
                              stdout=write, stderr=subprocess.PIPE, text=True, env=env,
                              timeout=60, check=False)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, "")
