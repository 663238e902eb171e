"""The token-lifecycle policy: early refresh, clock drift, single flight, recovery.

The Cognito calls are plain callables here (the end-to-end behaviour against the local Cognito
is tested with ``RequestsSrpAuth`` and the httpx auth); these tests pin the policy itself.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from pycognito._token_lifecycle import TokenLifecycle, TokenSet
from pycognito.exceptions import (
    LoginRequiredException,
    RefreshTokenExpiredException,
    RefreshTokenRevokedException,
)
from pycognito.token_storage import FileTokenStorage, MemoryTokenStorage

from .unsigned_tokens import unsigned_token


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class ServiceError(Exception):
    """Shaped like botocore's ClientError."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.response = {"Error": {"Code": code, "Message": message}}


def tokens(
    issued_at: float, lifetime: float = 3600, n: int = 0, refresh: str | None = "r"
) -> TokenSet:
    return TokenSet(
        access_token=f"access-{n}",
        id_token=f"id-{n}",
        refresh_token=refresh,
        token_type="Bearer",
        expires_in=int(lifetime),
        expires_datetime=None,
        issued_at=issued_at,
        expires_at=issued_at + lifetime,
    )


class Server:
    """Issues numbered tokens stamped with the server's clock, counting calls."""

    def __init__(self, server_clock: Callable[[], float], lifetime: float = 3600) -> None:
        self.clock = server_clock
        self.lifetime = lifetime
        self.refreshes = 0
        self.logins = 0
        self.fail: Exception | None = None
        self.delay = 0.0

    def refresh(self, current: TokenSet) -> TokenSet:
        self.refreshes += 1
        time.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return tokens(self.clock(), self.lifetime, n=self.refreshes + self.logins, refresh=None)

    def login(self) -> TokenSet:
        self.logins += 1
        time.sleep(self.delay)
        return tokens(self.clock(), self.lifetime, n=100 + self.logins, refresh=f"r{self.logins}")


def test_refreshes_a_margin_before_expiry() -> None:
    clock = FakeClock()
    server = Server(clock)
    life = TokenLifecycle(server.refresh, margin=60, clock=clock)
    life.accept(tokens(clock.now))
    clock.now += 3600 - 61
    assert life.valid_tokens().access_token == "access-0"
    assert server.refreshes == 0
    clock.now += 2  # 59 s before expiry: inside the margin
    fresh = life.valid_tokens()
    assert server.refreshes == 1 and fresh.access_token == "access-1"
    assert fresh.refresh_token == "r"  # kept: Cognito sends no new refresh token


def test_margin_never_exceeds_half_the_lifetime() -> None:
    clock = FakeClock()
    server = Server(clock, lifetime=60)
    life = TokenLifecycle(server.refresh, margin=300, clock=clock)
    life.accept(tokens(clock.now, lifetime=60))
    assert not life.is_stale()  # a 300 s margin on a 60 s token would refresh forever
    clock.now += 31
    assert life.is_stale()


@pytest.mark.parametrize("skew", [600.0, -600.0], ids=["clock-10-min-fast", "clock-10-min-slow"])
def test_clock_drift_is_compensated(skew: float) -> None:
    server_clock = FakeClock()
    local_clock = FakeClock(server_clock.now + skew)
    server = Server(server_clock)
    life = TokenLifecycle(server.refresh, margin=60, clock=local_clock)
    life.accept(tokens(server_clock.now))
    assert life.clock_offset == pytest.approx(-skew)
    assert not life.is_stale()
    for elapsed in (3500.0, 100.0):  # server time: 3500 s (fresh), then 3600 s (stale)
        server_clock.now += elapsed
        local_clock.now += elapsed
        if elapsed == 3500.0:
            assert not life.is_stale() and not life.is_expired()
    assert life.is_stale() and life.is_expired()
    assert life.valid_tokens().access_token == "access-1"


def test_fresh_tokens_never_renews() -> None:
    clock = FakeClock()
    server = Server(clock)
    life = TokenLifecycle(server.refresh, login=server.login, margin=60, clock=clock)
    assert life.fresh_tokens() is None  # none yet, and no login for it
    life.accept(tokens(clock.now))
    fresh = life.fresh_tokens()
    assert fresh is not None and fresh.access_token == "access-0"
    clock.now += 3600 - 59  # inside the margin
    assert life.fresh_tokens() is None
    assert (server.logins, server.refreshes) == (0, 0)


def test_32_threads_make_one_refresh() -> None:
    clock = FakeClock()
    server = Server(clock)
    server.delay = 0.05
    life = TokenLifecycle(server.refresh, clock=clock)
    life.accept(tokens(clock.now))
    clock.now += 3600
    barrier = threading.Barrier(32)
    seen: list[str] = []

    def worker() -> None:
        barrier.wait()
        seen.append(life.valid_tokens().access_token)

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert server.refreshes == 1
    assert seen == ["access-1"] * 32


