"""The server half of Cognito's SRP: challenges and the check of the client's claim.

``B = k*v + g^b`` from the password verifier ``v``; the expected
``PASSWORD_CLAIM_SIGNATURE`` is recomputed from ``S = (A * v^u)^b`` and compared in constant
time. Used for USER_SRP_AUTH (prefix = pool name, identity = USER_ID_FOR_SRP) and device SRP
(prefix = DeviceGroupKey, identity = DeviceKey). The group maths is :mod:`pycognito.srp`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Optional

from .. import srp
from ._srp_powers import powmod, verifier_power

# Cognito's TIMESTAMP: "Tue Nov 3 01:02:03 UTC 2026" (day of the month not zero-padded).
_TIMESTAMP = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"([1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]) UTC ([0-9]{4})"
)
_HEX = re.compile(r"[0-9a-fA-F]+")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: How far the client's TIMESTAMP may be from the server's clock (seconds).
TIMESTAMP_TOLERANCE = 5 * 60


@dataclass
class SrpChallenge:
    """What the server keeps between the challenge and the client's claim."""

    small_b: int
    big_a: int
    verifier: int
    prefix: str
    identity: str
    secret_block: str
    big_b: int = field(init=False)  # computed once: the claim's check needs it again

    def __post_init__(self) -> None:
        self.big_b = srp.server_b(small_b=self.small_b, verifier_value=self.verifier)

    @property
    def srp_b_hex(self) -> str:
        """``SRP_B`` as Cognito sends it: plain lowercase hex."""
        return format(self.big_b, "x")

    def __repr__(self) -> str:  # the private b must never be shown
        return f"SrpChallenge(identity={self.identity!r})"


def new_salt_hex() -> str:
    """A random 128-bit salt, as hex without leading zeros (as Cognito sends ``SALT``)."""
    value = 0
    while value < (1 << 120):
        value = int.from_bytes(secrets.token_bytes(16), "big")
    return format(value, "x")


def password_verifier(*, salt_hex: str, prefix: str, identity: str, password: str) -> int:
    """``v = g^x`` with ``x = H(pad(salt) | H(prefix | identity | ":" | password))``."""
    salt = srp.parse_hex(salt_hex, "SALT")
    return srp.verifier(srp.calculate_x(salt, prefix, identity, password))


def device_verifier(verifier_b64: str, salt_b64: str) -> tuple[int, str]:
    """The stored device verifier and salt (hex) from ConfirmDevice's DeviceSecretVerifierConfig.

    Raises ``ValueError`` when either is not base64 of a positive number.
    """
    try:
        v_bytes = base64.b64decode(verifier_b64, validate=True)
        s_bytes = base64.b64decode(salt_b64, validate=True)
    except (binascii.Error, ValueError, TypeError):
        raise ValueError("DeviceSecretVerifierConfig is not base64") from None
    verifier = int.from_bytes(v_bytes, "big")
    salt = int.from_bytes(s_bytes, "big")
    if not 1 < verifier < srp.N or salt <= 0:
        raise ValueError("DeviceSecretVerifierConfig holds an invalid verifier or salt")
    return verifier, format(salt, "x")


def parse_srp_a(value: object) -> Optional[int]:
    """The client's ``A``; ``None`` when it is not hex or ``A mod N == 0``."""
    if not isinstance(value, str):
        return None
    text = value.strip()  # as srp.parse_hex reads it; a sign is refused (A must be positive)
    if _HEX.fullmatch(text) is None:
        return None
    big_a = int(text, 16)
    if big_a % srp.N == 0:
        return None
    return big_a


def start(
    *, big_a: int, verifier: int, prefix: str, identity: str, small_b: Optional[int] = None
) -> SrpChallenge:
    """A new challenge with a random ``b`` (256 bits) and a random ``SECRET_BLOCK``."""
    b = small_b if small_b is not None else secrets.randbits(256) | (1 << 255)
    block = base64.b64encode(secrets.token_bytes(1024)).decode()
    return SrpChallenge(b, big_a, verifier, prefix, identity, block)


def expected_signature(challenge: SrpChallenge, secret_block: str, timestamp: str) -> str:
    """The ``PASSWORD_CLAIM_SIGNATURE`` an honest client sends for this challenge."""
    key = _session_key(challenge)
    return srp.signature(key, challenge.prefix, challenge.identity, secret_block, timestamp)


def _session_key(challenge: SrpChallenge) -> bytes:
    """The key from ``S = (A * v^u)^b`` (as ``srp.server_session_key``, with the ``B`` sent
    rather than computed again); ``ValueError`` when ``A mod N`` or ``u`` is zero."""
    big_a = challenge.big_a
    if big_a % srp.N == 0:
        raise ValueError("the client's SRP_A is zero modulo N")
    u = srp.calculate_u(big_a, challenge.big_b)
    if u == 0:
        raise ValueError("the SRP scrambling parameter u is zero")
    base = big_a * verifier_power(challenge.verifier, u) % srp.N
    return srp.hkdf_key(u, powmod(base, challenge.small_b))


def claim_is_valid(challenge: SrpChallenge, *, secret_block: object, timestamp: object,
                   signature: object) -> bool:
    """Whether the client proved knowledge of the password for this very challenge."""
    if not (isinstance(secret_block, str) and isinstance(timestamp, str)
            and isinstance(signature, str)):
        return False
    if not hmac.compare_digest(secret_block.encode(), challenge.secret_block.encode()):
        return False
    try:
        expected = expected_signature(challenge, secret_block, timestamp)
    except ValueError:
        return False
    return hmac.compare_digest(expected.encode(), signature.encode())


def parse_timestamp(value: object) -> Optional[float]:
    """Seconds since the epoch for a Cognito TIMESTAMP, ``None`` if malformed."""
    if not isinstance(value, str):
        return None
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        return None
    weekday, month, day, hour, minute, second, year = match.groups()
    try:
        moment = datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour),
                          int(minute), int(second), tzinfo=timezone.utc)
    except ValueError:
        return None
    if _WEEKDAYS[moment.weekday()] != weekday:
        return None
    return moment.timestamp()


def timestamp_is_fresh(value: object, now: float) -> bool:
    """Whether the TIMESTAMP is well-formed and within :data:`TIMESTAMP_TOLERANCE` of now."""
    moment = parse_timestamp(value)
    return moment is not None and abs(moment - now) <= TIMESTAMP_TOLERANCE
