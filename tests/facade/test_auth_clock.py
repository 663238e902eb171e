"""A client clock minutes off Cognito's, with the shortest tokens Cognito issues (5 minutes):
every login and refresh path, on both drivers, judges the fresh tokens by Cognito's clock."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from pycognito import Cognito
from pycognito.exceptions import (
    CustomChallengeException,
    EmailOTPChallengeException,
    ForceChangePasswordException,
    SoftwareTokenMFAChallengeException,
)

from ..conftest import ALL_AUTH_FLOWS, PoolFactory, UserInfo
from ..lambda_handlers import quiz_pool
from .conftest import CognitoFactory

FIVE_MINUTES = {"AccessToken": (5, "minutes"), "IdToken": (5, "minutes")}
SKEWS = pytest.mark.parametrize(
    "skew", [600, 360, -600], ids=["10-min-fast", "6-min-fast", "10-min-slow"]
)
Move = Callable[..., None]


def _pool_user(make_pool: PoolFactory, make_user: Callable[..., UserInfo], **pool: Any) -> Any:
    info = make_pool(token_validity=FIVE_MINUTES, client_secret=True, **pool)
    return info, make_user(info, "carol")


def _fresh(u: Cognito) -> None:
    assert u.access_claims is not None and u.access_claims["exp"] - u.access_claims["iat"] == 300
    assert u.check_token(renew=False) is False  # fresh by Cognito's clock, whatever ours says


@SKEWS
def test_every_login_path_and_refresh(make_pool: PoolFactory, make_user: Callable[..., UserInfo],
                                      make_either: CognitoFactory, move_clocks: Move,
                                      local: Any, skew: int) -> None:
    info, carol = _pool_user(make_pool, make_user)
    move_clocks(0, skew=skew)
    u = make_either(info, username="carol")
    u.authenticate(carol.password)  # USER_SRP_AUTH
    _fresh(u)
    u.admin_authenticate(carol.password)  # ADMIN_USER_PASSWORD_AUTH
    _fresh(u)
    old = u.access_token
    u.renew_access_token()  # REFRESH_TOKEN_AUTH
    assert u.access_token != old
    _fresh(u)
    move_clocks(4 * 60 + 30)  # 30 s before expiry by Cognito's clock: inside the margin
    local.clear_calls()
    assert u.check_token() is True
    assert len(local.calls("InitiateAuth", auth_flow="REFRESH_TOKEN_AUTH")) == 1
    _fresh(u)


@SKEWS
def test_refresh_with_rotation(make_pool: PoolFactory, make_user: Callable[..., UserInfo],
                               make_either: CognitoFactory, move_clocks: Move,
                               local: Any, skew: int) -> None:
    info, carol = _pool_user(make_pool, make_user, refresh_token_rotation=10)
    move_clocks(0, skew=skew)
    u = make_either(info, username="carol")
    u.authenticate(carol.password)
    u.renew_access_token()  # GetTokensFromRefreshToken
    assert local.calls("GetTokensFromRefreshToken")
    _fresh(u)


@SKEWS
def test_the_other_sign_ins(make_pool: PoolFactory, make_user: Callable[..., UserInfo],
                            make_either: CognitoFactory, move_clocks: Move, local: Any,
                            skew: int) -> None:
    """USER_PASSWORD_AUTH, USER_AUTH (password; e-mail code), an MFA code, CUSTOM_AUTH."""
    info = make_pool(token_validity=FIVE_MINUTES, client_secret=True, mfa="OPTIONAL",
                     auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"), pool_kwargs={"Policies": {
                         "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}})
    erin = make_user(info, "erin")
    move_clocks(0, skew=skew)
    u = make_either(info, username="erin")
    u.authenticate(erin.password, flow="USER_PASSWORD_AUTH")
    _fresh(u)
    u.authenticate(erin.password, flow="USER_AUTH", preferred_challenge="PASSWORD")
    _fresh(u)
    with pytest.raises(EmailOTPChallengeException):
        u.authenticate(flow="USER_AUTH", preferred_challenge="EMAIL_OTP")
    u.respond_to_email_otp_challenge(local.last_code(username="erin", kind="email_otp"))
    _fresh(u)
    secret = u.associate_software_token()
    assert u.verify_software_token(local.totp_code(secret))
    u.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        u.authenticate(erin.password)
    u.respond_to_software_token_mfa_challenge(local.totp_code(secret, steps=1))
    _fresh(u)

    quiz = quiz_pool(local, make_pool, "2 + 2?", "4", token_validity=FIVE_MINUTES)
    make_user(quiz, "lee")
    custom = make_either(quiz, username="lee")
    with pytest.raises(CustomChallengeException):
        custom.custom_authenticate()
    custom.respond_to_custom_challenge("4")
    _fresh(custom)


@SKEWS
def test_challenge_answer(make_pool: PoolFactory, make_user: Callable[..., UserInfo],
                          make_either: CognitoFactory, move_clocks: Move, skew: int) -> None:
    info = make_pool(token_validity=FIVE_MINUTES, client_secret=True)
    dave = make_user(info, "dave", status="FORCE_CHANGE_PASSWORD")
    move_clocks(0, skew=skew)
    u = make_either(info, username="dave")
    with pytest.raises(ForceChangePasswordException):
        u.authenticate(dave.password)
    u.new_password_challenge(dave.password, "Brand-New-Pass-7!")
    _fresh(u)


@SKEWS
def test_device_login(make_pool: PoolFactory, make_user: Callable[..., UserInfo],
                      make_either: CognitoFactory, move_clocks: Move,
                      local: Any, skew: int) -> None:
    info, carol = _pool_user(make_pool, make_user, device_tracking=True)
    move_clocks(0, skew=skew)
    first = make_either(info, username="carol")
    first.authenticate(carol.password)
    creds = first.remember_device("laptop")
    local.clear_calls()
    u = make_either(info, username="carol", **creds)
    u.authenticate(carol.password)  # DEVICE_SRP_AUTH + DEVICE_PASSWORD_VERIFIER
    assert [c.operation for c in local.calls()][-2:] == ["RespondToAuthChallenge"] * 2
    _fresh(u)