def test_32_threads_without_tokens_make_one_login() -> None:
    clock = FakeClock()
    server = Server(clock)
    server.delay = 0.05
    life = TokenLifecycle(server.refresh, login=server.login, clock=clock)
    barrier = threading.Barrier(32)

    def worker() -> None:
        barrier.wait()
        life.valid_tokens()

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (server.logins, server.refreshes) == (1, 0)


def test_no_tokens_and_no_password_is_a_typed_error() -> None:
    life = TokenLifecycle(Server(FakeClock()).refresh)
    with pytest.raises(LoginRequiredException, match="no password"):
        life.valid_tokens()


def test_tokens_without_a_refresh_token_are_used_until_they_expire() -> None:
    clock = FakeClock()
    server = Server(clock)
    life = TokenLifecycle(server.refresh, margin=60, clock=clock)
    life.accept(tokens(clock.now, refresh=None))
    clock.now += 3600 - 30  # stale, not expired, and nothing to renew them with
    assert life.valid_tokens().access_token == "access-0"
    with pytest.raises(LoginRequiredException, match="no refresh token"):
        life.renew()
    clock.now += 30
    with pytest.raises(LoginRequiredException, match="no refresh token"):
        life.valid_tokens()
    assert server.refreshes == 0


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("Refresh Token has expired", RefreshTokenExpiredException),
        ("Refresh Token has been revoked", RefreshTokenRevokedException),
    ],
)
def test_dead_refresh_token_without_password(message: str, error: type[Exception]) -> None:
    clock = FakeClock()
    server = Server(clock)
    server.fail = ServiceError("NotAuthorizedException", message)
    life = TokenLifecycle(server.refresh, clock=clock)
    life.accept(tokens(clock.now))
    clock.now += 4000
    with pytest.raises(error) as raised:
        life.valid_tokens()
    assert "access-0" not in str(raised.value)
    assert life.tokens is None  # useless tokens are dropped


def test_dead_refresh_token_with_password_logs_in_again() -> None:
    clock = FakeClock()
    server = Server(clock)
    server.fail = ServiceError("NotAuthorizedException", "Refresh Token has been revoked")
    life = TokenLifecycle(server.refresh, login=server.login, clock=clock)
    life.accept(tokens(clock.now))
    clock.now += 4000
    assert life.valid_tokens().access_token == "access-101"
    assert (server.refreshes, server.logins) == (1, 1)


def test_transient_failure_keeps_tokens() -> None:
    clock = FakeClock()
    server = Server(clock)
    server.fail = ServiceError("TooManyRequestsException", "Rate exceeded")
    life = TokenLifecycle(server.refresh, margin=60, clock=clock)
    life.accept(tokens(clock.now))
    clock.now += 3570  # stale but not expired: keep using the current token
    assert life.valid_tokens().access_token == "access-0"
    clock.now += 60  # expired: the error surfaces, the tokens stay for the next try
    with pytest.raises(ServiceError):
        life.valid_tokens()
    assert life.tokens is not None
    server.fail = None
    assert life.valid_tokens().access_token.startswith("access-")
    assert life.tokens is not None and life.tokens.refresh_token == "r"


def test_renew_rejected_is_single_flight() -> None:
    clock = FakeClock()
    server = Server(clock)
    life = TokenLifecycle(server.refresh, clock=clock)
    life.accept(tokens(clock.now))
    first = life.renew_rejected("access-0")
    second = life.renew_rejected("access-0")  # a second 401 for the same old token
    assert first is second and server.refreshes == 1


def test_restart_resumes_from_file_storage(tmp_path: Path) -> None:
    clock = FakeClock()
    server = Server(clock)
    storage = FileTokenStorage(tmp_path / "tokens.json")
    life = TokenLifecycle(server.refresh, clock=clock, storage=storage)
    life.accept(tokens(clock.now - 100))  # our clock is 100 s ahead of Cognito's
    resumed = TokenLifecycle(server.refresh, clock=clock, storage=storage)
    assert resumed.tokens is not None and resumed.tokens.access_token == "access-0"
    assert resumed.clock_offset == pytest.approx(-100)
    assert resumed.valid_tokens().access_token == "access-0"
    assert server.refreshes == 0
    resumed.clear()
    assert storage.load() is None


def test_reprs_hide_tokens() -> None:
    clock = FakeClock()
    life = TokenLifecycle(Server(clock).refresh, clock=clock)
    value = tokens(clock.now)
    life.accept(value)
    for text in (repr(value), repr(life)):
        assert "access-0" not in text and "id-0" not in text


