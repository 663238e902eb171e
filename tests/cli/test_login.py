"""``pycognito login`` against the local Cognito: success, every challenge, every failure."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from pycognito import Cognito
from pycognito.totp import totp_code

from .conftest import Runner, shown_totp

PASSWORD = "Correct-Horse-9!"


def _one_error_line(result: Any, expected: str) -> None:
    assert result.status == 1
    lines = result.err_lines
    assert lines[-1].startswith("pycognito login: "), result.err
    assert expected in lines[-1], result.err
    assert "Traceback" not in result.err


def _enable_totp(info: Any, username: str, password: str = PASSWORD) -> str:
    """Set up an authenticator app for the user through the facade; return its secret."""
    user = Cognito(info.pool_id, info.client_id, username=username,
                   client_secret=info.client_secret,
                   boto3_client_kwargs=info.boto3_client_kwargs())
    user.authenticate(password)
    secret = user.associate_software_token()
    assert user.verify_software_token(totp_code(secret), "test phone")
    user.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    return str(secret)


def _next_code(secret: str) -> Callable[[str], str]:
    # the set-up used this step's code; answer with the next step's (one step of drift is fine)
    return lambda _stderr: totp_code(secret, time.time() + 30)


def test_login_saves_tokens_0600(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                                 token_file: Path) -> None:
    info = make_pool(client_secret=True)
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice"], answers=[PASSWORD])
    assert result.status == 0, result.err
    assert result.out.startswith("Logged in as alice; tokens saved to ")
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700  # created by the command
    saved = json.loads(token_file.read_text())
    assert set(saved) >= {"tokens", "clock_offset", "session"}
    assert saved["session"]["user_pool_id"] == info.pool_id
    assert saved["session"]["client_has_secret"] is True
    everything = result.out + result.err + token_file.read_text()
    assert PASSWORD not in everything and info.client_secret not in everything
    tokens = saved["tokens"]  # docs/cli.md: without --json no token is ever printed
    for name in ("id_token", "access_token", "refresh_token"):
        assert tokens[name] and tokens[name] not in result.out + result.err, name


def test_login_prompts_for_username(cli: Runner, cli_env: Any, make_pool: Any,
                                    make_user: Any) -> None:
    info = make_pool()
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login"], answers=["alice", PASSWORD])
    assert result.status == 0, result.err
    assert "Username: " in result.err and "Password: " in result.err


def test_login_json_without_saving(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                                   token_file: Path) -> None:
    info = make_pool()
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice", "--json", "--no-save"], answers=[PASSWORD])
    assert result.status == 0, result.err
    tokens = json.loads(result.out)
    assert set(tokens) == {"IdToken", "AccessToken", "RefreshToken", "TokenType", "ExpiresIn"}
    assert not token_file.exists()


def test_flags_override_environment(cli: Runner, cli_env: Any, make_pool: Any,
                                    make_user: Any) -> None:
    info = make_pool()
    make_user(info, "alice")
    result = cli(["login", "-u", "alice", "--pool-id", info.pool_id, "--client-id",
                  info.client_id, "--endpoint-url", info.endpoint_url], answers=[PASSWORD])
    assert result.status == 0, result.err


def test_client_secret_by_prompt(cli: Runner, cli_env: Any, make_pool: Any,
                                 make_user: Any) -> None:
    info = make_pool(client_secret=True)
    make_user(info, "alice")
    cli_env(info, secret=False)
    result = cli(["login", "-u", "alice", "--client-secret"],
                 answers=[info.client_secret, PASSWORD])
    assert result.status == 0, result.err
    assert "App client secret: " in result.err
    assert info.client_secret not in result.err + result.out


def test_wrong_password(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                        token_file: Path) -> None:
    info = make_pool(client_secret=True)
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice"], answers=["Wrong-Horse-9!"])
    _one_error_line(result, "wrong username or password")
    assert "Wrong-Horse-9!" not in result.err
    assert not token_file.exists()


def test_missing_client_secret_hint(cli: Runner, cli_env: Any, make_pool: Any,
                                    make_user: Any) -> None:
    info = make_pool(client_secret=True)
    make_user(info, "alice")
    cli_env(info, secret=False)
    result = cli(["login", "-u", "alice"], answers=[PASSWORD])
    _one_error_line(result, "COGNITO_CLIENT_SECRET")


def test_unknown_pool(cli: Runner, cli_env: Any, make_pool: Any, local: Any) -> None:
    info = make_pool()
    cli_env(info)
    result = cli(["login", "-u", "alice", "--pool-id", "us-east-1_doesnotexist",
                  "--client-id", "nosuchclient"], answers=[PASSWORD])
    _one_error_line(result, "exist")


def test_network_error(cli: Runner, cli_env: Any) -> None:
    result = cli(["login", "-u", "alice", "--pool-id", "us-east-1_abc", "--client-id", "c",
                  "--endpoint-url", "http://127.0.0.1:9"], answers=[PASSWORD])
    _one_error_line(result, "cannot reach Cognito at http://127.0.0.1:9")


def test_no_password_on_closed_stdin(cli: Runner, cli_env: Any, make_pool: Any) -> None:
    cli_env(make_pool())
    result = cli(["login", "-u", "alice"], answers=[])
    _one_error_line(result, "input ended")


def test_new_password_required(cli: Runner, cli_env: Any, make_pool: Any,
                               make_user: Any) -> None:
    info = make_pool(client_secret=True)
    make_user(info, "alice", status="FORCE_CHANGE_PASSWORD")
    cli_env(info)
    new = "Brand-New-Horse-7!"
    result = cli(["login", "-u", "alice"], answers=[PASSWORD, new, "different-1!", new, new])
    assert result.status == 0, result.err
    assert "requires a new password" in result.err and "passwords differ" in result.err
    assert cli(["login", "-u", "alice"], answers=[new]).status == 0


def test_totp_challenge(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any) -> None:
    info = make_pool(client_secret=True, mfa="OPTIONAL")
    make_user(info, "alice")
    secret = _enable_totp(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice"], answers=[PASSWORD, "000000", _next_code(secret)])
    assert result.status == 0, result.err
    assert "Code from your authenticator app" in result.err
    assert "Wrong code; try again." in result.err


def test_totp_wrong_codes_give_up(cli: Runner, cli_env: Any, make_pool: Any,
                                  make_user: Any) -> None:
    info = make_pool(mfa="OPTIONAL")
    make_user(info, "alice")
    _enable_totp(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice"], answers=[PASSWORD, "000000", "000001", "000002"])
    _one_error_line(result, "wrong code")


def test_sms_challenge(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                       local: Any) -> None:
    info = make_pool(mfa="ON", mfa_types=("SMS_MFA",))
    make_user(info, "alice", phone_number="+15555550100")
    local.client().admin_set_user_mfa_preference(
        UserPoolId=info.pool_id, Username="alice",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    cli_env(info)
    sms = lambda _err: local.last_code(user_pool_id=info.pool_id, kind="sms_mfa")  # noqa: E731
    result = cli(["login", "-u", "alice"], answers=[PASSWORD, sms])
    assert result.status == 0, result.err
    assert "Code sent by text message" in result.err


def test_email_otp_challenge(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                             local: Any) -> None:
    info = make_pool(mfa="OPTIONAL", mfa_types=("EMAIL_OTP",))
    make_user(info, "alice")
    local.client().admin_set_user_mfa_preference(
        UserPoolId=info.pool_id, Username="alice",
        EmailMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    cli_env(info)
    mail = lambda _err: local.last_code(user_pool_id=info.pool_id, kind="email_mfa")  # noqa: E731
    result = cli(["login", "-u", "alice"], answers=[PASSWORD, mail])
    assert result.status == 0, result.err
    assert "Code sent by e-mail" in result.err


def test_select_mfa_type(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                         local: Any) -> None:
    info = make_pool(mfa="OPTIONAL", mfa_types=("SOFTWARE_TOKEN_MFA", "SMS_MFA"))
    make_user(info, "alice", phone_number="+15555550100")
    secret = _enable_totp(info, "alice")
    local.client().admin_set_user_mfa_preference(
        UserPoolId=info.pool_id, Username="alice",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": False},
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
    )
    cli_env(info)
    result = cli(["login", "-u", "alice", "--mfa", "totp"],
                 answers=[PASSWORD, _next_code(secret)])
    assert result.status == 0, result.err
    chosen = cli(["login", "-u", "alice"], answers=[PASSWORD, "SOFTWARE_TOKEN_MFA",
                                                    _next_code(secret)])
    assert chosen.status == 0, chosen.err
    assert "Choose how to receive the MFA code" in chosen.err


def test_mfa_setup_with_qr(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any) -> None:
    info = make_pool(client_secret=True, mfa="ON")
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice", "--no-remember-device"],
                 answers=[PASSWORD, shown_totp])
    assert result.status == 0, result.err
    assert "requires MFA" in result.err and "█" in result.err
    key = _key(result.err)
    again = cli(["login", "-u", "alice"], answers=[PASSWORD, _next_code(key)])
    assert again.status == 0, again.err
    assert "Code from your authenticator app" in again.err


def _key(stderr: str) -> str:
    import re

    match = re.search(r"Key: ([A-Z2-7]+)", stderr)
    assert match
    return match.group(1)


@pytest.mark.parametrize("flag", ["--remember-device", None])
def test_remembered_device_skips_mfa(cli: Runner, cli_env: Any, make_pool: Any,
                                     make_user: Any, token_file: Path, flag: Any) -> None:
    info = make_pool(client_secret=True, mfa="OPTIONAL", device_tracking={
        "ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True})
    make_user(info, "alice")
    secret = _enable_totp(info, "alice")
    cli_env(info)
    args = ["login", "-u", "alice"] + ([flag] if flag else [])
    answers: list[Any] = [PASSWORD, _next_code(secret)] + ([] if flag else ["y"])
    first = cli(args, answers=answers)
    assert first.status == 0, first.err
    assert "Device remembered" in first.err
    saved = json.loads(token_file.read_text())
    assert "alice" in {key.split("/", 1)[1] for key in saved["devices"]}
    # only the password: a TOTP prompt would find stdin closed and fail
    second = cli(["login", "-u", "alice"], answers=[PASSWORD])
    assert second.status == 0, second.err
    assert "authenticator" not in second.err
    whoami = cli(["whoami"])
    assert "device: " in whoami.out


def test_declined_device_is_not_saved(cli: Runner, cli_env: Any, make_pool: Any,
                                      make_user: Any, token_file: Path) -> None:
    info = make_pool(device_tracking={"ChallengeRequiredOnNewDevice": True,
                                      "DeviceOnlyRememberedOnUserPrompt": True})
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice"], answers=[PASSWORD, "n"])
    assert result.status == 0, result.err
    assert "devices" not in json.loads(token_file.read_text())


def test_mfa_setup_without_a_way_to_receive_codes(cli: Runner, cli_env: Any, make_pool: Any,
                                                  local: Any) -> None:
    info = make_pool(mfa="ON", mfa_types=("SMS_MFA",))
    local.client().admin_create_user(
        UserPoolId=info.pool_id, Username="nophone", TemporaryPassword=PASSWORD,
        MessageAction="SUPPRESS",
    )
    local.client().admin_set_user_password(UserPoolId=info.pool_id, Username="nophone",
                                           Password=PASSWORD, Permanent=True)
    cli_env(info)
    result = cli(["login", "-u", "nophone"], answers=[PASSWORD])
    _one_error_line(result, "no way to receive codes")



def test_device_cognito_refuses_is_dropped(cli: Runner, cli_env: Any, make_pool: Any,
                                           make_user: Any, token_file: Path, local: Any) -> None:
    info = make_pool(client_secret=True, device_tracking=True)
    make_user(info, "alice")
    cli_env(info)
    first = cli(["login", "-u", "alice", "--remember-device"], answers=[PASSWORD])
    assert first.status == 0, first.err
    old_key = json.loads(token_file.read_text())["session"]["device_key"]
    assert old_key

    # Forgotten on Cognito's side (another client, an admin): the local Cognito refuses the
    # stored DEVICE_KEY as AWS does ("Device does not exist.").
    local.client().admin_forget_device(UserPoolId=info.pool_id, Username="alice",
                                       DeviceKey=old_key)
    local.clear_calls()
    again = cli(["login", "-u", "alice", "--no-remember-device"], answers=[PASSWORD])
    assert again.status == 0, again.err
    assert "no longer known to Cognito" in again.err
    saved = json.loads(token_file.read_text())
    assert not saved.get("devices") and saved["session"]["device_key"] != old_key
    # the login with the forgotten device was refused (its DEVICE_KEY goes with the password
    # proof), then made again without it
    answered = [call.challenge_name for call in local.calls("RespondToAuthChallenge")]
    assert answered == ["PASSWORD_VERIFIER", "PASSWORD_VERIFIER"]
    assert len(local.calls("InitiateAuth", auth_flow="USER_SRP_AUTH")) == 2
