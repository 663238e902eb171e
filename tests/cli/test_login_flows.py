"""``pycognito login --otp email|sms``, ``--password-auth`` and ``--custom``."""

from __future__ import annotations

from typing import Any

from ..conftest import ALL_AUTH_FLOWS, DEFAULT_PASSWORD
from ..lambda_handlers import quiz_pool
from .conftest import Runner

PASSWORDLESS = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}


def test_login_with_an_emailed_code(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                                    local: Any) -> None:
    info = make_pool(auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"),
                     pool_kwargs={"Policies": PASSWORDLESS})
    make_user(info, "alice", phone_number="+15550123")
    cli_env(info)
    mail = lambda _err: local.last_code(kind="email_otp")  # noqa: E731
    result = cli(["login", "-u", "alice", "--otp", "email"], answers=[mail])
    assert result.status == 0, result.err
    assert "Password" not in result.err and "Code sent by e-mail" in result.err
    text = lambda _err: local.last_code(kind="sms_otp")  # noqa: E731
    result = cli(["login", "-u", "alice", "--otp", "sms"], answers=[text])
    assert result.status == 0, result.err
    assert "Code sent by text message" in result.err


def test_login_with_an_unavailable_code_names_the_choices(cli: Runner, cli_env: Any,
                                                          make_pool: Any, make_user: Any) -> None:
    info = make_pool(auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"))  # PASSWORD only
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice", "--otp", "sms"])
    assert result.status == 1
    assert "PASSWORD, PASSWORD_SRP" in result.err


def test_login_with_password_auth(cli: Runner, cli_env: Any, make_pool: Any, make_user: Any,
                                  local: Any) -> None:
    info = make_pool()
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice", "--password-auth"], answers=[DEFAULT_PASSWORD])
    assert result.status == 0, result.err
    assert [c.auth_flow for c in local.calls("InitiateAuth")] == ["USER_PASSWORD_AUTH"]


def test_login_with_custom_challenges(cli: Runner, cli_env: Any, make_pool: Any,
                                      make_user: Any, local: Any) -> None:
    info = quiz_pool(local, make_pool, "Capital of France?", "Paris")
    make_user(info, "alice")
    cli_env(info)
    result = cli(["login", "-u", "alice", "--custom"], answers=["Lyon", "Paris"])
    assert result.status == 0, result.err
    assert result.err.count("question: Capital of France?") == 2
    assert "Password" not in result.err


def test_login_flow_flags_exclude_each_other(cli: Runner) -> None:
    result = cli(["login", "--otp", "email", "--custom"])
    assert result.status == 2 and "not allowed with" in result.err
