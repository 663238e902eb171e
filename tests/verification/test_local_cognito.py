"""Happy path against the embedded local Cognito: its own tokens, its own JWKS on loopback,
with the issuer still AWS's regional one."""

from __future__ import annotations

from typing import Any

import pytest

from pycognito.exceptions import TokenAudienceError, TokenSignatureError
from pycognito.verification import CognitoTokenVerifier, JwksCache, jwks_url_for_endpoint

pytest.importorskip("moto", reason="the local Cognito needs the 'local' extra (moto)")


def test_local_cognito_tokens_verify(make_pool: Any, make_user: Any, cognito_idp: Any) -> None:
    pool = make_pool()
    user = make_user(pool, username="alice")
    result = cognito_idp.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )["AuthenticationResult"]
    id_token, access_token = result["IdToken"], result["AccessToken"]

    cache = JwksCache()
    jwks_url = jwks_url_for_endpoint(pool.endpoint_url, pool.pool_id)
    verifier = CognitoTokenVerifier(
        pool.pool_id, pool.client_id, jwks_url=jwks_url, jwks_cache=cache
    )
    verifier.hydrate()
    id_claims = verifier.verify(id_token, "id", access_token=access_token)
    access_claims = verifier.verify(access_token, "access")

    issuer = f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.pool_id}"
    assert verifier.issuer == issuer
    assert id_claims["iss"] == access_claims["iss"] == issuer
    assert id_claims["aud"] == access_claims["client_id"] == pool.client_id
    assert id_claims["sub"] == access_claims["sub"] == user.sub
    assert cache.fetch_count(jwks_url) == 1

    other = CognitoTokenVerifier(
        pool.pool_id, "another-client", jwks_url=jwks_url, jwks_cache=cache
    )
    with pytest.raises(TokenAudienceError):
        other.verify(access_token, "access")
    head, body, sig = access_token.split(".")
    with pytest.raises(TokenSignatureError):
        verifier.verify(f"{head}.{body}.{'A' * len(sig)}", "access")
