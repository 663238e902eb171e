"""Encoding secrets (passwords, client secrets, TOTP secrets) without leaking them in errors.

``str.encode`` fails on a lone surrogate with a ``UnicodeEncodeError`` that carries the whole
string: a password in an exception message, a log line or a traceback. These helpers check
first and raise :class:`~pycognito.exceptions.InvalidTextError`, which names the argument only
(raised outside the ``except`` block, so the original error is not even its context).
"""

from __future__ import annotations

from typing import Optional

from .exceptions import InvalidTextError


def utf8(value: str, argument: str) -> bytes:
    """``value`` as UTF-8 bytes; :class:`InvalidTextError` naming ``argument`` if it cannot be."""
    encoded = _encoded(value)
    if encoded is None:
        raise InvalidTextError(argument)
    return encoded


def check_text(value: object, argument: str) -> None:
    """Refuse a string that cannot be encoded as UTF-8 (anything else is left to the caller)."""
    # (isascii() reads a flag CPython keeps: the usual token or id costs no encoding)
    if isinstance(value, str) and not value.isascii() and _encoded(value) is None:
        raise InvalidTextError(argument)


def _encoded(value: str) -> Optional[bytes]:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:
        return None
