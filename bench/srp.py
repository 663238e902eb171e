"""Client CPU cost of one SRP login, per big-integer backend, against the reference costs.

Prints, all measured in this one run (medians of many repetitions, process CPU time):
- one 3072-bit modular exponentiation with a 1280-bit exponent, per backend;
- the whole client side of a USER_SRP_AUTH login through ``AWSSRP`` (a scripted in-memory
  client answers with a real challenge, so no I/O is timed), per backend;
- a plain implementation on CPython ints (``pow`` for every exponentiation, ``k`` recomputed),
  the way an unoptimised client does it.

Targets: with gmpy2 the login costs at most 1.5x one such exponentiation (about 8x faster than
the plain implementation); without gmpy2 it is no slower than the plain implementation.

Run: ``.venv/bin/python bench/srp.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from pycognito import srp
from pycognito.aws_srp import AWSSRP

POOL_ID = "us-east-1_Bench1234"
CLIENT_ID = "benchclient"
PASSWORD = "Correct-Horse-Battery-9"
USER = "bench-user"
SALT = os.urandom(16).hex()
SECRET_BLOCK = base64.b64encode(os.urandom(64)).decode()


def _challenge() -> dict[str, Any]:
    x = srp.calculate_x(int(SALT, 16), POOL_ID.split("_")[1], USER, PASSWORD)
    big_b = srp.server_b(
        small_b=int.from_bytes(os.urandom(32), "big"), verifier_value=srp.verifier(x)
    )
    return {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "USERNAME": USER,
            "USER_ID_FOR_SRP": USER,
            "SALT": SALT,
            "SRP_B": format(big_b, "x"),
            "SECRET_BLOCK": SECRET_BLOCK,
        },
    }


class _ScriptedCognito:
    """Answers like Cognito without any I/O, so only the client's own work is timed."""

    def __init__(self, challenge: dict[str, Any]) -> None:
        self._challenge = challenge

    def initiate_auth(self, **_: Any) -> dict[str, Any]:
        return self._challenge

    def respond_to_auth_challenge(self, **_: Any) -> dict[str, Any]:
        return {"AuthenticationResult": {"AccessToken": "a", "IdToken": "i", "RefreshToken": "r"}}


def _median_cpu(run: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.process_time_ns()
        run()
        samples.append(time.process_time_ns() - start)
    return statistics.median(samples) / 1e6  # ms


def _plain_login(challenge: dict[str, Any]) -> str:
    """A straightforward client on CPython ints: every exponentiation with ``pow``."""
    params = challenge["ChallengeParameters"]
    n, g = srp.N, 2

    def pad(value: int) -> bytes:
        return bytes.fromhex(srp.pad_hex(value))

    def h(data: bytes) -> int:
        return int.from_bytes(hashlib.sha256(data).digest(), "big")

    k = h(pad(n) + pad(g))
    a = int.from_bytes(os.urandom(128), "big")
    big_a = pow(g, a, n)
    big_b = int(params["SRP_B"], 16)
    u = h(pad(big_a) + pad(big_b))
    pool = POOL_ID.split("_")[1]
    inner = hashlib.sha256(f"{pool}{params['USER_ID_FOR_SRP']}:{PASSWORD}".encode()).digest()
    x = h(pad(int(params["SALT"], 16)) + inner)
    s = pow((big_b - k * pow(g, x, n)) % n, a + u * x, n)
    prk = hmac.new(pad(u), pad(s), hashlib.sha256).digest()
    key = hmac.new(prk, srp.HKDF_INFO + b"\x01", hashlib.sha256).digest()[:16]
    stamp = srp.timestamp(datetime.now(timezone.utc))
    message = pool.encode() + USER.encode() + base64.b64decode(SECRET_BLOCK) + stamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def main() -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", "60"))
    challenge = _challenge()
    client = _ScriptedCognito(challenge)
    base = int.from_bytes(os.urandom(384), "big") % srp.N
    exponent = int.from_bytes(os.urandom(160), "big") | (1 << 1279)  # exactly 1280 bits

    plain = _median_cpu(lambda: _plain_login(challenge), repeat)
    print(f"SRP client CPU per login, median of {repeat} (ms); plain CPython ints: {plain:.2f} ms")
    print(
        f"{'backend':8} {'modexp 1280b':>13} {'login':>8} {'login/modexp':>13} {'plain/login':>12}"
    )
    for name in srp.available_backends():
        srp.use_backend(name)
        srp.calculate_a(3)  # build the fixed-base table once, outside the timings
        modexp = _median_cpu(lambda: srp._arith().pow(base, exponent), repeat)

        def login() -> None:
            AWSSRP(USER, PASSWORD, POOL_ID, CLIENT_ID, client=client).authenticate_user()

        cost = _median_cpu(login, repeat)
        print(f"{name:8} {modexp:13.2f} {cost:8.2f} {cost / modexp:13.2f} {plain / cost:12.2f}")
    construct = _median_cpu(lambda: AWSSRP(USER, PASSWORD, POOL_ID, CLIENT_ID, client=client), 200)
    print(f"AWSSRP() constructor: {construct * 1000:.1f} us (no exponentiation)")


if __name__ == "__main__":
    main()
