"""``HttpxSrpAuth`` end to end, sync and async: the same token lifecycle as ``RequestsSrpAuth``
(see ``test_utils.py`` for the full matrix), driven through httpx clients."""

from __future__ import annotations

import asyncio
from typing import Any, Callable

import httpx
import pytest

from pycognito.httpx_auth import HttpxSrpAuth
from pycognito.utils import TokenType

from .conftest import PoolInfo, UserInfo

Move = Callable[..., None]


@pytest.fixture
def alice(pool: PoolInfo, make_user: Callable[..., UserInfo]) -> UserInfo:
    return make_user(pool, "alice")


def _auth(pool: PoolInfo, user: UserInfo, **kwargs: Any) -> HttpxSrpAuth:
    return HttpxSrpAuth(
        username=user.username,
        password=user.password,
        user_pool_id=pool.pool_id,
        client_id=pool.client_id,
        client_secret=pool.client_secret,
        boto3_client_kwargs={"endpoint_url": pool.endpoint_url},
        **kwargs,
    )


def _count(local: Any) -> tuple[int, int]:
    logins = len(local.calls("InitiateAuth", auth_flow="USER_SRP_AUTH"))
    refreshes = len(local.calls("InitiateAuth", auth_flow="REFRESH_TOKEN_AUTH"))
    return logins, refreshes


def test_sync_client_logs_in_refreshes_and_retries_a_401(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any, move_clocks: Move
) -> None:
    auth = _auth(pool, alice)
    with httpx.Client(auth=auth, timeout=10) as client:
        assert client.get(api.url).json()["token_use"] == "access"
        assert client.get(api.url).status_code == 200
        assert _count(local) == (1, 0)
        move_clocks(3600 - 30)
        assert client.get(api.url).status_code == 200
        assert _count(local) == (1, 1)
        api.denied.add(api.tokens_seen[-1])
        response = client.get(api.url)
        assert response.status_code == 200 and len(response.history) == 1
        assert _count(local) == (1, 2)
    assert alice.password not in repr(auth)


def test_id_token_variant(pool: PoolInfo, alice: UserInfo, api: Any) -> None:
    auth = _auth(pool, alice, auth_token_type=TokenType.ID_TOKEN)
    with httpx.Client(auth=auth, timeout=10) as client:
        assert client.get(api.url).json()["token_use"] == "id"


def test_async_client_32_tasks_log_in_once_and_refresh_once(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any, move_clocks: Move
) -> None:
    auth = _auth(pool, alice)

    async def burst(client: httpx.AsyncClient) -> list[int]:
        responses = await asyncio.gather(*(client.get(api.url) for _ in range(32)))
        return [response.status_code for response in responses]

    async def main() -> None:
        async with httpx.AsyncClient(auth=auth, timeout=30) as client:
            assert await burst(client) == [200] * 32
            assert _count(local) == (1, 0)
            move_clocks(3600)
            assert await burst(client) == [200] * 32
            assert _count(local) == (1, 1)
            api.denied.add(api.tokens_seen[-1])
            response = await client.get(api.url)
            assert response.status_code == 200 and len(response.history) == 1

    asyncio.run(main())
