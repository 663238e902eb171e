"""``refresh``, ``whoami``, ``verify`` and ``logout`` on the tokens saved by ``login``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import Runner

PASSWORD = "Correct-Horse-9!"


def _logged_in(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any, **pool: Any) -> Any:
    info = make_pool(**pool)
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice"], answers=[PASSWORD])
    assert result.status == 0, result.err
    return info


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = "A" if payload[10] != "A" else "B"
    return ".".join([header, payload[:10] + flipped + payload[11:], signature])


def test_refresh(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                 token_file: Path) -> None:
    _logged_in(cli, cli_env, make_pool, make_user, client_secret=True)
    before = json.loads(token_file.read_text())["tokens"]
    result = cli(["refresh"])
    assert result.status == 0, result.err
    assert result.out.startswith("Tokens refreshed for alice")
    after = json.loads(token_file.read_text())
    assert after["tokens"]["access_token"] != before["access_token"]
    assert after["tokens"]["refresh_token"] == before["refresh_token"]
    assert "session" in after
    printed = cli(["refresh", "--json"])
    assert json.loads(printed.out)["AccessToken"] == json.loads(
        token_file.read_text())["tokens"]["access_token"]


def test_refresh_with_rotation(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                               token_file: Path) -> None:
    _logged_in(cli, cli_env, make_pool, make_user, client_secret=True,
               refresh_token_rotation=0)
    before = json.loads(token_file.read_text())["tokens"]
    result = cli(["refresh"])
    assert result.status == 0, result.err
    after = json.loads(token_file.read_text())
    assert after["tokens"]["access_token"] != before["access_token"]
    assert after["tokens"]["refresh_token"] != before["refresh_token"]  # rotated
    assert after["session"]["username"] == "alice"
    assert cli(["whoami"]).status == 0


def test_refresh_prompts_for_secret_when_not_in_env(cli: Runner, cli_env: Any, make_pool: Any,
                                                    make_user: Any,
                                                    monkeypatch: Any) -> None:
    info = _logged_in(cli, cli_env, make_pool, make_user, client_secret=True)
    monkeypatch.delenv("COGNITO_CLIENT_SECRET")
    result = cli(["refresh"], answers=[info.client_secret])
    assert result.status == 0, result.err
    assert "App client secret" in result.err


def test_whoami(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any) -> None:
    info = _logged_in(cli, cli_env, make_pool, make_user)
    result = cli(["whoami"])
    assert result.status == 0, result.err
    assert result.out.startswith("username: alice\n")
    assert "email: alice@example.com" in result.out and "mfa: none" in result.out
    as_json = json.loads(cli(["whoami", "--json"]).out)
    assert as_json["username"] == "alice" and as_json["user_pool_id"] == info.pool_id
    assert "AccessToken" not in json.dumps(as_json)


def test_whoami_after_expiry_refreshes(cli: Runner, cli_env: Any, make_pool: Any,
                                       make_user: Any, local: Any, token_file: Path) -> None:
    _logged_in(cli, cli_env, make_pool, make_user,
               token_validity={"AccessToken": (5, "minutes"), "IdToken": (5, "minutes")})
    old = json.loads(token_file.read_text())["tokens"]["access_token"]
    local.advance_clock(6 * 60)
    result = cli(["whoami"])
    assert result.status == 0, result.err
    assert json.loads(token_file.read_text())["tokens"]["access_token"] != old


def test_verify_saved_and_given_tokens(cli: Runner, cli_env: Any, make_pool: Any,
                                       make_user: Any, token_file: Path) -> None:
    _logged_in(cli, cli_env, make_pool, make_user)
    saved = cli(["verify"])
    assert saved.status == 0, saved.err
    claims = json.loads(saved.out)
    assert claims["id"]["cognito:username"] == "alice"
    assert claims["access"]["token_use"] == "access"
    access = json.loads(token_file.read_text())["tokens"]["access_token"]
    given = cli(["verify", access, "--token-use", "access"])
    assert given.status == 0, given.err
    assert json.loads(given.out)["username"] == "alice"
    assert "valid access token for alice" in given.err
    from_stdin = cli(["verify", "-"], answers=[access])
    assert from_stdin.status == 0, from_stdin.err


def test_verify_tampered_token(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                               token_file: Path) -> None:
    _logged_in(cli, cli_env, make_pool, make_user)
    access = json.loads(token_file.read_text())["tokens"]["access_token"]
    result = cli(["verify", _tampered(access)])
    assert result.status == 1
    assert result.out == ""
    assert len(result.err_lines) == 1
    assert result.err_lines[0].startswith("pycognito verify: invalid token: ")


def test_verify_wrong_use_and_garbage(cli: Runner, cli_env: Any, make_pool: Any,
                                      make_user: Any, token_file: Path) -> None:
    _logged_in(cli, cli_env, make_pool, make_user)
    access = json.loads(token_file.read_text())["tokens"]["access_token"]
    wrong_use = cli(["verify", access, "--token-use", "id"])
    assert wrong_use.status == 1 and "invalid id token" in wrong_use.err
    garbage = cli(["verify", "not-a-token"])
    assert garbage.status == 1 and len(garbage.err_lines) == 1
    other_client = cli(["verify", access, "--client-id", "someoneelse"])
    assert other_client.status == 1 and "invalid token" in other_client.err
    any_client = cli(["verify", access, "--client-id", "someoneelse", "--any-client"])
    assert any_client.status == 0, any_client.err


def test_logout_then_old_refresh_token_refused(cli: Runner, cli_env: Any, make_pool: Any,
                                               make_user: Any, token_file: Path) -> None:
    _logged_in(cli, cli_env, make_pool, make_user, client_secret=True)
    copy = token_file.read_text()
    result = cli(["logout"])
    assert result.status == 0, result.err
    assert result.out.startswith("Logged out alice everywhere")
    assert not token_file.exists()
    assert cli(["whoami"]).status == 1
    token_file.write_text(copy)  # someone kept a copy of the old tokens
    refused = cli(["refresh"])
    assert refused.status == 1
    assert len(refused.err_lines) == 1 and "revoked" in refused.err
    assert "Traceback" not in refused.err


def test_logout_local_only_and_forget_device(cli: Runner, cli_env: Any, make_pool: Any,
                                             make_user: Any, token_file: Path) -> None:
    _logged_in(cli, cli_env, make_pool, make_user)
    local_only = cli(["logout", "--local-only"])
    assert local_only.status == 0 and "Forgot the saved tokens" in local_only.out
    assert cli(["logout"]).out.startswith("Not logged in")


def test_logout_forgets_device(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                               token_file: Path) -> None:
    info = make_pool(device_tracking=True)
    make_user(info, "alice")
    cli_env(info)
    assert cli(["login", "-u", "alice", "--remember-device"], answers=[PASSWORD]).status == 0
    assert json.loads(token_file.read_text())["devices"]
    kept = cli(["logout"])  # docs/cli.md: logout keeps `devices` unless --forget-device
    assert kept.status == 0, kept.err
    assert set(json.loads(token_file.read_text())) == {"devices"}
    assert cli(["login", "-u", "alice"], answers=[PASSWORD]).status == 0  # with the device
    result = cli(["logout", "--forget-device"])
    assert result.status == 0, result.err
    assert not token_file.exists() or not json.loads(token_file.read_text()).get("devices")


def test_unreadable_saved_tokens_count_as_not_logged_in(cli: Runner, cli_env: Any,
                                                        make_pool: Any, make_user: Any,
                                                        token_file: Path) -> None:
    _logged_in(cli, cli_env, make_pool, make_user)
    saved = json.loads(token_file.read_text())
    for foreign in ({"access": "x"}, "a string", None):
        token_file.write_text(json.dumps({**saved, "tokens": foreign}))
        verify = cli(["verify"])
        assert verify.status == 1
        assert verify.err_lines == ["pycognito verify: no TOKEN given and not logged in"]
        for command in ("whoami", "refresh"):
            result = cli([command])
            assert result.status == 1
            assert result.err_lines == [f"pycognito {command}: not logged in (no tokens in "
                                        f"{token_file}); run `pycognito login`"]
        assert cli(["logout"]).out == "Not logged in.\n"


def test_a_damaged_token_file_is_no_session(cli: Runner, cli_env: Any, make_pool: Any,
                                            make_user: Any, token_file: Path) -> None:
    import pytest

    info = _logged_in(cli, cli_env, make_pool, make_user)
    saved = json.loads(token_file.read_text())
    for damaged in ({**saved, "devices": ["not", "a", "mapping"]},
                    {**saved, "session": "nope"},
                    {**saved, "clock_offset": "nan"}):
        token_file.write_text(json.dumps(damaged))
        with pytest.warns(RuntimeWarning, match=str(token_file)):
            result = cli(["whoami"])
        assert result.status == 1 and "login" in result.err, result.err
        assert "unexpected error" not in result.err and len(result.err.splitlines()) == 1
    token_file.write_text("[" * 100_000)
    with pytest.warns(RuntimeWarning, match="cannot be used"):
        result = cli(["logout"])
    assert "unexpected error" not in result.err and "Recursion" not in result.err, result.err
    with pytest.warns(RuntimeWarning, match="cannot be used"):  # replaced by a fresh session
        assert cli(["login", "-u", "alice"], answers=[PASSWORD]).status == 0
    assert cli(["whoami"]).status == 0 and info.pool_id


def test_whoami_refreshes_once_more_when_cognito_rejects_the_token(
        cli: Runner, cli_env: Any, make_pool: Any, make_user: Any, local: Any,
        token_file: Path) -> None:
    """docs/cli.md: whoami's access token is refreshed "once more if Cognito rejects it" (here
    the saved clock offset makes an expired token look fresh, so only Cognito knows)."""
    _logged_in(cli, cli_env, make_pool, make_user,
               token_validity={"AccessToken": (5, "minutes"), "IdToken": (5, "minutes")})
    saved = json.loads(token_file.read_text())
    old = saved["tokens"]["access_token"]
    saved["clock_offset"] -= 3600  # we believe Cognito's clock an hour behind
    token_file.write_text(json.dumps(saved))
    local.advance_clock(6 * 60)
    local.clear_calls()
    result = cli(["whoami"])
    assert result.status == 0, result.err
    assert result.out.startswith("username: alice\n")
    assert [c.operation for c in local.calls()] == ["GetUser", "InitiateAuth", "GetUser"]
    assert json.loads(token_file.read_text())["tokens"]["access_token"] != old


def test_logout_keeps_the_tokens_when_cognito_cannot_be_reached(
        cli: Runner, cli_env: Any, make_pool: Any, make_user: Any, token_file: Path,
        monkeypatch: Any) -> None:
    """docs/cli.md: a network failure keeps the tokens so that ``logout`` can be retried."""
    info = _logged_in(cli, cli_env, make_pool, make_user)
    before = json.loads(token_file.read_text())
    monkeypatch.setenv("COGNITO_ENDPOINT_URL", "http://127.0.0.1:9")
    failed = cli(["logout"])
    assert failed.status == 1 and "cannot reach Cognito" in failed.err, failed.err
    assert json.loads(token_file.read_text())["tokens"] == before["tokens"]  # kept
    monkeypatch.setenv("COGNITO_ENDPOINT_URL", info.endpoint_url)
    retried = cli(["logout"])
    assert retried.status == 0 and retried.out.startswith("Logged out alice everywhere")
    assert not token_file.exists()
