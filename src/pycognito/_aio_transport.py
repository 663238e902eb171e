"""Cognito's ``cognito-idp`` API on an event loop: botocore's own parts, httpx's I/O.

A request is built, signed and parsed exactly as a boto3 client does it, with that client's own
pieces: its service model and endpoint (``endpoint_url``, ``AWS_ENDPOINT_URL...``, the region's
default), botocore's JSON serializer (with parameter validation), AWS's SigV4 signer with the
credentials boto3 finds (the given ``session``, ``access_key``/``secret_key``, environment,
profiles), botocore's response parser and the client's error factory, so errors are the very
``ClientError`` subclasses ``client.exceptions.X`` names. Only the HTTP round trip differs: it
is an ``httpx.AsyncClient`` request, so the loop never waits on the network and no thread is
used per call. See docs/async.md for why this and not aiobotocore.

The boto3 client these parts come from is the facade's shared one; creating it (tens of
milliseconds of CPU, more for the first in a process) and resolving credentials (which may
read files or ask an instance metadata service) happen once per shared client, in a worker
thread; an instance's first call looks them up there (a dict lookup), later calls never leave
the loop.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import weakref
from collections.abc import Awaitable
from typing import Any, Callable, Mapping, Optional

import httpx

__all__ = ["AsyncIdpClient", "close_shared_http", "shared_http"]

_PARTS_LOCK = threading.Lock()


class AsyncIdpClient:
    """``await client.initiate_auth(**kwargs)``: boto3's method names and results, async.

    ``make_client`` returns the boto3 ``cognito-idp`` client whose model, endpoint, config and
    exceptions are used (called once, in a worker thread); ``make_credentials`` the botocore
    credentials to sign with, or ``None`` (operations that need no signature still work).
    """

    def __init__(
        self,
        make_client: Callable[[], Any],
        make_credentials: Callable[[], Any],
        *,
        http: Optional[httpx.AsyncClient] = None,
    ) -> None:
        self._make_client = make_client
        self._make_credentials = make_credentials
        self._http = http
        self._closed = False
        self._parts: Optional[_Parts] = None
        self._ready: Optional[asyncio.Lock] = None

    def __repr__(self) -> str:
        return f"AsyncIdpClient(ready={self._parts is not None})"

    def __getattr__(self, name: str) -> Callable[..., Awaitable[dict[str, Any]]]:
        if name.startswith("_"):
            raise AttributeError(name)

        async def method(**params: Any) -> dict[str, Any]:
            return await self.call(name, params)

        method.__name__ = name
        return method

    @property
    def exceptions(self) -> Any:
        """The boto3 client's exception classes (``client.exceptions.NotAuthorizedException``);
        available once a first call was made (or :meth:`start` awaited)."""
        if self._parts is None:
            raise RuntimeError("await start() (or make a call) before reading exceptions")
        return self._parts.client.exceptions

    async def start(self) -> None:
        """Create the boto3 client and resolve the credentials (once, off the loop)."""
        if self._parts is not None:
            return
        if self._ready is None:
            self._ready = asyncio.Lock()
        async with self._ready:
            if self._parts is None:
                self._parts = await asyncio.to_thread(
                    _parts_for, self._make_client, self._make_credentials
                )

    async def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Call ``operation`` (boto3's snake_case name) with ``params``; return the parsed
        response or raise the boto3 client's ``ClientError`` subclass for Cognito's error."""
        await self.start()
        parts = self._parts
        assert parts is not None
        model = parts.operation(operation)
        request = parts.serializer.serialize_to_request(dict(params), model)
        credentials = None
        if model.auth_type != "none":
            credentials = await parts.frozen_credentials()
        prepared = parts.prepare(request, model, credentials)
        response = await self.http().request(
            prepared.method, prepared.url, headers=dict(prepared.headers.items()),
            content=prepared.body, timeout=parts.timeout,
        )
        return parts.parse(response, model)

    def http(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient`` requests go through: the one given, else the connection
        pool this event loop's instances share."""
        if self._closed:
            raise RuntimeError("this AsyncCognito was closed")
        return self._http if self._http is not None else shared_http()

    async def aclose(self) -> None:
        """Stop using the connections (a client given to the constructor stays open; the
        shared pool is closed by :func:`close_shared_http`)."""
        self._closed = True


#: One connection pool per event loop: keep-alive connections reused by every instance (a
#: client per instance would open a connection, and a TLS context, per user).
_SHARED_HTTP: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


#: Requests beyond this many open connections wait for one (boto3's pool holds 10).
_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=20)


