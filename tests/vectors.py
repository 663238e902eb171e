"""Access to the SRP known-answer vectors carried in ``tests/vectors_data/`` (see its README)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

VECTORS_PATH = Path(__file__).resolve().parent / "vectors_data" / "srp-public.json"


@lru_cache(maxsize=1)
def load() -> dict[str, Any]:
    """The whole vector file."""
    if not VECTORS_PATH.exists():
        pytest.fail(f"SRP vectors not found at {VECTORS_PATH}")
    data: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    assert data["format"] == "cognito-srp-vectors/1"
    return data


def cases(flow: str | None = None) -> list[dict[str, Any]]:
    """The vector cases, optionally of one flow (``user_srp`` or ``device_srp``)."""
    return [case for case in load()["cases"] if flow is None or case["flow"] == flow]


def case_params(flow: str | None = None) -> list[Any]:
    """``pytest.param`` per case, with the case id."""
    return [pytest.param(case, id=case["id"]) for case in cases(flow)]


def moment(case: dict[str, Any]) -> datetime:
    """The case's frozen clock."""
    return datetime.fromtimestamp(case["inputs"]["now_epoch_ms"] / 1000, timezone.utc)


def small_a(case: dict[str, Any]) -> int:
    """The case's private value ``a``."""
    return int(case["inputs"]["small_a_random_hex"], 16)


def device_password(case: dict[str, Any]) -> str:
    """The device password ConfirmDevice generated from the case's random bytes."""
    return base64.b64encode(bytes.fromhex(case["inputs"]["device_password_random_hex"])).decode()


class ScriptedRandom:
    """A random source that returns queued byte strings, checking the requested sizes."""

    def __init__(self, *chunks_hex: str) -> None:
        self._chunks = [bytes.fromhex(chunk) for chunk in chunks_hex]

    def __call__(self, size: int) -> bytes:
        assert self._chunks, "the code drew more randomness than the vector provides"
        chunk = self._chunks.pop(0)
        assert len(chunk) == size, f"asked for {size} random bytes, vector has {len(chunk)}"
        return chunk

    @property
    def exhausted(self) -> bool:
        return not self._chunks
