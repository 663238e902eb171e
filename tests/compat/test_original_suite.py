"""The original package's own test patterns, run unchanged against ours.

Stubber-driven ``admin_get_user``, ``mock.patch`` of ``AWSSRP.get_auth_params``/
``process_challenge`` with an ``AWSSRP(username=None, password=None, ...)``, the timestamp
format, ``check_token`` and ``_set_attributes``: users copied these into their own suites. Only
botocore's ``Stubber`` plays Cognito; every line of ours runs for real. The patch points of
``AWSSRP.authenticate_user`` and ``Cognito.verify_token`` are in test_patch_points.py.
"""

from __future__ import annotations

import datetime
import time
from typing import Any
from unittest.mock import patch

import pytest
from botocore.stub import Stubber

from pycognito import Cognito, UserObj
from pycognito.aws_srp import AWSSRP

from ..unsigned_tokens import unsigned_token

POOL = "us-east-1_123456789"
APP = "app"
USERNAME = "bob"
PASSWORD = "bobpassword"


def _mock_get_params(_: Any) -> dict[str, str]:
    return {"USERNAME": "bob", "SRP_A": "srp"}


@pytest.fixture
def user() -> Cognito:
    return Cognito(POOL, APP, username=USERNAME)


def test_admin_get_user_through_the_stubber(user: Cognito) -> None:
    stub = Stubber(user.client)
    stub.add_response(
        method="admin_get_user",
        service_response={"Enabled": True, "UserStatus": "CONFIRMED", "Username": USERNAME,
                          "UserAttributes": []},
        expected_params={"UserPoolId": POOL, "Username": USERNAME},
    )
    with stub:
        found = user.admin_get_user()
        assert isinstance(found, UserObj) and found.username == USERNAME
        stub.assert_no_pending_responses()


@patch("pycognito.aws_srp.AWSSRP.get_auth_params", _mock_get_params)
@patch("pycognito.aws_srp.AWSSRP.process_challenge", return_value={})
def test_awssrp_authenticate_user_with_patched_steps(_: Any) -> None:
    aws = AWSSRP(username=None, password=None, pool_region="us-east-1", pool_id=POOL,
                 client_id=APP, client_secret=None)
    stub = Stubber(aws.client)
    stub.add_response(
        method="initiate_auth",
        service_response={"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {}},
        expected_params={"AuthFlow": "USER_SRP_AUTH", "AuthParameters": _mock_get_params(None),
                         "ClientId": APP},
    )
    stub.add_response(
        method="respond_to_auth_challenge",
        service_response={"AuthenticationResult": {
            "IdToken": "dummy_token", "AccessToken": "dummy_token",
            "RefreshToken": "dummy_token"}},
        expected_params={"ClientId": APP, "ChallengeName": "PASSWORD_VERIFIER",
                         "ChallengeResponses": {}},
    )
    with stub:
        tokens = aws.authenticate_user()
        for name in ("IdToken", "AccessToken", "RefreshToken"):
            assert name in tokens["AuthenticationResult"]
        stub.assert_no_pending_responses()


def test_cognito_formatted_timestamp() -> None:
    aws = AWSSRP(username=None, password=None, pool_region="us-east-1", pool_id=POOL,
                 client_id=APP)
    cases = {
        datetime.datetime(2022, 1, 1, 0, 0, 0): "Sat Jan 1 00:00:00 UTC 2022",
        datetime.datetime(2022, 1, 2, 12, 0, 0): "Sun Jan 2 12:00:00 UTC 2022",
        datetime.datetime(2022, 1, 3, 9, 0, 0): "Mon Jan 3 09:00:00 UTC 2022",
        datetime.datetime(2022, 12, 31, 23, 59, 59): "Sat Dec 31 23:59:59 UTC 2022",
    }
    for moment, expected in cases.items():
        assert aws.get_cognito_formatted_timestamp(moment) == expected


def test_check_token_with_a_far_future_token(user: Cognito) -> None:
    user.access_token = (  # HS256, expires on 1 January 3000
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG"
        "9lIiwiaWF0IjoxNTE2MjM5MDIyLCJleHAiOjMyNTAzNjgwMDAwfQ.C-1gPxrhUsiWeCvMvaZuuQYarkDNAc"
        "pEGJPIqu_SrKQ"
    )
    assert user.check_token() is False


def test_set_attributes(user: Cognito) -> None:
    user._set_attributes({"ResponseMetadata": {"HTTPStatusCode": 200}}, {"somerandom": "attribute"})
    assert user.somerandom == "attribute"  # type: ignore[attr-defined]
    user._set_attributes({"ResponseMetadata": {"HTTPStatusCode": 400}}, {"other": "attribute"})
    assert not hasattr(user, "other")


def test_a_first_challenge_other_than_the_verifier_is_a_not_implemented_error() -> None:
    aws = AWSSRP(USERNAME, PASSWORD, POOL, APP, pool_region="us-east-1")
    with Stubber(aws.client) as stub:
        stub.add_response("initiate_auth", {"ChallengeName": "SOME_FUTURE_CHALLENGE",
                                            "Session": "s" * 20, "ChallengeParameters": {}})
        with pytest.raises(NotImplementedError, match="SOME_FUTURE_CHALLENGE"):
            aws.authenticate_user()


@pytest.mark.parametrize(("seconds_left", "expired"), [(-10, True), (7200, False)])
def test_check_token_reads_exp_without_iat(seconds_left: int, expired: bool) -> None:
    token = unsigned_token("HS256", sub="1234567890", exp=int(time.time()) + seconds_left)
    user = Cognito(POOL, APP, username=USERNAME, access_token=token)
    assert user.check_token(renew=False) is expired
