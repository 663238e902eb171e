"""``ClientCredentials`` against the local Cognito's /oauth2/token."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Callable, Iterator

import httpx
import pytest
import requests

from pycognito.local import LocalCognito
from pycognito.oauth import ClientCredentials, DomainEndpoints, OAuthError
from pycognito.verification import (
    CognitoTokenVerifier,
    TokenScopeError,
    jwks_url_for_endpoint,
    unverified_claims,
)

from ..conftest import OAuthPool
from ..http_api import Api


def machine(oauth: OAuthPool, **kwargs: Any) -> ClientCredentials:
    return ClientCredentials(oauth.domain_url, oauth.machine_id, oauth.machine_secret,
                             **kwargs)


def token_requests(local: LocalCognito) -> int:
    return len(local.calls("oauth2/token"))


@pytest.fixture
def machine_api(oauth_pool: OAuthPool, local: LocalCognito) -> Iterator[Api]:
    """An API that accepts the machine client's access tokens with scope ``api/read``."""
    pool = dataclasses.replace(oauth_pool.pool, client_id=oauth_pool.machine_id)
    service = Api(pool, clock=local.now)
    service.verifier = CognitoTokenVerifier(
        pool.pool_id, pool.client_id, scopes=["api/read"], clock=local.now,
        jwks_url=jwks_url_for_endpoint(local.endpoint_url, pool.pool_id))
    service.start()
    yield service
    service.stop()


def test_endpoints_from_a_domain_or_url() -> None:
    assert DomainEndpoints.of("app.auth.eu-west-1.amazoncognito.com").token == (
        "https://app.auth.eu-west-1.amazoncognito.com/oauth2/token")
    assert DomainEndpoints.of("https://auth.example.com/oauth2/token/").base == (
        "https://auth.example.com")
    assert DomainEndpoints.of("http://127.0.0.1:5/domain/x").logout == (
        "http://127.0.0.1:5/domain/x/logout")
    with pytest.raises(Exception, match="http"):
        DomainEndpoints.of("ftp://example.com")


def test_token_is_verified_with_scopes_and_cached(local: LocalCognito,
                                                  oauth_pool: OAuthPool) -> None:
    credentials = machine(oauth_pool, scopes=["api/read"])
    token = credentials.token()
    pool_id = oauth_pool.pool.pool_id
    verifier = CognitoTokenVerifier(pool_id, oauth_pool.machine_id,
                                    jwks_url=jwks_url_for_endpoint(local.endpoint_url, pool_id))
    assert verifier.verify(token, token_use="access", scopes=["api/read"])["sub"] == (
        oauth_pool.machine_id)
    with pytest.raises(TokenScopeError):
        verifier.verify(token, scopes=["api/write"])
    assert credentials.token() == token
    assert token_requests(local) == 1 == credentials.requests_made
    assert oauth_pool.machine_secret not in repr(credentials)


def test_post_body_authentication(local: LocalCognito, oauth_pool: OAuthPool) -> None:
    credentials = machine(oauth_pool, auth_method="client_secret_post")
    assert credentials.token()
    assert credentials.tokens().expires_in == 3600
    # docs/oauth.md: no scopes asks for every scope the client may have
    claims = unverified_claims(credentials.token())["payload"]
    assert set(claims["scope"].split()) == {"api/read", "api/write"}


def test_renewed_early_by_the_lifecycle_rules(local: LocalCognito, oauth_pool: OAuthPool,
                                              move_clocks: Callable[..., None]) -> None:
    credentials = machine(oauth_pool, margin=120)
    first = credentials.token()
    move_clocks(3600 - 121)
    assert credentials.token() == first
    move_clocks(2)  # inside the margin: renewed before it expires
    second = credentials.token()
    assert second != first
    assert token_requests(local) == 2


def test_one_request_for_many_threads(local: LocalCognito, oauth_pool: OAuthPool) -> None:
    credentials = machine(oauth_pool)
    start = threading.Barrier(16)
    seen: list[str] = []

    def worker() -> None:
        start.wait()
        seen.append(credentials.token())

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1 and len(seen) == 16
    assert token_requests(local) == 1


def test_errors_are_typed(oauth_pool: OAuthPool) -> None:
    wrong = ClientCredentials(oauth_pool.domain_url, oauth_pool.machine_id, "not-the-secret")
    with pytest.raises(OAuthError) as refused:
        wrong.token()
    assert refused.value.error == "invalid_client" and not refused.value.transient
    with pytest.raises(OAuthError) as scope:
        machine(oauth_pool, scopes="api/delete").token()
    assert scope.value.error == "invalid_scope"


