"""Fetching a JWKS over HTTP(S) with a timeout, a size limit and no redirects.

A fetcher is any callable ``fetcher(url, timeout) -> bytes`` that returns the response body or
raises; :class:`HttpFetcher` is the default (standard library only, honours proxy variables).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Callable, Optional
from urllib.parse import urlsplit

from ..exceptions import JWKSUnavailableError

Fetcher = Callable[[str, float], bytes]

#: Largest JWKS body accepted, in bytes.
MAX_JWKS_BYTES = 256 * 1024


class NonRetryableFetchError(JWKSUnavailableError):
    """A fetch failure that retrying will not fix (a 4xx status, a URL we refuse)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class HttpFetcher:
    """GET a URL with ``urllib``: http/https only, no redirects, status 200 only, a whole-request
    deadline of ``timeout`` seconds and at most ``max_bytes`` of body."""

    def __init__(self, max_bytes: int = MAX_JWKS_BYTES) -> None:
        self.max_bytes = max_bytes
        self._opener = urllib.request.build_opener(_NoRedirect())

    def __call__(self, url: str, timeout: float) -> bytes:
        """Return the body of ``url``; raise :class:`JWKSUnavailableError` on any failure."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise NonRetryableFetchError("the JWKS URL must be http or https")
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with self._opener.open(request, timeout=timeout) as response:
                status = response.status
                if status != 200:
                    raise NonRetryableFetchError(f"the JWKS URL answered HTTP {status}")
                chunks: list[bytes] = []
                size = 0
                while True:
                    if time.monotonic() > deadline:
                        raise JWKSUnavailableError(f"the JWKS fetch took more than {timeout} s")
                    chunk = response.read1(65536)  # what has arrived: the deadline holds
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise JWKSUnavailableError("the JWKS response is too large")
                    chunks.append(chunk)
                return b"".join(chunks)
        except JWKSUnavailableError:
            raise
        except urllib.error.HTTPError as exc:
            error: JWKSUnavailableError
            if exc.code < 500:
                error = NonRetryableFetchError(f"the JWKS URL answered HTTP {exc.code}")
            else:
                error = JWKSUnavailableError(f"the JWKS URL answered HTTP {exc.code}")
            raise error from None
        except Exception as exc:  # timeouts, refused connections, TLS and protocol errors
            raise JWKSUnavailableError(
                f"the JWKS could not be fetched ({type(exc).__name__})"
            ) from None


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
