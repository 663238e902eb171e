"""The original package's patch points: ``mock.patch`` of ``AWSSRP.authenticate_user`` and of
``Cognito.verify_token`` is honoured at login, refresh and ``admin_authenticate``, as in the
original's own suite (with botocore's ``Stubber`` playing Cognito).

See test_original_suite.py for the rest of the original's patterns.
"""

from __future__ import annotations

import time
from typing import Any
from unittest.mock import call, patch

import pytest
from botocore.stub import ANY, Stubber

from pycognito import AWSSRP, Cognito, TokenVerificationException
from pycognito.exceptions import InvalidTypeError

from ..unsigned_tokens import unsigned_token

POOL = "us-east-1_123456789"
APP = "app"
USERNAME = "bob"
PASSWORD = "bobpassword"

RESULT = {
    "AuthenticationResult": {
        "TokenType": "admin",
        "IdToken": "dummy_token",
        "AccessToken": "dummy_token",
        "RefreshToken": "dummy_token",
    }
}


def _mock_authenticate_user(_: Any, client: Any = None, client_metadata: Any = None) -> Any:
    return RESULT


def _mock_authenticate_user_device_metadata(
    _: Any, client: Any = None, client_metadata: Any = None
) -> Any:
    result = {**RESULT["AuthenticationResult"], "NewDeviceMetadata": {
        "DeviceKey": "us-east-1_de20abce", "DeviceGroupKey": "device_group_key"}}
    return {"AuthenticationResult": result}


def _mock_verify_tokens(self: Any, token: str, id_name: str, token_use: str) -> None:
    if "wrong" in token:
        raise TokenVerificationException
    setattr(self, id_name, token)


@pytest.fixture
def user() -> Cognito:
    return Cognito(POOL, APP, username=USERNAME)


@patch("pycognito.aws_srp.AWSSRP.authenticate_user", _mock_authenticate_user)
@patch("pycognito.Cognito.verify_token", _mock_verify_tokens)
def test_authenticate_with_patched_srp_and_verification(user: Cognito) -> None:
    user.authenticate(PASSWORD)
    assert user.access_token == user.id_token == user.refresh_token == "dummy_token"
    with pytest.raises(TokenVerificationException):
        user.verify_token("dummy_tokenwrong", "access_token", "access")


@patch("pycognito.aws_srp.AWSSRP.authenticate_user", _mock_authenticate_user_device_metadata)
@patch("pycognito.Cognito.verify_token", _mock_verify_tokens)
def test_authenticate_announcing_a_device(user: Cognito) -> None:
    with Stubber(user.client) as stub:  # the announced device is confirmed, as AWS's clients do
        stub.add_response("confirm_device", {"UserConfirmationNecessary": False},
                          {"AccessToken": "dummy_token", "DeviceKey": "us-east-1_de20abce",
                           "DeviceSecretVerifierConfig": ANY, "DeviceName": ANY})
        user.authenticate(PASSWORD)
        stub.assert_no_pending_responses()
    assert user.access_token == "dummy_token"
    assert user.device_key == "us-east-1_de20abce"
    assert user.device_group_key == "device_group_key"
    assert user.device_password


@pytest.mark.parametrize("device", [False, True])
@patch("pycognito.aws_srp.AWSSRP.authenticate_user", _mock_authenticate_user)
@patch("pycognito.Cognito.verify_token", _mock_verify_tokens)
@patch("pycognito.Cognito._add_secret_hash", return_value=None)
def test_renew_tokens_through_the_stubber(_: Any, user: Cognito, device: bool) -> None:
    if device:
        user.device_key = "us-east-1_de20abce"
        user.device_group_key = "device_group_key"
        user.device_password = "device_password"
    params = {"REFRESH_TOKEN": "dummy_token"}
    if device:
        params["DEVICE_KEY"] = "us-east-1_de20abce"
    stub = Stubber(user.client)
    stub.add_response(
        method="initiate_auth",
        service_response={**RESULT, "ResponseMetadata": {"HTTPStatusCode": 200}},
        expected_params={"ClientId": APP, "AuthFlow": "REFRESH_TOKEN_AUTH",
                         "AuthParameters": params},
    )
    with stub:
        user.authenticate(PASSWORD)
        user.renew_access_token()
        stub.assert_no_pending_responses()


