"""The facade's tokens live in one place (its token lifecycle; the attributes are views), and
the published patch points a login goes through: ``AWSSRP.authenticate_user`` and
``Cognito.verify_token`` (at login, refresh and ``verify_tokens``). Local Cognito, real tokens."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import pytest

from pycognito import AWSSRP, Cognito
from pycognito.exceptions import TokenVerificationException
from pycognito.token_storage import MemoryTokenStorage

from ..conftest import UserInfo
from .conftest import CognitoFactory


def test_attributes_are_views_of_the_one_token_state(logged_in: Cognito) -> None:
    u = logged_in
    life = u.token_lifecycle
    tokens = life.tokens
    assert tokens is not None and tokens.access_token == u.access_token
    assert (u.id_token, u.refresh_token, u.expires_in) == (
        tokens.id_token, tokens.refresh_token, tokens.expires_in)
    claims = u.access_claims
    assert claims is not None
    life.renew()  # a renewal made through the lifecycle (as the HTTP auths do) ...
    renewed = life.tokens
    assert renewed is not None and renewed.access_token != tokens.access_token
    assert u.access_token == renewed.access_token  # ... is what the attributes show
    assert u.access_claims is not None and u.access_claims["jti"] != claims["jti"]
    u.access_token = tokens.access_token  # setting an attribute sets the state
    assert life.tokens is not None and life.tokens.access_token == tokens.access_token
    assert life.tokens.refresh_token == u.refresh_token
    assert u.access_claims is None  # the verified claims were for the other token


def test_a_storage_attached_publicly_keeps_the_tokens(logged_in: Cognito,
                                                      make_cognito: CognitoFactory,
                                                      alice: UserInfo) -> None:
    storage = MemoryTokenStorage()
    logged_in.token_lifecycle.attach_storage(storage)
    resumed = make_cognito(username=alice.username)
    assert resumed.access_token is None
    resumed.token_lifecycle.attach_storage(storage)
    assert resumed.access_token == logged_in.access_token  # read from the storage
    assert resumed.check_token() is False


def test_facade_login_goes_through_awssrp_authenticate_user(logged_in: Cognito,
                                                            make_cognito: CognitoFactory,
                                                            alice: UserInfo) -> None:
    """``mock.patch.object(AWSSRP, "authenticate_user", ...)`` stubs a facade login."""
    result = {"AuthenticationResult": {
        "AccessToken": logged_in.access_token, "IdToken": logged_in.id_token,
        "RefreshToken": logged_in.refresh_token, "ExpiresIn": 3600, "TokenType": "Bearer"}}
    u = make_cognito(username=alice.username)
    with mock.patch.object(AWSSRP, "authenticate_user", return_value=result) as stub:
        u.authenticate("not-the-password", client_metadata={"k": "v"})
    stub.assert_called_once_with(client_metadata={"k": "v"})
    assert u.access_token == logged_in.access_token and u.expires_in == 3600
    assert u.access_claims is not None and u.access_claims["username"] == alice.username


class Recording(Cognito):
    """A subclass overriding verify_token, as users' test suites do."""

    calls: list[tuple[str, str]]
    seen_elsewhere: list[Any]

    def verify_token(self, token: str, id_name: str, token_use: str) -> dict[str, Any]:
        self.calls.append((id_name, token_use))
        assert token == getattr(self, id_name)  # the attributes show what is being verified
        other = threading.Thread(target=lambda: self.seen_elsewhere.append(
            getattr(self, id_name)))  # ... to this thread only: not verified yet
        other.start()
        other.join()
        return super().verify_token(token, id_name, token_use)


def test_verify_token_is_honoured_at_login_refresh_and_verify_tokens(
    logged_in: Cognito, alice: UserInfo
) -> None:
    kwargs: dict[str, Any] = {"client_secret": logged_in.client_secret,
                              "boto3_client_kwargs": logged_in._client_kwargs}
    u = Recording(logged_in.user_pool_id, logged_in.client_id, username=alice.username,
                  **kwargs)
    u.calls, u.seen_elsewhere = [], []
    u.authenticate(alice.password)
    assert u.seen_elsewhere == [None, None]  # no tokens stored until both were verified
    u.renew_access_token()
    u.verify_tokens()
    received = [("access_token", "access"), ("id_token", "id")]  # the original's orders
    assert u.calls == received * 2 + received[::-1]


def test_a_patched_verify_token_that_refuses_keeps_the_tokens_out(
    make_cognito: CognitoFactory, alice: UserInfo
) -> None:
    u = make_cognito(username=alice.username)
    storage = MemoryTokenStorage()
    u.token_lifecycle.attach_storage(storage)
    refusal = TokenVerificationException("refused by the test")
    with mock.patch.object(Cognito, "verify_token", side_effect=refusal) as patched, \
            pytest.raises(TokenVerificationException, match="refused by the test"):
        u.authenticate(alice.password)
    assert patched.call_count == 1
    assert u.access_token is None and u.id_token is None and storage.load() is None


def test_incomplete_tokens_are_kept_as_given(logged_in: Cognito, make_cognito: CognitoFactory,
                                             alice: UserInfo) -> None:
    """A refresh token alone is a token state too: shown as given, renewed on demand."""
    u = make_cognito(username=alice.username, refresh_token=logged_in.refresh_token)
    assert (u.access_token, u.refresh_token) == (None, logged_in.refresh_token)
    assert u.token_lifecycle.tokens is None  # nothing usable yet
    u.renew_access_token()
    assert u.access_token and u.access_claims is not None
    assert u.refresh_token == logged_in.refresh_token  # kept: Cognito sent no new one


def test_clearing_the_attributes_forgets_the_stored_session(logged_in: Cognito) -> None:
    storage = MemoryTokenStorage()
    logged_in.token_lifecycle.attach_storage(storage)
    assert storage.load() is not None
    logged_in.id_token = logged_in.access_token = logged_in.refresh_token = None
    assert logged_in.token_lifecycle.tokens is None and storage.load() is None
