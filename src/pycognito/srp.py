"""SRP-6a as Amazon Cognito speaks it: the pure primitives.

Nothing here performs I/O, draws randomness or reads the clock: callers pass the private
exponent, salts and timestamps, which is what makes every function checkable against the
known-answer vectors computed by AWS's own JavaScript client.

Hex strings are accepted exactly as Cognito sends them (a ``SALT`` may be negative or of odd
length). Every integer that is hashed is first encoded with :func:`pad_hex`, the minimal
big-endian two's-complement encoding (Java's ``BigInteger.toByteArray()``).

The server half (``B`` and ``S`` from a verifier) lives here too, so the embedded local Cognito
and the client share one pinned implementation of the group maths.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from ._modmath import BackendRegistry, GroupArithmetic
from ._text import utf8
from .exceptions import SRPError

__all__ = [
    "G",
    "HKDF_INFO",
    "K",
    "N",
    "SRPError",
    "SessionKey",
    "backend_name",
    "available_backends",
    "calculate_a",
    "calculate_u",
    "calculate_x",
    "client_session_key",
    "device_claim",
    "device_verifier",
    "hex_hash",
    "hkdf_16",
    "hkdf_key",
    "pad_hex",
    "parse_hex",
    "password_claim",
    "secret_hash",
    "server_b",
    "server_session_key",
    "signature",
    "timestamp",
    "use_backend",
    "verifier",
]

# RFC 3526 / RFC 5054 3072-bit MODP group.
N_HEX = (
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
)
N: int = int(N_HEX, 16)
G: int = 2
HKDF_INFO: bytes = b"Caldera Derived Key"
_HKDF_INFO_BLOCK = HKDF_INFO + b"\x01"

_GROUP = BackendRegistry(N, G)

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ------------------------------------------------------------------------------------------
# Encodings and hashes
# ------------------------------------------------------------------------------------------


def pad_hex(value: int) -> str:
    """The minimal big-endian two's-complement hex encoding of ``value``.

    ``0x7f -> "7f"``, ``0x80 -> "0080"``, ``0xfff -> "0fff"``, ``-128 -> "80"``, ``-129 -> "ff7f"``.
    """
    if value >= 0:
        digits = format(value, "x")
        if len(digits) % 2:
            return "0" + digits
        return "00" + digits if digits[0] in "89abcdef" else digits
    size = ((-value - 1).bit_length() // 8) + 1  # bytes so that -2**(8*size-1) <= value
    return format(value + (1 << (8 * size)), "x").rjust(2 * size, "0")


def parse_hex(value: str, what: str = "value") -> int:
    """Read a hex string as Cognito sends it (optionally signed); refuse anything else."""
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not text:
        raise SRPError(f"{what} must be a non-empty hex string")
    digits = text[1:] if text[0] == "-" else text
    if not digits or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise SRPError(f"{what} is not a hex string")
    return int(text, 16)


def hex_hash(hex_string: str) -> str:
    """SHA-256 of the bytes a hex string encodes, as 64 hex digits."""
    return hashlib.sha256(bytes.fromhex(hex_string)).hexdigest()


def _pad_bytes(value: int) -> bytes:
    return bytes.fromhex(pad_hex(value))


def _hash_int(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest(), "big")


K: int = _hash_int(_pad_bytes(N) + _pad_bytes(G))


# ------------------------------------------------------------------------------------------
# Backends
# ------------------------------------------------------------------------------------------


def _arith() -> GroupArithmetic:
    return _GROUP.active()


def available_backends() -> list[str]:
    """Big-integer backends usable here, fastest first (``"gmpy2"`` when installed)."""
    return _GROUP.available()


def use_backend(name: str) -> None:
    """Switch the big-integer backend (``"gmpy2"`` or ``"python"``); results are identical."""
    _GROUP.use(name)


def backend_name() -> str:
    """The big-integer backend in use."""
    return _arith().name


# ------------------------------------------------------------------------------------------
# SRP values
# ------------------------------------------------------------------------------------------


def calculate_a(small_a: int) -> int:
    """The client's public value ``A = g^a mod N``."""
    if not 0 < small_a < N:
        raise SRPError("the private SRP value a must be in [1, N)")
    return _arith().pow_g(small_a)


