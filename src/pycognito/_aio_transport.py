"""Cognito's ``cognito-idp`` API on an event loop: botocore's own parts, httpx's I/O.

A request is built, signed and parsed exactly as a boto3 client does it, with that client's own
pieces: its service model and endpoint (``endpoint_url``, ``AWS_ENDPOINT_URL...``, the region's
default), botocore's JSON serializer (with parameter validation), AWS's SigV4 signer with the
credentials boto3 finds (the given ``session``, ``access_key``/``secret_key``, environment,
profiles), botocore's response parser and the client's error factory, so errors are the very
``ClientError`` subclasses ``client.exceptions.X`` names, and the retry handler botocore
registered on that client (its ``retries`` config) decides every retry and its backoff. Only
the HTTP round trip differs: it is an ``httpx.AsyncClient`` request, and a backoff is an
``asyncio.sleep``, so the loop never waits on the network and no thread is used per call. See
docs/async.md for why this and not aiobotocore.

The boto3 client these parts come from is the facade's shared one; creating it (tens of
milliseconds of CPU, more for the first in a process) happens once per shared client, in a
worker thread, and so does the credential lookup (which may read files or ask an instance
metadata service), at the first signed call. An instance whose shared client and parts exist
already finds them on the loop (two dict lookups): with hundreds of instances, only the first
for a client leaves the loop.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import weakref
from collections.abc import Awaitable
from typing import Any, Callable, Iterator, Mapping, Optional

import httpx

__all__ = ["AsyncIdpClient", "close_shared_http", "shared_http"]

_PARTS_LOCK = threading.Lock()


class AsyncIdpClient:
    """``await client.initiate_auth(**kwargs)``: boto3's method names and results, async.

    ``make_client`` returns the boto3 client whose model, endpoint, config and exceptions are
    used (called once, in a worker thread): ``cognito-idp``, or any other service (identity
    pools use ``cognito-identity`` and ``sts``, whose query protocol and XML errors botocore's
    serializer and parser handle as they handle JSON); ``make_credentials`` the botocore
    credentials to sign with, or ``None`` (operations that need no signature still work);
    ``find_client`` (optional) returns that client only if it exists already: called on the
    loop, it must never create one.
    """

    def __init__(
        self,
        make_client: Callable[[], Any],
        make_credentials: Callable[[], Any],
        *,
        http: Optional[httpx.AsyncClient] = None,
        find_client: Optional[Callable[[], Any]] = None,
    ) -> None:
        self._make_client = make_client
        self._find_client = find_client
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
        """Create the boto3 client and resolve the credentials (once, off the loop); an
        instance whose shared client and parts exist already finds them on the loop."""
        if self._parts is not None:
            return
        made = self._find_client() if self._find_client is not None else None
        if made is not None:
            with _PARTS_LOCK:
                self._parts = _PARTS.get(made)
            if self._parts is not None:
                return
        if self._ready is None:
            self._ready = asyncio.Lock()
        async with self._ready:
            if self._parts is None:
                self._parts = await asyncio.to_thread(
                    _parts_for, self._make_client, self._make_credentials
                )

    def forget_credentials(self) -> None:
        """Resolve the boto3 client and the credentials again at the next call (after the
        session changed)."""
        self._parts = None

    async def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Call ``operation`` (boto3's snake_case name) with ``params``; return the parsed
        response or raise the boto3 client's ``ClientError`` subclass for Cognito's error.

        Throttling, 5xx and connection failures are retried as the boto3 client would retry
        them (its ``Config(retries=...)``: mode, attempts, backoff with jitter, retry quota),
        the delays awaited with ``asyncio.sleep``."""
        await self.start()
        parts = self._parts
        assert parts is not None
        model = parts.operation(operation)
        request = parts.request_dict(params, model)
        http, slots = self._pool()
        attempts = 0
        while True:
            attempts += 1
            credentials = None
            if model.auth_type != "none":
                credentials = await parts.frozen_credentials()
            prepared = parts.prepare(request, model, credentials)  # signed anew each attempt
            response: Optional[tuple[Any, dict[str, Any]]] = None
            caught: Optional[Exception] = None
            try:
                async with slots:
                    reply = await http.request(
                        prepared.method, prepared.url, headers=dict(prepared.headers.items()),
                        content=prepared.body, timeout=parts.timeout,
                    )
            except httpx.TransportError as exc:
                caught = _botocore_error(exc, prepared.url)
            else:
                response = parts.parse(reply, model)
            delay = parts.retry_delay(attempts, model, request, response, caught)
            if delay is None:
                break
            await asyncio.sleep(delay)
        if caught is not None:
            raise caught from caught.__cause__
        assert response is not None
        return parts.result(response, model, request, attempts)

    def _pool(self) -> tuple[httpx.AsyncClient, Any]:
        """The client to send through and the slots bounding the requests in flight on it
        (the shared pool's; none for a client given to the constructor)."""
        if self._http is not None:
            return self.http(), _NO_BOUND
        shared = self.http()
        return shared, _SLOTS[shared]

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


#: Requests beyond this many open connections wait for one (as in boto3's pool, 10).
_CONNECTIONS = 10
_LIMITS = httpx.Limits(max_connections=_CONNECTIONS, max_keepalive_connections=_CONNECTIONS)


def shared_http() -> httpx.AsyncClient:
    """The running loop's shared ``httpx.AsyncClient`` (made on first use)."""
    loop = asyncio.get_running_loop()
    http = _SHARED_HTTP.get(loop)
    if http is None or http.is_closed:
        http = _SHARED_HTTP[loop] = httpx.AsyncClient(verify=_tls_context(), limits=_LIMITS)
        # Requests beyond the pool's connections wait here, not in httpcore's queue (which
        # it rescans in full, with a system call per idle connection, whenever a request
        # starts or ends: hundreds of waiting requests made every request cost milliseconds).
        _SLOTS[http] = asyncio.Semaphore(_CONNECTIONS)
    return http


