"""Codes and the outbox: sign-up, resend, password reset, attribute verification, temporary
passwords; wrong codes are CodeMismatchException, old or expired ones ExpiredCodeException."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pycognito.local import LocalCognito

from ..conftest import PoolFactory, PoolInfo, UserFactory
from .helpers import error_of, password_login

PASSWORD = "Sign-Up-Pass-1!"


def _sign_up(idp: Any, pool: PoolInfo, username: str = "bob") -> dict[str, Any]:
    extra = {"SecretHash": pool.secret_hash(username)} if pool.client_secret else {}
    attributes = [{"Name": "email", "Value": f"{username}@example.com"}]
    return idp.sign_up(  # type: ignore[no-any-return]
        ClientId=pool.client_id, Username=username, Password=PASSWORD,
        UserAttributes=attributes, **extra)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_sign_up_code_is_in_the_outbox_and_checked(local: LocalCognito, cognito_idp: Any,
                                                   pool: PoolInfo) -> None:
    response = _sign_up(cognito_idp, pool)
    assert response["UserConfirmed"] is False
    assert response["CodeDeliveryDetails"] == {"Destination": "b***@e***",
                                               "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    [message] = local.messages()
    assert (message.user_pool_id, message.username, message.kind, message.destination) == (
        pool.pool_id, "bob", "sign_up", "bob@example.com")
    assert len(message.code) == 6 and message.code.isdigit()
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.confirm_sign_up(ClientId=pool.client_id, Username="bob",
                                    ConfirmationCode=_wrong(message.code))
    assert error_of(excinfo)[0] == "CodeMismatchException"
    cognito_idp.confirm_sign_up(ClientId=pool.client_id, Username="bob",
                                ConfirmationCode=message.code)
    user = cognito_idp.admin_get_user(UserPoolId=pool.pool_id, Username="bob")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    assert "AuthenticationResult" in password_login(cognito_idp, pool, "bob", PASSWORD)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.confirm_sign_up(ClientId=pool.client_id, Username="bob",
                                    ConfirmationCode=message.code)
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_resend_supersedes_the_old_code(local: LocalCognito, cognito_idp: Any,
                                        pool: PoolInfo) -> None:
    _sign_up(cognito_idp, pool)
    old = local.last_code(username="bob", kind="sign_up")
    details = cognito_idp.resend_confirmation_code(ClientId=pool.client_id, Username="bob")
    assert details["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    new = local.last_code(username="bob", kind="sign_up")
    assert len(local.messages(kind="sign_up")) == 2
    if old != new:
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.confirm_sign_up(ClientId=pool.client_id, Username="bob",
                                        ConfirmationCode=old)
        assert error_of(excinfo)[0] == "ExpiredCodeException"
    cognito_idp.confirm_sign_up(ClientId=pool.client_id, Username="bob", ConfirmationCode=new)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.resend_confirmation_code(ClientId=pool.client_id, Username="bob")
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_codes_expire_on_the_server_clock(local: LocalCognito, cognito_idp: Any,
                                          pool: PoolInfo) -> None:
    _sign_up(cognito_idp, pool)
    code = local.last_code(kind="sign_up")
    local.advance_clock(24 * 3600 + 1)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.confirm_sign_up(ClientId=pool.client_id, Username="bob",
                                    ConfirmationCode=code)
    assert error_of(excinfo)[0] == "ExpiredCodeException"


def test_no_auto_verification_sends_no_code(local: LocalCognito, cognito_idp: Any,
                                            make_pool: PoolFactory) -> None:
    pool = make_pool(auto_verify=())
    assert "CodeDeliveryDetails" not in _sign_up(cognito_idp, pool)
    assert local.messages() == []


def test_forgot_password(local: LocalCognito, cognito_idp: Any, pool: PoolInfo,
                         make_user: UserFactory) -> None:
    make_user(pool)
    sent = cognito_idp.forgot_password(ClientId=pool.client_id, Username="alice")
    assert sent["CodeDeliveryDetails"]["AttributeName"] == "email"
    first = local.last_code(username="alice", kind="forgot_password")
    cognito_idp.forgot_password(ClientId=pool.client_id, Username="alice")
    code = local.last_code(username="alice@example.com", kind="forgot_password")
    confirm = {"ClientId": pool.client_id, "Username": "alice", "Password": "New-Password-2!"}
    if first != code:
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.confirm_forgot_password(ConfirmationCode=first, **confirm)
        assert error_of(excinfo)[0] == "ExpiredCodeException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.confirm_forgot_password(ConfirmationCode=_wrong(code), **confirm)
    assert error_of(excinfo)[0] == "CodeMismatchException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.confirm_forgot_password(ConfirmationCode=code, **{**confirm,
                                                                      "Password": "weak"})
    assert error_of(excinfo)[0] == "InvalidPasswordException"
    cognito_idp.confirm_forgot_password(ConfirmationCode=code, **confirm)
    assert "AuthenticationResult" in password_login(cognito_idp, pool, "alice", "New-Password-2!")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.confirm_forgot_password(ConfirmationCode=code, **confirm)
    assert error_of(excinfo)[0] == "ExpiredCodeException"


def test_forgot_password_without_verified_contact(cognito_idp: Any, pool: PoolInfo,
                                                  make_user: UserFactory) -> None:
    make_user(pool, attributes={"email_verified": "false"})
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.forgot_password(ClientId=pool.client_id, Username="alice")
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_admin_reset_password_sends_a_code_and_blocks_login(
    local: LocalCognito, cognito_idp: Any, pool: PoolInfo, make_user: UserFactory
) -> None:
    user = make_user(pool)
    cognito_idp.admin_reset_user_password(UserPoolId=pool.pool_id, Username="alice")
    with pytest.raises(ClientError) as excinfo:
        password_login(cognito_idp, pool, "alice", user.password)
    assert error_of(excinfo)[0] == "PasswordResetRequiredException"
    code = local.last_code(kind="forgot_password")
    cognito_idp.confirm_forgot_password(ClientId=pool.client_id, Username="alice",
                                        ConfirmationCode=code, Password="Reset-Password-3!")
    assert "AuthenticationResult" in password_login(cognito_idp, pool, "alice",
                                                    "Reset-Password-3!")


def test_attribute_verification(local: LocalCognito, cognito_idp: Any, pool: PoolInfo,
                                make_user: UserFactory) -> None:
    user = make_user(pool)
    token = password_login(cognito_idp, pool, "alice", user.password)[
        "AuthenticationResult"]["AccessToken"]
    changed = cognito_idp.update_user_attributes(
        AccessToken=token, UserAttributes=[{"Name": "email", "Value": "new@example.com"}])
    assert changed["CodeDeliveryDetailsList"][0]["Destination"] == "n***@e***"
    attrs = {a["Name"]: a["Value"] for a in cognito_idp.get_user(AccessToken=token)[
        "UserAttributes"]}
    assert attrs["email"] == "new@example.com" and attrs["email_verified"] == "false"
    cognito_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    messages = local.messages(kind="attribute_verification")
    assert [m.destination for m in messages] == ["new@example.com"] * 2
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.verify_user_attribute(AccessToken=token, AttributeName="email",
                                          Code=_wrong(messages[-1].code))
    assert error_of(excinfo)[0] == "CodeMismatchException"
    if messages[0].code != messages[-1].code:
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.verify_user_attribute(AccessToken=token, AttributeName="email",
                                              Code=messages[0].code)
        assert error_of(excinfo)[0] == "ExpiredCodeException"
    cognito_idp.verify_user_attribute(AccessToken=token, AttributeName="email",
                                      Code=messages[-1].code)
    attrs = {a["Name"]: a["Value"] for a in cognito_idp.get_user(AccessToken=token)[
        "UserAttributes"]}
    assert attrs["email_verified"] == "true"


def test_admin_create_user_generates_a_temporary_password(local: LocalCognito,
                                                          cognito_idp: Any,
                                                          pool: PoolInfo) -> None:
    cognito_idp.admin_create_user(UserPoolId=pool.pool_id, Username="erin",
                                  DesiredDeliveryMediums=["EMAIL"],
                                  UserAttributes=[{"Name": "email", "Value": "erin@example.com"}])
    [message] = local.messages(kind="admin_create_user")
    assert message.destination == "erin@example.com" and len(message.code) >= 12
    answer = password_login(cognito_idp, pool, "erin", message.code)
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_create_user(UserPoolId=pool.pool_id, Username="weak",
                                      TemporaryPassword="short")
    assert error_of(excinfo)[0] == "InvalidPasswordException"
    cognito_idp.admin_create_user(UserPoolId=pool.pool_id, Username="quiet",
                                  MessageAction="SUPPRESS")
    assert local.messages(username="quiet") == []


def test_outbox_over_http_with_filters(local: LocalCognito, cognito_idp: Any,
                                       pool: PoolInfo) -> None:
    _sign_up(cognito_idp, pool, "bob")
    _sign_up(cognito_idp, pool, "ann")
    url = f"{local.endpoint_url}/_local/messages?username=ann&kind=sign_up"
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310
        [message] = json.load(answer)
    assert set(message) == {"user_pool_id", "username", "kind", "destination", "code", "sent_at",
                            "text", "subject"}
    assert message["username"] == "ann" and message["sent_at"].endswith("Z")
    assert message["code"] == local.last_code(username="ann")
    everything = f"{local.endpoint_url}/_local/messages"
    with urllib.request.urlopen(everything, timeout=5) as a:  # noqa: S310
        assert [m["username"] for m in json.load(a)] == ["bob", "ann"]
    with pytest.raises(ValueError, match="unknown message kind"):
        local.messages(kind="carrier_pigeon")
    first = local.messages()[0]
    assert first.code not in repr(first)
