"""``RedisTokenCache`` against a real Redis server (started by the tests) and the local Cognito."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

import pytest

from pycognito._tokens import TokenSet
from pycognito.local import LocalCognito
from pycognito.oauth import CachedToken, ClientCredentials, RedisTokenCache

from ..conftest import OAuthPool
from .fleet_worker import run_fleet


def token_requests(local: LocalCognito) -> int:
    return len(local.calls("oauth2/token"))


def test_a_cold_fleet_makes_one_token_request(local: LocalCognito, oauth_pool: OAuthPool,
                                              redis_server: Any, redis_client: Any) -> None:
    reports = run_fleet(oauth_pool.domain_url, oauth_pool.machine_id, oauth_pool.machine_secret,
                        processes=8, threads=16, redis_port=redis_server.port)
    assert sum(r["calls"] for r in reports) == 8 * 16
    assert token_requests(local) == 1  # counted by the local Cognito
    assert sum(r["requests"] for r in reports) == 1
    assert all(r["tokens"] == 1 and not r["warnings"] for r in reports)


def test_without_the_cache_every_process_asks(local: LocalCognito, oauth_pool: OAuthPool) -> None:
    reports = run_fleet(oauth_pool.domain_url, oauth_pool.machine_id, oauth_pool.machine_secret,
                        processes=3, threads=4)
    assert token_requests(local) == 3 == sum(r["requests"] for r in reports)


def test_processes_share_the_renewal(local: LocalCognito, oauth_pool: OAuthPool,
                                     redis_client: Any,
                                     move_clocks: Callable[..., None]) -> None:
    first, second = (ClientCredentials(oauth_pool.domain_url, oauth_pool.machine_id,
                                       oauth_pool.machine_secret,
                                       cache=RedisTokenCache(redis_client)) for _ in range(2))
    token = first.token()
    assert second.token() == token and token_requests(local) == 1
    move_clocks(3600 - 30)  # stale for both
    renewed = second.token()
    assert renewed != token and first.token() == renewed
    assert token_requests(local) == 2


def _entry(name: str, lifetime: float = 600) -> CachedToken:
    now = time.time()
    tokens = TokenSet(access_token=name, id_token=None, refresh_token=None, token_type="Bearer",
                      expires_in=int(lifetime), expires_datetime=None, issued_at=now,
                      expires_at=now + lifetime)
    return CachedToken(tokens, 0.0)


def _fresh(entry: CachedToken) -> bool:
    return time.time() < entry.tokens.expires_at - 1


def test_fencing_a_holder_whose_lock_expired_does_not_overwrite(redis_client: Any) -> None:
    cache = RedisTokenCache(redis_client, lock_timeout=0.2, poll_interval=0.01)
    slow_started = threading.Event()

    def slow() -> CachedToken:
        slow_started.set()
        time.sleep(0.6)  # outlives its lock
        return _entry("slow")

    results: dict[str, str] = {}
    holder = threading.Thread(
        target=lambda: results.update(slow=cache.get_or_fetch("k", slow, _fresh).tokens
                                      .access_token))
    holder.start()
    slow_started.wait()
    time.sleep(0.3)  # the slow holder's lock has expired: the next caller takes over
    assert cache.get_or_fetch("k", lambda: _entry("fast"), _fresh).tokens.access_token == "fast"
    holder.join()
    assert results["slow"] == "slow"  # its caller still gets a valid token...
    assert CachedToken.from_json(redis_client.get("pycognito:oauth:k").decode()).tokens \
        .access_token == "fast"  # ...but the newer one stays in the cache


def test_a_waiter_gives_up_on_a_stuck_lock(redis_client: Any) -> None:
    redis_client.set("pycognito:oauth:k:lock", "someone", px=60_000)
    cache = RedisTokenCache(redis_client, lock_timeout=5, wait_timeout=0.2, poll_interval=0.02)
    with pytest.warns(RuntimeWarning, match="waited too long"):
        assert cache.get_or_fetch("k", lambda: _entry("mine"), _fresh).tokens.access_token == (
            "mine")


def test_redis_down_falls_back_with_a_warning(local: LocalCognito, oauth_pool: OAuthPool) -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from ..redis_server import _free_port

    down = redis.Redis(host="127.0.0.1", port=_free_port(), socket_connect_timeout=0.5,
                       retry=Retry(NoBackoff(), 0))
    credentials = ClientCredentials(oauth_pool.domain_url, oauth_pool.machine_id,
                                    oauth_pool.machine_secret, cache=RedisTokenCache(down))
    with pytest.warns(RuntimeWarning, match="Redis token cache unavailable"):
        assert credentials.token()
    assert token_requests(local) == 1


def test_a_failed_fetch_releases_the_lock(redis_client: Any) -> None:
    cache = RedisTokenCache(redis_client, lock_timeout=30)

    def broken() -> CachedToken:
        raise RuntimeError("Cognito said no")

    with pytest.raises(RuntimeError):
        cache.get_or_fetch("k", broken, _fresh)
    assert redis_client.get("pycognito:oauth:k:lock") is None
    assert cache.get_or_fetch("k", lambda: _entry("next"), _fresh).tokens.access_token == "next"


def test_a_refused_token_is_replaced_in_the_shared_cache(local: LocalCognito,
                                                         oauth_pool: OAuthPool,
                                                         redis_client: Any) -> None:
    first, second = (ClientCredentials(oauth_pool.domain_url, oauth_pool.machine_id,
                                       oauth_pool.machine_secret,
                                       cache=RedisTokenCache(redis_client)) for _ in range(2))
    token = first.token()
    first.invalidate(token)  # an API refused it: Redis still holds it, fresh
    renewed = first.token()
    assert renewed != token and token_requests(local) == 2
    assert second.token() == renewed  # the others get the replacement from Redis


def test_an_entry_whose_clock_offset_is_not_finite_is_no_entry() -> None:
    """An offset of NaN (JSON allows it) would make every freshness check false: the token
    would never go stale. The entry is refused, as a token file with it is."""
    good = _entry("good")
    assert CachedToken.from_json(good.to_json()) == good
    for offset in ("NaN", "Infinity", "-Infinity", '"nan"', "true"):
        text = good.to_json().replace('"clock_offset": 0.0', f'"clock_offset": {offset}')
        assert offset in text and CachedToken.from_json(text) is None
