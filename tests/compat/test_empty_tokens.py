"""An empty or blank token is a failed verification (a web view answers 401, not 500)."""

from __future__ import annotations

import pytest

from pycognito import Cognito, TokenVerificationException
from pycognito.exceptions import MissingValueError
from pycognito.verification import CognitoTokenVerifier, MultiPoolVerifier

POOL = "us-east-1_Compat"
BLANKS = ["", " ", "\t\n"]


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("which", ["id_token", "access_token"])
def test_verify_tokens_with_a_blank_token(blank: str, which: str) -> None:
    tokens = {"id_token": "a.b.c", "access_token": "a.b.c", which: blank}
    with pytest.raises(TokenVerificationException):
        Cognito(POOL, "client", **tokens).verify_tokens()


@pytest.mark.parametrize("blank", BLANKS)
def test_every_verify_method_refuses_a_blank_token(blank: str) -> None:
    u = Cognito(POOL, "client")
    with pytest.raises(TokenVerificationException):
        u.verify_token(blank, "id_token", "id")
    verifier = CognitoTokenVerifier(POOL, "client", jwks={"keys": []})
    with pytest.raises(TokenVerificationException):
        verifier.verify(blank, "access")
    with pytest.raises(TokenVerificationException):
        MultiPoolVerifier([verifier]).verify(blank, "access")


def test_a_token_that_is_not_set_stays_a_missing_value() -> None:
    with pytest.raises(MissingValueError, match="id_token"):
        Cognito(POOL, "client", access_token="a.b.c").verify_tokens()
