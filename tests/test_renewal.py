"""``pycognito._renewal``: the token lifecycle's decisions, pure (no clock, no lock, no I/O)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from pycognito._renewal import (
    Step,
    TokenState,
    after_refresh_failure,
    is_expired,
    is_stale,
    received,
    refreshed,
    refusal,
    renewal_step,
)
from pycognito._tokens import TokenSet
from pycognito.exceptions import RefreshTokenExpiredException, RefreshTokenRevokedException


def _tokens(refresh: str | None = "r", issued: float = 1000.0, lifetime: float = 3600.0
            ) -> TokenSet:
    return TokenSet("a", "i", refresh, "Bearer", int(lifetime), None, issued, issued + lifetime)


def _refused(code: str, message: str = "") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "InitiateAuth")


def test_received_measures_the_clock_offset_from_iat() -> None:
    assert received(_tokens(issued=1000.0), now=1300.0).clock_offset == -300.0


def test_stale_and_expired_by_cognitos_clock() -> None:
    state = TokenState(_tokens(issued=1000.0), clock_offset=-300.0)  # our clock is 300 s ahead
    assert not is_stale(state, now=1300.0 + 3000.0, margin=60.0)
    assert is_stale(state, now=1300.0 + 3540.0, margin=60.0)  # the margin before expiry
    assert not is_expired(state, now=1300.0 + 3540.0)
    assert is_expired(state, now=1300.0 + 3600.0)
    assert is_stale(None, 0.0, 60.0) and is_expired(None, 0.0)
    short = TokenState(_tokens(lifetime=60.0), 0.0)  # the margin is at most half the lifetime
    assert not is_stale(short, now=1000.0 + 29.0, margin=60.0)
    assert is_stale(short, now=1000.0 + 30.0, margin=60.0)


def test_renewal_step() -> None:
    fresh = TokenState(_tokens(), 0.0)
    assert renewal_step(fresh, 1000.0, force=False, can_login=False)[0] is Step.REFRESH
    assert renewal_step(None, 0.0, force=False, can_login=True) == (Step.LOGIN,
                                                                    "there are no tokens")
    assert renewal_step(None, 0.0, force=False, can_login=False)[0] is Step.LOGIN_REQUIRED
    bare = TokenState(_tokens(refresh=None), 0.0)
    assert renewal_step(bare, 1000.0, force=False, can_login=False)[0] is Step.USE
    assert renewal_step(bare, 1000.0, force=True, can_login=False) == (
        Step.LOGIN_REQUIRED, "there is no refresh token")
    assert renewal_step(bare, 1000.0 + 3600.0, force=False, can_login=False)[0] is (
        Step.LOGIN_REQUIRED)
    assert renewal_step(bare, 1000.0, force=False, can_login=True)[0] is Step.LOGIN


def test_after_refresh_failure() -> None:
    state = TokenState(_tokens(), 0.0)
    dead = _refused("NotAuthorizedException", "Refresh Token has been revoked")
    assert after_refresh_failure(dead, state, 1000.0, force=False, can_login=True) is Step.LOGIN
    assert after_refresh_failure(dead, state, 1000.0, force=False, can_login=False) is (
        Step.LOGIN_REQUIRED)
    busy = _refused("TooManyRequestsException")
    assert after_refresh_failure(busy, state, 1000.0, force=False, can_login=True) is Step.USE
    assert after_refresh_failure(busy, state, 1000.0, force=True, can_login=True) is Step.RAISE
    assert after_refresh_failure(OSError(), state, 5000.0, force=False, can_login=True) is (
        Step.RAISE)  # expired: the failure goes through


@pytest.mark.parametrize(
    ("message", "cls"),
    [("Refresh Token has expired", RefreshTokenExpiredException),
     ("Refresh Token has been revoked", RefreshTokenRevokedException)],
)
def test_refusal_is_typed(message: str, cls: type) -> None:
    error = refusal(_refused("NotAuthorizedException", message))
    assert type(error) is cls


def test_refreshed_keeps_the_refresh_token() -> None:
    previous = _tokens(refresh="old")
    assert refreshed(_tokens(refresh=None), previous).refresh_token == "old"
    assert refreshed(_tokens(refresh="new"), previous).refresh_token == "new"
