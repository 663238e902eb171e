"""Fixtures for the token-verification tests (keys, a loopback JWKS server, a verifier)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from pycognito.verification import CognitoTokenVerifier, JwksCache, clear_shared_verifiers

from .helpers import CLIENT_ID, POOL_ID, JwksServer, jwk_of, new_key


@pytest.fixture(scope="session")
def key1() -> rsa.RSAPrivateKey:
    return new_key()


@pytest.fixture(scope="session")
def key2() -> rsa.RSAPrivateKey:
    return new_key()


@pytest.fixture(scope="session")
def key3() -> rsa.RSAPrivateKey:
    return new_key()


@pytest.fixture()
def server(key1: rsa.RSAPrivateKey, key2: rsa.RSAPrivateKey) -> Iterator[JwksServer]:
    """A JWKS server on loopback holding k1 (key1) and k2 (key2)."""
    srv = JwksServer()
    srv.jwks = {"keys": [jwk_of(key1, "k1"), jwk_of(key2, "k2")]}
    yield srv
    srv.close()


@pytest.fixture()
def cache() -> JwksCache:
    """A private JWKS cache with short timeouts and penalties."""
    return JwksCache(timeout=1.0, penalty_seconds=30.0, failure_penalty_seconds=30.0)


@pytest.fixture()
def make_verifier(server: JwksServer, cache: JwksCache) -> Callable[..., CognitoTokenVerifier]:
    """Build a verifier of the test pool whose keys come from ``server`` through ``cache``."""

    def make(client_id: Any = CLIENT_ID, **kwargs: Any) -> CognitoTokenVerifier:
        kwargs.setdefault("jwks_url", server.url())
        kwargs.setdefault("jwks_cache", cache)
        return CognitoTokenVerifier(POOL_ID, client_id, **kwargs)

    return make


@pytest.fixture()
def verifier(make_verifier: Callable[..., CognitoTokenVerifier]) -> CognitoTokenVerifier:
    return make_verifier()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("COGNITO_JWKS", raising=False)
    clear_shared_verifiers()
    yield
    clear_shared_verifiers()
