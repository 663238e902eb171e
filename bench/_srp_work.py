"""The work one SRP login cannot avoid, and a CPU timer: shared by bench/srp.py and
bench/peers.py.

A login computes three exponentiations modulo the 3072-bit N: ``A = g^a`` (``a`` is 1,024
random bits), ``g^x`` (``x`` is a 256-bit hash), and ``S = (B - k g^x)^(a + u x)``, whose
exponent has about 1,024 bits (``u x`` has 512). The first two have the fixed base ``g = 2``;
the library computes them from a precomputed table, the third with a general exponentiation.
"""

from __future__ import annotations

import base64
import os
import statistics
import time
from typing import Callable

from pycognito import srp


def make_challenge(pool_id: str, username: str, password: str) -> dict[str, str]:
    """A PASSWORD_VERIFIER challenge as Cognito would send it for this user and password."""
    salt = os.urandom(16).hex()
    x = srp.calculate_x(int(salt, 16), pool_id.split("_", 1)[1], username, password)
    small_b = int.from_bytes(os.urandom(32), "big")
    big_b = srp.server_b(small_b=small_b, verifier_value=srp.verifier(x))
    return {
        "USERNAME": username,
        "USER_ID_FOR_SRP": username,
        "SALT": salt,
        "SRP_B": format(big_b, "x"),
        "SECRET_BLOCK": base64.b64encode(os.urandom(1024)).decode(),
    }


def unavoidable(
    challenge: dict[str, str], pool_id: str, username: str, password: str
) -> tuple[Callable[[], None], Callable[[], None], int]:
    """``(floor, s_alone, bits)`` for this challenge on the active big-integer backend:
    ``floor()`` computes the three exponentiations of a login as the library does, ``s_alone()``
    only S; ``bits`` is the length of S's exponent."""
    small_a = int.from_bytes(os.urandom(128), "big") | 1 << 1023  # a full 1,024-bit a
    big_b = int(challenge["SRP_B"], 16)
    x = srp.calculate_x(int(challenge["SALT"], 16), pool_id.split("_", 1)[1], username, password)
    exponent = small_a + srp.calculate_u(srp.calculate_a(small_a), big_b) * x
    base = (big_b - srp.K * srp.verifier(x)) % srp.N
    arith = srp._arith()

    def floor() -> None:
        arith.pow_g(small_a)
        arith.pow_g(x)
        arith.pow(base, exponent)

    def s_alone() -> None:
        arith.pow(base, exponent)

    return floor, s_alone, exponent.bit_length()


def cpu_ms(cases: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Per case, the median CPU time of one call in milliseconds (the cases take turns, so
    that each sees the same machine load)."""
    for fn in cases.values():
        fn()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            start = time.thread_time_ns()
            fn()
            samples[name].append((time.thread_time_ns() - start) / 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}
