"""MFA over HTTP: TOTP registration and challenge, SMS and e-mail codes, MFA_SETUP,
SELECT_MFA_TYPE, and challenge sessions that expire and cannot be reused."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest
from botocore.exceptions import ClientError

from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import MFAChallengeException
from pycognito.local import LocalCognito

from ..conftest import PoolFactory, PoolInfo, UserFactory
from .helpers import error_of, password_login


def _respond(idp: Any, pool: PoolInfo, challenge: dict[str, Any], name: str,
             answers: dict[str, str], username: str = "alice",
             session: Optional[str] = None) -> dict[str, Any]:
    responses = {"USERNAME": username, **answers}
    hashed = pool.secret_hash(username)
    if hashed:
        responses["SECRET_HASH"] = hashed
    return idp.respond_to_auth_challenge(  # type: ignore[no-any-return]
        ClientId=pool.client_id, ChallengeName=name, ChallengeResponses=responses,
        Session=session or challenge["Session"])


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _enable_totp(local: LocalCognito, idp: Any, pool: PoolInfo, password: str) -> str:
    token = password_login(idp, pool, "alice", password)["AuthenticationResult"]["AccessToken"]
    secret: str = idp.associate_software_token(AccessToken=token)["SecretCode"]
    idp.verify_software_token(AccessToken=token, UserCode=local.totp_code(secret),
                              FriendlyDeviceName="phone")
    return secret


def test_totp_registration_and_challenge(local: LocalCognito, cognito_idp: Any,
                                         make_pool: PoolFactory, make_user: UserFactory) -> None:
    pool = make_pool(mfa="OPTIONAL", client_secret=True)
    user = make_user(pool)
    make_user(pool, "bob")
    token = password_login(cognito_idp, pool, "alice", user.password)[
        "AuthenticationResult"]["AccessToken"]
    secret = cognito_idp.associate_software_token(AccessToken=token)["SecretCode"]
    bob_token = password_login(cognito_idp, pool, "bob", user.password)[
        "AuthenticationResult"]["AccessToken"]
    assert len(secret) == 32
    assert cognito_idp.associate_software_token(AccessToken=bob_token)["SecretCode"] != secret
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.verify_software_token(AccessToken=token,
                                          UserCode=_wrong(local.totp_code(secret)))
    assert error_of(excinfo)[0] == "EnableSoftwareTokenMFAException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.verify_software_token(AccessToken=token,
                                          UserCode=local.totp_code(secret, steps=-3))
    assert error_of(excinfo)[0] == "EnableSoftwareTokenMFAException"
    assert cognito_idp.verify_software_token(AccessToken=token, UserCode=local.totp_code(
        secret, steps=-1), FriendlyDeviceName="phone")["Status"] == "SUCCESS"
    assert cognito_idp.get_user(AccessToken=token)["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]

    challenge = password_login(cognito_idp, pool, "alice", user.password)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert challenge["ChallengeParameters"].get("FRIENDLY_DEVICE_NAME") == "phone"
    wrong = {"SOFTWARE_TOKEN_MFA_CODE": _wrong(local.totp_code(secret))}
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA", wrong)
    assert error_of(excinfo)[0] == "CodeMismatchException"
    right = {"SOFTWARE_TOKEN_MFA_CODE": local.totp_code(secret)}
    with pytest.raises(ClientError) as excinfo:  # the code must come with the session's user
        _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA", right, username="bob")
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError) as excinfo:  # ... and with its SECRET_HASH
        cognito_idp.respond_to_auth_challenge(
            ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA",
            Session=challenge["Session"], ChallengeResponses={"USERNAME": "alice", **right})
    assert error_of(excinfo)[1].startswith("Unable to verify secret hash")
    done = _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA", right)
    assert "AccessToken" in done["AuthenticationResult"]
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA", right)
    assert error_of(excinfo) == ("NotAuthorizedException",
                                 "Invalid session for the user, session can only be used once.")


def test_mfa_sessions_expire_and_wrong_codes_use_them_up(
    local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory, make_user: UserFactory
) -> None:
    pool = make_pool(mfa="OPTIONAL", auth_session_validity=5)
    user = make_user(pool)
    secret = _enable_totp(local, cognito_idp, pool, user.password)
    challenge = password_login(cognito_idp, pool, "alice", user.password)
    local.advance_clock(5 * 60 + 1)
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA",
                 {"SOFTWARE_TOKEN_MFA_CODE": local.totp_code(secret)})
    assert error_of(excinfo) == ("NotAuthorizedException",
                                 "Invalid session for the user, session is expired.")
    challenge = password_login(cognito_idp, pool, "alice", user.password)
    wrong = {"SOFTWARE_TOKEN_MFA_CODE": _wrong(local.totp_code(secret))}
    for _ in range(3):
        with pytest.raises(ClientError):
            _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA", wrong)
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA",
                 {"SOFTWARE_TOKEN_MFA_CODE": local.totp_code(secret)})
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA",
                 {"SOFTWARE_TOKEN_MFA_CODE": local.totp_code(secret)},
                 session="made-up-session-of-some-length")
    assert error_of(excinfo) == ("NotAuthorizedException", "Invalid session for the user.")


@pytest.mark.parametrize("flow", ["password", "admin", "srp"])
def test_mfa_setup_when_the_pool_requires_mfa(local: LocalCognito, cognito_idp: Any,
                                              make_pool: PoolFactory, make_user: UserFactory,
                                              flow: str) -> None:
    pool = make_pool(mfa="ON")
    user = make_user(pool)
    if flow == "password":
        challenge = password_login(cognito_idp, pool, "alice", user.password)
    elif flow == "admin":
        challenge = cognito_idp.admin_initiate_auth(
            UserPoolId=pool.pool_id, ClientId=pool.client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": user.password})
    else:
        with pytest.raises(MFAChallengeException) as raised:
            AWSSRP("alice", user.password, pool.pool_id, pool.client_id,
                   client=cognito_idp).authenticate_user()
        challenge = raised.value.get_tokens()
    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert json.loads(challenge["ChallengeParameters"]["MFAS_CAN_SETUP"]) == [
        "SOFTWARE_TOKEN_MFA"]
    with pytest.raises(ClientError) as excinfo:  # nothing set up yet
        _respond(cognito_idp, pool, challenge, "MFA_SETUP", {})
    assert error_of(excinfo)[0] == "InvalidParameterException"
    associated = cognito_idp.associate_software_token(Session=challenge["Session"])
    secret = associated["SecretCode"]
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.verify_software_token(Session=associated["Session"],
                                          UserCode=_wrong(local.totp_code(secret)))
    assert error_of(excinfo)[0] == "EnableSoftwareTokenMFAException"
    verified = cognito_idp.verify_software_token(Session=associated["Session"],
                                                 UserCode=local.totp_code(secret))
    assert verified["Status"] == "SUCCESS"
    done = _respond(cognito_idp, pool, challenge, "MFA_SETUP", {}, session=verified["Session"])
    assert "AccessToken" in done["AuthenticationResult"]
    again = password_login(cognito_idp, pool, "alice", user.password)
    assert again["ChallengeName"] == "SOFTWARE_TOKEN_MFA"


def test_sms_mfa(local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory,
                 make_user: UserFactory) -> None:
    pool = make_pool(mfa="OPTIONAL", mfa_types=("SMS_MFA",))
    user = make_user(pool, phone_number="+15555550123")
    cognito_idp.admin_set_user_mfa_preference(
        UserPoolId=pool.pool_id, Username="alice",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    first = password_login(cognito_idp, pool, "alice", user.password)
    second = password_login(cognito_idp, pool, "alice", user.password)
    assert second["ChallengeName"] == "SMS_MFA"
    assert second["ChallengeParameters"] == {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                                             "CODE_DELIVERY_DESTINATION": "+*******0123"}
    old, new = local.messages(kind="sms_mfa")
    assert new.destination == "+15555550123"
    if old.code != new.code:  # a code belongs to its own session
        with pytest.raises(ClientError) as excinfo:
            _respond(cognito_idp, pool, second, "SMS_MFA", {"SMS_MFA_CODE": old.code})
        assert error_of(excinfo)[0] == "CodeMismatchException"
    assert "AuthenticationResult" in _respond(cognito_idp, pool, second, "SMS_MFA",
                                              {"SMS_MFA_CODE": new.code})
    local.advance_clock(3 * 60 + 1)
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, first, "SMS_MFA", {"SMS_MFA_CODE": old.code})
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_email_otp(local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory,
                   make_user: UserFactory) -> None:
    pool = make_pool(mfa="OPTIONAL", mfa_types=("EMAIL_OTP",))
    config = cognito_idp.get_user_pool_mfa_config(UserPoolId=pool.pool_id)
    assert config["EmailMfaConfiguration"]["Subject"] == "Your code"
    user = make_user(pool)
    token = password_login(cognito_idp, pool, "alice", user.password)[
        "AuthenticationResult"]["AccessToken"]
    cognito_idp.set_user_mfa_preference(AccessToken=token,
                                        EmailMfaSettings={"Enabled": True, "PreferredMfa": True})
    described = cognito_idp.get_user(AccessToken=token)
    assert described["UserMFASettingList"] == ["EMAIL_OTP"]
    assert described["PreferredMfaSetting"] == "EMAIL_OTP"
    challenge = password_login(cognito_idp, pool, "alice", user.password)
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "a***@e***"
    code = local.last_code(username="alice", kind="email_mfa")
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, challenge, "EMAIL_OTP", {"EMAIL_OTP_CODE": _wrong(code)})
    assert error_of(excinfo)[0] == "CodeMismatchException"
    assert "AuthenticationResult" in _respond(cognito_idp, pool, challenge, "EMAIL_OTP",
                                              {"EMAIL_OTP_CODE": code})


def test_select_mfa_type(local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory,
                         make_user: UserFactory) -> None:
    pool = make_pool(mfa="OPTIONAL", mfa_types=("SMS_MFA", "SOFTWARE_TOKEN_MFA"))
    user = make_user(pool, phone_number="+15555550199")
    secret = _enable_totp(local, cognito_idp, pool, user.password)
    cognito_idp.admin_set_user_mfa_preference(UserPoolId=pool.pool_id, Username="alice",
                                              SMSMfaSettings={"Enabled": True},
                                              SoftwareTokenMfaSettings={"Enabled": True})
    challenge = password_login(cognito_idp, pool, "alice", user.password)
    assert challenge["ChallengeName"] == "SELECT_MFA_TYPE"
    assert sorted(json.loads(challenge["ChallengeParameters"]["MFAS_CAN_CHOOSE"])) == [
        "SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, challenge, "SELECT_MFA_TYPE", {"ANSWER": "EMAIL_OTP"})
    assert error_of(excinfo)[0] == "InvalidParameterException"
    chosen = _respond(cognito_idp, pool, challenge, "SELECT_MFA_TYPE",
                      {"ANSWER": "SOFTWARE_TOKEN_MFA"})
    assert chosen["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" in _respond(cognito_idp, pool, chosen, "SOFTWARE_TOKEN_MFA",
                                              {"SOFTWARE_TOKEN_MFA_CODE":
                                               local.totp_code(secret)})
    cognito_idp.admin_set_user_mfa_preference(
        UserPoolId=pool.pool_id, Username="alice",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert password_login(cognito_idp, pool, "alice", user.password)["ChallengeName"] == "SMS_MFA"


def test_mfa_off_pools_refuse_mfa_setup_as_aws_does(
    local: LocalCognito, cognito_idp: Any, pool: PoolInfo, make_pool: PoolFactory,
    make_user: UserFactory
) -> None:
    user = make_user(pool)  # `pool` has MFA off
    token = password_login(cognito_idp, pool, "alice", user.password)[
        "AuthenticationResult"]["AccessToken"]
    for call in (lambda: cognito_idp.associate_software_token(AccessToken=token),
                 lambda: cognito_idp.verify_software_token(AccessToken=token, UserCode="123456")):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[0] == "SoftwareTokenMFANotFoundException"
    for settings in ({"SoftwareTokenMfaSettings": {"Enabled": True}},
                     {"SMSMfaSettings": {"Enabled": True}},
                     {"EmailMfaSettings": {"Enabled": True}}):
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.set_user_mfa_preference(AccessToken=token, **settings)
        assert error_of(excinfo)[0] == "InvalidParameterException"
    assert "AuthenticationResult" in password_login(cognito_idp, pool, "alice", user.password)
    # a TOTP pool without SMS: SMS MFA cannot be turned on either
    totp_only = make_pool(mfa="OPTIONAL")
    make_user(totp_only, phone_number="+15555550123")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_set_user_mfa_preference(
            UserPoolId=totp_only.pool_id, Username="alice", SMSMfaSettings={"Enabled": True})
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_set_user_mfa_preference(
            UserPoolId=totp_only.pool_id, Username="alice",
            SoftwareTokenMfaSettings={"Enabled": True})
    assert error_of(excinfo) == ("InvalidParameterException",
                                 "User has not verified software token mfa")


def test_totp_codes_in_other_scripts_digits_are_a_mismatch_not_a_server_error(
        local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory,
        make_user: UserFactory) -> None:
    pool = make_pool(mfa="OPTIONAL")
    user = make_user(pool)
    arabic_indic = "\u0661\u0662\u0663\u0664\u0665\u0666"  # str.isdigit() is True for these
    token = password_login(cognito_idp, pool, "alice", user.password)[
        "AuthenticationResult"]["AccessToken"]
    cognito_idp.associate_software_token(AccessToken=token)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.verify_software_token(AccessToken=token, UserCode=arabic_indic)
    assert error_of(excinfo)[0] == "EnableSoftwareTokenMFAException"

    _enable_totp(local, cognito_idp, pool, user.password)
    challenge = password_login(cognito_idp, pool, "alice", user.password)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA",
                 {"SOFTWARE_TOKEN_MFA_CODE": arabic_indic})
    assert error_of(excinfo)[0] == "CodeMismatchException"


def test_a_wrong_mfa_code_leaves_the_session_usable_until_the_third(
        local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory,
        make_user: UserFactory) -> None:
    pool = make_pool(mfa="OPTIONAL")
    user = make_user(pool)
    secret = _enable_totp(local, cognito_idp, pool, user.password)
    wrong = {"SOFTWARE_TOKEN_MFA_CODE": _wrong(local.totp_code(secret))}
    right = {"SOFTWARE_TOKEN_MFA_CODE": local.totp_code(secret)}
    challenge = password_login(cognito_idp, pool, "alice", user.password)
    for _ in range(2):
        with pytest.raises(ClientError) as excinfo:
            _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA", wrong)
        assert error_of(excinfo)[0] == "CodeMismatchException"
    done = _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA", right)
    assert "AccessToken" in done["AuthenticationResult"]

    challenge = password_login(cognito_idp, pool, "alice", user.password)
    for _ in range(3):
        with pytest.raises(ClientError) as excinfo:
            _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA", wrong)
        assert error_of(excinfo)[0] == "CodeMismatchException"
    with pytest.raises(ClientError) as excinfo:
        _respond(cognito_idp, pool, challenge, "SOFTWARE_TOKEN_MFA", right)
    assert error_of(excinfo) == ("NotAuthorizedException",
                                 "Invalid session for the user, session can only be used once.")
