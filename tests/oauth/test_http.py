"""docs/oauth.md: ``timeout`` bounds each OAuth request as a whole (connection, headers and
body), however slowly the domain answers, for the sync and the async token paths alike."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Callable

import httpx
import pytest
import requests
import requests_mock
import responses

from pycognito.oauth import AuthorizationCodeFlow, ClientCredentials, OAuthError

from ..verification.helpers import DrippingServer

TIMEOUT = 0.5
SLACK = 1.0  # a busy shared machine; the server alone would hold every call for ever


@pytest.fixture(params=["headers", "body"])
def dripping(request: pytest.FixtureRequest) -> Iterator[DrippingServer]:
    server = DrippingServer(interval=0.05, body=request.param == "body")
    yield server
    server.close()


def _timed_out(call: Callable[[], object]) -> OAuthError:
    start = time.monotonic()
    with pytest.raises(OAuthError) as caught:
        call()
    assert time.monotonic() - start < TIMEOUT + SLACK, "the call outlived its timeout"
    return caught.value


def _connections_closed(server: DrippingServer, count: int) -> None:
    deadline = time.monotonic() + 5
    while server.closed < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.closed == count, "the abandoned requests kept their connections open"


def _machine(server: DrippingServer, **kwargs: object) -> ClientCredentials:
    return ClientCredentials(server.base, "machine", "secret", timeout=TIMEOUT, **kwargs)


def _flow(server: DrippingServer, **kwargs: object) -> AuthorizationCodeFlow:
    return AuthorizationCodeFlow(server.base, "client", "http://127.0.0.1:1/callback",
                                 user_pool_id="eu-west-1_Pool", timeout=TIMEOUT, **kwargs)


def test_token_is_bounded_for_the_caller_and_every_thread_waiting(
        dripping: DrippingServer) -> None:
    credentials = _machine(dripping)
    errors: list[BaseException] = []

    def token() -> None:
        try:
            credentials.token()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=token, daemon=True) for _ in range(4)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert time.monotonic() - start < TIMEOUT + SLACK, "threads waiting outlived the timeout"
    assert len(errors) == 4 and all(
        isinstance(error, OAuthError) and error.error == "unreachable" and error.transient
        for error in errors)
    assert dripping.accepted == 1  # one request for all threads, its failure shared
    _connections_closed(dripping, 1)
    error = _timed_out(credentials.token)  # a later call asks again
    assert error.transient and "0.5 s" in str(error)
    _connections_closed(dripping, 2)


def test_a_users_session_is_used_and_bounded(dripping: DrippingServer) -> None:
    session = requests.Session()
    session.headers["X-Mine"] = "1"
    sent: list[str] = []
    session.hooks["response"].append(lambda response, **_: sent.append(response.url))
    _timed_out(_machine(dripping, session=session).token)
    _connections_closed(dripping, 1)
    sent.clear()  # a body that drips comes after the hooks ran
    with requests_mock.Mocker() as mocker:
        mocker.post(f"{dripping.base}/oauth2/token",
                    json={"access_token": "at", "expires_in": 3600, "token_type": "Bearer"})
        assert _machine(dripping, session=session).token() == "at"
        assert mocker.last_request.headers["X-Mine"] == "1"
    assert sent == [f"{dripping.base}/oauth2/token"]
    adapter = requests_mock.Adapter()  # an adapter the user mounted is kept
    session.mount(dripping.base, adapter)
    adapter.register_uri("GET", f"{dripping.base}/oauth2/userInfo", json={"sub": "s"})
    assert _flow(dripping, session=session).userinfo("at") == {"sub": "s"}


def test_bounded_through_a_proxy(dripping: DrippingServer,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", dripping.base)  # the dripping server plays the proxy
    credentials = ClientCredentials("http://auth.example.invalid", "m", "s", timeout=TIMEOUT)
    assert _timed_out(credentials.token).transient
    _connections_closed(dripping, 1)


@responses.activate
def test_responses_intercepts_the_token_request() -> None:
    responses.post("https://app.example.com/oauth2/token",
                   json={"access_token": "at", "expires_in": 3600, "token_type": "Bearer"})
    assert ClientCredentials("https://app.example.com", "m", "s").token() == "at"
    assert len(responses.calls) == 1


def test_code_flow_calls_are_bounded(dripping: DrippingServer) -> None:
    flow = _flow(dripping)
    request = flow.start()
    assert _timed_out(lambda: flow.exchange(request, "code")).transient
    assert _timed_out(lambda: flow.refresh("refresh-token")).transient
    assert _timed_out(lambda: flow.userinfo("access-token")).transient
    assert _timed_out(lambda: flow.revoke("refresh-token")).transient
    _connections_closed(dripping, 4)


def test_async_httpx_token_request_is_bounded(dripping: DrippingServer) -> None:
    """docs/oauth.md: the async token request runs in a worker thread, within the timeout."""
    auth = _machine(dripping).httpx_auth()

    async def main() -> None:
        async with httpx.AsyncClient(auth=auth) as client:
            await client.get(f"{dripping.base}/api")

    _timed_out(lambda: asyncio.run(main()))
    _connections_closed(dripping, 1)
