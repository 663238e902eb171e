"""The local Cognito's domain: CreateUserPoolDomain, discovery, and /oauth2/token's checks."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from botocore.exceptions import ClientError

from pycognito.local import LocalCognito
from pycognito.verification import CognitoTokenVerifier, TokenScopeError, jwks_url_for_endpoint

from ..conftest import OAuthPool, PoolInfo
from .helpers import error_of

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def post_token(oauth: OAuthPool, data: dict[str, str], *, auth: Any = None,
               headers: Any = None) -> requests.Response:
    return requests.post(oauth.token_endpoint, data=data, auth=auth, timeout=10,
                         headers=headers)


def machine_auth(oauth: OAuthPool) -> tuple[str, str]:
    return (oauth.machine_id, oauth.machine_secret)


# -- CreateUserPoolDomain and app-client OAuth settings ------------------------------------------


def test_a_pool_has_one_domain_and_a_domain_one_pool(cognito_idp: Any, pool: PoolInfo,
                                                     make_pool: Any) -> None:
    cognito_idp.create_user_pool_domain(UserPoolId=pool.pool_id, Domain="first")
    described = cognito_idp.describe_user_pool_domain(Domain="first")["DomainDescription"]
    assert described["UserPoolId"] == pool.pool_id
    with pytest.raises(ClientError) as second:
        cognito_idp.create_user_pool_domain(UserPoolId=pool.pool_id, Domain="second")
    assert error_of(second)[0] == "InvalidParameterException"
    other = make_pool(pool_name="other")
    with pytest.raises(ClientError) as taken:
        cognito_idp.create_user_pool_domain(UserPoolId=other.pool_id, Domain="first")
    assert "another user pool" in error_of(taken)[1]


@pytest.mark.parametrize("domain", ["Upper", "-dash", "my_domain", "aws-things", "x" * 64])
def test_domain_prefixes_are_checked(cognito_idp: Any, pool: PoolInfo, domain: str) -> None:
    with pytest.raises(ClientError) as refused:
        cognito_idp.create_user_pool_domain(UserPoolId=pool.pool_id, Domain=domain)
    assert error_of(refused)[0] == "InvalidParameterException"


def test_domain_of_a_missing_pool(cognito_idp: Any) -> None:
    with pytest.raises(ClientError) as missing:
        cognito_idp.create_user_pool_domain(UserPoolId="us-east-1_nothere", Domain="nothere")
    assert error_of(missing)[0] == "ResourceNotFoundException"


def test_client_oauth_settings_are_checked(cognito_idp: Any, oauth_pool: OAuthPool) -> None:
    pool_id = oauth_pool.pool.pool_id
    base = {"UserPoolId": pool_id, "ClientName": "c", "AllowedOAuthFlowsUserPoolClient": True}
    cases = [
        ({"AllowedOAuthFlows": ["client_credentials"], "AllowedOAuthScopes": ["api/read"]},
         "InvalidOAuthFlowException"),  # no secret
        ({"GenerateSecret": True, "AllowedOAuthFlows": ["client_credentials", "code"],
          "AllowedOAuthScopes": ["api/read"], "CallbackURLs": ["https://x"]},
         "InvalidOAuthFlowException"),
        ({"GenerateSecret": True, "AllowedOAuthFlows": ["client_credentials"],
          "AllowedOAuthScopes": ["api/delete"]}, "ScopeDoesNotExistException"),
        ({"AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid"]},
         "InvalidParameterException"),  # no callback URL
    ]
    for extra, code in cases:
        with pytest.raises(ClientError) as refused:
            cognito_idp.create_user_pool_client(**base, **extra)
        assert error_of(refused)[0] == code, extra
    with pytest.raises(ClientError) as update:
        cognito_idp.update_user_pool_client(
            UserPoolId=pool_id, ClientId=oauth_pool.web_id, AllowedOAuthFlowsUserPoolClient=True,
            AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["api/read"])
    assert error_of(update)[0] == "InvalidOAuthFlowException"


# -- discovery ------------------------------------------------------------------------------------


def test_openid_configuration_names_the_local_domain(local: LocalCognito,
                                                     oauth_pool: OAuthPool) -> None:
    pool_id = oauth_pool.pool.pool_id
    document = requests.get(f"{local.endpoint_url}/{pool_id}/.well-known/openid-configuration",
                            timeout=10).json()
    assert document["issuer"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool_id}"
    assert document["token_endpoint"] == oauth_pool.token_endpoint
    assert document["authorization_endpoint"] == f"{oauth_pool.domain_url}/oauth2/authorize"
    assert document["userinfo_endpoint"] == f"{oauth_pool.domain_url}/oauth2/userInfo"
    assert document["revocation_endpoint"] == f"{oauth_pool.domain_url}/oauth2/revoke"
    assert document["end_session_endpoint"] == f"{oauth_pool.domain_url}/logout"
    keys = requests.get(document["jwks_uri"], timeout=10).json()
    assert keys["keys"][0]["kid"]


def test_openid_configuration_of_a_missing_pool(local: LocalCognito) -> None:
    answer = requests.get(f"{local.endpoint_url}/us-east-1_missing/.well-known/"
                          "openid-configuration", timeout=10)
    assert answer.status_code == 404


def test_unknown_domain(local: LocalCognito) -> None:
    answer = requests.post(f"{local.domain_url('nobody')}/oauth2/token",
                           data={"grant_type": "client_credentials"}, timeout=10)
    assert answer.status_code == 404


# -- client_credentials ---------------------------------------------------------------------------


def test_client_credentials_by_basic_auth(local: LocalCognito, oauth_pool: OAuthPool) -> None:
    answer = post_token(oauth_pool, {"grant_type": "client_credentials", "scope": "api/read"},
                        auth=machine_auth(oauth_pool))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert answer.headers["Cache-Control"] == "no-store"
    pool_id = oauth_pool.pool.pool_id
    verifier = CognitoTokenVerifier(
        pool_id, oauth_pool.machine_id, jwks_url=jwks_url_for_endpoint(local.endpoint_url,
                                                                       pool_id))
    claims = verifier.verify(body["access_token"], token_use="access", scopes=["api/read"])
    assert claims["sub"] == oauth_pool.machine_id == claims["client_id"]
    assert claims["scope"] == "api/read" and claims["version"] == 2
    assert "username" not in claims and "origin_jti" not in claims
    with pytest.raises(TokenScopeError):
        verifier.verify(body["access_token"], token_use="access", scopes=["api/write"])
    calls = local.calls("oauth2/token")
    assert [(c.client_id, c.auth_flow) for c in calls] == [
        (oauth_pool.machine_id, "client_credentials")]


def test_client_credentials_by_body_and_all_allowed_scopes(oauth_pool: OAuthPool) -> None:
    answer = post_token(oauth_pool, {"grant_type": "client_credentials",
                                     "client_id": oauth_pool.machine_id,
                                     "client_secret": oauth_pool.machine_secret})
    assert answer.status_code == 200, answer.text
    from pycognito.verification import unverified_claims

    claims = unverified_claims(answer.json()["access_token"])["payload"]
    assert claims["scope"] == "api/read api/write"


@pytest.mark.parametrize(
    ("data", "auth", "error"),
    [
        ({"grant_type": "client_credentials"}, ("machine", "wrong"), "invalid_client"),
        ({"grant_type": "client_credentials"}, None, "invalid_client"),
        ({"grant_type": "client_credentials", "client_id": "machine"}, None, "invalid_client"),
        ({"grant_type": "client_credentials", "client_id": "nobody"}, ("machine", "secret"),
         "invalid_client"),
        ({"grant_type": "password"}, ("machine", "secret"), "unsupported_grant_type"),
        ({}, ("machine", "secret"), "invalid_request"),
        ({"grant_type": "client_credentials", "scope": "api/delete"}, ("machine", "secret"),
         "invalid_scope"),
        ({"grant_type": "client_credentials", "scope": "openid"}, ("machine", "secret"),
         "invalid_scope"),
        ({"grant_type": "client_credentials"}, ("web", ""), "unauthorized_client"),
    ],
)
def test_client_credentials_refusals(oauth_pool: OAuthPool, data: dict[str, str],
                                     auth: Any, error: str) -> None:
    names = {"machine": oauth_pool.machine_id, "web": oauth_pool.web_id}
    data = {k: names.get(v, v) for k, v in data.items()}
    if auth is not None:
        client_id, secret = auth
        secret = oauth_pool.machine_secret if secret == "secret" else secret
        auth = (names.get(client_id, client_id), secret)
    answer = post_token(oauth_pool, data, auth=auth)
    assert answer.status_code == 400
    assert answer.json()["error"] == error


def test_token_endpoint_wants_a_form_post(oauth_pool: OAuthPool) -> None:
    answer = requests.post(oauth_pool.token_endpoint, json={"grant_type": "client_credentials"},
                           auth=machine_auth(oauth_pool), timeout=10)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
    assert requests.get(oauth_pool.token_endpoint, timeout=10).status_code == 405


def test_basic_and_body_client_ids_must_agree(oauth_pool: OAuthPool) -> None:
    answer = post_token(oauth_pool, {"grant_type": "client_credentials",
                                     "client_id": oauth_pool.web_id},
                        auth=machine_auth(oauth_pool))
    assert answer.json()["error"] == "invalid_client"


def test_client_credentials_token_expires_with_the_client_validity(
    local: LocalCognito, cognito_idp: Any, oauth_pool: OAuthPool
) -> None:
    cognito_idp.update_user_pool_client(
        UserPoolId=oauth_pool.pool.pool_id, ClientId=oauth_pool.machine_id,
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["api/read"], AccessTokenValidity=5,
        TokenValidityUnits={"AccessToken": "minutes"})
    body = post_token(oauth_pool, {"grant_type": "client_credentials"},
                      auth=machine_auth(oauth_pool)).json()
    assert body["expires_in"] == 300


def test_an_oversized_form_is_refused_unread(oauth_pool: OAuthPool) -> None:
    answer = post_token(oauth_pool, {"grant_type": "client_credentials", "pad": "x" * 70_000},
                        auth=machine_auth(oauth_pool))
    assert answer.status_code == 413 and answer.json()["error"] == "invalid_request"
