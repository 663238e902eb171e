"""Authenticator-app set-up and MFA preferences, end to end."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pycognito import WarrantException
from pycognito.exceptions import MFASetupChallengeException, SoftwareTokenMFAChallengeException

from ..conftest import PoolFactory, UserInfo
from .conftest import CognitoFactory


def test_associate_and_verify_software_token(make_pool: PoolFactory, make_user: Any,
                                             make_either: CognitoFactory, local: Any) -> None:
    off = make_pool()  # MFA off: no authenticator app, as on AWS
    refused = make_either(off, username="alice")
    refused.authenticate(make_user(off).password)
    with pytest.raises(refused.client.exceptions.SoftwareTokenMFANotFoundException):
        refused.associate_software_token()
    pool = make_pool(mfa="OPTIONAL")
    logged_in = make_either(pool, username="alice")
    logged_in.authenticate(make_user(pool).password)
    secret = logged_in.associate_software_token()
    assert isinstance(secret, str) and len(secret) >= 16
    code = local.totp_code(secret)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ClientError):
        logged_in.verify_software_token(wrong, "phone")
    local.clear_calls()
    with pytest.raises(TypeError):
        logged_in.verify_software_token(123456)  # type: ignore[arg-type]
    assert local.calls() == []
    assert logged_in.verify_software_token(code, "phone") is True
    assert [c.operation for c in local.calls()] == ["VerifySoftwareToken"]


def test_preferences(make_pool: PoolFactory, make_user: Any, make_either: CognitoFactory,
                     make_cognito: CognitoFactory, local: Any, cognito_idp: Any) -> None:
    pool = make_pool(mfa="OPTIONAL", mfa_types=("SOFTWARE_TOKEN_MFA", "SMS_MFA"))
    user: UserInfo = make_user(pool, "pref", phone_number="+15555550123")
    u = make_either(pool, username="pref")
    u.authenticate(user.password)
    with pytest.raises(ClientError):  # no verified authenticator yet
        u.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    secret = u.associate_software_token()
    u.verify_software_token(local.totp_code(secret))
    u.set_user_mfa_preference(True, False, "SMS")
    assert cognito_idp.get_user(AccessToken=u.access_token)["PreferredMfaSetting"] == "SMS_MFA"
    u.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    u.set_user_mfa_preference(True, True, "SOFTWARE_TOKEN")
    got = cognito_idp.get_user(AccessToken=u.access_token)
    assert got["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert set(got["UserMFASettingList"]) == {"SMS_MFA", "SOFTWARE_TOKEN_MFA"}
    again = make_cognito(pool, username="pref")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        again.authenticate(user.password)
    u.set_user_mfa_preference(False, False)
    u.set_user_mfa_preference(False, False, "SMS")  # ignored when both are off
    assert not cognito_idp.get_user(AccessToken=u.access_token).get("UserMFASettingList")
    make_cognito(pool, username="pref").authenticate(user.password)  # no MFA any more


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((True, False, "EMAIL_PLEASE"), ValueError),
        ((True, False, "SOFTWARE_TOKEN"), ValueError),
        (("yes", False, "SMS"), TypeError),
    ],
)
def test_bad_preferences_fail_before_any_call(make_either: CognitoFactory, alice: UserInfo,
                                              local: Any, args: tuple[Any, ...],
                                              error: type) -> None:
    u = make_either(username=alice.username)
    u.authenticate(alice.password)
    local.clear_calls()
    with pytest.raises(error) as info:
        u.set_user_mfa_preference(*args)
    assert isinstance(info.value, WarrantException)
    assert local.calls() == []


def test_mfa_setup_on_an_instance_that_still_holds_tokens(
    make_pool: PoolFactory, make_user: Any, make_either: CognitoFactory,
    make_cognito: CognitoFactory, local: Any, cognito_idp: Any,
) -> None:
    """The pool starts requiring MFA after a login: the next login's MFA_SETUP is set up with
    the challenge session (the documented sequence), not the earlier login's access token."""
    pool = make_pool()
    user: UserInfo = make_user(pool, "later")
    u = make_either(pool, username="later")
    u.authenticate(user.password)
    cognito_idp.set_user_pool_mfa_config(UserPoolId=pool.pool_id, MfaConfiguration="ON",
                                         SoftwareTokenMfaConfiguration={"Enabled": True})
    with pytest.raises(MFASetupChallengeException) as info:
        u.authenticate(user.password)
    assert u.access_token  # the earlier login's tokens are still there
    secret = u.associate_software_token()
    assert u.mfa_tokens is not None and u.mfa_tokens["Session"] != info.value.session
    u.respond_to_mfa_setup_challenge(local.totp_code(secret))
    assert u.mfa_tokens is None and u.access_claims is not None
    with pytest.raises(SoftwareTokenMFAChallengeException):
        make_cognito(pool, username="later").authenticate(user.password)