def calculate_u(big_a: int, big_b: int) -> int:
    """The scrambling parameter ``u = H(pad(A) | pad(B))``."""
    return _hash_int(_pad_bytes(big_a) + _pad_bytes(big_b))


def calculate_x(salt: int, identity_prefix: str, identity: str, password: str) -> int:
    """The private key ``x = H(pad(salt) | H(P | I | ":" | password))``, strings as UTF-8."""
    inner = hashlib.sha256(
        utf8(identity_prefix, "identity_prefix") + utf8(identity, "identity") + b":"
        + utf8(password, "password")
    ).digest()
    return _hash_int(_pad_bytes(salt) + inner)


def verifier(x: int) -> int:
    """The password verifier ``v = g^x mod N``."""
    return _arith().pow_g(x)


def hkdf_key(u: int, shared_secret: int) -> bytes:
    """Cognito's 16-byte key: HKDF-SHA256 with salt ``pad(u)``, IKM ``pad(S)``, info "Caldera"."""
    return hkdf_16(_pad_bytes(shared_secret), _pad_bytes(u))


def hkdf_16(ikm: bytes, salt: bytes) -> bytes:
    """The first 16 bytes of HKDF-SHA256 (RFC 5869) of ``ikm`` with ``salt`` and info
    "Caldera Derived Key": the key derivation :func:`hkdf_key` applies to ``S`` and ``u``."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, _HKDF_INFO_BLOCK, hashlib.sha256).digest()[:16]


def signature(
    key: bytes, identity_prefix: str, identity: str, secret_block: str, timestamp: str
) -> str:
    """Base64 ``HMAC(key, P | I | b64decode(SECRET_BLOCK) | TIMESTAMP)``.

    The block is opaque to the client (only the server reads it), so any string is accepted:
    Cognito's base64 as it is; another string (moto's in-process ``mock_aws`` sends a uuid) is
    decoded leniently as the original client did, else signed as its UTF-8 bytes.
    """
    message = (
        utf8(identity_prefix, "identity_prefix") + utf8(identity, "identity")
        + _block_bytes(secret_block) + utf8(timestamp, "timestamp")
    )
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def _block_bytes(secret_block: str) -> bytes:
    if not isinstance(secret_block, str):
        raise SRPError("SECRET_BLOCK must be a string")
    for validate in (True, False):
        try:
            return base64.b64decode(secret_block, validate=validate)
        except (binascii.Error, ValueError):
            pass
    return utf8(secret_block, "SECRET_BLOCK")


@dataclass(frozen=True)
class SessionKey:
    """The intermediate values of one side's key computation (for tests and servers)."""

    u: int
    x: int
    shared_secret: int
    key: bytes

    def __repr__(self) -> str:  # never show key material
        return "SessionKey(<redacted>)"


def client_session_key(
    *,
    small_a: int,
    big_b: int,
    salt: int,
    identity_prefix: str,
    identity: str,
    password: str,
    big_a: Optional[int] = None,
) -> SessionKey:
    """The client's side: ``S = (B - k*g^x)^(a + u*x) mod N`` and the derived key.

    ``big_a`` is the ``A = g^a`` already sent to the server (pass it: recomputing it is a sixth
    of a login's work); it is computed from ``small_a`` when omitted. Refuses ``B mod N == 0``
    and ``u == 0`` before any secret-dependent computation.
    """
    if big_b % N == 0:
        raise SRPError("the server's SRP_B is zero modulo N; refusing to continue")
    arith = _arith()
    if big_a is None:
        big_a = arith.pow_g(small_a)
    elif not 0 < big_a < N:
        raise SRPError("SRP_A must be in [1, N)")
    u = calculate_u(big_a, big_b)
    if u == 0:
        raise SRPError("the SRP scrambling parameter u is zero; refusing to continue")
    x = calculate_x(salt, identity_prefix, identity, password)
    base = (big_b - K * arith.pow_g(x)) % N
    shared = arith.pow(base, small_a + u * x)
    return SessionKey(u=u, x=x, shared_secret=shared, key=hkdf_key(u, shared))


def server_b(*, small_b: int, verifier_value: int) -> int:
    """The server's public value ``B = (k*v + g^b) mod N``."""
    return (K * verifier_value + _arith().pow_g(small_b)) % N


