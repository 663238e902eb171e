"""Hand-made JWT-shaped tokens, for the tests that only read claims."""

from __future__ import annotations

import base64
import json
from typing import Any


def unsigned_token(alg: str = "RS256", **claims: Any) -> str:
    """A JWT-shaped token with these claims and no valid signature, as users' suites make them
    (``jwt.encode({"exp": ...}, "secret")``): enough for what reads claims unverified (expiry,
    ``check_token``, usernames), never verifiable."""
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"
