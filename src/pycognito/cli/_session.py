"""The saved session: tokens in and out of the token file, refresh, and printing tokens."""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any, Mapping, Optional

from .. import srp
from .._token_lifecycle import TokenLifecycle, TokenSet
from ._config import Connection, SessionFile


def peek_claims(token: Optional[str]) -> dict[str, Any]:
    """The payload of a JWT, NOT verified (for display and the SECRET_HASH username only)."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        return {}
    payload = parts[1]
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return data if isinstance(data, dict) else {}


def token_username(tokens: TokenSet) -> Optional[str]:
    """The real username (the access token's ``username`` claim)."""
    claims = peek_claims(tokens.access_token)
    for key in ("username", "cognito:username"):
        value = claims.get(key)
        if isinstance(value, str) and value:
            return value
    if tokens.id_token:
        value = peek_claims(tokens.id_token).get("cognito:username")
        if isinstance(value, str) and value:
            return value
    return None


def make_refresh(connection: Connection, boto: Any, session: Mapping[str, Any]) -> Any:
    """A ``TokenLifecycle`` refresh callable: REFRESH_TOKEN_AUTH with SECRET_HASH (computed from
    the real username) and the device key when the tokens belong to a device."""

    def refresh(tokens: TokenSet) -> TokenSet:
        if not tokens.refresh_token:
            raise ValueError("there is no refresh token")
        params = {"REFRESH_TOKEN": tokens.refresh_token}
        username = token_username(tokens) or str(session.get("username") or "")
        if connection.client_secret and username:
            params["SECRET_HASH"] = srp.secret_hash(
                username, connection.client_id, connection.client_secret
            )
        device_key = peek_claims(tokens.access_token).get("device_key") or session.get(
            "device_key"
        )
        if isinstance(device_key, str) and device_key:
            params["DEVICE_KEY"] = device_key
        response = boto.initiate_auth(
            AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=params, ClientId=connection.client_id
        )
        return TokenSet.from_result(
            response["AuthenticationResult"], previous_refresh_token=tokens.refresh_token
        )

    return refresh


def lifecycle_for(
    connection: Connection, boto: Any, store: SessionFile, session: Mapping[str, Any]
) -> TokenLifecycle:
    """A token lifecycle that refreshes into the token file."""
    return TokenLifecycle(make_refresh(connection, boto, session), storage=store)


def tokens_json(tokens: TokenSet, *, now: Optional[float] = None) -> str:
    """The tokens as Cognito's ``AuthenticationResult`` JSON (printed only with ``--json``)."""
    moment = time.time() if now is None else now
    document: dict[str, Any] = {
        "IdToken": tokens.id_token,
        "AccessToken": tokens.access_token,
        "RefreshToken": tokens.refresh_token,
        "TokenType": tokens.token_type,
        "ExpiresIn": max(0, int(tokens.expires_at - moment)),
    }
    return json.dumps(document, indent=2)


def expiry_text(seconds: float) -> str:
    """``in 59 min`` / ``2 min ago``."""
    minutes = int(abs(seconds) // 60)
    amount = f"{minutes} min" if minutes else f"{int(abs(seconds))} s"
    return f"in {amount}" if seconds >= 0 else f"{amount} ago"
