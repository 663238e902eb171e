"""``httpx`` auth for :class:`ClientCredentials` (extra ``httpx``): sync and async clients.

In an async client the token request (when one is needed) runs in a worker thread, so the
event loop is never blocked; a 401 from the API renews the token once and retries once.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING

import anyio.to_thread
import httpx

if TYPE_CHECKING:
    from ._client_credentials import ClientCredentials


class ClientCredentialsAuth(httpx.Auth):
    """``httpx.Client(auth=credentials.httpx_auth())`` / ``httpx.AsyncClient(auth=...)``."""

    requires_request_body = True  # read before the first send, so the retry can replay it

    def __init__(self, credentials: ClientCredentials) -> None:
        self.credentials = credentials

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth({self.credentials!r})"

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        request.read()
        token = self.credentials.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            self.credentials.invalidate(token)
            request.headers["Authorization"] = f"Bearer {self.credentials.token()}"
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        credentials = self.credentials
        token = credentials.cached_token() or await anyio.to_thread.run_sync(credentials.token)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            credentials.invalidate(token)
            fresh = await anyio.to_thread.run_sync(credentials.token)
            request.headers["Authorization"] = f"Bearer {fresh}"
            yield request
