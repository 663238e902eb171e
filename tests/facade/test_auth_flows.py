"""Sign-in flows end to end on the local Cognito, on both drivers (``Cognito`` and
``AsyncCognito``): USER_PASSWORD_AUTH, USER_AUTH (passwordless codes, SELECT_CHALLENGE,
password and SRP first factors), CUSTOM_AUTH driven by the pool's own Lambda handlers (also
starting with SRP), and GetUserAuthFactors."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pycognito import (
    Cognito,
    CustomChallengeException,
    EmailOTPChallengeException,
    ForceChangePasswordException,
    SelectChallengeException,
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
)
from pycognito.exceptions import InvalidValueError, MissingValueError
from pycognito.local import LocalCognito

from ..conftest import ALL_AUTH_FLOWS, PoolInfo, UserInfo
from ..lambda_handlers import ARN, quiz_pool
from .conftest import CognitoFactory

PASSWORDLESS = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}


@pytest.fixture
def choice_pool(make_pool: Callable[..., PoolInfo]) -> PoolInfo:
    return make_pool(mfa="OPTIONAL", auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"),
                     pool_kwargs={"Policies": PASSWORDLESS})


@pytest.fixture
def kim(choice_pool: PoolInfo, make_user: Callable[..., UserInfo]) -> UserInfo:
    return make_user(choice_pool, "kim", phone_number="+15550199")


def test_passwordless_email_sign_in(local: LocalCognito, make_either: CognitoFactory,
                                    choice_pool: PoolInfo, kim: UserInfo) -> None:
    user = make_either(choice_pool, username="kim")
    with pytest.raises(EmailOTPChallengeException) as raised:
        user.authenticate(flow="USER_AUTH", preferred_challenge="EMAIL_OTP")
    assert raised.value.challenge_parameters["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    # a new instance answers with the exception's tokens
    later = make_either(choice_pool)
    later.respond_to_email_otp_challenge(local.last_code(username="kim", kind="email_otp"),
                                         mfa_tokens=raised.value.get_tokens())
    assert later.id_claims is not None and later.id_claims["cognito:username"] == "kim"
    assert local.calls("InitiateAuth")[-1].auth_flow == "USER_AUTH"


def test_sms_code_first_factor(local: LocalCognito, make_either: CognitoFactory,
                               choice_pool: PoolInfo, kim: UserInfo) -> None:
    user = make_either(choice_pool, username="kim")
    with pytest.raises(SMSMFAChallengeException):
        user.authenticate(flow="USER_AUTH", preferred_challenge="SMS_OTP")
    user.respond_to_sms_mfa_challenge(local.last_code(username="kim", kind="sms_otp"))
    assert user.access_token


def test_select_challenge_then_srp_then_mfa(local: LocalCognito, make_either: CognitoFactory,
                                            choice_pool: PoolInfo, kim: UserInfo) -> None:
    user = make_either(choice_pool, username="kim")
    with pytest.raises(SelectChallengeException) as raised:
        user.authenticate(flow="USER_AUTH")
    assert raised.value.available_challenges == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP",
                                                 "SMS_OTP"]
    with pytest.raises(InvalidValueError, match="not supported yet"):
        user.respond_to_select_challenge("WEB_AUTHN")
    with pytest.raises(MissingValueError):
        user.respond_to_select_challenge("PASSWORD_SRP", "")
    user.respond_to_select_challenge("PASSWORD_SRP", kim.password)
    assert local.calls("RespondToAuthChallenge")[-1].challenge_name == "PASSWORD_VERIFIER"
    secret = user.associate_software_token()
    assert user.verify_software_token(local.totp_code(secret))
    user.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    assert user.get_user_auth_factors()["ConfiguredUserAuthFactors"] == [
        "PASSWORD", "EMAIL_OTP", "SMS_OTP", "SOFTWARE_TOKEN"]

    again = make_either(choice_pool, username="kim")
    with pytest.raises(SoftwareTokenMFAChallengeException):  # a password still leads to MFA
        again.authenticate(kim.password, flow="USER_AUTH", preferred_challenge="PASSWORD")
    again.respond_to_software_token_mfa_challenge(local.totp_code(secret, steps=1))
    assert again.access_token
    passwordless = make_either(choice_pool, username="kim")
    with pytest.raises(EmailOTPChallengeException):
        passwordless.authenticate(flow="USER_AUTH", preferred_challenge="EMAIL_OTP")
    passwordless.respond_to_email_otp_challenge(local.last_code(kind="email_otp"))
    assert passwordless.access_token  # no MFA after a passwordless first factor


def test_user_auth_password_can_need_a_new_password(make_either: CognitoFactory,
                                                    choice_pool: PoolInfo,
                                                    make_user: Callable[..., UserInfo]) -> None:
    carol = make_user(choice_pool, "carol", status="FORCE_CHANGE_PASSWORD")
    user = make_either(choice_pool, username="carol")
    with pytest.raises(SelectChallengeException):
        user.authenticate(flow="USER_AUTH")
    with pytest.raises(ForceChangePasswordException) as raised:
        user.respond_to_select_challenge("PASSWORD", carol.password)
    assert raised.value.get_tokens()["AuthFlow"] == "USER_AUTH"
    user.new_password_challenge(carol.password, "Brand-New-Pass-7!")
    assert user.access_token
    make_either(choice_pool, username="carol").authenticate(
        "Brand-New-Pass-7!", flow="USER_AUTH", preferred_challenge="PASSWORD_SRP")


def test_refusals_before_any_call(local: LocalCognito, make_either: CognitoFactory,
                                  choice_pool: PoolInfo) -> None:
    user = make_either(choice_pool, username="kim")
    local.clear_calls()
    with pytest.raises(InvalidValueError, match=r"WEB_AUTHN .*not supported yet"):
        user.authenticate(flow="USER_AUTH", preferred_challenge="WEB_AUTHN")
    with pytest.raises(InvalidValueError, match="flow"):
        user.authenticate("pw", flow="ADMIN_NO_SRP_AUTH")
    with pytest.raises(InvalidValueError, match="preferred_challenge"):
        user.authenticate("pw", preferred_challenge="PASSWORD")
    with pytest.raises(MissingValueError):
        user.authenticate(None, flow="USER_AUTH", preferred_challenge="PASSWORD")
    assert local.calls() == []


def test_user_password_auth(local: LocalCognito, make_either: CognitoFactory,
                            make_pool: Callable[..., PoolInfo],
                            make_user: Callable[..., UserInfo]) -> None:
    pool = make_pool(client_secret=True)
    alice = make_user(pool)
    user = make_either(pool, username="alice")
    user.authenticate(alice.password, flow="USER_PASSWORD_AUTH")
    assert user.access_token and local.calls("InitiateAuth")[-1].auth_flow == "USER_PASSWORD_AUTH"
    with pytest.raises(ClientError):
        user.authenticate("Wrong-Password-1!", flow="USER_PASSWORD_AUTH")


# -- CUSTOM_AUTH with the pool's own handlers ------------------------------------------------------


@pytest.fixture
def custom_pool(local: LocalCognito, make_pool: Callable[..., PoolInfo]) -> PoolInfo:
    return quiz_pool(local, make_pool, "colour of the sky?", "blue", client_secret=True)


def test_custom_authenticate_end_to_end(local: LocalCognito, make_either: CognitoFactory,
                                        custom_pool: PoolInfo,
                                        make_user: Callable[..., UserInfo]) -> None:
    make_user(custom_pool, "lee")
    user = make_either(custom_pool, username="lee")
    with pytest.raises(CustomChallengeException) as raised:
        user.custom_authenticate({"app": "tests"})
    assert raised.value.challenge_parameters["question"] == "colour of the sky?"
    with pytest.raises(CustomChallengeException):
        user.respond_to_custom_challenge("green")
    fresh: Cognito = make_either(custom_pool)
    fresh.respond_to_custom_challenge("blue", mfa_tokens=user.mfa_tokens)
    assert fresh.id_claims is not None and fresh.id_claims["cognito:username"] == "lee"
    first_define = local.lambda_invocations(trigger_source="DefineAuthChallenge_Authentication")[0]
    assert first_define.event["request"]["clientMetadata"] == {"app": "tests"}


def test_custom_authenticate_starting_with_srp(local: LocalCognito, make_either: CognitoFactory,
                                               custom_pool: PoolInfo,
                                               make_user: Callable[..., UserInfo]) -> None:
    lee = make_user(custom_pool, "lee")
    user = make_either(custom_pool, username="lee")
    with pytest.raises(CustomChallengeException):
        user.custom_authenticate(password=lee.password)
    history = local.lambda_invocations(trigger_source="DefineAuthChallenge_Authentication")
    assert [s["challengeName"] for s in history[-1].event["request"]["session"]] == [
        "SRP_A", "PASSWORD_VERIFIER"]
    user.respond_to_custom_challenge("blue")
    assert user.access_token
    with pytest.raises(ClientError) as wrong:
        make_either(custom_pool, username="lee").custom_authenticate(password="Not-It-123!")
    assert wrong.value.response["Error"]["Code"] == "NotAuthorizedException"


# -- user migration --------------------------------------------------------------------------------


def test_user_migration_then_srp(local: LocalCognito, make_either: CognitoFactory,
                                 make_pool: Callable[..., PoolInfo]) -> None:
    """USER_PASSWORD_AUTH gives the trigger the password; once migrated, SRP works (SRP alone
    sends no password, so it cannot migrate anyone: as on AWS)."""
    legacy = {"mia": "Legacy-Secret-4!"}

    def migrate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if legacy.get(event["userName"]) != event["request"].get("password"):
            raise PermissionError("unknown user or wrong password")
        event["response"]["userAttributes"] = {"email": "mia@legacy.example",
                                               "email_verified": "true"}
        return event

    local.register_lambda(ARN + "migrate", migrate)
    pool = make_pool(client_secret=True,
                     pool_kwargs={"LambdaConfig": {"UserMigration": ARN + "migrate"}})
    with pytest.raises(ClientError) as unknown:
        make_either(pool, username="mia").authenticate(legacy["mia"])
    assert unknown.value.response["Error"]["Code"] == "UserNotFoundException"
    assert local.lambda_invocations() == []
    user = make_either(pool, username="mia")
    user.authenticate(legacy["mia"], flow="USER_PASSWORD_AUTH")
    assert user.id_claims is not None and user.id_claims["email"] == "mia@legacy.example"
    later = make_either(pool, username="mia")
    later.authenticate(legacy["mia"])  # SRP, now that the user exists
    assert len(local.lambda_invocations(trigger_source="UserMigration_Authentication")) == 1


@pytest.mark.parametrize("factor", ["PASSWORD", "PASSWORD_SRP"])
def test_user_auth_password_answers_the_device_challenge(
        factor: str, local: LocalCognito, make_either: CognitoFactory,
        make_pool: Callable[..., PoolInfo], make_user: Callable[..., UserInfo]) -> None:
    """A remembered device is proven after a USER_AUTH password or SRP step, as after SRP."""
    pool = make_pool(device_tracking=True, client_secret=True,
                     auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"))
    ned = make_user(pool, "ned")
    first = make_either(pool, username="ned")
    first.authenticate(ned.password, flow="USER_AUTH", preferred_challenge=factor)
    device = first.remember_device("laptop")
    local.clear_calls()
    again = make_either(pool, username="ned", **device)
    again.authenticate(ned.password, flow="USER_AUTH", preferred_challenge=factor)
    answered = [c.challenge_name for c in local.calls("RespondToAuthChallenge")]
    assert {"DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"} <= set(answered)
    assert again.access_claims is not None
    assert again.access_claims.get("device_key") == device["device_key"]
    again.renew_access_token()  # the device's refresh token works
    assert again.access_token


@pytest.mark.parametrize("choice", ["EMAIL_OTP", "PASSWORD_SRP"])
def test_select_challenge_answered_on_a_new_instance(
        choice: str, local: LocalCognito, make_either: CognitoFactory, choice_pool: PoolInfo,
        kim: UserInfo) -> None:
    """The web-app case: SELECT_CHALLENGE in one request, the choice and the code in others."""
    with pytest.raises(SelectChallengeException) as raised:
        make_either(choice_pool, username="kim").authenticate(flow="USER_AUTH")
    chooser = make_either(choice_pool)
    if choice == "PASSWORD_SRP":
        chooser.respond_to_select_challenge(choice, kim.password,
                                            mfa_tokens=raised.value.get_tokens())
        assert chooser.access_claims is not None
        assert chooser.access_claims["username"] == "kim"
        return
    with pytest.raises(EmailOTPChallengeException) as asked:
        chooser.respond_to_select_challenge(choice, mfa_tokens=raised.value.get_tokens())
    answering = make_either(choice_pool)
    answering.respond_to_email_otp_challenge(local.last_code(username="kim", kind="email_otp"),
                                             mfa_tokens=asked.value.get_tokens())
    assert answering.access_claims is not None and answering.access_claims["username"] == "kim"
