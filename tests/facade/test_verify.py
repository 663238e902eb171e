"""Token verification on the facade (delegated to pycognito.verification), end to end."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pycognito import Cognito, TokenVerificationException
from pycognito.exceptions import MissingValueError, TokenAudienceError, TokenKidNotFoundError
from pycognito.verification import clear_shared_verifiers

from ..conftest import PoolFactory
from .conftest import CognitoFactory


@pytest.fixture(autouse=True)
def _fresh_verifiers(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("COGNITO_JWKS", raising=False)
    clear_shared_verifiers()
    yield
    clear_shared_verifiers()


def test_verify_tokens_of_a_rebuilt_instance(logged_in: Cognito,
                                             make_cognito: CognitoFactory) -> None:
    u = make_cognito(id_token=logged_in.id_token, refresh_token=logged_in.refresh_token,
                     access_token=logged_in.access_token)
    assert u.id_claims is None
    u.verify_tokens()
    assert u.id_claims is not None and u.id_claims["cognito:username"] == "alice"
    assert u.access_claims is not None and u.access_claims["client_id"] == u.client_id


def test_tampered_and_foreign_tokens_are_refused(logged_in: Cognito, make_pool: PoolFactory,
                                                 make_cognito: CognitoFactory) -> None:
    head, body, sig = str(logged_in.access_token).split(".")
    tampered = make_cognito(id_token=logged_in.id_token,
                            access_token=f"{head}.{body}.{sig[::-1]}")
    with pytest.raises(TokenVerificationException):
        tampered.verify_tokens()
    other = make_pool()  # same server, another pool and client
    foreign = Cognito(logged_in.user_pool_id, other.client_id,
                      boto3_client_kwargs={"endpoint_url": other.endpoint_url},
                      id_token=logged_in.id_token, access_token=logged_in.access_token)
    with pytest.raises(TokenAudienceError):
        foreign.verify_tokens()
    with pytest.raises(TokenVerificationException):
        make_cognito(id_token="garbage", access_token="garbage").verify_tokens()


def test_verify_token_sets_one_attribute(logged_in: Cognito, make_cognito: CognitoFactory) -> None:
    u = make_cognito()
    claims = u.verify_token(str(logged_in.access_token), "access_token", "access")
    assert u.access_token == logged_in.access_token and u.access_claims == claims
    with pytest.raises(TokenVerificationException):
        u.verify_token(str(logged_in.access_token), "id_token", "id")
    with pytest.raises(ValueError):
        u.verify_token(str(logged_in.access_token), "refresh_token", "access")


def test_keys(logged_in: Cognito, monkeypatch: pytest.MonkeyPatch,
              make_cognito: CognitoFactory) -> None:
    keys = logged_in.get_keys()
    kid = keys["keys"][0]["kid"]
    assert logged_in.get_key(kid)["kid"] == kid
    with pytest.raises(TokenKidNotFoundError):
        logged_in.get_key("no-such-kid")
    # COGNITO_JWKS replaces fetching: an instance that could not reach any key server verifies
    monkeypatch.setenv("COGNITO_JWKS", json.dumps(keys))
    offline = Cognito(logged_in.user_pool_id, logged_in.client_id,
                      boto3_client_kwargs={"endpoint_url": "http://127.0.0.1:9"},
                      id_token=logged_in.id_token, access_token=logged_in.access_token)
    offline.verify_tokens()
    assert offline.get_keys() == keys


def test_verify_tokens_needs_both(make_cognito: CognitoFactory, logged_in: Cognito) -> None:
    with pytest.raises(MissingValueError, match="id_token"):
        make_cognito(access_token=logged_in.access_token).verify_tokens()


def test_tokens_received_are_stored_only_once_both_passed(
        logged_in: Cognito, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/cognito.md: tokens received at a login or a refresh are verified first and stored
    only once both passed: a refresh whose id token fails leaves the held tokens as they were
    (its access token, verified first, passed)."""
    held = (logged_in.id_token, logged_in.access_token, logged_in.refresh_token)
    real = Cognito.verify_token
    checked: list[str] = []

    def refuse_the_id_token(self: Cognito, token: str, id_name: str, token_use: str) -> Any:
        checked.append(token_use)
        if token_use == "id":
            raise TokenVerificationException("refused for the test")
        return real(self, token, id_name, token_use)

    monkeypatch.setattr(Cognito, "verify_token", refuse_the_id_token)
    with pytest.raises(TokenVerificationException):
        logged_in.renew_access_token()
    assert checked == ["access", "id"]
    assert (logged_in.id_token, logged_in.access_token, logged_in.refresh_token) == held
