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
read files or ask an instance metadata service) happen once, in a worker thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, Callable, Mapping, Optional

import httpx

__all__ = ["AsyncIdpClient"]


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
        self._given_http = http
        self._http: Optional[httpx.AsyncClient] = http
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
                    _Parts, self._make_client, self._make_credentials
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
            content=prepared.body,
        )
        return parts.parse(response, model)

    def http(self) -> httpx.AsyncClient:
        """The ``httpx.AsyncClient`` requests go through (made on first use)."""
        http = self._http
        if http is None:
            timeout = self._parts.timeout if self._parts is not None else None
            http = self._http = httpx.AsyncClient(timeout=timeout)
        return http

    async def aclose(self) -> None:
        """Close the HTTP client this transport made (one given to it stays open)."""
        http, self._http = self._http, self._given_http
        if http is not None and http is not self._given_http:
            await http.aclose()


class _Parts:
    """The botocore pieces of one boto3 client (built in a worker thread)."""

    def __init__(self, make_client: Callable[[], Any], make_credentials: Callable[[], Any]) -> None:
        from botocore.parsers import create_parser
        from botocore.serialize import create_serializer
        from botocore import xform_name

        self.client = client = make_client()
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
        self.credentials = make_credentials()

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
