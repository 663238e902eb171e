"""Tokens that are simply always valid: early refresh, clock drift, single flight, recovery.

Pure policy plus locking; the Cognito calls are the ``refresh`` and ``login`` callables it is
given. One :class:`TokenLifecycle` serves ``Cognito.check_token``, ``RequestsSrpAuth`` and the
httpx auth alike.

- **Early refresh**: tokens count as stale ``margin`` seconds before they expire (at most half
  their lifetime, so short-lived tokens are not refreshed on every call).
- **Clock drift**: the offset between our clock and Cognito's is measured from each new access
  token's ``iat`` and used in every expiry decision.
- **Single flight**: however many threads find the tokens stale at once, one refresh (or login)
  runs and all of them use its result.
- **Recovery**: a refresh token that Cognito refuses leads to a new login when a ``login`` is
  available, otherwise to a typed :class:`~pycognito.exceptions.LoginRequiredException`.
  Transient failures (throttling, network) never throw tokens away; tokens that have not
  actually expired keep being used.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable, Mapping, Optional

from .exceptions import (
    LoginRequiredException,
    RefreshTokenExpiredException,
    RefreshTokenRevokedException,
)
from .token_storage import TokenStorage

__all__ = ["TokenLifecycle", "TokenSet"]

DEFAULT_MARGIN = 60.0

# Cognito error codes after which the refresh token is no use.
_DEAD_REFRESH_CODES = frozenset(
    {
        "NotAuthorizedException",
        "RefreshTokenReuseException",
        "UserNotFoundException",
        "PasswordResetRequiredException",
        "UserNotConfirmedException",
    }
)


def _unverified_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT without checking it: used for timing only, never for trust."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


@dataclass(frozen=True, repr=False)
class TokenSet:
    """One set of Cognito tokens with the server times they were issued and expire at."""

    access_token: str
    id_token: Optional[str]
    refresh_token: Optional[str]
    token_type: str
    issued_at: float  # Cognito's clock (the access token's ``iat``)
    expires_at: float  # Cognito's clock (the access token's ``exp``)

    @classmethod
    def from_result(
        cls,
        result: Mapping[str, Any],
        *,
        previous_refresh_token: Optional[str] = None,
        now: Optional[float] = None,
    ) -> TokenSet:
        """From an ``AuthenticationResult``; keeps the old refresh token if none came back."""
        access = str(result["AccessToken"])
        claims = _unverified_claims(access)
        received = time.time() if now is None else now
        issued = _number(claims.get("iat"))
        expires = _number(claims.get("exp"))
        if issued is None or expires is None:  # not a JWT we can read: trust ExpiresIn
            issued = received
            expires = received + float(result.get("ExpiresIn") or 3600)
        return cls(
            access_token=access,
            id_token=result.get("IdToken"),
            refresh_token=result.get("RefreshToken") or previous_refresh_token,
            token_type=str(result.get("TokenType") or "Bearer"),
            issued_at=issued,
            expires_at=expires,
        )

    @property
    def lifetime(self) -> float:
        """Seconds between issue and expiry."""
        return max(0.0, self.expires_at - self.issued_at)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (for a token storage)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenSet:
        """The inverse of :meth:`to_dict`."""
        return cls(
            access_token=str(data["access_token"]),
            id_token=data.get("id_token"),
            refresh_token=data.get("refresh_token"),
            token_type=str(data.get("token_type") or "Bearer"),
            issued_at=float(data["issued_at"]),
            expires_at=float(data["expires_at"]),
        )

    def __repr__(self) -> str:
        return f"TokenSet(<redacted>, expires_at={self.expires_at:.0f})"


Refresh = Callable[[TokenSet], TokenSet]
Login = Callable[[], TokenSet]
Clock = Callable[[], float]


@dataclass(frozen=True)
class _State:
    tokens: TokenSet
    clock_offset: float  # Cognito's clock minus ours, in seconds


class TokenLifecycle:
    """Keeps one session's tokens valid; thread-safe."""

    def __init__(
        self,
        refresh: Refresh,
        *,
        login: Optional[Login] = None,
        margin: float = DEFAULT_MARGIN,
        clock: Clock = time.time,
        storage: Optional[TokenStorage] = None,
        on_change: Optional[Callable[[Optional[TokenSet]], None]] = None,
    ) -> None:
        if margin < 0:
            raise ValueError("margin must not be negative")
        self._refresh = refresh
        self.login = login
        self.margin = margin
        self._clock = clock
        self._storage = storage
        self._on_change = on_change
        self._lock = threading.RLock()
        self._state: Optional[_State] = None
        self._loaded = storage is None

    def __repr__(self) -> str:
        return f"TokenLifecycle(has_tokens={self._state is not None}, margin={self.margin})"

    # -- reading ----------------------------------------------------------------------------

    @property
    def tokens(self) -> Optional[TokenSet]:
        """The current tokens, fresh or not (loaded from the storage on first use)."""
        state = self._current_state()
        return state.tokens if state else None

    @property
    def clock_offset(self) -> float:
        """Cognito's clock minus ours, measured from the last tokens received (seconds)."""
        state = self._current_state()
        return state.clock_offset if state else 0.0

    def server_now(self) -> float:
        """Our estimate of Cognito's clock now."""
        return self._clock() + self.clock_offset

    def is_stale(self) -> bool:
        """Whether the tokens are missing or within the refresh margin of expiring."""
        state = self._current_state()
        return state is None or self._stale(state)

    def is_expired(self) -> bool:
        """Whether the tokens are missing or past their expiry by Cognito's clock."""
        state = self._current_state()
        return state is None or self._expired(state)

    # -- writing ----------------------------------------------------------------------------

    def accept(self, tokens: TokenSet) -> TokenSet:
        """Take tokens just received from Cognito: measure the clock offset from their ``iat``."""
        with self._lock:
            self._set(_State(tokens, tokens.issued_at - self._clock()))
        return tokens

    def restore(self, tokens: TokenSet, clock_offset: float = 0.0) -> None:
        """Take tokens of unknown age (stored or given by the caller) with a known offset."""
        with self._lock:
            self._set(_State(tokens, clock_offset))

    def clear(self) -> None:
        """Forget the tokens (and the stored copy)."""
        with self._lock:
            self._state = None
            self._loaded = True
            if self._storage is not None:
                self._storage.clear()
            if self._on_change is not None:
                self._on_change(None)

    # -- the point of it all ----------------------------------------------------------------

    def valid_tokens(self) -> TokenSet:
        """Tokens that are not stale: refreshing or logging in (once, for all threads) if needed."""
        state = self._current_state()
        if state is not None and not self._stale(state):
            return state.tokens
        with self._lock:
            state = self._current_state()
            if state is not None and not self._stale(state):
                return state.tokens  # another thread renewed them while we waited
            return self._renew(state, force=False)

    def renew(self) -> TokenSet:
        """Refresh now, whatever the expiry says."""
        with self._lock:
            return self._renew(self._current_state(), force=True)

    def renew_rejected(self, rejected_access_token: str) -> TokenSet:
        """The API refused ``rejected_access_token`` (HTTP 401): renew once for all callers.

        If another caller already replaced that token, its result is returned without a call.
        """
        with self._lock:
            state = self._current_state()
            if state is not None and state.tokens.access_token != rejected_access_token:
                return state.tokens
            return self._renew(state, force=True)

    # -- internals --------------------------------------------------------------------------

    def _current_state(self) -> Optional[_State]:
        if not self._loaded:
            with self._lock:
                if not self._loaded:
                    self._loaded = True
                    self._state = self._load()
        return self._state

    def _load(self) -> Optional[_State]:
        assert self._storage is not None
        data = self._storage.load()
        if not data or "tokens" not in data:
            return None
        try:
            tokens = TokenSet.from_dict(data["tokens"])
            offset = float(data.get("clock_offset", 0.0))
        except (KeyError, TypeError, ValueError):
            return None
        return _State(tokens, offset)

    def _set(self, state: _State) -> None:
        self._state = state
        self._loaded = True
        if self._storage is not None:
            self._storage.save(
                {"tokens": state.tokens.to_dict(), "clock_offset": state.clock_offset}
            )
        if self._on_change is not None:
            self._on_change(state.tokens)

    def _margin(self, tokens: TokenSet) -> float:
        return min(self.margin, tokens.lifetime / 2)

    def _stale(self, state: _State) -> bool:
        now = self._clock() + state.clock_offset
        return now >= state.tokens.expires_at - self._margin(state.tokens)

    def _expired(self, state: _State) -> bool:
        return self._clock() + state.clock_offset >= state.tokens.expires_at

    def _renew(self, state: Optional[_State], *, force: bool) -> TokenSet:
        if state is None or not state.tokens.refresh_token:
            return self._login_or_raise("there are no tokens to refresh")
        try:
            fresh = self._refresh(state.tokens)
        except Exception as exc:
            code, message = _error_code(exc)
            if code in _DEAD_REFRESH_CODES:
                if self.login is not None:
                    return self.accept(self.login())
                self.clear()
                if "expired" in message.lower():
                    raise RefreshTokenExpiredException(
                        "the refresh token has expired; log in again"
                    ) from None
                raise RefreshTokenRevokedException(
                    f"Cognito refused the refresh token ({code}: {message}); log in again"
                ) from None
            if not force and not self._expired(state):
                return state.tokens  # transient failure: the current tokens are still good
            raise
        if fresh.refresh_token is None:
            fresh = replace(fresh, refresh_token=state.tokens.refresh_token)
        return self.accept(fresh)

    def _login_or_raise(self, why: str) -> TokenSet:
        if self.login is None:
            raise LoginRequiredException(f"{why}, and no password is available to log in with")
        return self.accept(self.login())


def _error_code(exc: BaseException) -> tuple[str, str]:
    """A botocore ``ClientError``'s code and message (empty strings for other errors)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        return str(error.get("Code") or ""), str(error.get("Message") or "")
    return "", ""
