"""The local server's own RFC 6238 implementation against RFC 6238 appendix B."""

from __future__ import annotations

import base64

import pytest

from pycognito.local import _totp

SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
# (time, sha1, sha256, sha512), 8 digits, from RFC 6238 appendix B.
RFC_6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("moment", "sha1", "sha256", "sha512"), RFC_6238)
def test_rfc_6238_vectors(moment: int, sha1: str, sha256: str, sha512: str) -> None:
    for algorithm, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert _totp.totp(SEEDS[algorithm], moment, digits=8, algorithm=algorithm) == expected


def test_rfc_4226_hotp_vectors() -> None:
    expected = ["755224", "287082", "359152", "969429", "338314",
                "254676", "287922", "162583", "399871", "520489"]
    assert [_totp.hotp(SEEDS["sha1"], i) for i in range(10)] == expected


def test_verify_allows_one_step_of_drift_and_no_more() -> None:
    secret = base64.b32encode(SEEDS["sha1"]).decode()
    now = 1_111_111_111.0
    for steps, accepted in ((-2, False), (-1, True), (0, True), (1, True), (2, False)):
        code = _totp.totp_from_secret(secret, now + 30 * steps)
        assert _totp.verify(secret, code, now) is accepted


@pytest.mark.parametrize(
    "code", ["", "12345", "1234567", "abcdef", None, 123456, "\u0661\u0662\u0663\u0664\u0665\u0666"]
)
def test_verify_refuses_malformed_codes(code: object) -> None:
    assert not _totp.verify(_totp.new_secret(), code, 0.0)


def test_secrets_are_random_base32_of_32_characters() -> None:
    one, two = _totp.new_secret(), _totp.new_secret()
    assert one != two and len(one) == 32
    assert _totp.decode_secret(one.lower()) == base64.b32decode(one)
