"""The HTTP server: a refused oversized body still reaches the client as the refusal; an app's
failure closes the connection."""

from __future__ import annotations

import select
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

import pytest

from pycognito.local import LocalCognito
from pycognito.local._wsgi import MAX_BODY, LoopbackServer


def _raw_exchange(local: LocalCognito, headers: bytes, body: bytes) -> tuple[bytes, str]:
    """Send the headers, wait for the server's answer to them, then send the body anyway (as a
    client that does not wait for ``100 Continue`` does) and read everything."""
    parts = urlsplit(local.endpoint_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(headers)
        readable, _, _ = select.select([sock], [], [], 10)
        assert readable, "the server did not answer the headers"
        failure = ""
        try:
            sock.sendall(body)
        except OSError as error:
            failure = f"sending: {error!r}"
        received = b""
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except OSError as error:
            failure = failure or f"reading: {error!r}"
    return received, failure


def test_an_oversized_body_gets_its_413_not_a_reset(local: LocalCognito) -> None:
    body = b"x" * (8 * MAX_BODY)
    headers = (b"POST / HTTP/1.1\r\nHost: local\r\n"
               b"X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\n"
               b"Content-Type: application/x-amz-json-1.1\r\n"
               b"Content-Length: %d\r\n\r\n" % len(body))
    received, failure = _raw_exchange(local, headers, body)
    assert failure == ""
    assert received.startswith(b"HTTP/1.1 413 ")
    assert b"RequestEntityTooLargeException" in received
    assert b"Connection: close" in received


def test_a_chunked_body_gets_its_411_not_a_reset(local: LocalCognito) -> None:
    headers = b"POST / HTTP/1.1\r\nHost: local\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunked = b"100000\r\n" + b"y" * 0x100000 + b"\r\n0\r\n\r\n"
    received, failure = _raw_exchange(local, headers, chunked)
    assert failure == ""
    assert received.startswith(b"HTTP/1.1 411 ") and b"LengthRequiredException" in received


def test_an_app_that_fails_closes_the_connection() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise RuntimeError("a bug in the app")

    server = LoopbackServer("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(server.server_address[:2], timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: local\r\n\r\n")
            assert sock.recv(1024) == b""
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _exchange(local: LocalCognito, request: bytes) -> bytes:
    """Send ``request`` and read until the server closes or has answered once."""
    parts = urlsplit(local.endpoint_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return received
            received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            length = [line for line in head.split(b"\r\n") if line.lower().startswith(
                b"content-length:")]
            if length and len(body) >= int(length[0].split(b":")[1]):
                return received


@pytest.mark.parametrize(("request_head", "status"), [
    (b"POST / HTTP/1.1\r\nHost: x\r\nX-" + b"a" * 70_000 + b": 1\r\n\r\n", b"431"),
    (b"POST / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n",
     b"431"),
    (b"POST / HTTP/1.1\r\nHost x\r\n\r\n", b"400"),
    (b"POST / HTTP/1.1\r\nBad Name: 1\r\n\r\n", b"400"),
    (b"POST / HTTP/1.1\r\nHost: x\r\n folded: 1\r\n\r\n", b"400"),
    (b"POST / HTTP/2.0\r\nHost: x\r\n\r\n", b"505"),
    (b"POST / HTTP/1.x\r\nHost: x\r\n\r\n", b"400"),
    (b"GARBAGE\r\n\r\n", b"400"),
])
def test_malformed_request_heads_are_refused(local: LocalCognito, request_head: bytes,
                                             status: bytes) -> None:
    answer = _exchange(local, request_head)
    assert answer.startswith(b"HTTP/1.") and answer.split(b" ", 2)[1] == status


def test_header_names_ignore_case_and_connection_close_is_honoured(
        local: LocalCognito) -> None:
    body = b'{"MaxResults": 1}'
    request = (b"POST / HTTP/1.1\r\nHost: local\r\n"
               b"x-amz-target: AWSCognitoIdentityProviderService.ListUserPools\r\n"
               b"content-type: application/x-amz-json-1.1\r\nCONNECTION: close\r\n"
               b"content-length: %d\r\n\r\n" % len(body)) + body
    parts = urlsplit(local.endpoint_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):  # the server closes after its answer
            received += chunk
    assert received.startswith(b"HTTP/1.1 200 ") and b'"UserPools"' in received
    assert b"Connection: close" in received


@pytest.mark.parametrize(("line", "status"), [
    (b"GET /?state=" + b"x" * 100_000 + b" HTTP/1.1\r\n", b"414"),  # a hosted-UI URL gone wild
    (b"POST / HTTP/1.1\r\nHost: x\r\nX-" + b"a" * 100_000 + b": 1\r\n", b"431"),
])
def test_a_refused_request_head_is_read_not_reset(local: LocalCognito, line: bytes,
                                                  status: bytes) -> None:
    """The server refuses after 64 KiB of a line: what the client still sends is read and
    dropped (a lingering close), so the client reads the refusal instead of a reset."""
    received, failure = _raw_exchange(local, line, b"Content-Length: 9\r\n\r\n" + b"y" * 300_000)
    assert failure == ""
    assert received.split(b" ", 2)[1] == status
