"""Remembered devices on the facade, end to end."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Callable

import httpx
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from pycognito import Cognito
from pycognito.aio import AsyncCognito
from pycognito.exceptions import MissingValueError, SoftwareTokenMFAChallengeException

from ..conftest import PoolFactory, PoolInfo, UserInfo
from .conftest import CognitoFactory


@pytest.fixture
def device_pool(make_pool: PoolFactory) -> PoolInfo:
    return make_pool(device_tracking=True, mfa="OPTIONAL", client_secret=True)


@pytest.fixture
def dana(device_pool: PoolInfo, make_user: Callable[..., UserInfo]) -> UserInfo:
    return make_user(device_pool, "dana")


def _challenges(local: Any) -> list[str]:
    return [c.challenge_name for c in local.calls("RespondToAuthChallenge")]


def test_remember_then_log_in_with_the_device(device_pool: PoolInfo, dana: UserInfo,
                                              make_either: CognitoFactory, local: Any) -> None:
    u = make_either(device_pool, username="dana")
    u.authenticate(dana.password)
    creds = u.remember_device("laptop")
    assert set(creds) == {"device_key", "device_group_key", "device_password"}
    assert u.device_key == creds["device_key"] and u.device_password == creds["device_password"]
    assert creds["device_password"] not in repr(u)
    listed = u.list_devices()
    assert [d["DeviceKey"] for d in listed] == [creds["device_key"]]
    with pytest.raises(MissingValueError, match="no new device"):
        u.remember_device()

    local.clear_calls()
    again = make_either(device_pool, username="dana", **creds)
    again.authenticate(dana.password)
    assert {"DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"} <= set(_challenges(local))
    assert again.access_claims is not None
    assert again.access_claims.get("device_key", creds["device_key"]) == creds["device_key"]
    again.renew_access_token()  # DEVICE_KEY goes with the refresh
    assert again.access_token


_REFUSAL = {"__type": "InternalErrorException", "message": "ConfirmDevice refused here"}


class _RefuseConfirmDevice(httpx.AsyncBaseTransport):
    """The real HTTP transport, except that ConfirmDevice gets Cognito's error response."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("x-amz-target", "").endswith(".ConfirmDevice"):
            return httpx.Response(400, json=_REFUSAL, request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def _refuse_confirm_device(request: Any, **_: Any) -> AWSResponse:
    return AWSResponse(request.url, 400, {}, _Raw(json.dumps(_REFUSAL).encode()))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


@pytest.mark.parametrize("driver", ["Cognito", "AsyncCognito"])
def test_a_device_cognito_refuses_to_confirm_does_not_fail_the_login(
    device_pool: PoolInfo, dana: UserInfo, local: Any, caplog: pytest.LogCaptureFixture,
    driver: str,
) -> None:
    """ConfirmDevice after the login fails: the login stands (logged, not raised), and the
    instance holds no device values."""
    local.clear_calls()
    with caplog.at_level(logging.WARNING, logger="pycognito"):
        if driver == "Cognito":
            u: Any = Cognito(device_pool.pool_id, device_pool.client_id, username="dana",
                             client_secret=device_pool.client_secret,
                             boto3_client_kwargs=device_pool.boto3_client_kwargs())
            u.client.meta.events.register("before-send.cognito-idp.ConfirmDevice",
                                          _refuse_confirm_device)
            u.authenticate(dana.password)
        else:
            async def main() -> Any:
                http = httpx.AsyncClient(transport=_RefuseConfirmDevice())
                async with http, AsyncCognito(
                    device_pool.pool_id, device_pool.client_id, username="dana",
                    client_secret=device_pool.client_secret, http_client=http,
                    boto3_client_kwargs=device_pool.boto3_client_kwargs(),
                ) as u:
                    await u.authenticate(dana.password)
                    return u

            u = asyncio.run(main())
    assert u.access_token and u.new_device is not None
    assert u.device_key is None and u.device_password is None
    assert local.calls("ConfirmDevice") == []  # refused before it reached the server
    assert "could not confirm the device announced at login (InternalErrorException)" in \
        caplog.text


def _device_names(u: Cognito) -> dict[str, str]:
    return {
        d["DeviceKey"]: next(a["Value"] for a in d["DeviceAttributes"]
                             if a["Name"] == "device_name")
        for d in u.list_devices()
    }


@pytest.mark.parametrize("login", ["authenticate", "admin_authenticate"])
def test_refresh_after_a_plain_login(device_pool: PoolInfo, dana: UserInfo,
                                     make_either: CognitoFactory, local: Any,
                                     move_clocks: Callable[..., None], login: str) -> None:
    """remember_device() never called: the device the login announced is confirmed on the
    spot (Cognito refuses to refresh tokens bound to an unconfirmed device), so refresh works,
    by renew_access_token() and by check_token(), here and in a new instance holding only the
    tokens."""
    u = make_either(device_pool, username="dana")
    getattr(u, login)(dana.password)
    announced = u.new_device
    assert announced is not None and len(local.calls("ConfirmDevice")) == 1
    assert u.device_key == announced["DeviceKey"] and u.device_password
    old = u.access_token
    u.renew_access_token()
    assert u.access_token != old
    assert u.access_claims is not None
    assert u.access_claims["device_key"] == announced["DeviceKey"]
    move_clocks(3600 - 30)  # the hour-long access token is inside the refresh margin
    old = u.access_token
    assert u.check_token() is True
    assert u.access_token != old and len(local.calls("InitiateAuth",
                                                     auth_flow="REFRESH_TOKEN_AUTH")) == 2
    restored = make_either(device_pool, access_token=u.access_token, id_token=u.id_token,
                            refresh_token=u.refresh_token)
    restored.renew_access_token()  # DEVICE_KEY from the access token
    assert restored.access_token != u.access_token
    assert list(_device_names(u)) == [announced["DeviceKey"]]


def test_remember_device_names_the_confirmed_device(device_pool: PoolInfo, dana: UserInfo,
                                                    make_either: CognitoFactory) -> None:
    """The other path: remember_device() after the automatic confirmation names the device,
    remembers it and hands out working credentials."""
    u = make_either(device_pool, username="dana")
    u.authenticate(dana.password)
    automatic = u.device_password
    creds = u.remember_device("laptop")
    assert creds["device_password"] != automatic
    assert _device_names(u) == {creds["device_key"]: "laptop"}
    assert [d["DeviceKey"] for d in u.list_devices()
            if d.get("DeviceRememberedStatus", "remembered") == "remembered"] == \
        [creds["device_key"]]
    u.renew_access_token()
    again = make_either(device_pool, username="dana", **creds)
    again.authenticate(dana.password)
    assert again.new_device is None
    again.renew_access_token()


def test_new_device_is_announced_until_remembered(device_pool: PoolInfo, dana: UserInfo,
                                                  make_either: CognitoFactory,
                                                  local: Any) -> None:
    u = make_either(device_pool, username="dana")
    assert u.new_device is None
    u.authenticate(dana.password)
    announced = u.new_device
    assert announced is not None
    assert set(announced) == {"DeviceKey", "DeviceGroupKey"} and all(announced.values())
    announced["DeviceKey"] = "changed"  # a copy: the instance keeps its own
    assert u.new_device is not None and u.new_device["DeviceKey"] != "changed"
    with pytest.raises(AttributeError):
        u.new_device = None  # type: ignore[misc]

    creds = u.remember_device("laptop")
    assert creds["device_key"] == u.device_key
    assert u.new_device is None

    local.clear_calls()
    known = make_either(device_pool, username="dana", **creds)
    known.authenticate(dana.password)
    assert {"DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"} <= set(_challenges(local))
    assert known.access_token and known.new_device is None  # nothing new to remember


def test_no_new_device_without_device_tracking(logged_in: Cognito) -> None:
    assert logged_in.access_token and logged_in.new_device is None


def _device_after_mfa(make_either: CognitoFactory, device_pool: PoolInfo, dana: UserInfo,
                      local: Any, *, remembered: bool) -> tuple[str, dict[str, str]]:
    """Dana turns authenticator-app MFA on, then logs in with MFA and confirms the device
    (``remembered`` or not); returns the app's secret and the device's credentials."""
    u = make_either(device_pool, username="dana")
    u.authenticate(dana.password)
    secret = u.associate_software_token()
    u.verify_software_token(local.totp_code(secret))
    u.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    first = make_either(device_pool, username="dana")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        first.authenticate(dana.password)
    first.respond_to_software_token_mfa_challenge(local.totp_code(secret))
    return secret, first.remember_device(remembered=remembered)


def test_remembered_device_skips_mfa(device_pool: PoolInfo, dana: UserInfo,
                                     make_either: CognitoFactory, local: Any) -> None:
    _, creds = _device_after_mfa(make_either, device_pool, dana, local, remembered=True)

    known = make_either(device_pool, username="dana", **creds)
    known.authenticate(dana.password)  # no MFA challenge on a remembered device
    assert known.access_token

    known.forget_device()
    assert known.device_key is None and known.device_password is None
    assert creds["device_key"] not in [d["DeviceKey"] for d in known.list_devices()]
    stale = make_either(device_pool, username="dana", **creds)
    with pytest.raises((ClientError, SoftwareTokenMFAChallengeException)):
        stale.authenticate(dana.password)


def test_wrong_device_password(device_pool: PoolInfo, dana: UserInfo,
                               make_either: CognitoFactory) -> None:
    u = make_either(device_pool, username="dana")
    u.authenticate(dana.password)
    creds = u.remember_device()
    creds["device_password"] = "d3JvbmcgZGV2aWNlIHBhc3N3b3Jk"
    with pytest.raises(u.client.exceptions.NotAuthorizedException):
        make_either(device_pool, username="dana", **creds).authenticate(dana.password)


def test_devices_need_tokens_and_keys(make_either: CognitoFactory, alice: UserInfo,
                                      local: Any) -> None:
    logged_in = make_either(username=alice.username)
    logged_in.authenticate(alice.password)
    local.clear_calls()
    with pytest.raises(MissingValueError, match="device_key"):
        logged_in.forget_device()
    with pytest.raises(MissingValueError, match="no new device"):
        logged_in.remember_device()
    with pytest.raises(MissingValueError, match="access token"):
        make_either().list_devices()
    assert local.calls() == []


def test_mfa_then_the_device_exchange(device_pool: PoolInfo, dana: UserInfo,
                                      make_either: CognitoFactory, local: Any) -> None:
    """A device confirmed but not remembered: Cognito asks for MFA first, then the device
    proof (AWS's order); the answer to MFA goes on to answer the device challenges."""
    secret, creds = _device_after_mfa(make_either, device_pool, dana, local, remembered=False)

    again = make_either(device_pool, username="dana", **creds)
    with pytest.raises(SoftwareTokenMFAChallengeException):
        again.authenticate(dana.password)
    local.clear_calls()
    again.respond_to_software_token_mfa_challenge(local.totp_code(secret, steps=1))
    assert again.access_claims is not None
    assert again.access_claims.get("device_key") == creds["device_key"]
    assert _challenges(local) == ["SOFTWARE_TOKEN_MFA", "DEVICE_SRP_AUTH",
                                  "DEVICE_PASSWORD_VERIFIER"]
