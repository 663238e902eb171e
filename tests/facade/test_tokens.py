"""The token value and the unverified reads used for timing and SECRET_HASH (pure)."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from typing import Any

from pycognito._tokens import IssuedTokens, peek_claims, renew_due, token_username


def _jwt(claims: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJSUzI1NiJ9.{body}.c2ln"


def test_from_result_sets_expiry_and_keeps_the_refresh_token() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    tokens = IssuedTokens.from_result(
        {"AccessToken": "a", "IdToken": "i", "ExpiresIn": 3600, "TokenType": "Bearer"},
        previous_refresh_token="old-refresh", now=now)
    assert tokens.refresh_token == "old-refresh"
    assert tokens.expires_in == 3600 and tokens.expires_datetime == now + timedelta(hours=1)
    assert tokens.expires_datetime.tzinfo is not None
    assert "old-refresh" not in repr(tokens)


def test_peek_and_username() -> None:
    access = _jwt({"username": "real-name", "exp": 2000, "iat": 1000})
    ident = _jwt({"cognito:username": "from-id"})
    assert peek_claims(access)["username"] == "real-name"
    assert token_username(access, ident) == "real-name"
    assert token_username(None, ident) == "from-id"
    assert token_username("garbage", None) is None
    assert peek_claims("a.!!!.c") == {} and peek_claims(None) == {}


def test_renew_due_margin() -> None:
    token = _jwt({"iat": 1000, "exp": 4600})
    assert renew_due(token, 4000) is False
    assert renew_due(token, 4541) is True  # within a minute of expiry
    short = _jwt({"iat": 1000, "exp": 1100})  # 100 s lifetime: margin 25 s
    assert renew_due(short, 1070) is False and renew_due(short, 1080) is True
    assert renew_due(_jwt({"iat": 1}), 0) is True  # no exp: treat as expired
