"""``HttpxSrpAuth``: an ``httpx.Auth`` for sync and async clients (extra ``httpx``).

::

    auth = HttpxSrpAuth(cognito=Cognito(pool_id, client_id, username="bob"), password="...")
    with httpx.Client(auth=auth) as client:
        client.get("https://api.example.com/me")
    async with httpx.AsyncClient(auth=auth) as client:
        await client.get("https://api.example.com/me")

Tokens are made valid before each request (login, early refresh, one call for all threads and
tasks); a 401 triggers one renewal and one retry. In async clients the Cognito calls run in a
worker thread, so the event loop is never blocked.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING, Any, Mapping, Optional

import anyio.to_thread
import httpx

from ._bearer import BearerTokens, TokenType

if TYPE_CHECKING:
    from ._cognito import Cognito
    from .token_storage import TokenStorage

__all__ = ["HttpxSrpAuth", "TokenType"]


class HttpxSrpAuth(httpx.Auth):
    """Sets ``http_header`` to ``http_header_prefix + token`` on each request."""

    requires_request_body = True  # the body is replayed on the one retry after a 401

    def __init__(
        self,
        username: Optional[str] = None,
        password: Optional[str] = None,
        user_pool_id: Optional[str] = None,
        user_pool_region: Optional[str] = None,
        client_id: Optional[str] = None,
        cognito: Optional[Cognito] = None,
        http_header: str = "Authorization",
        http_header_prefix: str = "Bearer ",
        auth_token_type: TokenType = TokenType.ACCESS_TOKEN,
        boto3_client_kwargs: Optional[Mapping[str, Any]] = None,
        *,
        client_secret: Optional[str] = None,
        storage: Optional[TokenStorage] = None,
        refresh_margin: Optional[float] = None,
    ) -> None:
        self._bearer = BearerTokens(
            cognito=cognito,
            username=username,
            password=password,
            user_pool_id=user_pool_id,
            user_pool_region=user_pool_region,
            client_id=client_id,
            client_secret=client_secret,
            http_header=http_header,
            http_header_prefix=http_header_prefix,
            auth_token_type=auth_token_type,
            boto3_client_kwargs=boto3_client_kwargs,
            storage=storage,
            refresh_margin=refresh_margin,
        )

    @property
    def cognito(self) -> Cognito:
        """The ``Cognito`` instance whose tokens sign the requests."""
        return self._bearer.cognito

    def __repr__(self) -> str:
        return f"HttpxSrpAuth({self._bearer!r})"

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        lifecycle = self._bearer.lifecycle
        tokens = lifecycle.valid_tokens()
        request.headers[self._bearer.header] = self._bearer.value(tokens)
        response = yield request
        if response.status_code == 401:
            fresh = lifecycle.renew_rejected(tokens.access_token)
            request.headers[self._bearer.header] = self._bearer.value(fresh)
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        lifecycle = self._bearer.lifecycle
        tokens = lifecycle.tokens
        if tokens is None or lifecycle.is_stale():
            tokens = await anyio.to_thread.run_sync(lifecycle.valid_tokens)
        request.headers[self._bearer.header] = self._bearer.value(tokens)
        response = yield request
        if response.status_code == 401:
            used = tokens.access_token
            fresh = await anyio.to_thread.run_sync(lambda: lifecycle.renew_rejected(used))
            request.headers[self._bearer.header] = self._bearer.value(fresh)
            yield request