@patch("pycognito.aws_srp.AWSSRP.authenticate_user", _mock_authenticate_user)
@patch("pycognito.Cognito.verify_token", _mock_verify_tokens)
@patch("pycognito.Cognito.check_token", return_value=True)
def test_change_password_through_the_stubber(_: Any, user: Cognito) -> None:
    user.authenticate(PASSWORD)
    stub = Stubber(user.client)
    stub.add_response(
        method="change_password",
        service_response={"ResponseMetadata": {"HTTPStatusCode": 200}},
        expected_params={"PreviousPassword": PASSWORD, "ProposedPassword": "crazypassword$45DOG",
                         "AccessToken": user.access_token},
    )
    with stub:
        user.change_password(PASSWORD, "crazypassword$45DOG")
        stub.assert_no_pending_responses()
    # the original let botocore refuse None (ParamValidationError); ours refuses it before the
    # call with a TypeError subclass (a deliberate difference listed in the README)
    with pytest.raises(InvalidTypeError):
        user.change_password(PASSWORD, None)  # type: ignore[arg-type]


@patch("pycognito.Cognito.verify_token", _mock_verify_tokens)
def test_admin_authenticate_through_the_stubber(user: Cognito) -> None:
    stub = Stubber(user.client)
    stub.add_response(
        method="admin_initiate_auth",
        service_response=RESULT,
        expected_params={
            "UserPoolId": POOL,
            "ClientId": APP,
            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",  # the original sent ADMIN_NO_SRP_AUTH
            "AuthParameters": {"USERNAME": USERNAME, "PASSWORD": PASSWORD},
        },
    )
    with stub:
        user.admin_authenticate(PASSWORD)
        assert user.access_token and user.id_token and user.refresh_token
        stub.assert_no_pending_responses()


def test_the_originals_jwt_patch_target_resolves(user: Cognito) -> None:
    """The original imported PyJWT in ``pycognito/__init__.py`` and suites patch it there;
    ours imports it only when that name is asked for."""
    import jwt

    def fake_decode(token: str, options: Any = None) -> dict[str, Any]:
        return {"sub": "1234567890"}

    with patch("pycognito.__init__.jwt.decode", fake_decode):
        assert jwt.decode("a.b.c") == {"sub": "1234567890"}
    assert jwt.decode is not fake_decode


@pytest.mark.parametrize("secret_block", ["secret-block", "c2VjcmV0"])
@patch("pycognito.Cognito.verify_token", _mock_verify_tokens)
def test_authenticate_through_the_stubber_with_a_real_srp_exchange(
    user: Cognito, secret_block: str
) -> None:
    """Users stub the two SRP calls with made-up challenge values (any SECRET_BLOCK string) and
    let the library compute the answer."""
    stub = Stubber(user.client)
    stub.add_response(
        "initiate_auth",
        {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
            "USER_ID_FOR_SRP": USERNAME, "USERNAME": USERNAME, "SALT": "a1b2c3",
            "SRP_B": "f" * 64, "SECRET_BLOCK": secret_block}},
        {"AuthFlow": "USER_SRP_AUTH", "ClientId": APP,
         "AuthParameters": {"USERNAME": USERNAME, "SRP_A": ANY}},
    )
    stub.add_response(
        "respond_to_auth_challenge",
        RESULT,
        {"ClientId": APP, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": {
            "USERNAME": USERNAME, "PASSWORD_CLAIM_SECRET_BLOCK": secret_block,
            "PASSWORD_CLAIM_SIGNATURE": ANY, "TIMESTAMP": ANY}},
    )
    with stub:
        user.authenticate(PASSWORD)
        stub.assert_no_pending_responses()
    assert user.access_token == user.id_token == "dummy_token"


