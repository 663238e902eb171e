"""NEW_PASSWORD_REQUIRED with requiredAttributes/userAttributes, on every sign-in flow."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import ForceChangePasswordException

from ..conftest import PoolFactory, UserFactory
from .helpers import error_of, password_login

SCHEMA = [
    {"Name": "email", "AttributeDataType": "String", "Required": True},
    {"Name": "given_name", "AttributeDataType": "String", "Required": True},
]


def test_parameters_and_answer(cognito_idp: Any, make_pool: PoolFactory,
                               make_user: UserFactory) -> None:
    pool = make_pool(pool_kwargs={"Schema": SCHEMA})
    user = make_user(pool, status="FORCE_CHANGE_PASSWORD")
    challenge = password_login(cognito_idp, pool, "alice", user.password)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    params = challenge["ChallengeParameters"]
    assert params["USER_ID_FOR_SRP"] == "alice"
    assert json.loads(params["requiredAttributes"]) == ["userAttributes.given_name"]
    assert json.loads(params["userAttributes"])["email"] == "alice@example.com"

    def answer(**responses: str) -> Any:
        return cognito_idp.respond_to_auth_challenge(
            ClientId=pool.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"], ChallengeResponses={"USERNAME": "alice", **responses})

    with pytest.raises(ClientError) as excinfo:
        answer(NEW_PASSWORD="Brand-New-Pass-1!")
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        answer(NEW_PASSWORD="weak", **{"userAttributes.given_name": "Alice"})
    assert error_of(excinfo)[0] == "InvalidPasswordException"
    done = answer(NEW_PASSWORD="Brand-New-Pass-1!", **{"userAttributes.given_name": "Alice"})
    assert "AccessToken" in done["AuthenticationResult"]
    got = cognito_idp.admin_get_user(UserPoolId=pool.pool_id, Username="alice")
    assert got["UserStatus"] == "CONFIRMED"
    assert {"Name": "given_name", "Value": "Alice"} in got["UserAttributes"]
    with pytest.raises(ClientError) as excinfo:
        answer(NEW_PASSWORD="Brand-New-Pass-2!", **{"userAttributes.given_name": "Alice"})
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    assert "AuthenticationResult" in password_login(cognito_idp, pool, "alice",
                                                    "Brand-New-Pass-1!")


def test_srp_and_admin_flows(cognito_idp: Any, make_pool: PoolFactory,
                             make_user: UserFactory) -> None:
    pool = make_pool(client_secret=True)
    user = make_user(pool, status="FORCE_CHANGE_PASSWORD")
    srp = AWSSRP("alice", user.password, pool.pool_id, pool.client_id, client=cognito_idp,
                 client_secret=pool.client_secret)
    with pytest.raises(ForceChangePasswordException):
        srp.authenticate_user()
    assert "AccessToken" in srp.set_new_password_challenge("After-Srp-Pass-1!")[
        "AuthenticationResult"]
    make_user(pool, "bob", status="FORCE_CHANGE_PASSWORD")
    challenge = cognito_idp.admin_initiate_auth(
        UserPoolId=pool.pool_id, ClientId=pool.client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": user.password,
                        "SECRET_HASH": pool.secret_hash("bob") or ""})
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    with pytest.raises(ClientError) as excinfo:  # alice cannot answer bob's challenge
        cognito_idp.admin_respond_to_auth_challenge(
            UserPoolId=pool.pool_id, ClientId=pool.client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": "After-Admin-Pass-1!",
                                "SECRET_HASH": pool.secret_hash("alice") or ""})
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    done = cognito_idp.admin_respond_to_auth_challenge(
        UserPoolId=pool.pool_id, ClientId=pool.client_id, ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": "After-Admin-Pass-1!",
                            "SECRET_HASH": pool.secret_hash("bob") or ""})
    assert "AccessToken" in done["AuthenticationResult"]


def test_wrong_temporary_password_gets_no_challenge(cognito_idp: Any, make_pool: PoolFactory,
                                                   make_user: UserFactory) -> None:
    pool = make_pool()
    make_user(pool, status="FORCE_CHANGE_PASSWORD")
    with pytest.raises(ClientError) as excinfo:
        password_login(cognito_idp, pool, "alice", "Not-The-Temp-1!")
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")


def test_required_attributes_list_only_what_the_user_may_write(
        cognito_idp: Any, make_pool: PoolFactory, make_user: UserFactory) -> None:
    default = make_pool()  # sub is required by every pool, but is never the user's to set
    first = make_user(default, status="FORCE_CHANGE_PASSWORD")
    challenge = password_login(cognito_idp, default, "alice", first.password)
    assert json.loads(challenge["ChallengeParameters"]["requiredAttributes"]) == []
    schema = [*SCHEMA, {"Name": "family_name", "AttributeDataType": "String", "Required": True,
                        "Mutable": False}]
    pool = make_pool(pool_kwargs={"Schema": schema},
                     client_kwargs={"WriteAttributes": ["email", "family_name"]})
    user = make_user(pool, status="FORCE_CHANGE_PASSWORD")
    challenge = password_login(cognito_idp, pool, "alice", user.password)
    # given_name: this client may not write it; family_name: immutable
    assert json.loads(challenge["ChallengeParameters"]["requiredAttributes"]) == []
