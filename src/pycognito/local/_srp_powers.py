"""Modular exponentiation for the server's SRP check, with tables for verifiers in use.

Each PASSWORD_VERIFIER check computes ``S = (A * v^u)^b mod N``. ``u`` is a SHA-256 value (at
most 256 bits) and a user's verifier ``v`` stays the same from login to login, so a fixed-base
table of ``v``'s powers (row ``i`` holds ``v^(d * 16^i)`` for ``d`` = 1..15) turns ``v^u`` into
at most 64 modular multiplications instead of a 256-bit exponentiation: about a third of the
work. A table costs 960 multiplications and about 370 KB, so one is built only for a verifier
checked :data:`BUILD_AFTER` times, and the :data:`MAX_TABLES` most recently used are kept.

Both run on the big-integer backend :mod:`pycognito.srp` uses (gmpy2 when installed).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable

from .. import srp
from .._modmath import fixed_base_table, table_pow

#: A verifier's table is built at its check number ``BUILD_AFTER`` (a user logging in once or
#: twice never pays for one).
BUILD_AFTER = 3
#: Tables kept, least recently used dropped first (about 370 KB each).
MAX_TABLES = 16
_COUNTED = 1024  # verifiers whose checks are counted (least recently checked forgotten)
_BITS = 256  # u is a SHA-256 value

_lock = threading.Lock()
_checks: OrderedDict[tuple[str, int], int] = OrderedDict()
_tables: OrderedDict[tuple[str, int], list[list[Any]]] = OrderedDict()


def _native() -> tuple[str, Callable[[int], Any]]:
    """The backend's name and its integer type."""
    name = srp.backend_name()
    if name == "gmpy2":
        import gmpy2

        return name, gmpy2.mpz
    return name, int


def powmod(base: int, exponent: int) -> int:
    """``base ** exponent mod N`` (``exponent >= 0``)."""
    _, native = _native()
    return int(pow(native(base), exponent, native(srp.N)))


def verifier_power(verifier: int, exponent: int) -> int:
    """``verifier ** exponent mod N``, through the verifier's table once it has one."""
    if exponent < 0 or exponent.bit_length() > _BITS:
        return powmod(verifier, exponent)
    name, native = _native()
    key = (name, verifier)
    with _lock:
        table = _tables.get(key)
        if table is not None:
            _tables.move_to_end(key)
        else:
            count = _checks.pop(key, 0) + 1
            if count < BUILD_AFTER:
                _checks[key] = count
                while len(_checks) > _COUNTED:
                    _checks.popitem(last=False)
            else:
                table = _tables[key] = fixed_base_table(native(verifier), native(srp.N),
                                                        _BITS)
                while len(_tables) > MAX_TABLES:
                    _tables.popitem(last=False)
    if table is None:
        return powmod(verifier, exponent)
    return table_pow(table, exponent, native(srp.N))


def clear() -> None:
    """Forget every table and count."""
    with _lock:
        _checks.clear()
        _tables.clear()
