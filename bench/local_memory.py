"""Benchmark: the local Cognito's memory under sustained logins (does it plateau?).

One process runs the embedded local Cognito and logs one user in again and again
(USER_PASSWORD_AUTH over keep-alive HTTP: every login mints an access, id and refresh token
and is recorded in the call log). Server time moves ``--advance`` seconds per 1,000 logins,
as it would under a steady load, with the app client's shortest validities (access and id
tokens 5 minutes, refresh tokens 60 minutes), so expired tokens can be pruned as they would be
in a long-running server. Prints the resident set size (VmRSS) every 1,000 logins and the
growth per 1,000 logins over the last quarter of the run (steady state; ~0 when it plateaus).

    python bench/local_memory.py [--logins 100000] [--advance 300] [--no-prune]

``--no-prune`` turns pruning off, for comparison.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import time
from urllib.parse import urlsplit

from pycognito.local import LocalCognito, _state

PASSWORD = "Correct-Horse-9!"


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=100_000)
    parser.add_argument("--advance", type=float, default=300.0,
                        help="server seconds per 1,000 logins (default 300)")
    parser.add_argument("--no-prune", action="store_true")
    args = parser.parse_args()
    if args.no_prune:
        _state.PRUNE_EVERY = float("inf")
    with LocalCognito() as local:
        idp = local.client()
        pool = idp.create_user_pool(PoolName="bench")["UserPool"]["Id"]
        client = idp.create_user_pool_client(
            UserPoolId=pool, ClientName="bench", ExplicitAuthFlows=[
                "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            AccessTokenValidity=5, IdTokenValidity=5, RefreshTokenValidity=60,
            TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes",
                                "RefreshToken": "minutes"},
        )["UserPoolClient"]["ClientId"]
        idp.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS")
        idp.admin_set_user_password(UserPoolId=pool, Username="bob", Password=PASSWORD,
                                    Permanent=True)
        where = urlsplit(local.endpoint_url)
        connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port)
        body = json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
                           "AuthParameters": {"USERNAME": "bob", "PASSWORD": PASSWORD}})
        headers = {"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
                   "Content-Type": "application/x-amz-json-1.1"}
        samples: list[tuple[int, int]] = []
        started = time.perf_counter()
        for done in range(1, args.logins + 1):
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
            if response.status != 200:
                raise SystemExit(f"login {done} failed: {response.status} {answer[:200]!r}")
            if done % 1000 == 0:
                local.advance_clock(args.advance)
                gc.collect()
                samples.append((done, rss_kib()))
                print(f"{done:>7} logins  RSS {samples[-1][1] / 1024:7.1f} MiB  "
                      f"({time.perf_counter() - started:6.0f} s)", flush=True)
        connection.close()
        quarter = samples[len(samples) * 3 // 4:]
        if len(quarter) >= 2:
            (first_n, first_kib), (last_n, last_kib) = quarter[0], quarter[-1]
            per_1000 = (last_kib - first_kib) / ((last_n - first_n) / 1000)
            print(f"steady state ({first_n}-{last_n} logins): {per_1000:+.1f} KiB per 1,000 "
                  f"logins; RSS {first_kib / 1024:.1f} -> {last_kib / 1024:.1f} MiB; "
                  f"pruning {'off' if args.no_prune else 'on'}")


if __name__ == "__main__":
    main()