def test_token_set_reads_times_from_the_access_token() -> None:
    access = unsigned_token(iat=1000, exp=4600)
    value = TokenSet.from_result(
        {"AccessToken": access, "IdToken": "i", "ExpiresIn": 3600}, previous_refresh_token="old"
    )
    assert (value.issued_at, value.expires_at, value.refresh_token) == (1000, 4600, "old")
    opaque = TokenSet.from_result({"AccessToken": "opaque", "ExpiresIn": 60}, now=50.0)
    assert (opaque.issued_at, opaque.expires_at) == (50.0, 110.0)


class FlakyStorage:
    """A memory storage whose named operations raise while listed in ``broken``."""

    def __init__(self) -> None:
        self.inner = MemoryTokenStorage()
        self.broken: set[str] = set()

    def _check(self, operation: str) -> None:
        if operation in self.broken:
            raise OSError(f"{operation}: disk unavailable")

    def load(self) -> dict[str, Any] | None:
        self._check("load")
        return self.inner.load()

    def save(self, data: Any) -> None:
        self._check("save")
        self.inner.save(data)

    def clear(self) -> None:
        self._check("clear")
        self.inner.clear()


def test_a_storage_that_fails_to_clear_still_forgets_the_tokens() -> None:
    clock = FakeClock()
    storage = FlakyStorage()
    life = TokenLifecycle(Server(clock).refresh, clock=clock, storage=storage)
    life.accept(tokens(clock.now))
    storage.broken.add("clear")
    with pytest.raises(OSError, match="clear"):
        life.clear()
    assert life.tokens is None
    assert life.field("access_token") is None  # what the Cognito attributes show


def test_a_storage_that_fails_to_save_still_reports_the_new_tokens() -> None:
    clock = FakeClock()
    server = Server(clock)
    storage = FlakyStorage()
    life = TokenLifecycle(server.refresh, clock=clock, storage=storage)
    life.accept(tokens(clock.now))
    storage.broken.add("save")
    clock.now += 3600
    with pytest.raises(OSError, match="save"):
        life.valid_tokens()
    assert life.field("access_token") == "access-1"  # what the Cognito attributes show
    assert life.valid_tokens().access_token == "access-1"  # in use, not refreshed again
    assert server.refreshes == 1


def test_a_storage_that_fails_to_load_is_asked_again() -> None:
    clock = FakeClock()
    server = Server(clock)
    storage = FlakyStorage()
    TokenLifecycle(server.refresh, clock=clock, storage=storage).accept(tokens(clock.now))
    resumed = TokenLifecycle(server.refresh, login=server.login, clock=clock, storage=storage)
    storage.broken.add("load")
    with pytest.raises(OSError, match="load"):
        resumed.valid_tokens()
    storage.broken.clear()
    assert resumed.valid_tokens().access_token == "access-0"  # the stored session, no login
    assert (server.logins, server.refreshes) == (0, 0)


@pytest.mark.parametrize("stored", [{"tokens": "garbage"}, {"tokens": {"access_token": "a"}}])
def test_foreign_stored_data_reads_as_no_tokens(stored: dict[str, Any]) -> None:
    storage = MemoryTokenStorage()
    storage.save(stored)
    life = TokenLifecycle(Server(FakeClock()).refresh, storage=storage)
    with pytest.warns(RuntimeWarning, match="cannot be used"):
        assert life.tokens is None


@pytest.mark.parametrize("damage", [
    {"clock_offset": "nan"}, {"clock_offset": "inf"}, {"clock_offset": [1]},
    {"tokens": {"access_token": {"not": "a token"}}}, {"tokens": {"issued_at": "nan"}},
    {"tokens": {"access_token": "acc\udcffess"}}, {"tokens": ["a", "list"]},
    {"tokens": {"expires_in": "3600"}},
], ids=["nan-offset", "inf-offset", "list-offset", "dict-token", "nan-time", "surrogate-token",
        "list-tokens", "string-expires-in"])
def test_a_damaged_saved_session_is_no_session(tmp_path: Path, damage: dict[str, Any]) -> None:
    import json

    clock = FakeClock()
    server = Server(clock)
    saved = {"tokens": tokens(0.0).to_dict(), "clock_offset": 0.0}  # issued in 1970
    for key, value in damage.items():
        if key == "tokens" and isinstance(value, dict):
            saved["tokens"] = {**saved["tokens"], **value}
        else:
            saved[key] = value
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps(saved))
    life = TokenLifecycle(server.refresh, clock=clock, storage=FileTokenStorage(path),
                          login=server.login)
    with pytest.warns(RuntimeWarning, match="tokens.json"):
        fresh = life.valid_tokens()
    assert fresh.access_token == "access-101" and server.logins == 1  # logged in afresh
