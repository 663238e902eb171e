"""The tokens of one login or refresh, and the few facts read from them without verifying.

Reading a claim without verifying is only ever used for timing (when to renew) and for the
username a ``SECRET_HASH`` is computed from; anything the caller trusts comes from the verifier.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Optional

__all__ = ["IssuedTokens", "peek_claims", "renew_due", "token_username"]

#: Renew this long before the access token expires (at most a quarter of its lifetime).
RENEW_MARGIN = 60.0


@dataclass(frozen=True, repr=False)
class IssuedTokens:
    """The tokens of an ``AuthenticationResult`` with when they expire (timezone-aware)."""

    access_token: str
    id_token: Optional[str]
    refresh_token: Optional[str]
    token_type: Optional[str]
    expires_in: Optional[int]
    expires_datetime: Optional[datetime]
    new_device: Optional[dict[str, str]]

    @classmethod
    def from_result(
        cls,
        result: Mapping[str, Any],
        *,
        previous_refresh_token: Optional[str] = None,
        now: Optional[datetime] = None,
    ) -> IssuedTokens:
        """Read an ``AuthenticationResult``; a refresh keeps the previous refresh token."""
        expires_in = result.get("ExpiresIn")
        moment = now or datetime.now(timezone.utc)
        expires = (
            moment + timedelta(seconds=int(expires_in)) if isinstance(expires_in, int) else None
        )
        device = result.get("NewDeviceMetadata")
        return cls(
            access_token=str(result["AccessToken"]),
            id_token=result.get("IdToken"),
            refresh_token=result.get("RefreshToken") or previous_refresh_token,
            token_type=result.get("TokenType"),
            expires_in=expires_in if isinstance(expires_in, int) else None,
            expires_datetime=expires,
            new_device=dict(device) if device else None,
        )

    def __repr__(self) -> str:
        return f"IssuedTokens(token_type={self.token_type!r}, expires={self.expires_datetime})"


def peek_claims(token: Optional[str]) -> dict[str, Any]:
    """The payload of a JWT, NOT verified; ``{}`` if it cannot be read."""
    if not token or not isinstance(token, str):
        return {}
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1]
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return data if isinstance(data, dict) else {}


def token_username(
    access_token: Optional[str], id_token: Optional[str] = None
) -> Optional[str]:
    """The user's real username according to the tokens (``username`` / ``cognito:username``).

    After an alias or e-mail login this differs from what the user typed, and it is the name a
    ``SECRET_HASH`` must be computed from.
    """
    name = peek_claims(access_token).get("username")
    if isinstance(name, str) and name:
        return name
    name = peek_claims(id_token).get("cognito:username")
    return name if isinstance(name, str) and name else None


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def renew_due(access_token: str, now: float, margin: float = RENEW_MARGIN) -> bool:
    """Whether ``access_token`` has expired or will within the margin.

    The margin is at most a quarter of the token's lifetime so short-lived tokens are not
    renewed on every call. A token without a readable ``exp`` counts as expired.
    """
    claims = peek_claims(access_token)
    exp = _number(claims.get("exp"))
    if exp is None:
        return True
    iat = _number(claims.get("iat"))
    if iat is not None and exp > iat:
        margin = min(margin, (exp - iat) / 4)
    return now >= exp - margin
