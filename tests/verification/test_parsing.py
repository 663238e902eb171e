"""Malformed tokens: segments, base64url, JSON, size limit; and a home-made fuzzer showing that
nothing but TokenVerificationException ever escapes ``verify``."""

from __future__ import annotations

import base64
import binascii
import json
import random
from functools import partial
from typing import Any

import pytest

from pycognito.exceptions import (
    TokenMalformedError,
    TokenTooLargeError,
    TokenVerificationException,
)
from pycognito.verification import CognitoTokenVerifier, MultiPoolVerifier, _jwt, unverified_claims

from .helpers import access_claims, b64url, encode_segments, id_claims, mint


@pytest.fixture()
def good(key1: Any) -> str:
    return mint(key1, id_claims())


@pytest.fixture(params=["binascii", "pybase64"])
def decoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with each base64 decoder ``_jwt`` may use: binascii's, and pybase64's
    (the ``fast`` extra, installed with the dev dependencies)."""
    if request.param == "pybase64":
        import pybase64

        monkeypatch.setattr(_jwt, "_a2b", partial(pybase64.b64decode, validate=True))
    else:
        monkeypatch.setattr(_jwt, "_a2b", binascii.a2b_base64)
    return str(request.param)


def test_the_fast_decoder_is_used_when_installed() -> None:
    import pybase64

    assert "C extension active" in pybase64.get_version()
    assert _jwt.BASE64_DECODER == "pybase64"


def test_segment_count(verifier: CognitoTokenVerifier, good: str, decoder: str) -> None:
    h, p, s = good.split(".")
    for case in [
        h,
        f"{h}.{p}",
        f"{h}.{p}.{s}.",
        f"{h}.{p}.{s}.{s}",
        f"{h}..{p}.{s}",
        ".",
        "..",
        f"..{s}",
        f"{h}.{p}.",
        f".{p}.{s}",
        f"{h}..{s}",
        "",
    ]:
        with pytest.raises(TokenMalformedError):
            verifier.verify(case)


def test_truncated(verifier: CognitoTokenVerifier, good: str, decoder: str) -> None:
    for cut in (1, 2, 3, 10, 50, len(good) // 2, len(good) - 5):
        with pytest.raises(TokenVerificationException):
            verifier.verify(good[:-cut])


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s + "=",  # padding
        lambda s: s + "==",
        lambda s: s[:5] + "+" + s[6:],  # standard alphabet
        lambda s: s[:5] + "/" + s[6:],
        lambda s: s[:5] + " " + s[6:],  # whitespace
        lambda s: s[:5] + "\n" + s[6:],
        lambda s: s[:5] + "!" + s[6:],
        lambda s: s[:5] + "é" + s[6:],  # non-ASCII
        lambda s: s + "A" * ((1 - len(s)) % 4 or 4),  # length 4n+1
    ],
)
@pytest.mark.parametrize("index", [0, 1, 2])
def test_bad_base64(
    verifier: CognitoTokenVerifier, good: str, mangle: Any, index: int, decoder: str
) -> None:
    parts = good.split(".")
    parts[index] = mangle(parts[index])
    with pytest.raises(TokenMalformedError):
        verifier.verify(".".join(parts))


@pytest.mark.parametrize(
    "raw",
    [
        b"[]",
        b'"x"',
        b"1",
        b"null",
        b"true",
        b"",
        b"{",
        b"{'a': 1}",
        b"\xff\xfe{\x00}\x00",
        b'{"a":1,"a":2}',
        b'{"a":1,"\\u0061":2}',
        b'{"\\u0061":1,"a":2}',
        b'{"a":1, "a" :2}',
        b'{"a":[{"b":1,"\\u0062":2}]}',
        b'{"a": NaN}',
        b'{"a": -Infinity}',
        b"[" * 5000 + b"]" * 5000,
        '{"a": "é"}'.encode("latin-1"),
    ],
)
@pytest.mark.parametrize("where", ["header", "payload"])
def test_json_not_an_object(
    verifier: CognitoTokenVerifier, key1: Any, raw: bytes, where: str
) -> None:
    if where == "header":
        token = f"{b64url(raw)}.{b64url(json.dumps(id_claims()).encode())}.{b64url(b'sig')}"
    else:
        token = mint(key1, raw)
    with pytest.raises(TokenMalformedError):
        verifier.verify(token)


def test_duplicate_alg_in_header_refused(verifier: CognitoTokenVerifier, key1: Any) -> None:
    header = b'{"alg":"none","kid":"k1","alg":"RS256"}'
    token = mint(key1, id_claims(), header={"alg": "RS256", "kid": "k1"})
    _, payload, signature = token.split(".")
    with pytest.raises(TokenMalformedError):
        verifier.verify(f"{b64url(header)}.{payload}.{signature}")


def test_oversized_refused_before_parsing(
    verifier: CognitoTokenVerifier, monkeypatch: pytest.MonkeyPatch, good: str
) -> None:
    calls: list[bytes] = []
    monkeypatch.setattr(_jwt, "_segment", lambda s: calls.append(s) or b"")
    huge = good + "A" * 70000
    with pytest.raises(TokenTooLargeError):
        verifier.verify(huge)
    with pytest.raises(TokenTooLargeError):
        verifier.verify(huge.encode())
    assert calls == []
    small = CognitoTokenVerifier("eu-west-1_X", None, jwks={"keys": []}, max_token_size=100)
    with pytest.raises(TokenTooLargeError):
        small.verify(good)


@pytest.mark.parametrize("value", [None, 1, 1.5, [], {}, object(), b"\xff.\xfe.\xfd", bytearray()])
def test_not_a_string(verifier: CognitoTokenVerifier, value: Any) -> None:
    with pytest.raises(TokenMalformedError):
        verifier.verify(value)


def test_bytes_token_accepted(verifier: CognitoTokenVerifier, good: str) -> None:
    assert verifier.verify(good.encode())["token_use"] == "id"  # type: ignore[arg-type]


def test_unverified_claims(good: str) -> None:
    parts = unverified_claims(good)
    assert parts["header"]["kid"] == "k1"
    assert parts["payload"]["aud"]
    with pytest.raises(TokenMalformedError):
        unverified_claims("a.b")


# -- fuzzing ---------------------------------------------------------------------------------

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \t\n\x00é€"


def _mutations(rng: random.Random, token: str) -> str:
    kind = rng.randrange(9)
    chars = list(token)
    if kind == 0:  # flip random characters
        for _ in range(rng.randint(1, 5)):
            chars[rng.randrange(len(chars))] = rng.choice(_ALPHABET)
        return "".join(chars)
    if kind == 1:  # delete a slice
        a = rng.randrange(len(chars))
        return token[:a] + token[a + rng.randint(1, 40) :]
    if kind == 2:  # insert junk
        a = rng.randrange(len(chars))
        junk = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 20)))
        return token[:a] + junk + token[a:]
    if kind == 3:  # swap segments
        parts = token.split(".")
        rng.shuffle(parts)
        return ".".join(parts)
    if kind == 4:  # random bytes as segments
        return ".".join(
            b64url(bytes(rng.randrange(256) for _ in range(rng.randint(0, 64))))
            for _ in range(rng.randint(1, 5))
        )
    if kind == 5:  # random JSON-ish values as header/payload
        values: list[Any] = [
            None,
            True,
            0,
            -1,
            2**70,
            1.5,
            "",
            "x",
            [],
            {},
            [None],
            {"alg": None},
            {"alg": "RS256", "kid": rng.choice(["k1", "k2", "", None, 0, []])},
            {"alg": rng.choice(["RS256", "none", "HS256", None, 1]), "kid": "k1", "crit": []},
        ]
        header = rng.choice(values)
        payload = rng.choice([*values, id_claims(), access_claims()])
        seg = encode_segments(header, payload)
        return f"{seg}.{b64url(bytes(rng.randrange(256) for _ in range(256)))}"
    if kind == 6:  # random printable string
        return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 300)))
    if kind == 7:  # bit-flip the decoded payload and re-encode
        h, p, s = token.split(".")
        raw = bytearray(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
        raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        return f"{h}.{b64url(bytes(raw))}.{s}"
    # kind 8: duplicate a segment
    parts = token.split(".")
    parts.insert(rng.randrange(4), rng.choice(parts))
    return ".".join(parts)


def test_fuzz_only_token_verification_exceptions(
    verifier: CognitoTokenVerifier, key1: Any, key2: Any
) -> None:
    rng = random.Random(20261128)
    seeds = [
        mint(key1, id_claims()),
        mint(key1, access_claims()),
        mint(key2, id_claims(), kid="k2"),
        mint(key1, id_claims(at_hash="abc")),
    ]
    multi = MultiPoolVerifier([verifier])
    accepted = 0
    for i in range(3000):
        token = _mutations(rng, rng.choice(seeds))
        for target in (verifier, multi):
            try:
                target.verify(token, rng.choice([None, "id", "access"]), access_token=seeds[1])
            except TokenVerificationException as exc:
                assert token not in str(exc) or len(token) < 3, i
            else:
                # only an unchanged token may pass (e.g. segments shuffled into the same order)
                assert token in seeds, i
                accepted += 1
    assert accepted < 300


def test_deeply_nested_claims_are_malformed_not_an_unnamed_failure(
    verifier: CognitoTokenVerifier, key1: Any
) -> None:
    # Nesting the JSON parser still accepts but copying the claims recursed too deeply for
    # surfaced as the bare TokenVerificationException ("... (RecursionError)").
    head = json.dumps(id_claims())[:-1]
    for depth in range(50, 3001, 25):
        payload = f'{head}, "deep": {"[" * depth}{"]" * depth}}}'.encode()
        try:
            verifier.verify(mint(key1, payload), "id")
        except TokenVerificationException as exc:
            assert isinstance(exc, TokenMalformedError), (depth, exc)


# -- base64url: the fast decoder against a plain reference ----------------------------------

_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _reference_b64url(segment: str) -> bytes | None:
    """Unpadded base64url the slow, obvious way: alphabet, length, decode, re-encode."""
    if any(c not in _B64URL for c in segment) or len(segment) % 4 == 1:
        return None
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    return raw if b64url(raw) == segment else None


def test_b64url_decode_matches_reference(decoder: str) -> None:
    rng = random.Random(17)
    odd = "=+/ \t\n\r.*!\x00é"
    checked = refused = 0
    for _ in range(20000):
        segment = b64url(bytes(rng.randrange(256) for _ in range(rng.randint(0, 12))))
        chars = list(segment)
        for _ in range(rng.randint(0, 3)):
            where = rng.randint(0, len(chars))
            kind = rng.randrange(4)
            if kind == 0:
                chars.insert(where, rng.choice(odd))
            elif kind == 1 and chars:
                chars[min(where, len(chars) - 1)] = rng.choice(_B64URL + odd)
            elif kind == 2 and chars:
                del chars[min(where, len(chars) - 1)]
            else:
                chars.insert(where, rng.choice(_B64URL))
        candidate = "".join(chars)
        expected = _reference_b64url(candidate)
        try:
            got: bytes | None = _jwt.b64url_decode(candidate)
        except TokenMalformedError:
            got = None
        assert got == expected, candidate
        checked += 1
        refused += got is None
    assert checked == 20000 and 3000 < refused < 17000


@pytest.mark.parametrize("offset", [1, 5, 9, 15])
def test_non_canonical_trailing_bits_refused(
    verifier: CognitoTokenVerifier, good: str, offset: int, decoder: str
) -> None:
    h, p, s = good.split(".")
    assert len(s) % 4 == 2  # RSA-2048: 256 bytes, 342 characters; the last carries 4 unused bits
    value = _B64URL.index(s[-1])
    assert value % 16 == 0
    # The same bytes once decoded, but with unused low bits set: not the canonical encoding.
    with pytest.raises(TokenMalformedError, match="canonical"):
        verifier.verify(f"{h}.{p}.{s[:-1]}{_B64URL[value + offset]}")


@pytest.mark.parametrize(
    ("raw", "ok"),
    [
        (b'{"a":1}', True),
        (b'{"a":1} \t\r\n', True),
        (b' \n{"a":1}', True),
        (b'{"a":1}x', False),
        (b'{"a":1}{}', False),
        (b'{"a":1} 1', False),
        (b'{"a":{"b":1,"b":2}}', False),
        (b'{"a":[{"b":1},{"b":1,"c":2,"b":3}]}', False),
        (b'{"a":1,"A":2}', True),
        (b'{"a":1,"\\u0061":2}', False),
        (b'{"a\\"":1,"a\\u0022":2}', False),
        (b'{"a":"\\":","a":2}', False),
        (b'{"a":1,"\\u0041":2}', True),
        (b'{"x":{"a":1},"y":{"a":2}}', True),
    ],
)
def test_json_object_edges(raw: bytes, ok: bool) -> None:
    token = f"{b64url(raw)}.{b64url(raw)}.{b64url(b'sig')}"
    if ok:
        assert unverified_claims(token)["payload"] == json.loads(raw)
    else:
        with pytest.raises(TokenMalformedError):
            unverified_claims(token)
