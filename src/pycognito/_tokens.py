"""The tokens of one login or refresh, and the few facts read from them without verifying.

Reading a claim without verifying is only ever used for timing (when to renew) and for the
username a ``SECRET_HASH`` is computed from; anything the caller trusts comes from the verifier.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from typing import Any, Mapping, NamedTuple, Optional

from . import _clock

__all__ = ["TokenFields", "TokenSet", "peek_claims", "token_username"]


class TokenFields(NamedTuple):
    """Tokens as the caller gave or set them: not read yet, possibly incomplete (a refresh
    token alone, say). The ``Cognito`` attributes of the same names are views of these."""

    access_token: Optional[str] = None
    id_token: Optional[str] = None
    refresh_token: Optional[str] = None
    token_type: Optional[str] = None
    expires_in: Optional[int] = None
    expires_datetime: Optional[datetime] = None

    def __repr__(self) -> str:
        return f"TokenFields(<redacted>, has_access_token={self.access_token is not None})"

    def is_empty(self) -> bool:
        """Whether no token is set (a type or an expiry alone are no tokens)."""
        return self.access_token is None and self.id_token is None and self.refresh_token is None


#: The token fields, in the order ``TokenFields`` takes them.
TOKEN_FIELDS = TokenFields._fields


@dataclass(frozen=True, repr=False)
class TokenSet:
    """The tokens of one login or refresh, with when they were issued and expire.

    ``issued_at``/``expires_at`` are Cognito's clock (the access token's ``iat``/``exp``); the
    token lifecycle turns them into local decisions with the measured clock offset.
    ``expires_datetime`` is local and timezone-aware: when the tokens were received plus
    ``ExpiresIn``.
    """

    access_token: str
    id_token: Optional[str]
    refresh_token: Optional[str]
    token_type: Optional[str]
    expires_in: Optional[int]
    expires_datetime: Optional[datetime]
    issued_at: float
    expires_at: float
    new_device: Optional[dict[str, str]] = None

    @classmethod
    def from_result(
        cls,
        result: Mapping[str, Any],
        *,
        previous_refresh_token: Optional[str] = None,
        now: Optional[float] = None,
    ) -> TokenSet:
        """Read an ``AuthenticationResult``; a refresh keeps the previous refresh token."""
        received = _clock.now() if now is None else now
        access = str(result["AccessToken"])
        expires_in = result.get("ExpiresIn")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int):
            expires_in = None
        claims = peek_claims(access)
        issued, expires = _number(claims.get("iat")), _number(claims.get("exp"))
        if expires is None:  # not a JWT we can read: trust ExpiresIn
            issued, expires = received, received + float(expires_in or 3600)
        elif issued is None:  # an exp alone (tokens made by hand): judged by our clock
            issued = received
        device = result.get("NewDeviceMetadata")
        return cls(
            access_token=access,
            id_token=result.get("IdToken"),
            refresh_token=result.get("RefreshToken") or previous_refresh_token,
            token_type=result.get("TokenType"),
            expires_in=expires_in,
            expires_datetime=(
                datetime.fromtimestamp(received + expires_in, timezone.utc)
                if expires_in is not None
                else None
            ),
            issued_at=issued,
            expires_at=expires,
            new_device=dict(device) if device else None,
        )

    @classmethod
    def from_tokens(
        cls,
        access_token: str,
        id_token: Optional[str] = None,
        refresh_token: Optional[str] = None,
        token_type: Optional[str] = None,
    ) -> TokenSet:
        """Tokens of unknown age (given by the caller): times come from the access token."""
        return cls.from_result(
            {
                "AccessToken": access_token,
                "IdToken": id_token,
                "RefreshToken": refresh_token,
                "TokenType": token_type,
            }
        )

    @classmethod
    def from_fields(cls, fields: TokenFields) -> TokenSet:
        """Read tokens the caller gave (which must include the access token)."""
        assert fields.access_token is not None
        tokens = cls.from_tokens(
            fields.access_token, fields.id_token, fields.refresh_token, fields.token_type
        )
        if fields.expires_in is None and fields.expires_datetime is None:
            return tokens
        return replace(
            tokens, expires_in=fields.expires_in, expires_datetime=fields.expires_datetime
        )

    def fields(self) -> TokenFields:
        """The caller-visible fields of these tokens."""
        return TokenFields(
            self.access_token,
            self.id_token,
            self.refresh_token,
            self.token_type,
            self.expires_in,
            self.expires_datetime,
        )

    @property
    def lifetime(self) -> float:
        """Seconds between issue and expiry."""
        return max(0.0, self.expires_at - self.issued_at)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (for a token storage)."""
        data = asdict(self)
        data["expires_datetime"] = (
            self.expires_datetime.isoformat() if self.expires_datetime else None
        )
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TokenSet:
        """The inverse of :meth:`to_dict`; ``ValueError`` or ``TypeError`` for anything else
        (tokens that are not ASCII strings, times that are not finite numbers, ...)."""
        if not isinstance(data, Mapping):
            raise TypeError("the saved tokens are not a mapping")
        expires = data.get("expires_datetime")
        device = data.get("new_device")
        expires_in = data.get("expires_in")
        if expires_in is not None and (isinstance(expires_in, bool)
                                       or not isinstance(expires_in, int)):
            raise TypeError("expires_in is not an integer")
        return cls(
            access_token=_saved_token(data.get("access_token"), "access_token", required=True),
            id_token=_saved_token(data.get("id_token"), "id_token"),
            refresh_token=_saved_token(data.get("refresh_token"), "refresh_token"),
            token_type=_saved_token(data.get("token_type"), "token_type"),
            expires_in=expires_in,
            expires_datetime=datetime.fromisoformat(_saved_token(expires, "expires_datetime"))
            if expires else None,
            issued_at=finite_number(data.get("issued_at"), "issued_at"),
            expires_at=finite_number(data.get("expires_at"), "expires_at"),
            new_device=dict(device) if isinstance(device, dict) else None,
        )

    def __repr__(self) -> str:
        return (
            f"TokenSet(<redacted>, token_type={self.token_type!r}, expires={self.expires_at:.0f})"
        )


def _saved_token(value: Any, name: str, *, required: bool = False) -> Any:
    """A saved token (or other text field): an ASCII string, as Cognito issues them."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or not value.isascii():
        raise ValueError(f"{name} is not a token")
    return value


def finite_number(value: Any, name: str) -> float:
    """A saved time or offset: a finite number (``"nan"`` would turn every expiry check off)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"{name} is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} is not a finite number")
    return number


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


def token_username(access_token: Optional[str], id_token: Optional[str] = None) -> Optional[str]:
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
