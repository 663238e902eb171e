"""The original ``pycognito.aws_srp`` module's helpers and constants (compatibility layer).

Code written for the original imports these from ``pycognito.aws_srp``; they behave as they did
there (hex strings in and out), fixed where they were wrong: a negative number is padded as
two's complement (the original produced ``"-…"``, which no hash accepts). New code should use
:mod:`pycognito.srp`, whose primitives take integers and never draw randomness themselves.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Union

from . import srp

__all__ = [
    "G_HEX",
    "INFO_BITS",
    "MONTH_NAMES",
    "N_HEX",
    "WEEKDAY_NAMES",
    "calculate_u",
    "compute_hkdf",
    "generate_hash_device",
    "get_random",
    "hash_sha256",
    "hex_hash",
    "hex_to_long",
    "long_to_hex",
    "pad_hex",
]

#: The 3072-bit group prime (RFC 3526), upper-case hex, and the generator.
N_HEX = srp.N_HEX
G_HEX = "2"
#: The HKDF info string.
INFO_BITS = bytearray(srp.HKDF_INFO)
#: English names for Cognito's TIMESTAMP, whatever the locale.
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def hash_sha256(buf: Union[bytes, bytearray]) -> str:
    """SHA-256 of ``buf`` as 64 hex digits."""
    return hashlib.sha256(buf).hexdigest()


def hex_hash(hex_string: str) -> str:
    """SHA-256 of the bytes ``hex_string`` encodes, as 64 hex digits."""
    return srp.hex_hash(hex_string)


def hex_to_long(hex_string: Union[str, bytes]) -> int:
    """The integer a hex string encodes."""
    return int(hex_string, 16)


def long_to_hex(long_num: int) -> str:
    """Lower-case hex digits of ``long_num``, unpadded."""
    return format(long_num, "x")


def get_random(nbytes: int) -> int:
    """``nbytes`` random bytes from the operating system, as a non-negative integer."""
    return int.from_bytes(os.urandom(nbytes), "big")


def pad_hex(long_int: Union[int, str]) -> str:
    """Hex for hashing, as AWS's clients encode it: an odd length gets a ``0``, a leading
    digit of 8 or more gets ``00`` (an integer, or a hex string kept digit for digit)."""
    if isinstance(long_int, str) and not long_int.startswith("-"):
        if len(long_int) % 2:
            return "0" + long_int
        return "00" + long_int if long_int[:1] in tuple("89ABCDEFabcdef") else long_int
    return srp.pad_hex(long_int if isinstance(long_int, int) else int(long_int, 16))


def compute_hkdf(ikm: Union[bytes, bytearray], salt: Union[bytes, bytearray]) -> bytes:
    """Cognito's 16-byte HKDF-SHA256 of ``ikm`` with ``salt`` and :data:`INFO_BITS`."""
    return srp.hkdf_16(bytes(ikm), bytes(salt))


def calculate_u(big_a: int, big_b: int) -> int:
    """``u = H(pad(A) | pad(B))``."""
    return srp.calculate_u(big_a, big_b)


def generate_hash_device(device_group_key: str, device_key: str) -> tuple[str, dict[str, str]]:
    """A fresh device password and its ``DeviceSecretVerifierConfig`` for ConfirmDevice:
    ``(device_password, {"PasswordVerifier": ..., "Salt": ...})``."""
    device_password = base64.b64encode(os.urandom(40)).decode()
    verifier = srp.device_verifier(
        device_group_key=device_group_key,
        device_key=device_key,
        device_password=device_password,
        salt=os.urandom(16),
    )
    return device_password, verifier