def server_session_key(*, small_b: int, big_a: int, verifier_value: int) -> SessionKey:
    """The server's side: ``S = (A * v^u)^b mod N``; refuses ``A mod N == 0`` and ``u == 0``."""
    if big_a % N == 0:
        raise SRPError("the client's SRP_A is zero modulo N")
    arith = _arith()
    big_b = server_b(small_b=small_b, verifier_value=verifier_value)
    u = calculate_u(big_a, big_b)
    if u == 0:
        raise SRPError("the SRP scrambling parameter u is zero")
    shared = arith.pow(big_a * arith.pow(verifier_value, u) % N, small_b)
    return SessionKey(u=u, x=0, shared_secret=shared, key=hkdf_key(u, shared))


# ------------------------------------------------------------------------------------------
# The claims Cognito asks for
# ------------------------------------------------------------------------------------------


def password_claim(
    *,
    pool_id: str,
    user_id_for_srp: str,
    password: str,
    small_a: int,
    srp_b: str,
    salt: str,
    secret_block: str,
    timestamp: str,
    big_a: Optional[int] = None,
) -> str:
    """``PASSWORD_CLAIM_SIGNATURE`` for the PASSWORD_VERIFIER challenge (base64).

    ``pool_id`` is the whole user pool id; the SRP identity prefix is the part after ``_``.
    ``big_a``: the ``A`` sent with the request (saves recomputing it).
    """
    if "_" not in pool_id:
        raise SRPError("the user pool id must look like '<region>_<name>'")
    pool_name = pool_id.split("_", 1)[1]
    return _claim(
        pool_name, user_id_for_srp, password, small_a, srp_b, salt, secret_block, timestamp, big_a
    )


def device_claim(
    *,
    device_group_key: str,
    device_key: str,
    device_password: str,
    small_a: int,
    srp_b: str,
    salt: str,
    secret_block: str,
    timestamp: str,
    big_a: Optional[int] = None,
) -> str:
    """``PASSWORD_CLAIM_SIGNATURE`` for the DEVICE_PASSWORD_VERIFIER challenge (base64).

    ``big_a``: the ``A`` sent with DEVICE_SRP_AUTH (saves recomputing it)."""
    return _claim(
        device_group_key,
        device_key,
        device_password,
        small_a,
        srp_b,
        salt,
        secret_block,
        timestamp,
        big_a,
    )


def _claim(
    prefix: str,
    identity: str,
    password: str,
    small_a: int,
    srp_b: str,
    salt: str,
    secret_block: str,
    timestamp: str,
    big_a: Optional[int],
) -> str:
    if not 0 < small_a < N:
        raise SRPError("the private SRP value a must be in [1, N)")
    session = client_session_key(
        small_a=small_a,
        big_b=parse_hex(srp_b, "SRP_B"),
        salt=parse_hex(salt, "SALT"),
        identity_prefix=prefix,
        identity=identity,
        password=password,
        big_a=big_a,
    )
    return signature(session.key, prefix, identity, secret_block, timestamp)


def device_verifier(
    *, device_group_key: str, device_key: str, device_password: str, salt: bytes
) -> dict[str, str]:
    """The ``DeviceSecretVerifierConfig`` for ConfirmDevice: ``{"Salt", "PasswordVerifier"}``.

    ``salt`` is the random salt bytes, read as an unsigned big-endian integer.
    """
    salt_value = int.from_bytes(salt, "big")
    x = calculate_x(salt_value, device_group_key, device_key, device_password)
    return {
        "Salt": base64.b64encode(_pad_bytes(salt_value)).decode(),
        "PasswordVerifier": base64.b64encode(_pad_bytes(verifier(x))).decode(),
    }


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    """``SECRET_HASH = b64(HMAC-SHA256(client_secret, username + client_id))``."""
    digest = hmac.new(
        utf8(client_secret, "client_secret"),
        utf8(username, "username") + utf8(client_id, "client_id"), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def timestamp(moment: datetime) -> str:
    """Cognito's TIMESTAMP, ``"Tue Nov 3 01:02:03 UTC 2026"``, whatever the locale.

    An aware ``moment`` is converted to UTC; a naive one is taken to be UTC already.
    """
    utc = moment.astimezone(timezone.utc) if moment.tzinfo is not None else moment
    return (
        f"{_WEEKDAYS[utc.weekday()]} {_MONTHS[utc.month - 1]} {utc.day} "
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d} UTC {utc.year}"
    )