def test_a_mock_verify_token_sees_the_originals_calls_at_login_and_refresh(user: Cognito) -> None:
    """Suites patch ``Cognito.verify_token`` with a plain mock and check its calls: positional
    arguments, the access token first (the original's ``_set_tokens``), then the id token."""
    result = {"AuthenticationResult": {"IdToken": "id.t.k", "AccessToken": "access.t.k",
                                       "RefreshToken": "refresh", "TokenType": "Bearer"}}
    expected = [call("access.t.k", "access_token", "access"), call("id.t.k", "id_token", "id")]
    with patch.object(AWSSRP, "authenticate_user", return_value=result) as srp, \
            patch.object(Cognito, "verify_token") as verify:
        user.authenticate(PASSWORD)
    srp.assert_called_once_with(client_metadata=None)
    assert verify.call_args_list == expected
    assert (user.access_token, user.id_token, user.refresh_token) == (
        "access.t.k", "id.t.k", "refresh")
    with Stubber(user.client) as stub, patch.object(Cognito, "verify_token") as verify:
        stub.add_response("initiate_auth", result, {
            "ClientId": APP, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": "refresh"}})
        user.renew_access_token()
    assert verify.call_args_list == expected


def _expired_access_token() -> str:
    return unsigned_token(iat=int(time.time()) - 3600, exp=int(time.time()) - 10)


def test_check_token_renews_through_a_patched_renew_access_token() -> None:
    """The original's check_token called ``self.renew_access_token()`` (its published page says
    so): a patch or an override of it is what renews."""
    user = Cognito(POOL, APP, username=USERNAME, access_token=_expired_access_token(),
                   refresh_token="refresh")
    with patch.object(Cognito, "renew_access_token") as renew:
        assert user.check_token() is True
    renew.assert_called_once_with()

    class Renewing(Cognito):
        renewed = 0

        def renew_access_token(self) -> None:
            self.renewed += 1

    sub = Renewing(POOL, APP, username=USERNAME, access_token=_expired_access_token(),
                   refresh_token="refresh")
    assert sub.check_token() is True and sub.renewed == 1
    assert sub.check_token(renew=False) is True and sub.renewed == 1


def test_a_patched_awssrp_class_is_the_one_authenticate_builds() -> None:
    """The original's ``Cognito.authenticate`` built ``pycognito.AWSSRP`` by keyword: suites
    patch that name and script the mock's ``authenticate_user``."""
    with patch("pycognito.AWSSRP") as srp, patch.object(Cognito, "verify_token"):
        srp.return_value.authenticate_user.return_value = RESULT
        user = Cognito(POOL, APP, username=USERNAME)
        user.authenticate(PASSWORD)
    srp.return_value.authenticate_user.assert_called_once_with(client_metadata=None)
    made = srp.call_args.kwargs
    assert (made["username"], made["password"], made["pool_id"], made["client_id"]) == (
        USERNAME, PASSWORD, POOL, APP)
    assert made["client"] is user.client and made["client_secret"] is None
    assert user.access_token == "dummy_token" and user.forgotten_device_key is None


class _Extending(Cognito):
    """A subclass as a downstream project wrote one: it extends ``_set_tokens``."""

    seen: list[str]

    def _set_tokens(self, tokens: Any) -> None:
        super()._set_tokens(tokens)
        self.seen.append(tokens["AuthenticationResult"]["AccessToken"])


@patch("pycognito.Cognito.verify_token", _mock_verify_tokens)
def test_a_subclass_extending_set_tokens_sees_every_login_and_refresh() -> None:
    user = _Extending(POOL, APP, username=USERNAME)
    user.seen = []
    user._set_tokens(RESULT)  # called directly, as the original's subclasses do
    assert user.access_token == "dummy_token" and user.refresh_token == "dummy_token"
    with patch.object(AWSSRP, "authenticate_user", _mock_authenticate_user):
        user.authenticate(PASSWORD)
    renewed = {"AuthenticationResult": {**RESULT["AuthenticationResult"],
                                        "AccessToken": "renewed_token"}}
    with Stubber(user.client) as stub:
        stub.add_response("admin_initiate_auth", RESULT)
        stub.add_response("initiate_auth", renewed)
        user.admin_authenticate(PASSWORD)
        user.renew_access_token()
    assert user.seen == ["dummy_token"] * 3 + ["renewed_token"]
    assert user.access_token == "renewed_token"
