"""Printing the saved session's tokens and their expiry."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Optional

from .._tokens import TokenSet


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


def report_login(tokens: TokenSet, username: str, *, as_json: bool,
                 saved_to: Optional[Path]) -> None:
    """What ``login`` prints: the tokens as JSON (``--json``), or who logged in and where the
    tokens went."""
    if as_json:
        print(tokens_json(tokens))
        return
    where = f"tokens saved to {saved_to}" if saved_to is not None else "tokens not saved"
    print(f"Logged in as {username}; {where} "
          f"(expire {expiry_text(tokens.expires_at - tokens.issued_at)}).")