class _Unbounded:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


_NO_BOUND = _Unbounded()
_SLOTS: weakref.WeakKeyDictionary[httpx.AsyncClient, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


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
    """The botocore pieces of one boto3 client (built in a worker thread), and the per-call
    work done with them: what does not change from call to call is made once here."""

    def __init__(self, client: Any, credentials: Any) -> None:
        from botocore import xform_name
        from botocore.parsers import create_parser
        from botocore.serialize import create_serializer

        self.client = client
        meta = client.meta
        self.events = meta.events
        self.model = meta.service_model
        self.service_id = self.model.service_id.hyphenize()
        self.signing_name: str = self.model.signing_name
        self.endpoint_url: str = meta.endpoint_url
        self.region: str = meta.region_name
        self.serializer = create_serializer(self.model.protocol, include_validation=True)
        self.parser = create_parser(self.model.protocol)
        self.names = {xform_name(name): name for name in self.model.operation_names}
        self.operations: dict[str, Any] = {}
        config = meta.config
        self.timeout = httpx.Timeout(
            float(config.read_timeout), connect=float(config.connect_timeout)
        )
        self.credentials = credentials
        _tls_context()  # made here, off the loop

    def operation(self, name: str) -> Any:
        model = self.operations.get(name)
        if model is None:
            try:
                model = self.operations[name] = self.model.operation_model(self.names[name])
            except KeyError:
                service = self.model.service_name
                raise AttributeError(f"{service} has no operation {name!r}") from None
        return model

    def request_dict(self, params: Mapping[str, Any], model: Any) -> dict[str, Any]:
        """botocore's request for ``params`` (validated), with its URL: made once per call."""
        from botocore.awsrequest import prepare_request_dict

        request: dict[str, Any] = self.serializer.serialize_to_request(dict(params), model)
        prepare_request_dict(request, endpoint_url=self.endpoint_url)
        request["context"] = {}
        return request

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
        """One attempt's HTTP request, signed (SigV4) when there are credentials."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import create_request_object

        aws_request = create_request_object(request)
        if credentials is not None:
            SigV4Auth(credentials, self.signing_name, self.region).add_auth(aws_request)
        return aws_request.prepare()

    def parse(self, response: httpx.Response, model: Any) -> tuple[Any, dict[str, Any]]:
        """botocore's response object and parsed body for one attempt's reply."""
        from botocore.awsrequest import AWSResponse

        headers = {name.lower(): value for name, value in response.headers.items()}
        parsed: dict[str, Any] = self.parser.parse(
            {"status_code": response.status_code, "headers": headers, "body": response.content},
            model.output_shape,
        )
        parsed.setdefault("ResponseMetadata", {}).update(
            {"HTTPStatusCode": response.status_code, "HTTPHeaders": headers}
        )
        raw = AWSResponse(str(response.url), response.status_code, headers, _Body(response))
        return raw, parsed

    def retry_delay(
        self,
        attempts: int,
        model: Any,
        request: dict[str, Any],
        response: Optional[tuple[Any, dict[str, Any]]],
        caught: Optional[Exception],
    ) -> Optional[float]:
        """The delay before the next attempt, or ``None`` (no retry): the answer of the retry
        handler botocore registered on the boto3 client for its ``retries`` config."""
        from botocore.hooks import first_non_none_response

        answers = self.events.emit(
            f"needs-retry.{self.service_id}.{model.name}",
            response=response, endpoint=None, operation=model, attempts=attempts,
            caught_exception=caught, request_dict=request,
        )
        delay = first_non_none_response(answers)
        if delay is None or delay is False:
            return None
        return float(delay)

    def result(
        self,
        response: tuple[Any, dict[str, Any]],
        model: Any,
        request: dict[str, Any],
        attempts: int,
    ) -> dict[str, Any]:
        """The parsed response, or the client's ``ClientError`` subclass for an error; the
        client's ``after-call`` handlers (the retry quota's refund) see it as in boto3."""
        raw, parsed = response
        parsed["ResponseMetadata"]["RetryAttempts"] = attempts - 1
        self.events.emit(
            f"after-call.{self.service_id}.{model.name}",
            http_response=raw, parsed=parsed, model=model, context=request["context"],
        )
        if raw.status_code >= 300:
            error = parsed.get("Error") or {}
            error_class = self.client.exceptions.from_code(error.get("Code") or "")
            raise error_class(parsed, model.name)
        return parsed


class _Body:
    """The ``raw`` of a botocore ``AWSResponse`` made from an httpx response (read already)."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._response.content


def _botocore_error(error: httpx.TransportError, url: str) -> Exception:
    """The botocore exception boto3 raises for the same failure (what its retry handlers
    recognise, and what code written for boto3 catches)."""
    from botocore import exceptions as boto

    result: Exception
    if isinstance(error, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        result = boto.ConnectTimeoutError(endpoint_url=url, error=error)
    elif isinstance(error, httpx.ConnectError):
        result = boto.EndpointConnectionError(endpoint_url=url, error=error)
    elif isinstance(error, httpx.TimeoutException):
        result = boto.ReadTimeoutError(endpoint_url=url, error=error)
    elif isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        result = boto.ConnectionClosedError(endpoint_url=url, error=error)
    else:
        result = boto.HTTPClientError(error=error)
    result.__cause__ = error
    return result
