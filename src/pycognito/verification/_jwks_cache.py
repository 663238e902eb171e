"""The process-wide JWKS cache: one entry per JWKS URL, shared by every verifier.

- A known ``kid`` is a lock-free dictionary lookup.
- Fetches are single-flight: threads that need the same URL wait for the fetch in progress
  and use its result (or its error) instead of fetching again.
- An unknown ``kid`` triggers one refetch (key rotation); if the kid is still missing, the URL
  enters a penalty period during which it is not fetched again and lookups of unknown kids fail
  with :class:`JWKSWaitPeriodError`. Known kids keep working. A failed fetch also starts a
  (shorter) penalty period, so an endpoint that is down is not hammered; lookups that need it
  meanwhile fail with :class:`JWKSUnavailableError`.
- Each fetch times out after ``timeout`` seconds and is retried once.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any, Callable, Mapping, NoReturn, Optional

from ..exceptions import (
    JWKSUnavailableError,
    JWKSWaitPeriodError,
    TokenKidNotFoundError,
    TokenVerificationException,
    TokenVerifierConfigError,
)
from ._fetch import Fetcher, HttpFetcher, fetch_with_retry
from ._jwk import KeySet, PublicKey, parse_jwks, parse_jwks_bytes

DEFAULT_TIMEOUT = 3.0
DEFAULT_PENALTY_SECONDS = 10.0
DEFAULT_FAILURE_PENALTY_SECONDS = 2.0


class _Entry:
    """The state of one JWKS URL."""

    __slots__ = ("error", "fetches", "generation", "keyset", "lock", "penalty_until")

    def __init__(self) -> None:
        self.keyset: Optional[KeySet] = None
        self.lock = threading.Lock()
        self.generation = 0
        self.penalty_until = 0.0
        self.error: Optional[TokenVerificationException] = None
        self.fetches = 0


class JwksCache:
    """JWKS by URL, parsed once, with single-flight fetches, kid-miss refetch and a penalty box.

    ``fetcher(url, timeout) -> bytes`` is injectable (the default, :class:`HttpFetcher`, uses
    ``requests``); ``clock`` is a monotonic clock in seconds.
    """

    def __init__(
        self,
        *,
        fetcher: Optional[Fetcher] = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 1,
        penalty_seconds: float = DEFAULT_PENALTY_SECONDS,
        failure_penalty_seconds: float = DEFAULT_FAILURE_PENALTY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for name, value in (("timeout", timeout), ("penalty_seconds", penalty_seconds),
                            ("failure_penalty_seconds", failure_penalty_seconds)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    math.isfinite(value) and (value > 0 if name == "timeout" else value >= 0)):
                raise TokenVerifierConfigError(f"{name} must be a finite number of seconds"
                                               + (" over 0" if name == "timeout" else ""))
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise TokenVerifierConfigError("retries must be an int, 0 or more")
        self.fetcher: Fetcher = fetcher if fetcher is not None else HttpFetcher()
        self.timeout = timeout
        self.retries = retries
        self.penalty_seconds = penalty_seconds
        self.failure_penalty_seconds = failure_penalty_seconds
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"JwksCache(urls={sorted(self._entries)!r})"

    def _entry(self, url: str) -> _Entry:
        entry = self._entries.get(url)
        if entry is None:
            with self._lock:
                entry = self._entries.setdefault(url, _Entry())
        return entry

    # -- lookups ---------------------------------------------------------------------------

    def peek(self, url: str, kid: str) -> Optional[PublicKey]:
        """The cached key for ``kid``, or ``None``; never fetches."""
        entry = self._entries.get(url)
        if entry is not None:
            keyset = entry.keyset
            if keyset is not None:
                return keyset.keys.get(kid)
        return None

    def get_key(self, url: str, kid: str) -> PublicKey:
        """The key for ``kid`` from the JWKS at ``url``, fetching (once) if it is not cached."""
        entry = self._entries.get(url)
        if entry is not None:
            keyset = entry.keyset
            if keyset is not None:
                key = keyset.keys.get(kid)
                if key is not None:
                    return key
        return self._miss(url, kid)

    def _miss(self, url: str, kid: str) -> PublicKey:
        entry = self._entry(url)
        generation = entry.generation
        keyset = entry.keyset
        if keyset is not None and kid in keyset.keys:
            return keyset.keys[kid]
        self._check_penalty(url, entry)
        with entry.lock:
            if entry.generation == generation:
                self._check_penalty(url, entry)
                self._fetch_locked(url, entry)
                keyset = entry.keyset
                if keyset is not None and kid in keyset.keys:
                    return keyset.keys[kid]
                entry.penalty_until = self._clock() + self.penalty_seconds
                raise TokenKidNotFoundError("the token's kid is not in the pool's key set")
            # Another thread fetched while this one waited: use its result.
            keyset = entry.keyset
            if keyset is not None and kid in keyset.keys:
                return keyset.keys[kid]
            if entry.error is not None:
                raise type(entry.error)(str(entry.error))
            raise TokenKidNotFoundError("the token's kid is not in the pool's key set")

    def _check_penalty(self, url: str, entry: _Entry) -> None:
        remaining = entry.penalty_until - self._clock()
        if remaining > 0:
            if entry.error is not None:  # the last fetch failed: the keys are unavailable
                raise type(entry.error)(f"{entry.error}; not retried for another {remaining:.1f} s")
            raise JWKSWaitPeriodError(
                f"the key set at {url} is not refetched for another {remaining:.1f} s"
            )

    def _fetch_locked(self, url: str, entry: _Entry) -> None:
        entry.fetches += 1
        try:
            body = fetch_with_retry(self.fetcher, url, self.timeout, self.retries)
        except JWKSUnavailableError as exc:
            self._failed_locked(url, entry, exc)
        self._store_locked(url, entry, body)

    def _store_locked(self, url: str, entry: _Entry, body: bytes) -> None:
        try:
            keyset = parse_jwks_bytes(body)
        except JWKSUnavailableError as exc:
            self._failed_locked(url, entry, exc)
        entry.keyset = keyset
        entry.error = None
        entry.generation += 1

    def _failed_locked(self, url: str, entry: _Entry, exc: JWKSUnavailableError) -> NoReturn:
        entry.error = type(exc)(f"{exc} (JWKS URL {url})")
        entry.penalty_until = self._clock() + self.failure_penalty_seconds
        entry.generation += 1
        raise entry.error from None

    # -- fetches made by the caller (an async client) --------------------------------------

    def fetch_due(self, url: str, kid: Optional[str] = None) -> bool:
        """Whether a lookup of ``kid`` (``None``: of any key) would fetch the JWKS at ``url``
        now: nothing cached, or ``kid`` not in it, and no penalty period running. A caller that
        fetches by itself (an event loop) hands the outcome to :meth:`fetched` or
        :meth:`fetch_failed`, and lookups then find the keys without fetching."""
        entry = self._entries.get(url)
        if entry is None:
            return True
        keyset = entry.keyset
        if keyset is not None and (kid is None or kid in keyset.keys):
            return False
        return entry.penalty_until <= self._clock()

    def fetched(self, url: str, body: bytes, kid: Optional[str] = None) -> bool:
        """Store ``body``, the JWKS at ``url`` fetched by the caller, as this cache's own
        fetches are stored (the same parsing and limits; a malformed one is a failed fetch).
        Return whether ``kid`` is in it; if not, the URL enters the penalty period, as after a
        refetch for an unknown kid."""
        entry = self._entry(url)
        with entry.lock:
            entry.fetches += 1
            self._store_locked(url, entry, body)
            assert entry.keyset is not None
            if kid is None or kid in entry.keyset.keys:
                return True
            entry.penalty_until = self._clock() + self.penalty_seconds
            return False

    def fetch_failed(self, url: str, error: JWKSUnavailableError) -> NoReturn:
        """Record that the caller's fetch of ``url`` failed (the shorter penalty period, as for
        this cache's own failures) and raise ``error`` naming the URL."""
        entry = self._entry(url)
        with entry.lock:
            entry.fetches += 1
            self._failed_locked(url, entry, error)

    # -- loading ---------------------------------------------------------------------------

    def refresh(self, url: str) -> KeySet:
        """Fetch the JWKS at ``url`` now (single-flight: joins a fetch already in progress)."""
        entry = self._entry(url)
        generation = entry.generation
        with entry.lock:
            if entry.generation == generation:
                self._fetch_locked(url, entry)
            elif entry.error is not None:
                raise type(entry.error)(str(entry.error))
            assert entry.keyset is not None
            return entry.keyset

    def cached(self, url: str) -> Optional[KeySet]:
        """The key set of ``url`` if one is cached, else ``None``; never fetches."""
        entry = self._entries.get(url)
        return entry.keyset if entry is not None else None

    def keyset(self, url: str) -> KeySet:
        """The cached key set of ``url``, fetching it first if there is none."""
        entry = self._entries.get(url)
        if entry is not None and entry.keyset is not None:
            return entry.keyset
        entry = self._entry(url)
        self._check_penalty(url, entry)
        return self.refresh(url)

    def add_jwks(self, url: str, jwks: Mapping[str, Any]) -> KeySet:
        """Store a JWKS for ``url`` as if it had been fetched (pre-warming, tests)."""
        keyset = parse_jwks(jwks)
        entry = self._entry(url)
        with entry.lock:
            entry.keyset = keyset
            entry.error = None
            entry.penalty_until = 0.0
            entry.generation += 1
        return keyset

    def fetch_count(self, url: Optional[str] = None) -> int:
        """How many fetches were started for ``url`` (or for all URLs), retries not counted."""
        if url is not None:
            entry = self._entries.get(url)
            return entry.fetches if entry is not None else 0
        return sum(entry.fetches for entry in list(self._entries.values()))

    def clear(self) -> None:
        """Forget every cached key set, penalty and counter."""
        with self._lock:
            self._entries.clear()


_DEFAULT_CACHE = JwksCache()


def default_cache() -> JwksCache:
    """The process-wide cache used by verifiers that are not given one."""
    return _DEFAULT_CACHE
