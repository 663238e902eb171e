"""Logins, the challenge engine, renewing and signing out, end to end on the local Cognito."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime, timezone
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pycognito import Cognito, _clock
from pycognito.exceptions import (
    ChallengeException,
    EmailOTPChallengeException,
    ForceChangePasswordException,
    InvalidValueError,
    MFAChallengeException,
    MFASetupChallengeException,
    MissingValueError,
    SelectMFATypeChallengeException,
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
)

from ..conftest import PoolFactory, PoolInfo, UserInfo
from .conftest import CognitoFactory

NEW_PASSWORD = "Brand-New-Pass-7!"


def _error_code(exc: ClientError) -> str:
    return str(exc.response["Error"]["Code"])


def _assert_logged_in(u: Cognito, username: str) -> None:
    assert u.id_token and u.access_token and u.refresh_token
    assert u.token_type == "Bearer"
    assert isinstance(u.expires_in, int) and u.expires_in > 0
    assert u.expires_datetime is not None and u.expires_datetime.tzinfo is not None
    assert u.expires_datetime > datetime.now(timezone.utc)
    assert u.access_claims is not None and u.access_claims["token_use"] == "access"
    assert u.id_claims is not None and u.id_claims["token_use"] == "id"
    assert u.access_claims["username"] == username
    assert u.mfa_tokens is None


def _totp_user(u: Cognito, local: Any) -> str:
    """Turn on authenticator-app MFA for the logged-in ``u``; return the secret."""
    secret = u.associate_software_token()
    assert u.verify_software_token(local.totp_code(secret), "phone")
    u.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    return secret


# -- SRP and admin logins -------------------------------------------------------------------


def test_authenticate_sets_every_token_attribute(make_either: CognitoFactory,
                                                 alice: UserInfo) -> None:
    u = make_either(username=alice.username)
    u.authenticate(password=alice.password)
    _assert_logged_in(u, "alice")


def test_admin_authenticate(make_either: CognitoFactory, alice: UserInfo, local: Any) -> None:
    u = make_either(username=alice.username)
    u.admin_authenticate(password=alice.password)
    _assert_logged_in(u, "alice")
    assert local.calls("AdminInitiateAuth")[0].auth_flow == "ADMIN_USER_PASSWORD_AUTH"


@pytest.mark.parametrize("method", ["authenticate", "admin_authenticate"])
def test_wrong_password_keeps_the_botocore_type(make_cognito: CognitoFactory, alice: UserInfo,
                                                method: str) -> None:
    u = make_cognito(username=alice.username)
    with pytest.raises(u.client.exceptions.NotAuthorizedException):
        getattr(u, method)("Wrong-Password-1!")
    assert u.access_token is None


@pytest.mark.parametrize("method", ["authenticate", "admin_authenticate"])
def test_disabled_user_cannot_log_in(make_cognito: CognitoFactory, alice: UserInfo,
                                     method: str) -> None:
    admin = make_cognito()
    admin.admin_disable_user(alice.username)
    u = make_cognito(username=alice.username)
    with pytest.raises(ClientError) as info:
        getattr(u, method)(alice.password)
    assert _error_code(info.value) == "NotAuthorizedException"
    admin.admin_enable_user(alice.username)
    getattr(u, method)(alice.password)
    assert u.access_token


def test_email_login_with_client_secret_uses_the_real_username(
    make_pool: PoolFactory, make_user: Callable[..., UserInfo], make_cognito: CognitoFactory
) -> None:
    pool = make_pool(client_secret=True, username_attributes=["email"])
    user = make_user(pool, "carol@example.com")
    u = make_cognito(pool, username="carol@example.com")
    u.authenticate(user.password)
    assert u.access_claims is not None and u.access_claims["username"] == user.sub
    old = u.access_token
    u.renew_access_token()  # SECRET_HASH from the sub, not the e-mail typed
    assert u.access_token != old
    assert u.get_user().username == user.sub
    # a new instance built from the tokens only (no username) renews too
    v = make_cognito(pool, access_token=u.access_token, refresh_token=u.refresh_token)
    v.renew_access_token()
    assert v.id_token


def test_alias_login_with_client_secret_answers_mfa_with_the_real_username(
    make_pool: PoolFactory, make_user: Callable[..., UserInfo], make_cognito: CognitoFactory,
    local: Any,
) -> None:
    pool = make_pool(client_secret=True, alias_attributes=["email"], mfa="OPTIONAL")
    user = make_user(pool, "dave", email="dave@example.com")
    u = make_cognito(pool, username="dave@example.com")
    u.authenticate(user.password)
    secret = _totp_user(u, local)
    fresh = make_cognito(pool, username="dave@example.com")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        fresh.authenticate(user.password)
    fresh.respond_to_software_token_mfa_challenge(local.totp_code(secret))
    assert fresh.access_claims is not None and fresh.access_claims["username"] == "dave"
    fresh.renew_access_token()


# -- NEW_PASSWORD_REQUIRED --------------------------------------------------------------------


@pytest.mark.parametrize("secret", [False, True])
def test_new_password_challenge_reuses_the_session(
    make_either: CognitoFactory, make_user: Callable[..., UserInfo], make_pool: PoolFactory,
    local: Any, secret: bool,
) -> None:
    pool = make_pool(client_secret=secret)
    user = make_user(pool, "temp", status="FORCE_CHANGE_PASSWORD")
    u = make_either(pool, username="temp")
    with pytest.raises(ForceChangePasswordException) as info:
        u.authenticate(user.password)
    assert info.value.session and u.mfa_tokens is not None
    local.clear_calls()
    u.new_password_challenge(user.password, NEW_PASSWORD)
    assert local.calls("InitiateAuth") == []  # no second login
    _assert_logged_in(u, "temp")
    again = make_either(pool, username="temp")
    again.authenticate(NEW_PASSWORD)
    assert again.access_token


def test_new_password_challenge_on_a_fresh_instance_logs_in_once(
    make_either: CognitoFactory, make_user: Callable[..., UserInfo], pool: PoolInfo, local: Any
) -> None:
    user = make_user(pool, "temp2", status="FORCE_CHANGE_PASSWORD")
    u = make_either(username="temp2")
    u.new_password_challenge(user.password, NEW_PASSWORD,
                             user_attributes={"given_name": "Tempo"})
    assert len(local.calls("InitiateAuth")) == 1
    assert u.get_user().given_name == "Tempo"


def test_new_password_after_admin_authenticate(
    make_either: CognitoFactory, make_user: Callable[..., UserInfo], pool: PoolInfo
) -> None:
    user = make_user(pool, "temp3", status="FORCE_CHANGE_PASSWORD")
    u = make_either(username="temp3")
    with pytest.raises(ForceChangePasswordException):
        u.admin_authenticate(user.password)
    u.new_password_challenge(user.password, NEW_PASSWORD)
    _assert_logged_in(u, "temp3")


def test_new_password_required_attributes_are_checked_first(
    make_pool: PoolFactory, make_user: Callable[..., UserInfo], make_either: CognitoFactory,
    local: Any,
) -> None:
    pool = make_pool(pool_kwargs={"Schema": [
        {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
        {"Name": "family_name", "AttributeDataType": "String", "Required": True,
         "Mutable": True},
    ]})
    user = make_user(pool, "temp4", status="FORCE_CHANGE_PASSWORD",
                     attributes={"family_name": ""})
    u = make_either(pool, username="temp4")
    with pytest.raises(ForceChangePasswordException) as info:
        u.authenticate(user.password)
    required = info.value.challenge_parameters.get("requiredAttributes", "")
    assert "userAttributes.family_name" in required
    local.clear_calls()
    with pytest.raises(MissingValueError, match="family_name"):
        u.new_password_challenge(user.password, NEW_PASSWORD)
    assert local.calls() == []
    u.new_password_challenge(user.password, NEW_PASSWORD,
                             user_attributes={"family_name": "Lee"})
    assert u.get_user().family_name == "Lee"


# -- MFA challenges ----------------------------------------------------------------------------


@pytest.fixture
def mfa_pool(make_pool: PoolFactory) -> PoolInfo:
    return make_pool(mfa="OPTIONAL", mfa_types=("SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP"),
                     client_secret=True)


@pytest.fixture
def totp_user(mfa_pool: PoolInfo, make_user: Callable[..., UserInfo],
              make_cognito: CognitoFactory, local: Any) -> tuple[UserInfo, str]:
    user = make_user(mfa_pool, "tina")
    u = make_cognito(mfa_pool, username="tina")
    u.authenticate(user.password)
    return user, _totp_user(u, local)


def test_software_token_mfa_same_instance(mfa_pool: PoolInfo, totp_user: tuple[UserInfo, str],
                                          make_either: CognitoFactory, local: Any) -> None:
    user, secret = totp_user
    u = make_either(mfa_pool, username="tina")
    with pytest.raises(SoftwareTokenMFAChallengeException) as info:
        u.authenticate(password=user.password)
    assert isinstance(info.value, MFAChallengeException)
    assert u.mfa_tokens == info.value.get_tokens()
    u.respond_to_software_token_mfa_challenge(local.totp_code(secret))
    _assert_logged_in(u, "tina")


@pytest.mark.parametrize("method", ["authenticate", "admin_authenticate"])
def test_software_token_mfa_from_a_recreated_instance(
    mfa_pool: PoolInfo, totp_user: tuple[UserInfo, str], make_either: CognitoFactory,
    local: Any, method: str,
) -> None:
    user, secret = totp_user
    with pytest.raises(SoftwareTokenMFAChallengeException) as info:
        getattr(make_either(mfa_pool, username="tina"), method)(user.password)
    mfa_tokens = info.value.get_tokens()
    u = make_either(mfa_pool, username="tina")
    u.respond_to_software_token_mfa_challenge(local.totp_code(secret), mfa_tokens)
    _assert_logged_in(u, "tina")


def test_wrong_mfa_code_is_a_service_error(mfa_pool: PoolInfo, totp_user: tuple[UserInfo, str],
                                           make_either: CognitoFactory, local: Any) -> None:
    user, secret = totp_user
    u = make_either(mfa_pool, username="tina")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        u.authenticate(user.password)
    right = local.totp_code(secret)
    wrong = "000000" if right != "000000" else "111111"
    with pytest.raises(ClientError) as info:
        u.respond_to_software_token_mfa_challenge(wrong)
    assert _error_code(info.value) in ("CodeMismatchException", "NotAuthorizedException")
    assert u.access_token is None
    u.respond_to_software_token_mfa_challenge(right)  # README: answered again, same session
    _assert_logged_in(u, "tina")


def test_sms_mfa(mfa_pool: PoolInfo, make_user: Callable[..., UserInfo],
                 make_cognito: CognitoFactory, make_either: CognitoFactory,
                 local: Any) -> None:
    user = make_user(mfa_pool, "sam", phone_number="+15555550100")
    u = make_cognito(mfa_pool, username="sam")
    u.authenticate(user.password)
    u.set_user_mfa_preference(True, False, "SMS")
    u = make_either(mfa_pool, username="sam")
    with pytest.raises(SMSMFAChallengeException) as info:
        u.authenticate(user.password)
    code = local.last_code(user_pool_id=mfa_pool.pool_id, kind="sms_mfa")
    recreated = make_either(mfa_pool, username="sam")
    recreated.respond_to_sms_mfa_challenge(code, info.value.get_tokens())
    _assert_logged_in(recreated, "sam")


def test_email_otp(mfa_pool: PoolInfo, make_user: Callable[..., UserInfo],
                   make_cognito: CognitoFactory, make_either: CognitoFactory,
                   local: Any) -> None:
    user = make_user(mfa_pool, "erin")
    u = make_cognito(mfa_pool, username="erin")
    u.authenticate(user.password)
    u.set_user_mfa_preference(False, False, "EMAIL", email_mfa=True)
    u = make_either(mfa_pool, username="erin")
    with pytest.raises(EmailOTPChallengeException):
        u.authenticate(user.password)
    code = local.last_code(user_pool_id=mfa_pool.pool_id, kind="email_mfa")
    u.respond_to_email_otp_challenge(code)
    _assert_logged_in(u, "erin")


def test_select_mfa_type(mfa_pool: PoolInfo, make_user: Callable[..., UserInfo],
                         make_cognito: CognitoFactory, make_either: CognitoFactory,
                         local: Any) -> None:
    user = make_user(mfa_pool, "sel", phone_number="+15555550101")
    u = make_cognito(mfa_pool, username="sel")
    u.authenticate(user.password)
    secret = u.associate_software_token()
    u.verify_software_token(local.totp_code(secret))
    u.set_user_mfa_preference(True, True)  # both on, none preferred
    u = make_either(mfa_pool, username="sel")
    with pytest.raises(SelectMFATypeChallengeException):
        u.authenticate(user.password)
    with pytest.raises(InvalidValueError):
        u.respond_to_select_mfa_type_challenge("CARRIER_PIGEON")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        u.respond_to_select_mfa_type_challenge("SOFTWARE_TOKEN")
    u.respond_to_software_token_mfa_challenge(local.totp_code(secret))
    _assert_logged_in(u, "sel")


def test_mfa_setup(make_pool: PoolFactory, make_user: Callable[..., UserInfo],
                   make_either: CognitoFactory, local: Any) -> None:
    pool = make_pool(mfa="ON", client_secret=True)
    user = make_user(pool, "newbie")
    u = make_either(pool, username="newbie")
    with pytest.raises(MFASetupChallengeException):
        u.authenticate(user.password)
    secret = u.associate_software_token()
    u.respond_to_mfa_setup_challenge(local.totp_code(secret), "my phone")
    _assert_logged_in(u, "newbie")
    again = make_either(pool, username="newbie")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        again.authenticate(user.password)


def test_mfa_setup_from_a_recreated_instance(make_pool: PoolFactory,
                                             make_user: Callable[..., UserInfo],
                                             make_either: CognitoFactory, local: Any) -> None:
    pool = make_pool(mfa="ON")
    user = make_user(pool, "newbie2")
    with pytest.raises(MFASetupChallengeException) as info:
        make_either(pool, username="newbie2").authenticate(user.password)
    step1 = make_either(pool, username="newbie2")
    secret = step1.associate_software_token(info.value.get_tokens())
    step2 = make_either(pool, username="newbie2")
    local.clear_calls()
    with pytest.raises(TypeError):
        step2.respond_to_mfa_setup_challenge(123456, mfa_tokens=step1.mfa_tokens)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="MFA_SETUP"):
        step2.respond_to_mfa_setup_challenge("123456", mfa_tokens=info.value.get_tokens()
                                             | {"ChallengeName": "SMS_MFA"})
    assert local.calls() == []
    step2.respond_to_mfa_setup_challenge(local.totp_code(secret), mfa_tokens=step1.mfa_tokens)
    _assert_logged_in(step2, "newbie2")


def test_custom_auth_never_ends_in_key_error(make_either: CognitoFactory,
                                             alice: UserInfo) -> None:
    u = make_either(username=alice.username)
    try:
        u.custom_authenticate()
    except ChallengeException as exc:  # a custom challenge, or "neither tokens nor challenge"
        assert u.mfa_tokens == exc.get_tokens()
    except ClientError:
        pass  # no Lambda trigger: the service's own error
    else:
        assert u.access_token


def test_answering_without_a_pending_challenge(make_either: CognitoFactory, local: Any) -> None:
    u = make_either(username="nobody")
    local.clear_calls()
    with pytest.raises(MissingValueError, match="no pending challenge"):
        u.respond_to_software_token_mfa_challenge("123456")
    with pytest.raises(InvalidValueError, match="SMS_MFA"):
        u.respond_to_sms_mfa_challenge(
            "123456", {"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "s"})
    with pytest.raises(TypeError):
        u.respond_to_email_otp_challenge(123456)  # type: ignore[arg-type]
    assert local.calls() == []


def test_expired_challenge_session(make_pool: PoolFactory, make_user: Callable[..., UserInfo],
                                   make_cognito: CognitoFactory,
                                   make_either: CognitoFactory, local: Any) -> None:
    pool = make_pool(mfa="OPTIONAL", auth_session_validity=3)
    user = make_user(pool, "slow")
    u = make_cognito(pool, username="slow")
    u.authenticate(user.password)
    secret = _totp_user(u, local)
    u = make_either(pool, username="slow")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        u.authenticate(user.password)
    local.advance_clock(4 * 60)
    with pytest.raises(ClientError) as info:
        u.respond_to_software_token_mfa_challenge(local.totp_code(secret))
    assert _error_code(info.value) in ("NotAuthorizedException", "ExpiredCodeException")


# -- tokens: check, renew, sign out ------------------------------------------------------------


def test_check_token_and_renew(logged_in: Cognito, local: Any) -> None:
    u = logged_in
    assert u.check_token() is False
    refresh = u.refresh_token
    old_access = u.access_token
    u.renew_access_token()
    assert u.access_token != old_access and u.refresh_token == refresh
    assert u.expires_datetime is not None and u.expires_datetime.tzinfo is not None


def test_check_token_renews_shortly_before_expiry(make_cognito: CognitoFactory, alice: UserInfo,
                                                  local: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    u = make_cognito(username=alice.username)
    u.admin_authenticate(alice.password)
    elapsed = 3600 - 20  # both clocks move on: the tokens expire in 20 s
    local.advance_clock(elapsed)
    monkeypatch.setattr(_clock, "now", lambda: time.time() + elapsed)
    old = u.access_token
    assert u.check_token(renew=False) is True
    assert u.access_token == old
    assert u.check_token() is True
    assert u.access_token != old
    assert u.check_token() is False


def test_threads_checking_a_new_instance_refresh_once(
    logged_in: Cognito, make_cognito: CognitoFactory, local: Any,
    move_clocks: Callable[..., None],
) -> None:
    """The per-request pattern shared by threads: however many find the stored tokens about to
    expire at once, one refresh serves them all (the instance makes one token lifecycle, and
    a refresh being mirrored in the attributes is not mistaken for tokens assigned anew)."""
    stored = (logged_in.id_token, logged_in.access_token, logged_in.refresh_token)
    move_clocks(3600 - 10)  # the tokens expire in 10 s: inside the refresh margin
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        for _ in range(8):
            u = make_cognito(id_token=stored[0], access_token=stored[1],
                             refresh_token=stored[2])
            start = threading.Barrier(12)
            errors: list[BaseException] = []

            def check(u: Cognito = u, start: threading.Barrier = start,
                      errors: list[BaseException] = errors) -> None:
                start.wait()
                try:
                    u.check_token()
                except BaseException as exc:  # pragma: no cover - reported below
                    errors.append(exc)

            local.clear_calls()
            threads = [threading.Thread(target=check) for _ in range(12)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
            assert len(local.calls("InitiateAuth")) == 1
            assert u.access_token not in stored and u.check_token(renew=False) is False
    finally:
        sys.setswitchinterval(switch)


def test_tokens_only_instance_renews_and_checks(logged_in: Cognito,
                                                make_cognito: CognitoFactory) -> None:
    u = make_cognito(id_token=logged_in.id_token, access_token=logged_in.access_token,
                     refresh_token=logged_in.refresh_token)
    assert u.check_token() is False
    assert u.check_tokens() is False
    u.renew_access_token()
    assert u.access_claims is not None


def test_logout(make_either: CognitoFactory, make_cognito: CognitoFactory,
                alice: UserInfo) -> None:
    u = make_either(username=alice.username)
    u.authenticate(alice.password)
    access, refresh = u.access_token, u.refresh_token
    u.logout()
    for name in ("id_token", "access_token", "refresh_token", "token_type", "expires_in",
                 "expires_datetime"):
        assert getattr(u, name) is None
    with pytest.raises(MissingValueError, match="logout needs an access token"):
        u.logout()
    stale = make_cognito(access_token=access, refresh_token=refresh)
    with pytest.raises(stale.client.exceptions.NotAuthorizedException):
        stale.renew_access_token()
    with pytest.raises(ClientError):
        stale.client.get_user(AccessToken=access)


def test_get_user_auth_factors(make_either: CognitoFactory, alice: UserInfo) -> None:
    u = make_either(username=alice.username)
    with pytest.raises(MissingValueError, match="get_user_auth_factors needs an access token"):
        u.get_user_auth_factors()
    u.authenticate(alice.password)
    factors = u.get_user_auth_factors()
    assert factors["Username"] == "alice" and "ResponseMetadata" not in factors
    assert "PASSWORD" in factors["ConfiguredUserAuthFactors"]


def test_tokens_cleared_by_hand_stay_cleared(logged_in: Cognito) -> None:
    u = logged_in
    assert u.check_token() is False
    u.id_token = u.access_token = u.refresh_token = None  # the caller forgets the session
    with pytest.raises(MissingValueError, match="access token"):
        u.check_token()
    assert u.access_token is None
