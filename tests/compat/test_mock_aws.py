"""Users' suites on moto's in-process ``mock_aws``: logins, ``RequestsSrpAuth`` and a refresh.

moto's ``mock_aws`` answers USER_SRP_AUTH with a uuid as ``SECRET_BLOCK`` and checks no
signature; the original package completed that login, and so must we (the block is opaque to
the client; every check of the server's values still runs). The JWKS is served with
``requests_mock``, as the original's own suite did.
"""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
import requests

pytest.importorskip("moto")
import freezegun
import moto
import requests_mock

from pycognito import Cognito
from pycognito.aws_srp import AWSSRP
from pycognito.utils import RequestsSrpAuth

USERNAME = "bob@test.com"
PASSWORD = "Test1234!"


class Pool:
    def __init__(self, pool_id: str, client_id: str) -> None:
        self.pool_id = pool_id
        self.client_id = client_id
        self.jwks_url = f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}/.well-known/jwks.json"


@pytest.fixture
def mocked_pool() -> Iterator[Pool]:
    """A moto pool (email usernames, one-hour tokens) with a confirmed user, as users set it up."""
    with moto.mock_aws():
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        pool_id = idp.create_user_pool(
            PoolName="pycognito-compat", UsernameAttributes=["email"]
        )["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="compat",
            RefreshTokenValidity=1,
            AccessTokenValidity=1,
            IdTokenValidity=1,
            TokenValidityUnits={"AccessToken": "hours", "IdToken": "hours",
                                "RefreshToken": "days"},
        )["UserPoolClient"]["ClientId"]
        idp.admin_create_user(UserPoolId=pool_id, Username=USERNAME,
                              TemporaryPassword=PASSWORD, MessageAction="SUPPRESS")
        idp.admin_set_user_password(UserPoolId=pool_id, Username=USERNAME, Password=PASSWORD,
                                    Permanent=True)
        yield Pool(pool_id, client_id)


def _moto_jwks() -> bytes:
    """moto's static public key set (the original's suite read the file moto then shipped)."""
    from moto.utilities.utils import load_resource

    return json.dumps(load_resource("cognitoidp/resources/jwks-public.json")).encode()


@pytest.fixture
def jwks(mocked_pool: Pool) -> Iterator[requests_mock.Mocker]:
    with requests_mock.Mocker() as mocker:
        mocker.get(mocked_pool.jwks_url, content=_moto_jwks())
        yield mocker


def test_cognito_authenticate_under_mock_aws(mocked_pool: Pool, jwks: Any) -> None:
    user = Cognito(mocked_pool.pool_id, mocked_pool.client_id, username=USERNAME)
    user.authenticate(PASSWORD)
    assert user.access_token and user.id_token and user.refresh_token
    assert user.access_claims is not None
    assert user.access_claims["client_id"] == mocked_pool.client_id
    assert user.id_claims is not None and user.id_claims["aud"] == mocked_pool.client_id
    assert jwks.called  # the keys were fetched through requests


def test_requests_srp_auth_logs_in_and_refreshes_after_two_hours(
    mocked_pool: Pool, jwks: requests_mock.Mocker
) -> None:
    data = str(uuid.uuid4())
    jwks.get("http://test.com", text=data)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    auth = RequestsSrpAuth(
        username=USERNAME,
        password=PASSWORD,
        user_pool_id=mocked_pool.pool_id,
        user_pool_region="us-east-1",
        client_id=mocked_pool.client_id,
    )
    response = requests.get("http://test.com", auth=auth, timeout=10)
    response.raise_for_status()
    assert response.text == data
    first = auth.cognito_client.access_token
    assert jwks.last_request.headers["Authorization"] == f"Bearer {first}"

    with freezegun.freeze_time(now + datetime.timedelta(hours=2)):
        requests.get("http://test.com", auth=auth, timeout=10).raise_for_status()
    second = auth.cognito_client.access_token
    assert second and second != first
    assert jwks.last_request.headers["Authorization"] == f"Bearer {second}"
    assert auth.cognito_client.device_password is None


def test_a_device_announced_under_mock_aws_leaves_the_login_standing(
    mocked_pool: Pool, jwks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """README migration: moto's ``mock_aws`` has no ConfirmDevice; a login there still succeeds,
    with a warning that the device was not confirmed (moto announces no device: a patched
    ``authenticate_user`` adds one to moto's own answer, as suites that test devices do)."""
    real = AWSSRP.authenticate_user

    def announcing(self: AWSSRP, *args: Any, **kwargs: Any) -> Any:
        response = real(self, *args, **kwargs)
        response["AuthenticationResult"]["NewDeviceMetadata"] = {
            "DeviceKey": "us-east-1_de20abce", "DeviceGroupKey": "group"}
        return response

    with mock.patch.object(AWSSRP, "authenticate_user", announcing), \
            caplog.at_level(logging.WARNING, logger="pycognito"):
        user = Cognito(mocked_pool.pool_id, mocked_pool.client_id, username=USERNAME)
        user.authenticate(PASSWORD)
    assert user.access_token and user.device_key is None
    assert "could not confirm the device announced at login (NotImplementedError)" in (
        caplog.text)
