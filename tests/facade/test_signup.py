"""Sign-up, confirmation, forgotten and changed passwords, end to end."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pycognito import Cognito
from pycognito.exceptions import MissingValueError

from ..conftest import PoolFactory, PoolInfo, UserInfo
from .conftest import CognitoFactory

PASSWORD = "Sign-Up-Pass-1!"
NEW_PASSWORD = "Another-Pass-2!"


@pytest.fixture
def secret_pool(make_pool: PoolFactory) -> PoolInfo:
    return make_pool(client_secret=True, pool_kwargs={"Schema": [
        {"Name": "email", "AttributeDataType": "String", "Required": False, "Mutable": True},
        {"Name": "given_name", "AttributeDataType": "String", "Mutable": True},
        {"Name": "state", "AttributeDataType": "String", "Mutable": True},
        {"Name": "city", "AttributeDataType": "String", "Mutable": True},
    ]})


def _no_plaintext(u: Cognito, *secrets: str) -> None:
    text = repr(vars(u)) + repr(vars(getattr(u, "_state", u)))  # (AsyncCognito's state)
    for secret in secrets:
        assert secret not in text


def test_register_confirm_and_log_in_with_a_client_secret(secret_pool: PoolInfo,
                                                          make_either: CognitoFactory,
                                                          local: Any) -> None:
    u = make_either(secret_pool)  # no username on the instance: the argument is hashed
    u.set_base_attributes(email="you@example.com", given_name="Ann")
    u.add_custom_attributes(state="virginia", city="Centreville")
    response = u.register("newuser", PASSWORD, attr_map={"given_name": "first"})
    assert "ResponseMetadata" not in response
    assert response["UserConfirmed"] is False and response["UserSub"]
    assert u.username == "newuser"
    _no_plaintext(u, PASSWORD)
    code = local.last_code(user_pool_id=secret_pool.pool_id, kind="sign_up")
    with pytest.raises(u.client.exceptions.CodeMismatchException):
        u.confirm_sign_up("000000" if code != "000000" else "111111", username="newuser")
    make_either(secret_pool).confirm_sign_up(code, username="newuser")
    v = make_either(secret_pool, username="newuser")
    v.authenticate(PASSWORD)
    user = v.get_user()
    assert user.given_name == "Ann" and getattr(user, "custom:state") == "virginia"


def test_register_uses_its_argument_not_the_instance_username(secret_pool: PoolInfo,
                                                              make_either: CognitoFactory) -> None:
    u = make_either(secret_pool, username="someone-else")
    u.set_base_attributes(email="x@example.com")
    u.register("third", PASSWORD)
    assert u.username == "third"


def test_resend_and_admin_confirm(secret_pool: PoolInfo, make_either: CognitoFactory,
                                  local: Any) -> None:
    u = make_either(secret_pool)
    u.set_base_attributes(email="r@example.com")
    u.register("resend", PASSWORD)
    first = local.messages(user_pool_id=secret_pool.pool_id, kind="sign_up")
    delivery = u.resend_confirmation_code("resend")
    assert "CodeDeliveryDetails" in delivery
    again = local.messages(user_pool_id=secret_pool.pool_id, kind="sign_up")
    assert len(again) == len(first) + 1
    u.confirm_sign_up(again[-1].code)
    u.set_base_attributes(email="s@example.com")
    u.register("byadmin", PASSWORD)
    u.admin_confirm_sign_up("byadmin")
    status = u.admin_get_user(username="byadmin").user_status
    assert status == "CONFIRMED"


def test_forgot_password(make_pool: PoolFactory, make_user: Callable[..., UserInfo],
                         make_either: CognitoFactory, local: Any) -> None:
    pool = make_pool(client_secret=True)
    user = make_user(pool, "forgetful")
    u = make_either(pool, username="forgetful")
    delivery = u.initiate_forgot_password()
    assert "ResponseMetadata" not in delivery
    code = local.last_code(user_pool_id=pool.pool_id, kind="forgot_password")
    with pytest.raises(ClientError):
        u.confirm_forgot_password("000000" if code != "000000" else "111111", NEW_PASSWORD)
    u.confirm_forgot_password(code, NEW_PASSWORD)
    _no_plaintext(u, NEW_PASSWORD)
    with pytest.raises(u.client.exceptions.NotAuthorizedException):
        make_either(pool, username="forgetful").authenticate(user.password)
    make_either(pool, username="forgetful").authenticate(NEW_PASSWORD)


def test_change_password(logged_in_either: Cognito, alice: UserInfo,
                         make_either: CognitoFactory) -> None:
    u = logged_in_either
    with pytest.raises(u.client.exceptions.NotAuthorizedException):
        u.change_password("Not-The-Password-1!", NEW_PASSWORD)
    u.change_password(alice.password, NEW_PASSWORD)
    _no_plaintext(u, alice.password, NEW_PASSWORD)
    make_either(username="alice").authenticate(NEW_PASSWORD)


def test_change_password_needs_tokens(make_either: CognitoFactory) -> None:
    with pytest.raises(MissingValueError, match="access token"):
        make_either(username="alice").change_password("a", "b")
