"""``HttpxSrpAuth`` end to end, sync and async: the same token lifecycle as ``RequestsSrpAuth``
(see ``test_utils.py`` for the full matrix), driven through httpx clients."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

import httpx
import pytest

from pycognito.aio import AsyncCognito
from pycognito.exceptions import WarrantException
from pycognito.httpx_auth import HttpxSrpAuth
from pycognito.utils import RequestsSrpAuth, TokenType

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


class _Echo:
    """A real HTTP server on loopback: refuses the first POST (401) after reading its body,
    then echoes the bodies it receives (chunked or not)."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        echo = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        chunk = self.rfile.read(size + 2)[:size]
                        if not size:
                            break
                        body += chunk
                else:
                    body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                echo.bodies.append(body)
                status = 401 if len(echo.bodies) == 1 else 200
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/echo"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _chunks() -> Iterator[bytes]:
    yield b"first part, "
    yield b"second part"


async def _async_chunks() -> AsyncIterator[bytes]:
    for chunk in _chunks():
        yield chunk


def test_a_streamed_body_is_replayed_after_a_401(pool: PoolInfo, alice: UserInfo,
                                                 local: Any) -> None:
    """A generator body, a 401 and the retry, sync and async, over a real socket (httpx
    raised StreamConsumed: it reads the body first only in the base flows)."""
    echo = _Echo()
    try:
        auth = _auth(pool, alice)
        with httpx.Client(auth=auth, timeout=10) as client:
            response = client.post(echo.url, content=_chunks())
        assert response.status_code == 200 and len(response.history) == 1
        assert response.content == b"first part, second part"

        async def post() -> httpx.Response:
            async with httpx.AsyncClient(auth=auth, timeout=10) as client:
                return await client.post(echo.url, content=_async_chunks())

        echo.bodies.clear()
        response = asyncio.run(post())
        assert response.status_code == 200 and len(response.history) == 1
        assert echo.bodies == [b"first part, second part"] * 2
    finally:
        echo.stop()


def test_async_login_never_blocks_the_event_loop(
    pool: PoolInfo, alice: UserInfo, api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's "the event loop is never blocked": the login waits until another task on
    the same loop has run. Were it run on the loop's thread, that task could never run."""
    from pycognito import Cognito

    release = threading.Event()
    login_threads: list[threading.Thread] = []
    real = Cognito.authenticate

    def waiting_login(self: Cognito, *args: Any, **kwargs: Any) -> None:
        login_threads.append(threading.current_thread())
        assert release.wait(10), "the event loop was blocked during the login"
        real(self, *args, **kwargs)

    monkeypatch.setattr(Cognito, "authenticate", waiting_login)
    auth = _auth(pool, alice)

    async def other_task() -> None:
        await asyncio.sleep(0.05)
        release.set()

    async def main() -> list[int]:
        async with httpx.AsyncClient(auth=auth, timeout=30) as client:
            response, _ = await asyncio.gather(client.get(api.url), other_task())
            return [response.status_code, len(login_threads)]

    loop_thread = threading.current_thread()
    assert asyncio.run(main()) == [200, 1]
    assert login_threads[0] is not loop_thread


def test_an_async_cognito_signs_async_clients_only(pool: PoolInfo) -> None:
    user = AsyncCognito(pool.pool_id, pool.client_id, username="alice",
                        boto3_client_kwargs=pool.boto3_client_kwargs())
    auth = HttpxSrpAuth(cognito=user, password="Not-used-1")
    assert auth.cognito is user
    with httpx.Client(auth=auth) as client, pytest.raises(WarrantException, match="AsyncClient"):
        client.get("http://127.0.0.1:9/never-sent")
    with pytest.raises(WarrantException, match="RequestsSrpAuth needs a Cognito"):
        RequestsSrpAuth(cognito=user, password="Not-used-1")
