"""pycognito.totp against the RFC 4226 and RFC 6238 test vectors."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from pycognito.totp import decode_secret, hotp_code, otpauth_uri, totp_code, verify_totp

RFC4226_KEY = b"12345678901234567890"
RFC4226_CODES = ["755224", "287082", "359152", "969429", "338314",
                 "254676", "287922", "162583", "399871", "520489"]

# RFC 6238 appendix B: (time, SHA1, SHA256, SHA512), 8 digits.
RFC6238 = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]
KEYS = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}


@pytest.mark.parametrize("counter", range(10))
def test_hotp_rfc4226(counter: int) -> None:
    assert hotp_code(RFC4226_KEY, counter) == RFC4226_CODES[counter]


@pytest.mark.parametrize("row", RFC6238)
def test_totp_rfc6238(row: tuple[int, str, str, str]) -> None:
    at, sha1, sha256, sha512 = row
    for algorithm, expected in (("SHA1", sha1), ("SHA256", sha256), ("SHA512", sha512)):
        assert totp_code(KEYS[algorithm], at, digits=8, algorithm=algorithm) == expected


def test_base32_secret_like_cognito() -> None:
    secret = base64.b32encode(KEYS["SHA1"]).decode().rstrip("=")
    assert totp_code(secret, 59, digits=8) == "94287082"
    assert totp_code(secret.lower(), 59) == "287082"  # six digits by default
    spaced = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert totp_code(spaced, 59) == "287082"


def test_verify_window() -> None:
    secret = base64.b32encode(KEYS["SHA1"]).decode()
    code = totp_code(secret, 1111111109)
    assert verify_totp(secret, code, 1111111109)
    assert verify_totp(secret, code, 1111111109 + 30)
    assert not verify_totp(secret, code, 1111111109 + 90)
    assert not verify_totp(secret, "000000", 1111111109)


@pytest.mark.parametrize("bad", ["", "not base32!", "A1"])
def test_bad_secret(bad: str) -> None:
    with pytest.raises(ValueError):
        decode_secret(bad)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        hotp_code(RFC4226_KEY, -1)
    with pytest.raises(ValueError):
        hotp_code(RFC4226_KEY, 0, digits=4)
    with pytest.raises(ValueError):
        hotp_code(RFC4226_KEY, 0, algorithm="MD5")
    with pytest.raises(ValueError):
        totp_code(RFC4226_KEY, 0, step=0)


def test_otpauth_uri() -> None:
    secret = base64.b32encode(KEYS["SHA1"]).decode()
    uri = otpauth_uri(secret, "alice@example.com", "My App")
    parsed = urlparse(uri)
    assert parsed.scheme == "otpauth" and parsed.netloc == "totp"
    assert unquote(parsed.path) == "/My App:alice@example.com"
    query = parse_qs(parsed.query)
    assert query["secret"] == [secret.rstrip("=")]
    assert query["issuer"] == ["My App"]
    assert query["digits"] == ["6"] and query["period"] == ["30"]
    assert " " not in uri
    assert otpauth_uri(secret, "bob").startswith("otpauth://totp/bob?secret=")
