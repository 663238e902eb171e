"""Modular arithmetic in the SRP group, with an optional gmpy2 backend.

Two backends give identical results: plain CPython integers, and gmpy2 when it is installed
(extra ``fast``). Both use a fixed-base table for powers of the generator ``g = 2``, so the two
fixed-base exponentiations of an SRP login (``g^a`` and ``g^x``) cost a few hundred modular
multiplications instead of a full square-and-multiply ladder. The table is built once per
process, on first use.

``PYCOGNITO_BIGINT=python`` forces the plain backend; ``pycognito.srp.use_backend`` switches at
run time (the tests run every vector on both).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Callable, Optional

__all__ = ["BackendRegistry", "GroupArithmetic", "fixed_base_table", "table_pow"]

# Exponent bits covered by the fixed-base table: ``a`` is 1024 bits, ``x`` 256, a server's ``b``
# at most 1024 too. Longer exponents fall back to a general exponentiation.
_TABLE_BITS = 1024
_WINDOW = 4  # bits per table row: 256 rows of 15 entries


class GroupArithmetic:
    """Exponentiation modulo ``modulus`` on one integer backend."""

    def __init__(
        self,
        name: str,
        modulus: int,
        generator: int,
        to_native: Callable[[int], Any],
        powmod: Callable[[Any, Any, Any], Any],
    ) -> None:
        self.name = name
        self._to_native = to_native
        self._powmod = powmod
        self._n = to_native(modulus)
        self._g = to_native(generator)
        self._table: Optional[list[list[Any]]] = None
        self._table_lock = threading.Lock()

    def pow(self, base: int, exponent: int) -> int:
        """``base ** exponent mod N`` for a non-negative exponent."""
        if exponent < 0:
            raise ValueError("negative exponent")
        return int(self._powmod(self._to_native(base), self._to_native(exponent), self._n))

    def pow_g(self, exponent: int) -> int:
        """``g ** exponent mod N`` through the fixed-base table."""
        if exponent < 0:
            raise ValueError("negative exponent")
        if exponent.bit_length() > _TABLE_BITS:
            return self.pow(int(self._g), exponent)
        table = self._table if self._table is not None else self._build_table()
        return table_pow(table, exponent, self._n)

    def _build_table(self) -> list[list[Any]]:
        with self._table_lock:
            if self._table is None:
                self._table = fixed_base_table(self._g, self._n, _TABLE_BITS)
            return self._table


def fixed_base_table(base: Any, modulus: Any, bits: int) -> list[list[Any]]:
    """The powers of ``base`` that :func:`table_pow` multiplies: row ``i`` holds
    ``base^(d * 16^i) mod modulus`` for ``d`` = 1..15, for exponents of up to ``bits`` bits
    (a multiple of 4). Integers of any backend (``int``, ``gmpy2.mpz``)."""
    rows: list[list[Any]] = []
    power = base % modulus
    for _ in range(bits // _WINDOW):
        row = [power]
        for _ in range((1 << _WINDOW) - 2):
            row.append(row[-1] * power % modulus)
        rows.append(row)
        power = row[-1] * power % modulus  # power ** (2 ** _WINDOW)
    return rows


def table_pow(table: list[list[Any]], exponent: int, modulus: Any) -> int:
    """``base^exponent mod modulus`` from ``base``'s :func:`fixed_base_table` (an exponent of at
    most the table's bits): one multiplication per non-zero 4-bit digit."""
    result = None
    mask = (1 << _WINDOW) - 1
    row = 0
    while exponent:
        digit = exponent & mask
        if digit:
            entry = table[row][digit - 1]
            result = entry if result is None else result * entry % modulus
        exponent >>= _WINDOW
        row += 1
    return 1 if result is None else int(result)


class BackendRegistry:
    """The backends for one group, and which of them is active."""

    def __init__(self, modulus: int, generator: int) -> None:
        self._modulus = modulus
        self._generator = generator
        self._backends: dict[str, GroupArithmetic] = {}
        self._active: Optional[GroupArithmetic] = None
        self._lock = threading.Lock()

    def available(self) -> list[str]:
        """Names of the backends usable in this process, fastest first."""
        return list(self._load())

    def use(self, name: str) -> None:
        """Make ``name`` (``"gmpy2"`` or ``"python"``) the active backend."""
        backends = self._load()
        if name not in backends:
            raise ValueError(f"big-integer backend {name!r} is not available")
        self._active = backends[name]

    def active(self) -> GroupArithmetic:
        """The backend in use: gmpy2 when installed, unless ``PYCOGNITO_BIGINT=python``."""
        current = self._active
        if current is None:
            backends = self._load()
            wanted = os.environ.get("PYCOGNITO_BIGINT", "").strip().lower()
            if wanted and wanted not in backends:
                raise ValueError(f"PYCOGNITO_BIGINT={wanted!r} is not an available backend")
            current = self._active = backends[wanted or next(iter(backends))]
        return current

    def _load(self) -> dict[str, GroupArithmetic]:
        if not self._backends:
            with self._lock:
                if not self._backends:
                    found: dict[str, GroupArithmetic] = {}
                    try:
                        import gmpy2
                    except ImportError:
                        pass
                    else:
                        found["gmpy2"] = GroupArithmetic(
                            "gmpy2", self._modulus, self._generator, gmpy2.mpz, gmpy2.powmod
                        )
                    found["python"] = GroupArithmetic(
                        "python", self._modulus, self._generator, int, pow
                    )
                    self._backends = found
        return self._backends
