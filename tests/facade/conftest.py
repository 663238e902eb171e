"""Fixtures for the ``Cognito`` facade tests: instances aimed at the local Cognito."""

from __future__ import annotations

from typing import Any, Callable, Optional

import pytest
from botocore.config import Config

from pycognito import Cognito

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
        info = pool_info or pool
        kwargs.setdefault("client_secret", info.client_secret)
        kwargs.setdefault("boto3_client_kwargs", client_kwargs(info))
        return Cognito(info.pool_id, info.client_id, **kwargs)

    return make


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
