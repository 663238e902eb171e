"""Fixtures for the ``Cognito`` facade tests: instances aimed at the local Cognito.

A module whose methods both drivers run (the facade's steps in :mod:`pycognito._operations`)
asks for ``make_either`` instead of ``make_cognito``: its tests then run once with ``Cognito``
and once with ``AsyncCognito``, each coroutine run to completion on one event loop.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Callable, Iterator, Optional, cast

import pytest
from botocore.config import Config

from pycognito import Cognito
from pycognito.aio import AsyncCognito, AsyncUserObj, close_connections

from ..conftest import PoolInfo, UserInfo

# One Config object for the whole session, so every Cognito shares one boto3 client per pool
# endpoint (the client cache keys on the config's identity).
_CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"})

CognitoFactory = Callable[..., Cognito]


def client_kwargs(pool_info: PoolInfo) -> dict[str, Any]:
    return {"endpoint_url": pool_info.endpoint_url, "config": _CONFIG}


@pytest.fixture
def make_cognito(pool: PoolInfo) -> CognitoFactory:
    """``make_cognito(pool_info=None, **kwargs)``: a ``Cognito`` for the pool (default:
    ``pool``), with its client secret, reaching the local server."""

    def make(pool_info: Optional[PoolInfo] = None, **kwargs: Any) -> Cognito:
        made: Cognito = _make(pool_info or pool, Cognito, **kwargs)
        return made

    return make


class Blocking:
    """An ``AsyncCognito`` (or an ``AsyncUserObj`` it returned) with the ``Cognito`` calling
    convention: each coroutine method is run to completion on ``loop`` (the real async driver
    and transport; nothing replaced), and the users it returns are ``Blocking`` too."""

    def __init__(self, inner: Any, loop: asyncio.AbstractEventLoop) -> None:
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_loop", loop)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not inspect.iscoroutinefunction(value):
            return value

        def run(*args: Any, **kwargs: Any) -> Any:
            result = self._loop.run_until_complete(value(*args, **kwargs))
            if isinstance(result, list):
                return [self._blocking(item) for item in result]
            return self._blocking(result)

        return run

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._inner, name, value)

    def __repr__(self) -> str:
        return repr(self._inner)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance() sees the wrapped object's class
        return type(self._inner)

    def _blocking(self, value: Any) -> Any:
        return Blocking(value, self._loop) if isinstance(value, AsyncUserObj) else value


@pytest.fixture(params=["Cognito", "AsyncCognito"])
def make_either(request: pytest.FixtureRequest, pool: PoolInfo) -> Iterator[CognitoFactory]:
    """``make_cognito``'s factory, once for each driver (see the module docstring)."""
    if request.param == "Cognito":
        yield lambda pool_info=None, **kwargs: _make(pool_info or pool, Cognito, **kwargs)
        return
    loop = asyncio.new_event_loop()

    def make(pool_info: Optional[PoolInfo] = None, **kwargs: Any) -> Cognito:
        inner = _make(pool_info or pool, AsyncCognito, **kwargs)
        return cast(Cognito, Blocking(inner, loop))

    try:
        yield make
    finally:
        loop.run_until_complete(close_connections())
        loop.close()


def _make(info: PoolInfo, kind: Callable[..., Any], **kwargs: Any) -> Any:
    kwargs.setdefault("client_secret", info.client_secret)
    kwargs.setdefault("boto3_client_kwargs", client_kwargs(info))
    return kind(info.pool_id, info.client_id, **kwargs)


@pytest.fixture
def alice(pool: PoolInfo, make_user: Callable[..., UserInfo]) -> UserInfo:
    """A confirmed user of ``pool``."""
    return make_user(pool, "alice")


@pytest.fixture
def logged_in(make_cognito: CognitoFactory, alice: UserInfo) -> Cognito:
    """``alice`` logged in (SRP) on ``pool``."""
    u = make_cognito(username=alice.username)
    u.authenticate(alice.password)
    return u


@pytest.fixture
def logged_in_either(make_either: CognitoFactory, alice: UserInfo) -> Cognito:
    """``logged_in`` once with each driver (see ``make_either``)."""
    u = make_either(username=alice.username)
    u.authenticate(alice.password)
    return u
