"""The token value and the unverified reads used for timing and SECRET_HASH (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pycognito._tokens import TokenSet, peek_claims, token_username

from ..unsigned_tokens import unsigned_token


def test_from_result_sets_expiry_and_keeps_the_refresh_token() -> None:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    tokens = TokenSet.from_result(
        {"AccessToken": "a", "IdToken": "i", "ExpiresIn": 3600, "TokenType": "Bearer"},
        previous_refresh_token="old-refresh",
        now=now.timestamp(),
    )
    assert tokens.refresh_token == "old-refresh"
    assert tokens.expires_in == 3600 and tokens.expires_datetime == now + timedelta(hours=1)
    assert tokens.expires_datetime.tzinfo is not None
    # "a" is no JWT: the server times fall back to the receipt time plus ExpiresIn
    assert (tokens.issued_at, tokens.expires_at) == (now.timestamp(), now.timestamp() + 3600)
    assert "old-refresh" not in repr(tokens)


def test_server_times_come_from_the_access_token() -> None:
    access = unsigned_token(iat=1000, exp=4600)
    tokens = TokenSet.from_result({"AccessToken": access, "ExpiresIn": 3600}, now=99999.0)
    assert (tokens.issued_at, tokens.expires_at, tokens.lifetime) == (1000, 4600, 3600)
    assert TokenSet.from_dict(tokens.to_dict()) == tokens
    assert TokenSet.from_tokens(access).expires_at == 4600


def test_peek_and_username() -> None:
    access = unsigned_token(username="real-name", exp=2000, iat=1000)
    ident = unsigned_token(**{"cognito:username": "from-id"})
    assert peek_claims(access)["username"] == "real-name"
    assert token_username(access, ident) == "real-name"
    assert token_username(None, ident) == "from-id"
    assert token_username("garbage", None) is None
    assert peek_claims("a.!!!.c") == {} and peek_claims(None) == {}
