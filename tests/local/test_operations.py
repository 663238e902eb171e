"""Operations moto lacks or gets wrong, as the local server answers them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pycognito.local import LocalCognito

from ..conftest import PoolInfo, UserFactory
from .helpers import error_of, password_login


def _token(idp: Any, pool: PoolInfo, password: str, username: str = "alice") -> str:
    return password_login(idp, pool, username, password)[  # type: ignore[no-any-return]
        "AuthenticationResult"]["AccessToken"]


def test_delete_user(local: LocalCognito, cognito_idp: Any, pool: PoolInfo,
                     make_user: UserFactory) -> None:
    user = make_user(pool)
    token = _token(cognito_idp, pool, user.password)
    cognito_idp.delete_user(AccessToken=token)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_get_user(UserPoolId=pool.pool_id, Username="alice")
    assert error_of(excinfo)[0] == "UserNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_user(AccessToken=token)
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    # A new user with the same name starts afresh (no inherited salt, TOTP or devices).
    again = make_user(pool)
    assert again.sub != user.sub
    assert _token(cognito_idp, pool, again.password)


def test_delete_user_attributes(cognito_idp: Any, pool: PoolInfo,
                                make_user: UserFactory) -> None:
    user = make_user(pool, attributes={"given_name": "Alice", "family_name": "A"})
    token = _token(cognito_idp, pool, user.password)
    cognito_idp.delete_user_attributes(AccessToken=token, UserAttributeNames=["given_name"])
    names = {a["Name"] for a in cognito_idp.get_user(AccessToken=token)["UserAttributes"]}
    assert "given_name" not in names and "family_name" in names
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.delete_user_attributes(AccessToken=token, UserAttributeNames=["sub"])
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_change_password(cognito_idp: Any, pool: PoolInfo, make_user: UserFactory) -> None:
    user = make_user(pool)
    token = _token(cognito_idp, pool, user.password)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.change_password(AccessToken=token, PreviousPassword="Wrong-Pass-12!",
                                    ProposedPassword="Changed-Pass-1!")
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.change_password(AccessToken=token, PreviousPassword=user.password,
                                    ProposedPassword="weak")
    assert error_of(excinfo)[0] == "InvalidPasswordException"
    cognito_idp.change_password(AccessToken=token, PreviousPassword=user.password,
                                ProposedPassword="Changed-Pass-1!")
    assert _token(cognito_idp, pool, "Changed-Pass-1!")
    assert cognito_idp.get_user(AccessToken=token)["Username"] == "alice"  # still valid


def test_get_user_works_for_unconfirmed_attributes_and_returns_mfa_fields(
    cognito_idp: Any, pool: PoolInfo, make_user: UserFactory
) -> None:
    user = make_user(pool)
    got = cognito_idp.get_user(AccessToken=_token(cognito_idp, pool, user.password))
    assert got["Username"] == "alice"
    assert {"Name": "sub", "Value": user.sub} in got["UserAttributes"]
    assert "UserMFASettingList" not in got


def test_unknown_client_and_pool(cognito_idp: Any, pool: PoolInfo) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.initiate_auth(ClientId="unknownclient", AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "a", "PASSWORD": "b"})
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_initiate_auth(UserPoolId="us-east-1_nothere", ClientId=pool.client_id,
                                        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                        AuthParameters={"USERNAME": "a", "PASSWORD": "b"})
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_unknown_user_with_and_without_existence_errors(cognito_idp: Any,
                                                        make_pool: Any) -> None:
    for setting, expected in (("LEGACY", "UserNotFoundException"),
                              ("ENABLED", "NotAuthorizedException")):
        pool = make_pool(prevent_user_existence_errors=setting)
        with pytest.raises(ClientError) as excinfo:
            password_login(cognito_idp, pool, "ghost", "Whatever-123!")
        assert error_of(excinfo)[0] == expected
