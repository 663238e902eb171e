"""Fetching a JWKS over HTTP(S) with ``requests``: a whole-request deadline, a size limit and
no redirects.

A fetcher is any callable ``fetcher(url, timeout) -> bytes`` that returns the response body or
raises; :class:`HttpFetcher` is the default. It goes through a ``requests.Session``, so proxy
variables, ``REQUESTS_CA_BUNDLE`` and test tools that intercept ``requests`` (``responses``,
``requests_mock``, moto) apply. Each attempt runs within :mod:`pycognito._deadline`: the
caller waits ``timeout`` seconds at most, however slowly the server drips its answer, and on
expiry the worker's connection is shut down so it ends too.
"""

from __future__ import annotations

from typing import Callable, Optional
from urllib.parse import urlsplit

from .. import _deadline
from ..exceptions import JWKSUnavailableError, NonRetryableFetchError

Fetcher = Callable[[str, float], bytes]

#: Largest JWKS body accepted, in bytes.
MAX_JWKS_BYTES = 256 * 1024


def _get(url: str, timeout: float, max_bytes: int, attempt: _deadline.Attempt[bytes]) -> bytes:
    """One GET, run in a worker thread within the deadline."""
    from .._tracked_session import tracked_session

    try:
        with tracked_session() as session, session.get(
            url,
            headers={"Accept": "application/json"},
            timeout=(timeout, timeout),
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
                if size > max_bytes:
                    raise JWKSUnavailableError("the JWKS response is too large")
                if attempt.expired():
                    raise JWKSUnavailableError("the JWKS fetch ran out of time")
                chunks.append(chunk)
            return b"".join(chunks)
    except JWKSUnavailableError:
        raise
    except Exception as exc:  # timeouts, refused connections, TLS and protocol errors
        raise JWKSUnavailableError(
            f"the JWKS could not be fetched ({type(exc).__name__})"
        ) from None


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
        try:
            return _deadline.within(
                timeout, lambda attempt: _get(url, timeout, self.max_bytes, attempt),
                name="pycognito-jwks-fetch")
        except _deadline.DeadlineExceeded:
            raise JWKSUnavailableError(f"the JWKS fetch took more than {timeout} s") from None


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
