"""Tokens that are simply always valid: early refresh, clock drift, single flight, recovery.

The thread driver of the pure decisions in :mod:`pycognito._renewal` (locks at the edge); the
Cognito calls are the ``refresh`` and ``login`` callables it is given. One
:class:`TokenLifecycle` serves ``Cognito.check_token``, ``RequestsSrpAuth`` and the httpx auth
alike.

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

import threading
from typing import Any, Callable, Generator, Optional

from . import _clock
from ._renewal import (
    Step,
    after_refresh_failure,
    is_expired,
    is_stale,
    received,
    refreshed,
    refusal,
    renewal_step,
)
from ._renewal import TokenState as _State
from ._tokens import TokenFields, TokenSet
from .exceptions import LoginRequiredException
from .token_storage import TokenStorage, damaged_session

__all__ = ["TokenLifecycle", "TokenSet"]

DEFAULT_MARGIN = 60.0

Refresh = Callable[[TokenSet], TokenSet]
Login = Callable[[], TokenSet]
Clock = Callable[[], float]


class TokenLifecycle:
    """Keeps one session's tokens valid; thread-safe."""

    def __init__(
        self,
        refresh: Refresh,
        *,
        login: Optional[Login] = None,
        margin: float = DEFAULT_MARGIN,
        clock: Optional[Clock] = None,
        storage: Optional[TokenStorage] = None,
        given: Optional[TokenFields] = None,
    ) -> None:
        """``given``: tokens the caller gave, read on first use (see :meth:`give`)."""
        if margin < 0:
            raise ValueError("margin must not be negative")
        self._refresh = refresh
        self.login = login
        self.margin = margin
        self._fixed_clock = clock
        self._storage = storage
        self._lock = threading.RLock()
        self._state: Optional[_State] = None
        self._loaded = storage is None
        #: Tokens the caller gave or set, not read yet (and the clock offset they keep).
        self._given = (given, 0.0) if given is not None else None

    def _clock(self) -> float:
        return (self._fixed_clock or _clock.now)()

    def __repr__(self) -> str:
        return f"TokenLifecycle(has_tokens={self._state is not None}, margin={self.margin})"

    # -- reading ----------------------------------------------------------------------------

    @property
    def lock(self) -> threading.RLock:
        """The re-entrant lock every change of the tokens is made under: hold it to read the
        tokens and act on them consistently."""
        return self._lock

    @property
    def storage(self) -> Optional[TokenStorage]:
        """Where the tokens are kept between runs, if anywhere."""
        return self._storage

    @property
    def tokens(self) -> Optional[TokenSet]:
        """The current tokens, fresh or not (loaded from the storage on first use)."""
        state = self._current_state()
        return state.tokens if state else None

    def field(self, name: str) -> Any:
        """One token field as the caller sees it (``access_token``, ``refresh_token``, ...; see
        :class:`TokenFields`), complete tokens or not, without reading the tokens."""
        given = self._given
        if given is not None:
            return getattr(given[0], name)
        state = self._current_state()
        return getattr(state.tokens, name) if state is not None else None

    @property
    def clock_offset(self) -> float:
        """Cognito's clock minus ours, measured from the last tokens received (seconds)."""
        given = self._given
        if given is not None:
            return given[1]
        state = self._current_state()
        return state.clock_offset if state else 0.0

    def server_now(self) -> float:
        """Our estimate of Cognito's clock now."""
        return self._clock() + self.clock_offset

    def fresh_tokens(self) -> Optional[TokenSet]:
        """The current tokens if they are not stale, else ``None``; never renews (one read of
        the state, so the tokens returned are the ones that were judged)."""
        state = self._current_state()
        return state.tokens if state is not None and not self._stale(state) else None

    def is_stale(self) -> bool:
        """Whether the tokens are missing or within the refresh margin of expiring."""
        return is_stale(self._current_state(), self._clock(), self.margin)

    def is_expired(self) -> bool:
        """Whether the tokens are missing or past their expiry by Cognito's clock."""
        return is_expired(self._current_state(), self._clock())

    # -- writing ----------------------------------------------------------------------------

    def accept(self, tokens: TokenSet) -> TokenSet:
        """Take tokens just received from Cognito: measure the clock offset from their ``iat``."""
        with self._lock:
            state = self._state
            if state is None or state.tokens.access_token != tokens.access_token:
                self._set(received(tokens, self._clock()))
        return tokens

    def give(self, fields: TokenFields) -> None:
        """Tokens the caller gave or set (read on first use, kept even when incomplete).

        The clock offset is kept while the access token stays the same. Empty fields forget
        the tokens (and the stored copy)."""
        with self._lock:
            if fields.is_empty():
                self.clear()
                return
            same = fields.access_token == self.field("access_token")
            self._given = (fields, self.clock_offset if same else 0.0)
            self._state = None
            self._loaded = True
            if self._storage is not None:
                if fields.access_token is None:
                    self._storage.clear()  # nothing usable to keep across runs
                else:
                    self._current_state()  # read now: the storage keeps the new tokens

    def restore(self, tokens: TokenSet, clock_offset: float = 0.0) -> None:
        """Take tokens of unknown age (stored or given by the caller) with a known offset."""
        with self._lock:
            self._set(_State(tokens, clock_offset))

    def attach_storage(self, storage: TokenStorage) -> None:
        """Keep the tokens in ``storage`` from now on (saving the current ones to it, or
        resuming from it when there are none yet)."""
        with self._lock:
            if storage is self._storage:
                return
            self._storage = storage
            state = self._current_state()
            if state is not None:
                self._set(state)
            else:
                self._given = None  # incomplete tokens give way to a stored session
                self._loaded = False

    def clear(self) -> None:
        """Forget the tokens (and the stored copy).

        The tokens are forgotten even if the storage fails to clear (its error is raised).
        """
        with self._lock:
            self._state = None
            self._given = None
            self._loaded = True
            if self._storage is not None:
                self._storage.clear()

    # -- the point of it all ----------------------------------------------------------------

    def valid_tokens(self) -> TokenSet:
        """Tokens that are not stale: refreshing or logging in (once, for all threads) if needed."""
        tokens = self.fresh_tokens()
        if tokens is not None:
            return tokens
        with self._lock:
            tokens = self.fresh_tokens()
            if tokens is not None:
                return tokens  # another thread renewed them while we waited
            return self._renew(self._current_state(), force=False)

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
        if self._given is None and self._loaded:
            return self._state
        with self._lock:
            given = self._given
            if given is not None:
                if given[0].access_token is None:
                    return None  # incomplete (a refresh token alone, say): nothing to use
                self._set(_State(TokenSet.from_fields(given[0]), given[1]))
            elif not self._loaded:
                self._state = self._load()  # a storage that fails is asked again next time
                self._loaded = True
            return self._state

    def _load(self) -> Optional[_State]:
        assert self._storage is not None
        data = self._storage.load()
        if not data or "tokens" not in data:
            return None
        try:
            return _State.from_record(data)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            damaged_session(self._storage, str(error))  # as good as nothing: log in again
            return None

    def _set(self, state: _State) -> None:
        """Make ``state`` current, even if the storage fails to save it (whose error is then
        raised: the tokens are in use, but would not survive a restart)."""
        self._state = state
        self._given = None
        self._loaded = True
        if self._storage is not None:
            self._storage.save(state.record())

    def _stale(self, state: _State) -> bool:
        return is_stale(state, self._clock(), self.margin)

    def _renew(self, state: Optional[_State], *, force: bool) -> TokenSet:
        """Renew under the lock: :meth:`renewal` driven with plain calls."""
        steps = self.renewal(state, force=force, can_login=self.login is not None)
        try:
            need = next(steps)
            while True:
                if need is Step.REFRESH:
                    assert state is not None
                    try:
                        fresh = self._refresh(state.tokens)
                    except Exception as exc:
                        need = steps.throw(exc)
                        continue
                    need = steps.send(fresh)
                else:
                    assert self.login is not None
                    need = steps.send(self.accept(self.login()))
        except StopIteration as done:
            result: TokenSet = done.value
            return result

    def renewal(
        self, state: Optional[_State], *, force: bool, can_login: bool
    ) -> Generator[Step, TokenSet, TokenSet]:
        """One renewal as the sync and async drivers share it (the decisions are
        :mod:`pycognito._renewal`'s): yields ``Step.REFRESH`` (send the refreshed tokens, or
        throw the refresh's exception) or ``Step.LOGIN`` (send the tokens the login stored);
        returns the tokens to use."""
        step, why = renewal_step(state, self._clock(), force=force, can_login=can_login)
        if step is Step.REFRESH:
            assert state is not None
            try:
                fresh = yield Step.REFRESH
            except Exception as exc:
                step = after_refresh_failure(
                    exc, state, self._clock(), force=force, can_login=can_login
                )
                if step is Step.LOGIN_REQUIRED:
                    self.clear()
                    raise refusal(exc) from exc
                if step is Step.RAISE:
                    raise
            else:
                return self.accept(refreshed(fresh, state.tokens))
        if step is Step.USE:
            assert state is not None
            return state.tokens
        if step is Step.LOGIN_REQUIRED or not can_login:
            raise LoginRequiredException(f"{why}, and no password is available to log in with")
        return (yield Step.LOGIN)
