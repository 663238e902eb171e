"""More of what users of the original wrote in their own suites, run unchanged: an autospec
patch of ``verify_token``, a mocked boto3 session, an MFA challenge raised by a patched
``AWSSRP.authenticate_user`` and answered through the ``Stubber`` (on the same instance and on
a new one, as the published page shows), admin-only user and group objects, and
``RequestsSrpAuth`` on a ``Cognito`` whose login is patched, with ``requests_mock`` as the API.
"""

from __future__ import annotations

import time
from typing import Any
from unittest import mock
from unittest.mock import patch

import pytest
import requests
import requests_mock
from botocore.stub import Stubber

from pycognito import AWSSRP, Cognito, GroupObj
from pycognito.exceptions import SoftwareTokenMFAChallengeException
from pycognito.utils import RequestsSrpAuth

from ..unsigned_tokens import unsigned_token

POOL = "us-east-1_123456789"
APP = "app"
USERNAME = "bob"
SESSION = "s" * 40


def _result(access: str = "access.t.k") -> dict[str, Any]:
    return {"AuthenticationResult": {"AccessToken": access, "IdToken": "id.t.k",
                                     "RefreshToken": "refresh", "TokenType": "Bearer"}}


def test_an_autospec_verify_token_is_called_with_the_instance() -> None:
    user = Cognito(POOL, APP, username=USERNAME)
    with patch.object(AWSSRP, "authenticate_user", return_value=_result()), \
            patch.object(Cognito, "verify_token", autospec=True) as verify:
        user.authenticate("pw")
    assert verify.call_args_list == [mock.call(user, "access.t.k", "access_token", "access"),
                                     mock.call(user, "id.t.k", "id_token", "id")]


def test_a_mocked_session_makes_the_client() -> None:
    session = mock.MagicMock()
    session.client.return_value.admin_get_user.return_value = {
        "Username": USERNAME, "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}],
        "Enabled": True, "UserStatus": "CONFIRMED"}
    user = Cognito(POOL, APP, username=USERNAME, session=session)
    assert user.admin_get_user().email == "bob@example.com"
    assert session.client.call_args.args == ("cognito-idp",)
    session.client.return_value.admin_get_user.assert_called_once_with(
        UserPoolId=POOL, Username=USERNAME)


@pytest.mark.parametrize("new_instance", [False, True])
def test_an_mfa_challenge_from_a_patched_login_is_answered(new_instance: bool) -> None:
    challenge = {"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": SESSION,
                 "ChallengeParameters": {"USERNAME": USERNAME}}
    user = Cognito(POOL, APP, username=USERNAME)
    with patch.object(AWSSRP, "authenticate_user",
                      side_effect=SoftwareTokenMFAChallengeException("Do MFA", challenge)), \
            pytest.raises(SoftwareTokenMFAChallengeException) as raised:
        user.authenticate("pw")
    mfa_tokens = raised.value.get_tokens()
    assert mfa_tokens["Session"] == SESSION and user.mfa_tokens["Session"] == SESSION
    if new_instance:
        user = Cognito(POOL, APP, username=USERNAME)
    with Stubber(user.client) as stub, patch.object(Cognito, "verify_token") as verify:
        stub.add_response("respond_to_auth_challenge", _result(), {
            "ClientId": APP, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": SESSION,
            "ChallengeResponses": {"USERNAME": USERNAME, "SOFTWARE_TOKEN_MFA_CODE": "123456"}})
        user.respond_to_software_token_mfa_challenge(
            "123456", mfa_tokens if new_instance else None)
        stub.assert_no_pending_responses()
    assert verify.call_count == 2 and user.refresh_token == "refresh"


def test_admin_only_user_and_group_objects() -> None:
    admin = Cognito(POOL)
    user = admin.get_user_obj("bjones", [{"Name": "given_name", "Value": "Brian"}],
                              metadata={"username": "bjones"})
    user.given_name = "Bryan"
    with Stubber(admin.client) as stub:
        stub.add_response("admin_update_user_attributes", {}, {
            "UserPoolId": POOL, "Username": "bjones",
            "UserAttributes": [{"Name": "given_name", "Value": "Bryan"}]})
        stub.add_response("get_group", {"Group": {"GroupName": "staff", "Precedence": 1}},
                          {"GroupName": "staff", "UserPoolId": POOL})
        user.save(admin=True)
        group = admin.get_group("staff")
        stub.assert_no_pending_responses()
    assert isinstance(group, GroupObj) and (group.group_name, group.precedence) == ("staff", 1)


def test_requests_srp_auth_on_a_patched_login() -> None:
    access = unsigned_token(exp=int(time.time()) + 3600, iat=int(time.time()))
    user = Cognito(POOL, APP, username=USERNAME)
    auth = RequestsSrpAuth(cognito=user, password="pw")
    with patch.object(AWSSRP, "authenticate_user", return_value=_result(access)) as login, \
            patch.object(Cognito, "verify_token",
                         lambda self, token, id_name, token_use: setattr(self, id_name, token)), \
            requests_mock.Mocker() as api:
        api.get("https://api.example.com/me", text="hello")
        assert requests.get("https://api.example.com/me", auth=auth, timeout=5).text == "hello"
        requests.get("https://api.example.com/me", auth=auth, timeout=5)
    login.assert_called_once_with(client_metadata=None)  # one login for both requests
    assert [r.headers["Authorization"] for r in api.request_history] == [f"Bearer {access}"] * 2
    assert auth.cognito_client is user and user.access_token == access


def test_patched_srp_steps_drive_cognito_authenticate() -> None:
    """``AWSSRP.get_auth_params``/``process_challenge`` patched: ``Cognito.authenticate`` sends
    exactly what they return (the original's AWSSRP test, through the facade)."""
    user = Cognito(POOL, APP, username=USERNAME)
    params, answer = {"USERNAME": USERNAME, "SRP_A": "srp"}, {"USERNAME": USERNAME, "X": "y"}
    with patch.object(AWSSRP, "get_auth_params", return_value=params), \
            patch.object(AWSSRP, "process_challenge", return_value=answer) as process, \
            patch.object(Cognito, "verify_token"), Stubber(user.client) as stub:
        stub.add_response("initiate_auth", {"ChallengeName": "PASSWORD_VERIFIER",
                                            "ChallengeParameters": {"SALT": "a1"}},
                          {"AuthFlow": "USER_SRP_AUTH", "ClientId": APP, "AuthParameters": params})
        stub.add_response("respond_to_auth_challenge", _result(), {
            "ClientId": APP, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": answer})
        user.authenticate("pw")
        stub.assert_no_pending_responses()
    process.assert_called_once_with({"SALT": "a1"}, params)
    assert user.refresh_token == "refresh"
