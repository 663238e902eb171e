"""``HttpxSrpAuth``: an ``httpx.Auth`` for sync and async clients (extra ``httpx``).

::

    auth = HttpxSrpAuth(cognito=Cognito(pool_id, client_id, username="bob"), password="...")
    with httpx.Client(auth=auth) as client:
        client.get("https://api.example.com/me")
    async with httpx.AsyncClient(auth=auth) as client:
        await client.get("https://api.example.com/me")

Tokens are made valid before each request (login, early refresh, one call for all threads and
tasks); a 401 triggers one renewal and one retry. In async clients the Cognito calls run in a
worker thread, so the event loop is never blocked; with ``cognito=AsyncCognito(...)``
(:mod:`pycognito.aio`, for async clients only) they are coroutines on the loop, no thread.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import TYPE_CHECKING, Callable, cast

import anyio.to_thread
import httpx

from ._bearer import BearerAuth, TokenType, is_async_cognito
from ._clients import bounded_calls, timeout_seconds
from ._tokens import TokenSet
from .exceptions import WarrantException

if TYPE_CHECKING:
    from .aio import AsyncCognito

__all__ = ["HttpxSrpAuth", "TokenType"]


class HttpxSrpAuth(BearerAuth, httpx.Auth):
    """Sets ``http_header`` to ``http_header_prefix + token`` on each request.

    Arguments: either ``cognito`` (a ``Cognito`` instance, or for async clients an
    ``AsyncCognito`` (:mod:`pycognito.aio`), shared with the rest of the
    application) or ``user_pool_id``/``client_id`` (+ ``user_pool_region``, ``client_secret``,
    ``boto3_client_kwargs``) and ``username``; ``password`` lets it log in (again) by itself.
    ``auth_token_type`` picks the access (default) or id token; ``storage`` keeps the session
    across restarts; ``refresh_margin`` is how early to refresh (default 60 s).
    """

    # The body is replayed on the one retry after a 401, so both flows read it first: httpx
    # honours ``requires_request_body`` only in the base flows these replace (a streamed body,
    # a generator say, could not be sent twice: httpx.StreamConsumed).
    requires_request_body = True
    _async_cognito_ok = True

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        if is_async_cognito(self._cognito):
            raise WarrantException("an AsyncCognito signs the requests of an httpx.AsyncClient "
                                   "only; give a synchronous client a Cognito")
        request.read()
        lifecycle = self._lifecycle
        timeout = timeout_seconds(request.extensions.get("timeout"))
        with bounded_calls(timeout):  # a renewal keeps to the request's timeout
            tokens = lifecycle.valid_tokens()
        request.headers[self._header] = self._header_value(tokens)
        response = yield request
        if response.status_code == 401:
            with bounded_calls(timeout):
                fresh = lifecycle.renew_rejected(tokens.access_token)
            request.headers[self._header] = self._header_value(fresh)
            yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        lifecycle = self._lifecycle
        timeout = timeout_seconds(request.extensions.get("timeout"))

        def bounded(call: Callable[[], TokenSet]) -> Callable[[], TokenSet]:
            def run() -> TokenSet:
                with bounded_calls(timeout):  # a renewal keeps to the request's timeout
                    return call()

            return run

        # An AsyncCognito renews on the loop, no thread (its single flight across tasks).
        native = (cast("AsyncCognito", self._cognito)._auth_tokens
                  if is_async_cognito(self._cognito) else None)
        tokens = lifecycle.fresh_tokens()  # judged and returned from one read of the state
        if tokens is None:
            if native is not None:
                tokens = await native(self._async_login)
            else:
                tokens = await anyio.to_thread.run_sync(bounded(lifecycle.valid_tokens))
        request.headers[self._header] = self._header_value(tokens)
        response = yield request
        if response.status_code == 401:
            used = tokens.access_token
            if native is not None:
                fresh = await native(self._async_login, used)
            else:
                fresh = await anyio.to_thread.run_sync(
                    bounded(lambda: lifecycle.renew_rejected(used)))
            request.headers[self._header] = self._header_value(fresh)
            yield request
