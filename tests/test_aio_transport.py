"""``pycognito._aio_transport``: retries as boto3 makes them, through a real faulty hop.

A loopback HTTP proxy in front of the local Cognito answers the first requests of an operation
with the faults a test scripts (throttling, 5xx, a dropped connection), then forwards the rest.
The same script is played to a boto3 client and to ``AsyncCognito.client``: the number of
requests each sends is botocore's retry decision, which the async transport must repeat.
Also: the transport serves any service model (STS's query protocol and XML errors).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator, Optional, Union
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from pycognito.aio import AsyncCognito

from .conftest import PoolInfo, UserInfo

UserFactory = Callable[..., UserInfo]
#: A scripted answer: ``(status, error code)`` or ``DROP`` (close without answering).
Fault = Union[tuple[int, str], str]
DROP = "drop"


class FaultyHop:
    """A real HTTP server on 127.0.0.1: scripted faults first, then the local Cognito."""

    def __init__(self, upstream: str) -> None:
        self.faults: dict[str, list[Fault]] = {}
        self.seen: list[str] = []  # the operation of every request received
        self._lock = threading.Lock()
        target = urlsplit(upstream)
        hop = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # the pool's keys
                self._forward(b"")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                operation = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
                with hop._lock:
                    hop.seen.append(operation)
                    script = hop.faults.get(operation) or []
                    fault = script.pop(0) if script else None
                if fault == DROP:
                    self.close_connection = True
                    return
                if fault is not None:
                    status, code = fault
                    self._answer(status, {"Content-Type": "application/x-amz-json-1.1"},
                                 json.dumps({"__type": code, "message": "injected"}).encode())
                    return
                self._forward(body)

            def _forward(self, body: bytes) -> None:
                upstream_connection = http.client.HTTPConnection(target.hostname, target.port,
                                                                 timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                    upstream_connection.request(self.command, self.path, body, headers)
                    reply = upstream_connection.getresponse()
                    content = reply.read()
                    relayed = {k: v for k, v in reply.getheaders()
                               if k.lower() not in ("content-length", "transfer-encoding",
                                                    "connection")}
                    self._answer(reply.status, relayed, content)
                finally:
                    upstream_connection.close()

            def _answer(self, status: int, headers: dict[str, str], content: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def script(self, operation: str, faults: list[Fault]) -> None:
        with self._lock:
            self.faults[operation] = list(faults)
            self.seen.clear()


@pytest.fixture
def hop(local: Any) -> Iterator[FaultyHop]:
    server = FaultyHop(local.endpoint_url)
    yield server
    server.server.shutdown()
    server.server.server_close()


def _kwargs(hop: FaultyHop, attempts: int, mode: str = "standard") -> dict[str, Any]:
    return {"endpoint_url": hop.url,
            "config": Config(retries={"mode": mode, "total_max_attempts": attempts})}


def _async_user(pool: PoolInfo, hop: FaultyHop, attempts: int, mode: str = "standard",
                **kwargs: Any) -> AsyncCognito:
    return AsyncCognito(pool.pool_id, pool.client_id,
                        boto3_client_kwargs=_kwargs(hop, attempts, mode), **kwargs)


def _outcome(call: Callable[[], Any]) -> tuple[str, int]:
    """What a call ended with (``"ok"`` or the error's code or class) and its retry count."""
    try:
        result = call()
    except ClientError as exc:
        return exc.response["Error"]["Code"], exc.response["ResponseMetadata"]["RetryAttempts"]
    except Exception as exc:
        return type(exc).__name__, -1
    return "ok", result["ResponseMetadata"]["RetryAttempts"]


@pytest.mark.parametrize(
    ("mode", "faults", "requests"),  # the requests boto3 sends: what the oracle does
    [
        ("standard", [(400, "TooManyRequestsException")], 2),
        ("standard", [(500, "InternalErrorException"), (503, "ServiceUnavailable")], 3),
        ("standard", [(502, "BadGateway")] * 4, 3),  # beyond the 3 attempts: the last error
        ("standard", [(400, "NotAuthorizedException")], 1),  # not transient: never retried
        ("standard", [DROP], 2),  # the connection closed before an answer
        ("legacy", [(400, "TooManyRequestsException")], 1),  # not in legacy's throttling list
        ("legacy", [DROP], 2),
    ],
    ids=["throttled", "5xx-twice", "5xx-exhausted", "refused", "dropped", "legacy-throttled",
         "legacy-dropped"],
)
def test_the_async_client_retries_exactly_as_boto3(
    pool: PoolInfo, make_user: UserFactory, hop: FaultyHop, mode: str, faults: list[Fault],
    requests: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_user(pool, "alice")
    params = {"UserPoolId": pool.pool_id, "Username": "alice"}

    hop.script("AdminGetUser", faults)
    sync_client = boto3.client("cognito-idp", region_name=pool.region, **_kwargs(hop, 3, mode))
    expected = _outcome(lambda: sync_client.admin_get_user(**params))
    boto3_requests = list(hop.seen)
    assert len(boto3_requests) == requests

    def no_blocking_sleep(seconds: float) -> None:
        raise AssertionError("time.sleep on the event loop")

    async def main() -> tuple[str, int]:
        monkeypatch.setattr(time, "sleep", no_blocking_sleep)
        async with _async_user(pool, hop, 3, mode) as user:
            try:
                result = await user.client.admin_get_user(**params)
            except ClientError as exc:
                return (exc.response["Error"]["Code"],
                        exc.response["ResponseMetadata"]["RetryAttempts"])
            except Exception as exc:
                return type(exc).__name__, -1
            return "ok", result["ResponseMetadata"]["RetryAttempts"]

    hop.script("AdminGetUser", faults)
    assert asyncio.run(main()) == expected
    assert hop.seen == boto3_requests


def test_a_throttled_login_is_retried_and_completes(pool: PoolInfo, make_user: UserFactory,
                                                    hop: FaultyHop, local: Any) -> None:
    alice = make_user(pool, "alice")
    hop.script("InitiateAuth", [(400, "TooManyRequestsException")])
    hop.faults["RespondToAuthChallenge"] = [(500, "InternalErrorException")]
    beats: list[float] = []

    async def heartbeat(done: asyncio.Event) -> None:
        while not done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            beats.append(time.perf_counter() - started)

    async def main() -> None:
        done = asyncio.Event()
        beating = asyncio.create_task(heartbeat(done))
        try:
            async with _async_user(pool, hop, 3, username="alice") as user:
                await user.authenticate(alice.password)
                assert user.access_claims["username"] == "alice"
        finally:
            done.set()
            await beating

    asyncio.run(main())
    assert hop.seen == ["InitiateAuth", "InitiateAuth",
                        "RespondToAuthChallenge", "RespondToAuthChallenge"]
    # Only the attempts that got through reached Cognito.
    assert [call.operation for call in local.calls()][-2:] == ["InitiateAuth",
                                                              "RespondToAuthChallenge"]
    assert beats, "the loop ran other tasks during the backoff"


def test_one_attempt_when_the_config_says_so(pool: PoolInfo, make_user: UserFactory,
                                             hop: FaultyHop) -> None:
    alice = make_user(pool, "alice")
    hop.script("InitiateAuth", [(400, "TooManyRequestsException")])

    async def main() -> Optional[ClientError]:
        async with _async_user(pool, hop, 1, username="alice") as user:
            await user.client.start()
            with pytest.raises(user.client.exceptions.TooManyRequestsException) as info:
                await user.authenticate(alice.password)
            return info.value

    error = asyncio.run(main())
    assert error is not None and error.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert hop.seen == ["InitiateAuth"]


def test_network_failures_are_botocores_exceptions(pool: PoolInfo, make_user: UserFactory,
                                                   hop: FaultyHop) -> None:
    make_user(pool, "alice")
    hop.script("AdminGetUser", [DROP, DROP])

    async def main() -> None:
        async with _async_user(pool, hop, 2) as user:
            with pytest.raises(ConnectionClosedError):  # as boto3 raises it
                await user.client.admin_get_user(UserPoolId=pool.pool_id, Username="alice")

    asyncio.run(main())
    assert hop.seen == ["AdminGetUser", "AdminGetUser"]


def test_later_instances_find_the_shared_client_without_a_thread(
    pool: PoolInfo, make_user: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = make_user(pool, "alice")
    kwargs = {"boto3_client_kwargs": pool.boto3_client_kwargs()}

    def no_thread(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a worker thread was used")

    async def main() -> None:
        async with AsyncCognito(pool.pool_id, pool.client_id, username="alice", **kwargs) as u:
            await u.authenticate(alice.password)  # the first: makes the client off the loop
            # and its first signed call looks the credentials up, off the loop too
            await u.client.admin_get_user(UserPoolId=pool.pool_id, Username="alice")
        monkeypatch.setattr(asyncio, "to_thread", no_thread)
        async with AsyncCognito(pool.pool_id, pool.client_id, username="alice", **kwargs) as u:
            await u.client.admin_get_user(UserPoolId=pool.pool_id, Username="alice")

    asyncio.run(main())


def test_any_service_model_sts_query_protocol_and_xml_errors(local: Any) -> None:
    """The transport is botocore's serializer and parser for the client's service model: STS
    (a query protocol answering in XML) works as cognito-idp's JSON does."""
    from pycognito._aio_transport import AsyncIdpClient

    async def main() -> tuple[ClientError, str]:
        sts = AsyncIdpClient(lambda: local.client(service_name="sts"), lambda: None)
        with pytest.raises(AttributeError) as unknown:
            await sts.call("initiate_auth", {})
        with pytest.raises(ClientError) as refused:
            await sts.assume_role_with_web_identity(
                RoleArn="arn:aws:iam::123456789012:role/any", RoleSessionName="tests",
                WebIdentityToken="not-a-token-at-all")
        assert isinstance(refused.value, sts.exceptions.InvalidIdentityTokenException)
        await sts.aclose()
        return refused.value, str(unknown.value)

    refused, unknown = asyncio.run(main())
    assert refused.response["Error"]["Code"] == "InvalidIdentityToken"
    assert refused.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert unknown == "sts has no operation 'initiate_auth'"


def test_at_most_ten_connections_on_the_shared_pool(
    pool: PoolInfo, make_user: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/async.md: the loop's shared client opens at most 10 connections, as boto3's pool;
    requests beyond wait for a free one."""
    import httpx

    make_user(pool, "alice")
    state = {"now": 0, "most": 0}
    real = httpx.AsyncHTTPTransport.handle_async_request

    async def counted(self: Any, request: Any) -> Any:
        state["now"] += 1
        state["most"] = max(state["most"], state["now"])
        try:
            await asyncio.sleep(0.02)  # hold the connection a while
            return await real(self, request)
        finally:
            state["now"] -= 1

    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", counted)

    async def main() -> None:
        async with AsyncCognito(pool.pool_id, pool.client_id,
                                boto3_client_kwargs=pool.boto3_client_kwargs()) as u:
            await asyncio.gather(*(u.client.admin_get_user(UserPoolId=pool.pool_id,
                                                           Username="alice")
                                   for _ in range(30)))

    asyncio.run(main())
    assert state["most"] == 10