def shared_http() -> httpx.AsyncClient:
    """The running loop's shared ``httpx.AsyncClient`` (made on first use)."""
    loop = asyncio.get_running_loop()
    http = _SHARED_HTTP.get(loop)
    if http is None or http.is_closed:
        http = _SHARED_HTTP[loop] = httpx.AsyncClient(verify=_tls_context(), limits=_LIMITS)
    return http


async def close_shared_http() -> None:
    """Close the running loop's shared connection pool (at application shutdown)."""
    http = _SHARED_HTTP.pop(asyncio.get_running_loop(), None)
    if http is not None:
        await http.aclose()


_TLS: list[ssl.SSLContext] = []
_TLS_LOCK = threading.Lock()


def _tls_context() -> ssl.SSLContext:
    """The TLS context of the shared pools (made once: it costs tens of milliseconds)."""
    if not _TLS:
        with _TLS_LOCK:
            if not _TLS:
                import certifi

                _TLS.append(ssl.create_default_context(cafile=certifi.where()))
    return _TLS[0]


_PARTS: weakref.WeakKeyDictionary[Any, _Parts] = weakref.WeakKeyDictionary()


def _parts_for(make_client: Callable[[], Any], make_credentials: Callable[[], Any]) -> _Parts:
    """The parts of the shared boto3 client (one set per client: the client is shared per
    session, region, endpoint, config and credentials, so the credentials are its too)."""
    client = make_client()
    with _PARTS_LOCK:
        parts = _PARTS.get(client)
        if parts is None:
            parts = _PARTS[client] = _Parts(client, make_credentials())
        return parts


class _Parts:
    """The botocore pieces of one boto3 client (built in a worker thread)."""

    def __init__(self, client: Any, credentials: Any) -> None:
        from botocore import xform_name
        from botocore.parsers import create_parser
        from botocore.serialize import create_serializer

        self.client = client
        meta = client.meta
        self.model = meta.service_model
        self.endpoint_url: str = meta.endpoint_url
        self.region: str = meta.region_name
        self.serializer = create_serializer(self.model.protocol, include_validation=True)
        self.parser = create_parser(self.model.protocol)
        self.names = {xform_name(name): name for name in self.model.operation_names}
        config = meta.config
        self.timeout = httpx.Timeout(
            float(config.read_timeout), connect=float(config.connect_timeout)
        )
        self.credentials = credentials
        _tls_context()  # made here, off the loop

    def operation(self, name: str) -> Any:
        try:
            return self.model.operation_model(self.names[name])
        except KeyError:
            raise AttributeError(f"cognito-idp has no operation {name!r}") from None

    async def frozen_credentials(self) -> Any:
        credentials = self.credentials
        if credentials is None:
            return None
        refresh_needed = getattr(credentials, "refresh_needed", None)
        if refresh_needed is not None and refresh_needed():
            # Refreshing may call STS or a metadata service: off the loop (rare).
            return await asyncio.to_thread(credentials.get_frozen_credentials)
        return credentials.get_frozen_credentials()

    def prepare(self, request: dict[str, Any], model: Any, credentials: Any) -> Any:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import create_request_object, prepare_request_dict

        prepare_request_dict(request, endpoint_url=self.endpoint_url)
        request["context"] = {}
        aws_request = create_request_object(request)
        if credentials is not None:
            signing_name = self.model.signing_name
            SigV4Auth(credentials, signing_name, self.region).add_auth(aws_request)
        return aws_request.prepare()

    def parse(self, response: httpx.Response, model: Any) -> dict[str, Any]:
        headers = {name.lower(): value for name, value in response.headers.items()}
        parsed: dict[str, Any] = self.parser.parse(
            {"status_code": response.status_code, "headers": headers, "body": response.content},
            model.output_shape,
        )
        parsed.setdefault("ResponseMetadata", {}).update(
            {"HTTPStatusCode": response.status_code, "HTTPHeaders": headers, "RetryAttempts": 0}
        )
        if response.status_code >= 300:
            error = parsed.get("Error") or {}
            error_class = self.client.exceptions.from_code(error.get("Code") or "")
            raise error_class(parsed, model.name)
        return parsed
