"""When and how to renew tokens: pure decisions (no I/O, no locks, no clock reads).

:class:`~pycognito._token_lifecycle.TokenLifecycle` drives them under its lock for threads; an
asyncio driver drives the same decisions under its own single flight. ``now`` is always our
clock; each state carries the measured offset to Cognito's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Mapping, Optional

from ._refusals import refresh_token_dead, refresh_token_expired, service_error
from ._tokens import TokenSet, finite_number
from .exceptions import (
    LoginRequiredException,
    RefreshTokenExpiredException,
    RefreshTokenRevokedException,
)

__all__ = [
    "Step",
    "TokenState",
    "after_refresh_failure",
    "is_expired",
    "is_stale",
    "received",
    "refreshed",
    "refusal",
    "renewal_step",
]


@dataclass(frozen=True)
class TokenState:
    """Tokens and Cognito's clock minus ours (seconds) when they were judged."""

    tokens: TokenSet
    clock_offset: float

    def record(self) -> dict[str, Any]:
        """What a token storage keeps: ``{"tokens": {...}, "clock_offset": seconds}``."""
        return {"tokens": self.tokens.to_dict(), "clock_offset": self.clock_offset}

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> TokenState:
        """The state a storage kept (:meth:`record`); ``KeyError``, ``TypeError`` or
        ``ValueError`` (or ``AttributeError``) when it is damaged. Trusted for timing only:
        tokens are verified before the facade stores them."""
        offset = finite_number(data.get("clock_offset", 0.0), "clock_offset")
        return cls(TokenSet.from_dict(data["tokens"]), offset)

    def to_json(self) -> str:
        """:meth:`record` as JSON (a shared cache's entry)."""
        return json.dumps(self.record())

    @classmethod
    def from_json(cls, text: str) -> Optional[TokenState]:
        """The state in ``text`` (:meth:`to_json`), or ``None`` if it is not one."""
        try:
            return cls.from_record(json.loads(text))
        except (AttributeError, KeyError, TypeError, ValueError):
            return None


class Step(Enum):
    """What to do about the tokens."""

    USE = "use"  # keep using the current tokens
    REFRESH = "refresh"  # renew them with the refresh token
    LOGIN = "login"  # log in again (a login is available)
    LOGIN_REQUIRED = "login required"  # raise LoginRequiredException
    RAISE = "raise"  # let the failure through


def received(tokens: TokenSet, now: float) -> TokenState:
    """Tokens just received from Cognito: the clock offset is measured from their ``iat``."""
    return TokenState(tokens, tokens.issued_at - now)


def is_stale(state: Optional[TokenState], now: float, margin: float) -> bool:
    """Missing, or within the refresh margin of expiring (at most half their lifetime)."""
    if state is None:
        return True
    tokens = state.tokens
    early = min(margin, tokens.lifetime / 2)
    return now + state.clock_offset >= tokens.expires_at - early


def is_expired(state: Optional[TokenState], now: float) -> bool:
    """Missing, or past their expiry by Cognito's clock."""
    return state is None or now + state.clock_offset >= state.tokens.expires_at


def renewal_step(
    state: Optional[TokenState], now: float, *, force: bool, can_login: bool
) -> tuple[Step, str]:
    """How to renew ``state`` (and why, for the error if it cannot be)."""
    if state is None:
        why = "there are no tokens"
    elif not state.tokens.refresh_token:
        if not can_login and not force and not is_expired(state, now):
            return Step.USE, "nothing to renew them with, but they still work"
        why = "there is no refresh token"
    else:
        return Step.REFRESH, ""
    return (Step.LOGIN if can_login else Step.LOGIN_REQUIRED), why


def after_refresh_failure(
    error: BaseException, state: TokenState, now: float, *, force: bool, can_login: bool
) -> Step:
    """What a failed refresh means: a dead refresh token calls for a login; a transient
    failure keeps tokens that have not expired (unless the renewal was forced)."""
    if refresh_token_dead(error):
        return Step.LOGIN if can_login else Step.LOGIN_REQUIRED
    if not force and not is_expired(state, now):
        return Step.USE
    return Step.RAISE


def refusal(error: BaseException) -> LoginRequiredException:
    """The typed "log in again" exception for a refresh token Cognito refused."""
    if refresh_token_expired(error):
        return RefreshTokenExpiredException("the refresh token has expired; log in again")
    code, message = service_error(error)
    return RefreshTokenRevokedException(
        f"Cognito refused the refresh token ({code}: {message}); log in again"
    )


def refreshed(fresh: TokenSet, previous: TokenSet) -> TokenSet:
    """Tokens from a refresh, keeping the refresh token when Cognito sent no new one."""
    if fresh.refresh_token is None:
        return replace(fresh, refresh_token=previous.refresh_token)
    return fresh
