"""Encoding secrets (passwords, client secrets, TOTP secrets) without leaking them in errors,
and checking arguments up front.

``str.encode`` fails on a lone surrogate with a ``UnicodeEncodeError`` that carries the whole
string: a password in an exception message, a log line or a traceback. These helpers check
first and raise :class:`~pycognito.exceptions.InvalidTextError`, which names the argument only
(raised outside the ``except`` block, so the original error is not even its context). The
``*_argument`` checks make a wrong type or an unusable value fail at the call that got it, with
a typed error naming the argument, never its value.
"""

from __future__ import annotations

import math
from typing import Literal, Optional, overload

from .exceptions import InvalidTextError, InvalidTypeError, InvalidValueError


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


@overload
def text_argument(value: object, name: str, *, optional: Literal[False] = False) -> str: ...
@overload
def text_argument(value: object, name: str, *, optional: bool) -> Optional[str]: ...
def text_argument(value: object, name: str, *, optional: bool = False) -> Optional[str]:
    """``value`` if it is a string that is valid text (or ``None``, when ``optional``)."""
    if value is None and optional:
        return None
    if not isinstance(value, str):
        allowed = "a string or None" if optional else "a string"
        raise InvalidTypeError(f"{name} must be {allowed}, not {type(value).__name__}")
    check_text(value, name)
    return value


def seconds_argument(value: object, name: str) -> float:
    """``value`` as a finite, non-negative number of seconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidTypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not (math.isfinite(value) and value >= 0):
        raise InvalidValueError(f"{name} must be a finite number of seconds, 0 or more")
    return float(value)


def port_argument(value: object, name: str = "port") -> int:
    """``value`` if it is a TCP port number (0: any free port)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidTypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value <= 65535:
        raise InvalidValueError(f"{name} must be from 0 (any free port) to 65535, not {value}")
    return value
