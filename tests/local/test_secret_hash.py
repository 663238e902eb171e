"""SECRET_HASH is checked on every call Cognito checks it on, when the client has a secret."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pycognito.local import LocalCognito

from ..conftest import PoolFactory, PoolInfo, UserFactory
from .helpers import error_of, password_login

BAD = "bm90IHRoZSBoYXNo"


@pytest.fixture
def secret_pool(make_pool: PoolFactory) -> PoolInfo:
    return make_pool(client_secret=True)


def _calls(idp: Any, pool: PoolInfo, local: LocalCognito) -> dict[str, Callable[[Any], Any]]:
    cid = pool.client_id

    def hashed(value: Any) -> dict[str, Any]:
        return {} if value is None else {"SecretHash": value}

    return {
        "SignUp": lambda h: idp.sign_up(ClientId=cid, Username="new", Password="New-Pass-123!",
                                        **hashed(h)),
        "ConfirmSignUp": lambda h: idp.confirm_sign_up(ClientId=cid, Username="pending",
                                                       ConfirmationCode=local.last_code(
                                                           kind="sign_up"), **hashed(h)),
        "ResendConfirmationCode": lambda h: idp.resend_confirmation_code(
            ClientId=cid, Username="pending", **hashed(h)),
        "ForgotPassword": lambda h: idp.forgot_password(ClientId=cid, Username="alice",
                                                        **hashed(h)),
        "ConfirmForgotPassword": lambda h: idp.confirm_forgot_password(
            ClientId=cid, Username="alice", ConfirmationCode="123456", Password="Other-Pass-1!",
            **hashed(h)),
        "USER_PASSWORD_AUTH": lambda h: idp.initiate_auth(
            ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": "Correct-Horse-9!",
                            **({} if h is None else {"SECRET_HASH": h})}),
        "ADMIN_USER_PASSWORD_AUTH": lambda h: idp.admin_initiate_auth(
            UserPoolId=pool.pool_id, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": "Correct-Horse-9!",
                            **({} if h is None else {"SECRET_HASH": h})}),
    }


@pytest.mark.parametrize("operation", ["SignUp", "ConfirmSignUp", "ResendConfirmationCode",
                                       "ForgotPassword", "ConfirmForgotPassword",
                                       "USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH"])
@pytest.mark.parametrize("value", ["missing", "wrong", "other_user"])
def test_missing_or_wrong_secret_hash_is_refused(local: LocalCognito, cognito_idp: Any,
                                                 secret_pool: PoolInfo, make_user: UserFactory,
                                                 operation: str, value: str) -> None:
    make_user(secret_pool)
    cognito_idp.sign_up(ClientId=secret_pool.client_id, Username="pending",
                        Password="Pending-Pass-1!", SecretHash=secret_pool.secret_hash("pending"),
                        UserAttributes=[{"Name": "email", "Value": "p@example.com"}])
    call = _calls(cognito_idp, secret_pool, local)[operation]
    supplied = {"missing": None, "wrong": BAD, "other_user": secret_pool.secret_hash("mallory")}
    with pytest.raises(ClientError) as excinfo:
        call(supplied[value])
    assert error_of(excinfo) == ("NotAuthorizedException",
                                 f"Unable to verify secret hash for client {secret_pool.client_id}")


def test_right_secret_hash_is_accepted_everywhere(local: LocalCognito, cognito_idp: Any,
                                                  secret_pool: PoolInfo,
                                                  make_user: UserFactory) -> None:
    make_user(secret_pool)
    calls = _calls(cognito_idp, secret_pool, local)
    calls["SignUp"](secret_pool.secret_hash("new"))
    cognito_idp.sign_up(ClientId=secret_pool.client_id, Username="pending",
                        Password="Pending-Pass-1!", SecretHash=secret_pool.secret_hash("pending"),
                        UserAttributes=[{"Name": "email", "Value": "p@example.com"}])
    calls["ResendConfirmationCode"](secret_pool.secret_hash("pending"))
    calls["ConfirmSignUp"](secret_pool.secret_hash("pending"))
    calls["ForgotPassword"](secret_pool.secret_hash("alice"))
    assert "AuthenticationResult" in calls["USER_PASSWORD_AUTH"](secret_pool.secret_hash("alice"))
    assert "AuthenticationResult" in calls["ADMIN_USER_PASSWORD_AUTH"](
        secret_pool.secret_hash("alice"))


def test_refresh_hashes_the_internal_username(cognito_idp: Any, make_pool: PoolFactory,
                                              make_user: UserFactory) -> None:
    pool = make_pool(client_secret=True, username_attributes=["email"])
    user = make_user(pool, "frank@example.com")
    refresh = password_login(cognito_idp, pool, user.username, user.password)[
        "AuthenticationResult"]["RefreshToken"]

    def renew(hashed_name: str) -> Any:
        return cognito_idp.initiate_auth(
            ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh,
                            "SECRET_HASH": pool.secret_hash(hashed_name) or ""})

    with pytest.raises(ClientError) as excinfo:
        renew(user.username)  # the e-mail typed at sign-in is not the internal username
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    assert "AccessToken" in renew(user.sub)["AuthenticationResult"]


def test_clients_without_secret_need_no_hash(cognito_idp: Any, pool: PoolInfo,
                                             make_user: UserFactory) -> None:
    user = make_user(pool)
    assert "AuthenticationResult" in password_login(cognito_idp, pool, "alice", user.password)
