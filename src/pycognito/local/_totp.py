"""RFC 6238 time-based one-time passwords (HMAC-SHA1, 6 digits, 30-second steps).

Written from the RFCs (4226 for HOTP, 6238 for TOTP) and tested against RFC 6238's appendix B.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from typing import Any, Callable

_DIGESTS: dict[str, Callable[..., Any]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
}


def new_secret(num_bytes: int = 20) -> str:
    """A random base32 secret without padding (20 bytes give Cognito's 32 characters)."""
    return base64.b32encode(secrets.token_bytes(num_bytes)).decode().rstrip("=")


def decode_secret(secret: str) -> bytes:
    """Base32 secret (any case, optional padding or spaces) to key bytes."""
    text = secret.replace(" ", "").upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def hotp(key: bytes, counter: int, digits: int = 6, algorithm: str = "sha1") -> str:
    """RFC 4226 HOTP value for ``counter``, zero-padded to ``digits``."""
    mac = hmac.new(key, struct.pack(">Q", counter), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    binary = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(binary % (10**digits)).rjust(digits, "0")


def totp(
    key: bytes, at: float, *, step: int = 30, digits: int = 6, algorithm: str = "sha1"
) -> str:
    """RFC 6238 TOTP value at Unix time ``at``."""
    return hotp(key, int(at // step), digits, algorithm)


def totp_from_secret(secret: str, at: float) -> str:
    """The 6-digit code an authenticator app shows for a base32 secret at time ``at``."""
    return totp(decode_secret(secret), at)


def verify(secret: str, code: object, at: float, *, window: int = 1, step: int = 30) -> bool:
    """Whether ``code`` is the TOTP of ``secret`` at ``at``, allowing ``window`` steps of drift."""
    # isascii() first: str.isdigit() also accepts other scripts' digits ("١٢٣٤٥٦"), which
    # hmac.compare_digest refuses with a TypeError (a server error instead of a mismatch).
    if not isinstance(code, str) or len(code) != 6 or not (code.isascii() and code.isdigit()):
        return False
    key = decode_secret(secret)
    counter = int(at // step)
    ok = False
    for delta in range(-window, window + 1):
        ok |= hmac.compare_digest(hotp(key, counter + delta), code)
    return ok
