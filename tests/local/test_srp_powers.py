"""The server's SRP exponentiation (``pycognito.local._srp_powers``): tables for verifiers in use
give the same powers as a plain exponentiation, on every big-integer backend, and stay bounded."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from pycognito import srp
from pycognito.local import _srp_powers as powers


@pytest.fixture(params=srp.available_backends())
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = srp.backend_name()
    srp.use_backend(request.param)
    powers.clear()
    yield request.param
    powers.clear()
    srp.use_backend(previous)


def test_powmod_is_modular_exponentiation(backend: str) -> None:
    base, exponent = secrets.randbits(3000), secrets.randbits(256)
    assert powers.powmod(base, exponent) == pow(base, exponent, srp.N)
    assert type(powers.powmod(base, exponent)) is int


def test_a_verifier_table_gives_the_same_powers(backend: str) -> None:
    verifier = srp.verifier(secrets.randbits(256))
    exponents = [0, 1, 15, 16, 17, (1 << 256) - 1, 1 << 255,
                 *(secrets.randbits(256) for _ in range(5))]
    for exponent in exponents:  # the first checks have no table; the later ones use it
        assert powers.verifier_power(verifier, exponent) == pow(verifier, exponent, srp.N)
    assert (backend, verifier) in powers._tables
    assert powers.verifier_power(verifier, 1 << 300) == pow(verifier, 1 << 300, srp.N)  # too long


def test_a_table_is_built_only_for_a_verifier_checked_again_and_again(backend: str) -> None:
    verifier = srp.verifier(secrets.randbits(256))
    for _ in range(powers.BUILD_AFTER - 1):
        powers.verifier_power(verifier, secrets.randbits(256))
    assert not powers._tables
    powers.verifier_power(verifier, secrets.randbits(256))
    assert list(powers._tables) == [(backend, verifier)]


def test_tables_are_bounded(backend: str) -> None:
    verifiers = [srp.verifier(secrets.randbits(256)) for _ in range(powers.MAX_TABLES + 2)]
    for verifier in verifiers:
        for _ in range(powers.BUILD_AFTER):
            powers.verifier_power(verifier, 12345)
    assert len(powers._tables) == powers.MAX_TABLES
    assert (backend, verifiers[0]) not in powers._tables  # least recently used went first
    assert (backend, verifiers[-1]) in powers._tables
