"""Authenticator-app codes (RFC 6238 TOTP) for Cognito's software-token MFA.

Cognito's ``AssociateSoftwareToken`` returns a base32 secret; an authenticator app turns it into
a 6-digit code that changes every 30 seconds (HMAC-SHA1). This module computes those codes and
builds the ``otpauth://`` URI that authenticator apps scan as a QR code::

    from pycognito.totp import otpauth_uri, totp_code

    uri = otpauth_uri(secret, account="alice@example.com", issuer="My app")
    code = totp_code(secret)          # the code an app would show right now

Never log the secret or a code: either is enough to pass the second factor.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import time
from typing import Optional, Union
from urllib.parse import quote, urlencode

from ._text import text_argument

__all__ = ["decode_secret", "hotp_code", "otpauth_uri", "totp_code", "verify_totp"]

_DIGESTS = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


def decode_secret(secret: Union[str, bytes]) -> bytes:
    """The key bytes of a base32 secret (case, spaces, dashes and missing padding tolerated).

    ``bytes`` are taken as the raw key. Raises ``ValueError`` for anything that is not base32.
    """
    if isinstance(secret, bytes):
        return secret
    text_argument(secret, "secret")
    text = "".join(secret.split()).replace("-", "").upper().rstrip("=")
    if not text:
        raise ValueError("the TOTP secret is empty")
    if not text.isascii():  # checked here: b32decode's own error would hold the secret
        raise ValueError("the TOTP secret is not valid base32")
    text += "=" * (-len(text) % 8)
    try:
        return base64.b32decode(text)
    except (binascii.Error, ValueError):
        raise ValueError("the TOTP secret is not valid base32") from None


def hotp_code(key: bytes, counter: int, *, digits: int = 6, algorithm: str = "SHA1") -> str:
    """RFC 4226 HOTP: the ``digits``-digit code for ``counter`` under ``key``."""
    if counter < 0:
        raise ValueError("counter must be >= 0")
    if not 6 <= digits <= 10:
        raise ValueError("digits must be between 6 and 10")
    try:
        digest = _DIGESTS[algorithm.upper()]
    except KeyError:
        raise ValueError("algorithm must be SHA1, SHA256 or SHA512") from None
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def totp_code(
    secret: Union[str, bytes],
    at: Optional[float] = None,
    *,
    step: int = 30,
    digits: int = 6,
    algorithm: str = "SHA1",
) -> str:
    """The TOTP code for ``secret`` at time ``at`` (seconds since the epoch; default: now).

    ``secret`` is the base32 string Cognito returns (or the raw key as ``bytes``). Cognito uses
    the defaults: 30-second steps, 6 digits, HMAC-SHA1.
    """
    if step <= 0:
        raise ValueError("step must be > 0")
    moment = time.time() if at is None else float(at)
    if moment < 0:
        raise ValueError("time must be >= 0")
    return hotp_code(decode_secret(secret), int(moment // step), digits=digits,
                     algorithm=algorithm)


def verify_totp(
    secret: Union[str, bytes],
    code: str,
    at: Optional[float] = None,
    *,
    window: int = 1,
    step: int = 30,
    digits: int = 6,
) -> bool:
    """Whether ``code`` is the TOTP code at ``at`` or within ``window`` steps of it."""
    moment = time.time() if at is None else float(at)
    key = decode_secret(secret)
    counter = int(moment // step)
    candidate = code.strip()
    found = False
    for delta in range(-window, window + 1):
        if counter + delta < 0:
            continue
        expected = hotp_code(key, counter + delta, digits=digits)
        found |= hmac.compare_digest(expected, candidate)
    return found


def otpauth_uri(
    secret: str,
    account: str,
    issuer: Optional[str] = None,
    *,
    digits: int = 6,
    period: int = 30,
) -> str:
    """The ``otpauth://totp/...`` URI an authenticator app scans (as a QR code).

    ``account`` is what the app shows under the code (usually the e-mail or username);
    ``issuer`` names the service. The secret is normalised to unpadded upper-case base32.
    """
    decode_secret(secret)  # refuse anything that is not base32
    clean = "".join(secret.split()).replace("-", "").upper().rstrip("=")
    label = quote(f"{issuer}:{account}" if issuer else account, safe="@:")
    params = {"secret": clean}
    if issuer:
        params["issuer"] = issuer
    params["algorithm"] = "SHA1"
    params["digits"] = str(digits)
    params["period"] = str(period)
    return f"otpauth://totp/{label}?{urlencode(params, quote_via=quote)}"