def test_transient_failure_keeps_the_current_token(
    local: LocalCognito, oauth_pool: OAuthPool, move_clocks: Callable[..., None]
) -> None:
    credentials = machine(oauth_pool)
    first = credentials.token()
    move_clocks(3600 - 30)  # stale, not expired
    credentials.endpoints = DomainEndpoints.of("http://127.0.0.1:9/domain/down")
    assert credentials.token() == first
    move_clocks(60)  # now expired: the failure surfaces
    with pytest.raises(OAuthError) as down:
        credentials.token()
    assert down.value.transient


def test_requests_and_httpx_auth(local: LocalCognito, oauth_pool: OAuthPool,
                                 machine_api: Api) -> None:
    credentials = machine(oauth_pool, scopes="api/read")
    assert requests.get(machine_api.url, auth=credentials, timeout=10).status_code == 200
    with httpx.Client(auth=credentials) as client:
        assert client.get(machine_api.url).json()["sub"] == oauth_pool.machine_id
    assert token_requests(local) == 1
    write_only = machine(oauth_pool, scopes="api/write")
    assert requests.get(machine_api.url, auth=write_only, timeout=10).status_code == 401


def test_httpx_auth_sync_and_async_with_one_retry_on_401(
    local: LocalCognito, oauth_pool: OAuthPool, machine_api: Api
) -> None:
    import asyncio

    credentials = machine(oauth_pool, scopes="api/read")
    auth = credentials.httpx_auth()
    assert credentials.cached_token() is None  # nothing sent yet

    async def calls() -> list[int]:
        async with httpx.AsyncClient(auth=auth) as client:
            pages = await asyncio.gather(*(client.get(machine_api.url) for _ in range(8)))
        return [page.status_code for page in pages]

    assert asyncio.run(calls()) == [200] * 8
    first = credentials.cached_token()
    assert first is not None and token_requests(local) == 1
    machine_api.denied.add(first)  # the API refuses it: renewed once, retried once
    with httpx.Client(auth=auth) as client:
        assert client.get(machine_api.url).status_code == 200
    renewed = credentials.cached_token()
    assert renewed not in (None, first) and machine_api.tokens_seen[-2:] == [first, renewed]
    assert token_requests(local) == 2


def test_async_token_request_never_blocks_the_event_loop(
    oauth_pool: OAuthPool, machine_api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/oauth.md: in an async httpx client the token request runs in a worker thread: it
    waits here until another task on the loop has run, which it could not on the loop."""
    import asyncio

    release = threading.Event()
    threads: list[threading.Thread] = []
    real = ClientCredentials._fetch

    def waiting_fetch(self: ClientCredentials) -> Any:
        threads.append(threading.current_thread())
        assert release.wait(10), "the event loop was blocked during the token request"
        return real(self)

    monkeypatch.setattr(ClientCredentials, "_fetch", waiting_fetch)
    auth = machine(oauth_pool, scopes="api/read").httpx_auth()

    async def other_task() -> None:
        await asyncio.sleep(0.05)
        release.set()

    async def main() -> int:
        async with httpx.AsyncClient(auth=auth, timeout=30) as client:
            response, _ = await asyncio.gather(client.get(machine_api.url), other_task())
            return response.status_code

    assert asyncio.run(main()) == 200
    assert len(threads) == 1 and threads[0] is not threading.current_thread()


def test_requests_auth_retries_once_on_401(local: LocalCognito, oauth_pool: OAuthPool,
                                           machine_api: Api) -> None:
    credentials = machine(oauth_pool, scopes="api/read")
    assert requests.get(machine_api.url, auth=credentials, timeout=10).status_code == 200
    first = machine_api.tokens_seen[-1]
    machine_api.denied.add(first)
    answer = requests.get(machine_api.url, auth=credentials, timeout=10)
    assert answer.status_code == 200 and [r.status_code for r in answer.history] == [401]
    assert machine_api.tokens_seen[-2] == first != machine_api.tokens_seen[-1]
    machine_api.refuse_all = True  # still refused after the renewal: the 401 comes back
    assert requests.get(machine_api.url, auth=credentials, timeout=10).status_code == 401
    assert token_requests(local) == 3


def test_invalidate_asks_again(local: LocalCognito, oauth_pool: OAuthPool) -> None:
    credentials = machine(oauth_pool)
    first = credentials.token()
    credentials.invalidate("some other token")
    assert credentials.token() == first
    credentials.invalidate(first)
    assert credentials.token() != first
    assert token_requests(local) == 2
