"""Token caches shared beyond one process: :class:`RedisTokenCache` (extra ``redis``).

A cache hands out a token that is still fresh, or lets exactly one caller (across every
process and machine using it) ask Cognito while the others wait for its result:

- **lock with a timeout**: ``SET lock holder NX PX timeout``; a holder that dies frees it by
  expiry;
- **fencing check**: the new token is written only if the writer still holds the lock (one
  atomic script in Redis), so a holder whose lock expired mid-request cannot overwrite a newer
  token written by the next holder;
- **fallback**: when Redis is unreachable (or the wait outlasts the lock), the caller asks
  Cognito directly, with a warning; a cache can never stop a service from getting a token.

The cached value is the token itself: use a Redis that only your services can read.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
import warnings
from typing import Any, Callable, Optional, Protocol

from .._renewal import TokenState

log = logging.getLogger(__name__)

_STORE_IF_HOLDER = """
if redis.call('get', KEYS[2]) == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""
_RELEASE_IF_HOLDER = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


#: A cached token: the tokens and the clock offset measured when they were received (Cognito's
#: clock minus the receiver's), so any reader judges their expiry by Cognito's clock; its
#: ``to_json``/``from_json`` are the cache entry. The token lifecycle's own state.
CachedToken = TokenState


Fetch = Callable[[], CachedToken]
IsFresh = Callable[[CachedToken], bool]


class TokenCache(Protocol):
    """What ``ClientCredentials(cache=...)`` needs."""

    def get_or_fetch(self, key: str, fetch: Fetch, is_fresh: IsFresh) -> CachedToken:
        """A fresh cached token, or the result of ``fetch`` (called by one caller at a time)."""
        ...


class RedisTokenCache:
    """Share tokens through Redis (``redis.Redis`` or any client with ``get``/``set``/``eval``).

    ``lock_timeout`` (seconds) bounds how long one holder may take to get a token before
    another may try; waiters poll every ``poll_interval`` and, after ``wait_timeout`` (default
    ``lock_timeout`` + 1), ask Cognito themselves with a warning.
    """

    def __init__(self, redis_client: Any, *, prefix: str = "pycognito:oauth:",
                 lock_timeout: float = 10.0, wait_timeout: Optional[float] = None,
                 poll_interval: float = 0.05) -> None:
        if lock_timeout <= 0 or poll_interval <= 0:
            raise ValueError("lock_timeout and poll_interval must be positive")
        self._redis = redis_client
        self.prefix = prefix
        self.lock_timeout = float(lock_timeout)
        self.wait_timeout = float(wait_timeout if wait_timeout is not None else lock_timeout + 1)
        self.poll_interval = float(poll_interval)

    def __repr__(self) -> str:
        return f"RedisTokenCache(prefix={self.prefix!r}, lock_timeout={self.lock_timeout})"

    def get_or_fetch(self, key: str, fetch: Fetch, is_fresh: IsFresh) -> CachedToken:
        from redis.exceptions import RedisError

        try:  # a RedisError here came before any fetch: fetching now makes one request
            return self._get_or_fetch(self.prefix + key, fetch, is_fresh)
        except RedisError as error:
            warnings.warn(f"Redis token cache unavailable ({type(error).__name__}); asking "
                          "Cognito directly", RuntimeWarning, stacklevel=3)
            return fetch()

    def _get_or_fetch(self, key: str, fetch: Fetch, is_fresh: IsFresh) -> CachedToken:
        cached = self._read(key)
        if cached is not None and is_fresh(cached):
            return cached
        lock_key = f"{key}:lock"
        deadline = time.monotonic() + self.wait_timeout
        while True:
            holder = secrets.token_hex(16)
            if self._redis.set(lock_key, holder, nx=True, px=int(self.lock_timeout * 1000)):
                return self._fetch_holding(key, lock_key, holder, fetch, is_fresh)
            time.sleep(self.poll_interval)
            cached = self._read(key)
            if cached is not None and is_fresh(cached):
                return cached
            if time.monotonic() >= deadline:
                warnings.warn("waited too long for the token another process is getting; "
                              "asking Cognito directly", RuntimeWarning, stacklevel=4)
                return fetch()

    def _fetch_holding(self, key: str, lock_key: str, holder: str, fetch: Fetch,
                       is_fresh: IsFresh) -> CachedToken:
        from redis.exceptions import RedisError

        try:
            cached = self._read(key)  # the previous holder may have just written it
            if cached is not None and is_fresh(cached):
                return cached
            fresh = fetch()
            try:
                ttl_ms = max(1, int((fresh.tokens.expires_at
                                     - (time.time() + fresh.clock_offset)) * 1000))
                stored = self._redis.eval(_STORE_IF_HOLDER, 2, key, lock_key, holder,
                                          fresh.to_json(), ttl_ms)
                if not stored:
                    log.info("token cache: lock expired while fetching; not overwriting")
            except RedisError as error:  # the token is good; only sharing it failed
                warnings.warn(f"could not store the token in Redis ({type(error).__name__})",
                              RuntimeWarning, stacklevel=5)
            return fresh
        finally:
            with contextlib.suppress(RedisError):  # else it expires by itself
                self._redis.eval(_RELEASE_IF_HOLDER, 1, lock_key, holder)

    def _read(self, key: str) -> Optional[CachedToken]:
        raw = self._redis.get(key)
        if raw is None:
            return None
        return CachedToken.from_json(raw.decode() if isinstance(raw, bytes) else str(raw))
