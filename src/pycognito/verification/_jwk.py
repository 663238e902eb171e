"""Turning a JWKS document into parsed RSA public keys, once.

Only RSA signing keys of at least 2048 bits with a ``kid`` are kept; everything else in the set
(EC or symmetric keys, encryption keys, short keys, private parameters, bad encodings) is ignored.
URLs in a key (``x5u``) are never fetched.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Mapping, Optional

from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey, RSAPublicNumbers

from ..exceptions import JWKSUnavailableError, TokenMalformedError
from ._jwt import b64url_decode

MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192
MAX_KEYS = 100
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")

_PKCS1 = PKCS1v15()
#: The DER DigestInfo of a SHA-256 digest (RFC 8017, section 9.2, note 1), NULL parameters.
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class PublicKey:
    """One usable key of a key set: its ``kid``, its ``alg`` (if the JWK names one), the parsed
    public key object and the JWK it came from."""

    __slots__ = ("_recover", "alg", "jwk", "key", "kid", "size")

    def __init__(
        self, kid: str, alg: Optional[str], key: RSAPublicKey, jwk: dict[str, Any]
    ) -> None:
        self.kid = kid
        self.alg = alg
        self.key = key
        self.jwk = jwk
        #: The modulus length in bytes: the only length an RS256 signature may have.
        self.size = (key.key_size + 7) // 8
        self._recover = key.recover_data_from_signature

    def __repr__(self) -> str:
        return f"PublicKey(kid={self.kid!r}, alg={self.alg!r}, bits={self.key.key_size})"

    def verifies_rs256(self, signature: bytes, signing_input: bytes) -> bool:
        """Whether ``signature`` is this key's RSASSA-PKCS1-v1_5 / SHA-256 signature of
        ``signing_input`` (RFC 8017, 8.2.2), checked by encoding and comparing.

        The signature must be exactly the modulus length; OpenSSL (through ``cryptography``)
        applies the public key and checks the whole type-1 padding (00 01 FF...FF 00, at
        least 8 FF); what it leaves must then be exactly the DigestInfo of SHA-256 and the
        digest, compared in full: what ``RSAPublicKey.verify`` checks, with less set-up per
        call (no digest context)."""
        if len(signature) != self.size:
            return False
        try:
            recovered = self._recover(signature, _PKCS1, None)
        except Exception:  # InvalidSignature: bad padding, or a value not below the modulus
            return False
        expected = _SHA256_DIGEST_INFO + hashlib.sha256(signing_input).digest()
        return hmac.compare_digest(recovered, expected)


def _b64_uint(value: object) -> Optional[int]:
    if not isinstance(value, str) or not value:
        return None
    try:
        raw = b64url_decode(value)
    except TokenMalformedError:
        return None
    return int.from_bytes(raw, "big")


def parse_jwk(jwk: object) -> Optional[PublicKey]:
    """A :class:`PublicKey` for an RSA signing JWK of at least 2048 bits, else ``None``."""
    if not isinstance(jwk, Mapping):
        return None
    kid = jwk.get("kid")
    if jwk.get("kty") != "RSA" or not isinstance(kid, str) or not kid:
        return None
    if "use" in jwk and jwk["use"] != "sig":
        return None
    key_ops = jwk.get("key_ops")
    if key_ops is not None and (not isinstance(key_ops, list) or "verify" not in key_ops):
        return None
    alg = jwk.get("alg")
    if alg is not None and not isinstance(alg, str):
        return None
    if any(name in jwk for name in _PRIVATE_MEMBERS):
        return None
    n = _b64_uint(jwk.get("n"))
    e = _b64_uint(jwk.get("e"))
    if n is None or e is None or not MIN_RSA_BITS <= n.bit_length() <= MAX_RSA_BITS:
        return None
    if e < 3 or e % 2 == 0 or e.bit_length() > 64:
        return None
    try:
        key = RSAPublicNumbers(e, n).public_key()
    except Exception:  # cryptography refuses the numbers: the key is unusable, so ignore it
        return None
    public = {str(k): v for k, v in jwk.items()}
    return PublicKey(kid, alg, key, public)


class KeySet:
    """The usable keys of one JWKS document, by ``kid`` (the first usable key wins a kid)."""

    __slots__ = ("document", "keys")

    def __init__(self, keys: dict[str, PublicKey], document: dict[str, Any]) -> None:
        self.keys = keys
        self.document = document

    def __repr__(self) -> str:
        return f"KeySet(kids={sorted(self.keys)!r})"


def parse_jwks(document: object) -> KeySet:
    """Parse a JWKS object (``{"keys": [...]}``); raise :class:`JWKSUnavailableError` if it is
    not one. Unusable keys are skipped, so the result may hold no key at all."""
    if not isinstance(document, Mapping):
        raise JWKSUnavailableError("the JWKS is not a JSON object")
    entries = document.get("keys")
    if not isinstance(entries, list):
        raise JWKSUnavailableError('the JWKS has no "keys" list')
    if len(entries) > MAX_KEYS:
        raise JWKSUnavailableError(f"the JWKS has more than {MAX_KEYS} keys")
    keys: dict[str, PublicKey] = {}
    for entry in entries:
        parsed = parse_jwk(entry)
        if parsed is not None and parsed.kid not in keys:
            keys[parsed.kid] = parsed
    return KeySet(keys, {"keys": [k.jwk for k in keys.values()]})


def parse_jwks_bytes(body: bytes) -> KeySet:
    """Parse a fetched JWKS body (UTF-8 JSON)."""
    try:
        document = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        raise JWKSUnavailableError("the JWKS is not valid JSON") from None
    return parse_jwks(document)
