"""Fetching a JWKS over HTTP(S) with ``requests``: a whole-request deadline, a size limit and
no redirects.

A fetcher is any callable ``fetcher(url, timeout) -> bytes`` that returns the response body or
raises; :class:`HttpFetcher` is the default. It goes through a ``requests.Session``, so proxy
variables, ``REQUESTS_CA_BUNDLE`` and test tools that intercept ``requests`` (``responses``,
``requests_mock``, moto) apply. Each attempt runs in a short-lived worker thread: the caller
waits ``timeout`` seconds at most, however slowly the server drips its answer, and on expiry
the worker's connection is shut down so it ends too.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Callable, Optional
from urllib.parse import urlsplit

from ..exceptions import JWKSUnavailableError, NonRetryableFetchError

Fetcher = Callable[[str, float], bytes]

#: Largest JWKS body accepted, in bytes.
MAX_JWKS_BYTES = 256 * 1024


class _Attempt:
    """One GET, run in a worker thread; the caller reads the outcome or abandons it."""

    def __init__(self, url: str, timeout: float, max_bytes: int) -> None:
        self.url = url
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.max_bytes = max_bytes
        self.done = threading.Event()
        self.body: Optional[bytes] = None
        self.error: Optional[JWKSUnavailableError] = None
        self.sockets: list[socket.socket] = []
        self.abandoned = False

    def run(self) -> None:
        try:
            self.body = self._get()
        except JWKSUnavailableError as exc:
            self.error = exc
        except Exception as exc:  # timeouts, refused connections, TLS and protocol errors
            self.error = JWKSUnavailableError(
                f"the JWKS could not be fetched ({type(exc).__name__})"
            )
        finally:
            self.done.set()

    def _get(self) -> bytes:
        from ._tracked_session import tracked_session

        with tracked_session(self.sockets) as session, session.get(
            self.url,
            headers={"Accept": "application/json"},
            timeout=(self.timeout, self.timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            status = response.status_code
            if status != 200:
                error = NonRetryableFetchError if status < 500 else JWKSUnavailableError
                raise error(f"the JWKS URL answered HTTP {status}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(65536):
                size += len(chunk)
                if size > self.max_bytes:
                    raise JWKSUnavailableError("the JWKS response is too large")
                if self.abandoned or time.monotonic() > self.deadline:
                    raise JWKSUnavailableError("the JWKS fetch ran out of time")
                chunks.append(chunk)
            return b"".join(chunks)

    def abandon(self) -> None:
        """The caller gave up: shut the worker's connections down so that it ends too."""
        self.abandoned = True
        for sock in list(self.sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class HttpFetcher:
    """GET a URL with ``requests``: http/https only, no redirects, status 200 only, at most
    ``max_bytes`` of body, and a deadline of ``timeout`` seconds for the whole request (connect,
    headers and body), whatever the server does."""

    def __init__(self, max_bytes: int = MAX_JWKS_BYTES) -> None:
        self.max_bytes = max_bytes

    def __call__(self, url: str, timeout: float) -> bytes:
        """Return the body of ``url``; raise :class:`JWKSUnavailableError` on any failure."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise NonRetryableFetchError("the JWKS URL must be http or https")
        attempt = _Attempt(url, timeout, self.max_bytes)
        worker = threading.Thread(target=attempt.run, name="pycognito-jwks-fetch", daemon=True)
        worker.start()
        if not attempt.done.wait(timeout):
            attempt.abandon()
            raise JWKSUnavailableError(f"the JWKS fetch took more than {timeout} s")
        if attempt.error is not None:
            raise attempt.error
        assert attempt.body is not None
        return attempt.body


def fetch_with_retry(fetcher: Fetcher, url: str, timeout: float, retries: int) -> bytes:
    """Call ``fetcher`` and retry up to ``retries`` times at once on a retryable failure."""
    last: Optional[JWKSUnavailableError] = None
    for _ in range(retries + 1):
        try:
            return fetcher(url, timeout)
        except NonRetryableFetchError:
            raise
        except JWKSUnavailableError as exc:
            last = exc
        except Exception as exc:  # a custom fetcher's own error type
            last = JWKSUnavailableError(f"the JWKS could not be fetched ({type(exc).__name__})")
    assert last is not None
    raise last
