"""The RS256 check (``PublicKey.verifies_rs256``: RSASSA-PKCS1-v1_5 by encoding and comparing)
against ``cryptography``'s own ``verify``, on signatures made with the raw private operation:
each a block that a lax verifier has been fooled by, through a verifier and token as well."""

from __future__ import annotations

import hashlib
from typing import Any, Callable

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pycognito.exceptions import TokenSignatureError
from pycognito.verification import CognitoTokenVerifier
from pycognito.verification._jwk import parse_jwk

from .helpers import CLIENT_ID, POOL_ID, b64url, encode_segments, id_claims, jwk_of

SHA256_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
SHA256_INFO_NO_NULL = bytes.fromhex("302f300b0609608648016503040201" "0420")
SHA1_INFO = bytes.fromhex("3021300906052b0e03021a05000414")
SHA384_INFO = bytes.fromhex("3041300d060960864801650304020205000430")


def raw_sign(key: rsa.RSAPrivateKey, block: bytes) -> bytes:
    """``block ^ d mod n`` (with the CRT), as many bytes as the modulus: any block signed."""
    priv = key.private_numbers()
    n = priv.public_numbers.n
    size = (n.bit_length() + 7) // 8
    assert len(block) == size
    m = int.from_bytes(block, "big")
    s1, s2 = pow(m, priv.dmp1, priv.p), pow(m, priv.dmq1, priv.q)
    s = s2 + priv.q * ((priv.iqmp * (s1 - s2)) % priv.p)
    return s.to_bytes(size, "big")


def block(size: int, body: bytes, *, ff: int | None = None, head: bytes = b"\x00\x01") -> bytes:
    """``head || FF * ff || 00 || body``, filled with garbage after ``body`` up to ``size``."""
    count = size - len(head) - 1 - len(body) if ff is None else ff
    made = head + b"\xff" * count + b"\x00" + body
    return made + b"\xa5" * (size - len(made))


MESSAGE = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"
DIGEST = hashlib.sha256(MESSAGE).digest()

#: name -> the block to sign, from the modulus length; only "canonical" is a valid signature.
BLOCKS: dict[str, Callable[[int], bytes]] = {
    "canonical": lambda k: block(k, SHA256_INFO + DIGEST),
    "DigestInfo without NULL parameters": lambda k: block(k, SHA256_INFO_NO_NULL + DIGEST),
    "SHA-1 DigestInfo": lambda k: block(k, SHA1_INFO + hashlib.sha1(MESSAGE).digest()),  # noqa: S324
    "SHA-384 DigestInfo": lambda k: block(k, SHA384_INFO + hashlib.sha384(MESSAGE).digest()),
    "bare digest, no DigestInfo": lambda k: block(k, DIGEST),
    "garbage after the digest (short padding)": lambda k: block(k, SHA256_INFO + DIGEST, ff=8),
    "7 FF bytes only": lambda k: block(k, SHA256_INFO + DIGEST, ff=7)[: -1] + b"\x00",
    "block type 2": lambda k: block(k, SHA256_INFO + DIGEST, head=b"\x00\x02"),
    "no leading zero": lambda k: b"\x01" + block(k, SHA256_INFO + DIGEST)[2:] + b"\x00",
    "digest of another message": lambda k: block(
        k, SHA256_INFO + hashlib.sha256(MESSAGE + b"x").digest()
    ),
    "digest truncated by one byte": lambda k: block(k, SHA256_INFO + DIGEST[:-1]),
}


def reference(key: rsa.RSAPublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_signature_blocks_judged_as_cryptography_verify_judges_them(
    key1: rsa.RSAPrivateKey, name: str
) -> None:
    public = parse_jwk(jwk_of(key1, "k1"))
    assert public is not None
    signature = raw_sign(key1, BLOCKS[name](public.size))
    ours = public.verifies_rs256(signature, MESSAGE)
    assert ours is reference(key1.public_key(), signature, MESSAGE)
    assert ours is (name == "canonical")


def test_signatures_of_the_wrong_length_or_value_refused(key1: rsa.RSAPrivateKey) -> None:
    public = parse_jwk(jwk_of(key1, "k1"))
    assert public is not None
    good = raw_sign(key1, BLOCKS["canonical"](public.size))
    n = key1.public_key().public_numbers().n
    value = int.from_bytes(good, "big")
    bad: dict[str, bytes] = {
        "a zero byte in front": b"\x00" + good,
        "last byte cut": good[:-1],
        "empty": b"",
        "the modulus itself": n.to_bytes(public.size, "big"),
        "all ones": b"\xff" * public.size,
    }
    if value + n < 1 << (8 * public.size):
        bad["the signature plus the modulus"] = (value + n).to_bytes(public.size, "big")
    assert public.verifies_rs256(good, MESSAGE)
    for name, signature in bad.items():
        assert not public.verifies_rs256(signature, MESSAGE), name
        assert not reference(key1.public_key(), signature, MESSAGE), name


def test_a_valid_signature_with_its_leading_zero_byte_dropped_is_refused(
    key1: rsa.RSAPrivateKey,
) -> None:
    # RFC 8017 8.2.2 step 1: a signature is exactly as long as the modulus. A shorter string
    # holding the same integer (one in 256 signatures starts with a zero byte) is refused.
    public = parse_jwk(jwk_of(key1, "k1"))
    assert public is not None
    for i in range(20000):
        message = b"m%d" % i
        signature = key1.sign(message, padding.PKCS1v15(), hashes.SHA256())
        if signature[0] == 0:
            break
    else:
        raise AssertionError("no signature with a leading zero byte in 20000 tries")
    assert public.verifies_rs256(signature, message)
    assert not public.verifies_rs256(signature[1:], message)
    assert not reference(key1.public_key(), signature[1:], message)


@pytest.mark.parametrize("name", sorted(set(BLOCKS) - {"canonical"}))
def test_forged_blocks_refused_in_a_token(key1: rsa.RSAPrivateKey, name: Any) -> None:
    verifier = CognitoTokenVerifier(
        POOL_ID, CLIENT_ID, jwks={"keys": [jwk_of(key1, "k1")]}, token_cache_size=0
    )
    signing_input = encode_segments({"kid": "k1", "alg": "RS256"}, id_claims())
    size = (key1.key_size + 7) // 8
    digest = hashlib.sha256(signing_input.encode()).digest()
    blocks = {
        "canonical": block(size, SHA256_INFO + digest),
        name: BLOCKS[name](size).replace(DIGEST, digest),
    }
    good = f"{signing_input}.{b64url(raw_sign(key1, blocks['canonical']))}"
    assert verifier.verify(good, "id")["token_use"] == "id"
    with pytest.raises(TokenSignatureError):
        verifier.verify(f"{signing_input}.{b64url(raw_sign(key1, blocks[name]))}", "id")
