"""USER_AUTH on the local Cognito: SignInPolicy, SELECT_CHALLENGE, one-time codes, passwords."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pycognito.local import LocalCognito

from ..conftest import ALL_AUTH_FLOWS, PoolInfo, UserInfo
from .helpers import error_of

POLICY = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}


@pytest.fixture
def choice_pool(make_pool: Callable[..., PoolInfo]) -> PoolInfo:
    return make_pool(mfa="OPTIONAL", auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"),
                     pool_kwargs={"Policies": POLICY})


def start(idp: Any, pool: PoolInfo, **params: str) -> dict[str, Any]:
    return idp.initiate_auth(ClientId=pool.client_id,  # type: ignore[no-any-return]
                             AuthFlow="USER_AUTH", AuthParameters={"USERNAME": "jo", **params})


def respond(idp: Any, pool: PoolInfo, challenge: dict[str, Any], name: str,
            **responses: str) -> dict[str, Any]:
    return idp.respond_to_auth_challenge(  # type: ignore[no-any-return]
        ClientId=pool.client_id, ChallengeName=name, Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "jo", **responses})


def test_select_challenge_then_email_code(local: LocalCognito, cognito_idp: Any,
                                          choice_pool: PoolInfo,
                                          make_user: Callable[..., UserInfo]) -> None:
    make_user(choice_pool, "jo", phone_number="+15550100")
    offered = start(cognito_idp, choice_pool)
    assert offered["ChallengeName"] == "SELECT_CHALLENGE"
    assert offered["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    otp = respond(cognito_idp, choice_pool, offered, "SELECT_CHALLENGE", ANSWER="EMAIL_OTP")
    assert otp["ChallengeName"] == "EMAIL_OTP"
    assert otp["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    with pytest.raises(ClientError) as caught:
        respond(cognito_idp, choice_pool, otp, "EMAIL_OTP", EMAIL_OTP_CODE="000000x")
    assert error_of(caught)[0] == "CodeMismatchException"
    code = local.last_code(username="jo", kind="email_otp")
    done = respond(cognito_idp, choice_pool, otp, "EMAIL_OTP", EMAIL_OTP_CODE=code)
    assert "AccessToken" in done["AuthenticationResult"]
    with pytest.raises(ClientError) as spent:
        respond(cognito_idp, choice_pool, otp, "EMAIL_OTP", EMAIL_OTP_CODE=code)
    assert error_of(spent)[0] == "NotAuthorizedException"


def test_preferred_sms_code_skips_mfa(local: LocalCognito, cognito_idp: Any,
                                      choice_pool: PoolInfo,
                                      make_user: Callable[..., UserInfo]) -> None:
    """MFA is never asked after a passwordless first factor, even with TOTP set up."""
    user = make_user(choice_pool, "jo", phone_number="+15550100")
    token = start(cognito_idp, choice_pool, PREFERRED_CHALLENGE="PASSWORD",
                  PASSWORD=user.password)["AuthenticationResult"]["AccessToken"]
    secret = cognito_idp.associate_software_token(AccessToken=token)["SecretCode"]
    cognito_idp.verify_software_token(AccessToken=token, UserCode=local.totp_code(secret))
    cognito_idp.set_user_mfa_preference(AccessToken=token, SoftwareTokenMfaSettings={
        "Enabled": True, "PreferredMfa": True})
    with_password = start(cognito_idp, choice_pool, PREFERRED_CHALLENGE="PASSWORD",
                          PASSWORD=user.password)
    assert with_password["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    otp = start(cognito_idp, choice_pool, PREFERRED_CHALLENGE="SMS_OTP")
    assert otp["ChallengeName"] == "SMS_OTP"
    code = local.last_code(username="jo", kind="sms_otp")
    done = respond(cognito_idp, choice_pool, otp, "SMS_OTP", SMS_OTP_CODE=code)
    assert "AccessToken" in done["AuthenticationResult"]
    factors = cognito_idp.get_user_auth_factors(AccessToken=token)
    assert factors["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP", "SMS_OTP",
                                                    "SOFTWARE_TOKEN"]


def test_unavailable_preference_and_policy(cognito_idp: Any, make_pool: Callable[..., PoolInfo],
                                           make_user: Callable[..., UserInfo]) -> None:
    pool = make_pool(auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"))  # policy: PASSWORD only
    user = make_user(pool, "jo")
    offered = start(cognito_idp, pool, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert offered["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    with pytest.raises(ClientError) as caught:
        respond(cognito_idp, pool, offered, "SELECT_CHALLENGE", ANSWER="EMAIL_OTP")
    assert error_of(caught)[0] == "InvalidParameterException"
    offered = start(cognito_idp, pool)
    with pytest.raises(ClientError) as wrong:
        respond(cognito_idp, pool, offered, "SELECT_CHALLENGE", ANSWER="PASSWORD",
                PASSWORD="Not-The-One-1!")
    assert error_of(wrong)[0] == "NotAuthorizedException"
    offered = start(cognito_idp, pool)
    done = respond(cognito_idp, pool, offered, "SELECT_CHALLENGE", ANSWER="PASSWORD",
                   PASSWORD=user.password)
    assert "AccessToken" in done["AuthenticationResult"]


def test_user_auth_needs_allow_user_auth(cognito_idp: Any, pool: PoolInfo,
                                        make_user: Callable[..., UserInfo]) -> None:
    make_user(pool, "jo")
    with pytest.raises(ClientError) as caught:
        start(cognito_idp, pool)
    assert error_of(caught) == ("InvalidParameterException",
                                "USER_AUTH flow not enabled for this client")


def test_passkeys_are_never_offered(cognito_idp: Any, make_pool: Callable[..., PoolInfo],
                                    make_user: Callable[..., UserInfo]) -> None:
    """docs/local-cognito.md: WEB_AUTHN is never offered by USER_AUTH, even when the pool's
    SignInPolicy allows it (the local Cognito has no passkeys)."""
    pool = make_pool(auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"), pool_kwargs={
        "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "WEB_AUTHN"]}}})
    make_user(pool, "jo")
    offered = start(cognito_idp, pool)
    assert offered["ChallengeName"] == "SELECT_CHALLENGE"
    assert offered["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    preferred = start(cognito_idp, pool, PREFERRED_CHALLENGE="WEB_AUTHN")
    assert preferred["ChallengeName"] == "SELECT_CHALLENGE"
    assert "WEB_AUTHN" not in preferred["AvailableChallenges"]
