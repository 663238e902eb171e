"""Tokens: validity from the app client, JWKS verification, expiry, revocation, refresh binding
and rotation, all on the server clock."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError

from pycognito.local import LocalCognito

from ..conftest import PoolFactory, PoolInfo, UserFactory
from .helpers import error_of, password_login

VALIDITY = {"AccessToken": (5, "minutes"), "IdToken": (10, "minutes"),
            "RefreshToken": (1, "hours")}


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})  # type: ignore[no-any-return]


def _refresh(idp: Any, pool: PoolInfo, token: str, **extra: str) -> dict[str, Any]:
    return idp.initiate_auth(  # type: ignore[no-any-return]
        ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": token, **extra})


def test_validity_and_claims(local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory,
                             make_user: UserFactory) -> None:
    pool = make_pool(token_validity=VALIDITY)
    user = make_user(pool)
    result = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    assert result["ExpiresIn"] == 300 and result["TokenType"] == "Bearer"
    access, id_claims = _claims(result["AccessToken"]), _claims(result["IdToken"])
    assert access["exp"] - access["iat"] == 300 and id_claims["exp"] - id_claims["iat"] == 600
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool.pool_id}"
    assert access["iss"] == id_claims["iss"] == issuer
    assert access["token_use"] == "access" and access["client_id"] == pool.client_id
    assert access["username"] == "alice" and access["sub"] == user.sub
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert id_claims["token_use"] == "id" and id_claims["aud"] == pool.client_id
    assert id_claims["cognito:username"] == "alice" and id_claims["email_verified"] is True
    assert id_claims["email"] == "alice@example.com"
    assert access["origin_jti"] == id_claims["origin_jti"]
    assert abs(access["iat"] - local.now()) < 5


def test_tokens_verify_against_the_served_jwks(local: LocalCognito, cognito_idp: Any,
                                               pool: PoolInfo, make_user: UserFactory) -> None:
    user = make_user(pool)
    result = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    keys = jwt.PyJWKClient(f"{local.endpoint_url}/{pool.pool_id}/.well-known/jwks.json")
    issuer = f"https://cognito-idp.us-east-1.amazonaws.com/{pool.pool_id}"
    for token, audience in ((result["IdToken"], pool.client_id), (result["AccessToken"], None)):
        key = keys.get_signing_key_from_jwt(token)
        claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=issuer,
                            audience=audience, options={"verify_aud": audience is not None})
        assert claims["sub"] == user.sub


def test_each_pool_signs_with_its_own_keys_and_headers_are_kid_and_alg(
        local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory,
        make_user: UserFactory) -> None:
    pools = [make_pool(), make_pool()]
    results = [password_login(cognito_idp, p, "alice", make_user(p).password)[
        "AuthenticationResult"] for p in pools]
    jwks = [jwt.PyJWKClient(f"{local.endpoint_url}/{p.pool_id}/.well-known/jwks.json")
            for p in pools]
    headers = [jwt.get_unverified_header(r[kind]) for r in results
               for kind in ("IdToken", "AccessToken")]
    assert all(list(h) == ["kid", "alg"] and h["alg"] == "RS256" for h in headers)
    assert len({h["kid"] for h in headers}) == 4  # ID and access keys differ, as on AWS
    sets = [client.get_jwk_set() for client in jwks]
    assert [sorted(k.key_id for k in s.keys) for s in sets] == [
        sorted(h["kid"] for h in headers[:2]), sorted(h["kid"] for h in headers[2:])]
    moduli = {k.key.public_numbers().n for s in sets for k in s.keys}
    assert len(moduli) == 4
    # a verifier that takes one pool's keys for the other's tokens fails
    with pytest.raises(jwt.PyJWKClientError):
        jwks[0].get_signing_key_from_jwt(results[1]["IdToken"])
    assert results[0]["IdToken"].count(".") == 2


def test_jwks_of_an_unknown_pool_is_not_found(local: LocalCognito) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(  # noqa: S310 - loopback
            f"{local.endpoint_url}/us-east-1_nothere/.well-known/jwks.json", timeout=5)
    assert error.value.code == 404


def test_expired_access_token_is_refused(local: LocalCognito, cognito_idp: Any,
                                         make_pool: PoolFactory, make_user: UserFactory) -> None:
    pool = make_pool(token_validity=VALIDITY)
    user = make_user(pool)
    token = password_login(cognito_idp, pool, "alice", user.password)[
        "AuthenticationResult"]["AccessToken"]
    assert cognito_idp.get_user(AccessToken=token)["Username"] == "alice"
    local.advance_clock(301)
    calls = [
        lambda: cognito_idp.get_user(AccessToken=token),
        lambda: cognito_idp.update_user_attributes(
            AccessToken=token, UserAttributes=[{"Name": "name", "Value": "A"}]),
        lambda: cognito_idp.change_password(AccessToken=token, PreviousPassword=user.password,
                                            ProposedPassword="Another-Pass-1!"),
        lambda: cognito_idp.associate_software_token(AccessToken=token),
        lambda: cognito_idp.global_sign_out(AccessToken=token),
        lambda: cognito_idp.delete_user(AccessToken=token),
    ]
    for call in calls:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("NotAuthorizedException", "Access Token has expired")
    fresh = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    assert abs(_claims(fresh["AccessToken"])["iat"] - local.now()) < 5  # iat on the moved clock


def test_id_tokens_and_forged_tokens_are_not_access_tokens(cognito_idp: Any, pool: PoolInfo,
                                                           make_user: UserFactory) -> None:
    user = make_user(pool)
    result = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    forged = jwt.encode(_claims(result["AccessToken"]), "k" * 32, algorithm="HS256")
    for token in (result["IdToken"], forged):
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.get_user(AccessToken=token)
        assert error_of(excinfo) == ("NotAuthorizedException", "Invalid Access Token")


@pytest.mark.parametrize("admin", [False, True])
def test_global_sign_out_revokes_access_and_refresh(cognito_idp: Any, pool: PoolInfo,
                                                    make_user: UserFactory, admin: bool) -> None:
    user = make_user(pool)
    first = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    if admin:
        cognito_idp.admin_user_global_sign_out(UserPoolId=pool.pool_id, Username="alice")
    else:
        cognito_idp.global_sign_out(AccessToken=first["AccessToken"])
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_user(AccessToken=first["AccessToken"])
    assert error_of(excinfo) == ("NotAuthorizedException", "Access Token has been revoked")
    with pytest.raises(ClientError) as excinfo:
        _refresh(cognito_idp, pool, first["RefreshToken"])
    assert error_of(excinfo) == ("NotAuthorizedException", "Refresh Token has been revoked")
    again = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    assert cognito_idp.get_user(AccessToken=again["AccessToken"])["Username"] == "alice"


def test_revoke_token(cognito_idp: Any, make_pool: PoolFactory, make_user: UserFactory) -> None:
    pool = make_pool(client_secret=True)
    user = make_user(pool)
    hashed = {"SECRET_HASH": pool.secret_hash("alice") or ""}
    one = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    two = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.revoke_token(Token=one["RefreshToken"], ClientId=pool.client_id,
                                 ClientSecret="wrong-secret-of-the-right-length")
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.revoke_token(Token=one["AccessToken"], ClientId=pool.client_id,
                                 ClientSecret=pool.client_secret)
    assert error_of(excinfo)[0] == "UnsupportedTokenTypeException"
    cognito_idp.revoke_token(Token=one["RefreshToken"], ClientId=pool.client_id,
                             ClientSecret=pool.client_secret)
    with pytest.raises(ClientError) as excinfo:
        _refresh(cognito_idp, pool, one["RefreshToken"], **hashed)
    assert error_of(excinfo) == ("NotAuthorizedException", "Refresh Token has been revoked")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_user(AccessToken=one["AccessToken"])
    assert error_of(excinfo) == ("NotAuthorizedException", "Access Token has been revoked")
    assert cognito_idp.get_user(AccessToken=two["AccessToken"])["Username"] == "alice"
    assert "AccessToken" in _refresh(cognito_idp, pool, two["RefreshToken"], **hashed)[
        "AuthenticationResult"]


def test_refresh_keeps_origin_and_is_bound_to_its_client(
    local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory, make_user: UserFactory
) -> None:
    pool = make_pool(token_validity=VALIDITY)
    user = make_user(pool)
    other = cognito_idp.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName="other",
        ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"],
    )["UserPoolClient"]["ClientId"]
    first = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    local.advance_clock(120)
    renewed = _refresh(cognito_idp, pool, first["RefreshToken"])["AuthenticationResult"]
    assert "RefreshToken" not in renewed and renewed["ExpiresIn"] == 300
    old, new = _claims(first["AccessToken"]), _claims(renewed["AccessToken"])
    assert new["origin_jti"] == old["origin_jti"] and new["auth_time"] == old["auth_time"]
    assert new["event_id"] == old["event_id"] and new["jti"] != old["jti"]
    assert new["iat"] >= old["iat"] + 120
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.initiate_auth(ClientId=other, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})
    assert error_of(excinfo) == ("NotAuthorizedException", "Invalid Refresh Token.")
    with pytest.raises(ClientError) as excinfo:
        _refresh(cognito_idp, pool, "not-a-refresh-token")
    assert error_of(excinfo) == ("NotAuthorizedException", "Invalid Refresh Token.")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.admin_initiate_auth(UserPoolId=pool.pool_id, ClientId=pool.client_id,
                                        AuthFlow="REFRESH_TOKEN_AUTH",
                                        AuthParameters={"REFRESH_TOKEN": "garbage"})
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    local.advance_clock(3600)
    with pytest.raises(ClientError) as excinfo:
        _refresh(cognito_idp, pool, first["RefreshToken"])
    assert error_of(excinfo) == ("NotAuthorizedException", "Refresh Token has expired")
    assert len(local.calls("InitiateAuth", auth_flow="REFRESH_TOKEN_AUTH")) == 4
    assert len(local.calls("InitiateAuth", client_id=pool.client_id,
                           auth_flow="REFRESH_TOKEN_AUTH")) == 3


def test_refresh_refused_for_disabled_users(cognito_idp: Any, pool: PoolInfo,
                                            make_user: UserFactory) -> None:
    user = make_user(pool)
    first = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    cognito_idp.admin_disable_user(UserPoolId=pool.pool_id, Username="alice")
    with pytest.raises(ClientError) as excinfo:
        _refresh(cognito_idp, pool, first["RefreshToken"])
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_user(AccessToken=first["AccessToken"])
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_refresh_token_rotation(local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory,
                                make_user: UserFactory) -> None:
    pool = make_pool(client_secret=True, refresh_token_rotation=10)
    described = cognito_idp.describe_user_pool_client(UserPoolId=pool.pool_id,
                                                      ClientId=pool.client_id)
    assert described["UserPoolClient"]["RefreshTokenRotation"] == {
        "Feature": "ENABLED", "RetryGracePeriodSeconds": 10}
    user = make_user(pool)
    first = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    with pytest.raises(ClientError) as excinfo:
        _refresh(cognito_idp, pool, first["RefreshToken"], SECRET_HASH=pool.secret_hash("alice"))
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_tokens_from_refresh_token(RefreshToken=first["RefreshToken"],
                                                  ClientId=pool.client_id)
    assert error_of(excinfo)[0] == "NotAuthorizedException"

    def rotate(token: str) -> dict[str, Any]:
        return cognito_idp.get_tokens_from_refresh_token(  # type: ignore[no-any-return]
            RefreshToken=token, ClientId=pool.client_id,
            ClientSecret=pool.client_secret)["AuthenticationResult"]

    second = rotate(first["RefreshToken"])
    assert second["RefreshToken"] != first["RefreshToken"]
    local.advance_clock(5)
    assert "RefreshToken" in rotate(first["RefreshToken"])  # within the grace period
    local.advance_clock(6)
    with pytest.raises(ClientError) as excinfo:
        rotate(first["RefreshToken"])
    assert error_of(excinfo)[0] == "RefreshTokenReuseException"
    assert "AccessToken" in rotate(second["RefreshToken"])


def test_get_tokens_without_rotation_returns_no_new_refresh_token(
    cognito_idp: Any, pool: PoolInfo, make_user: UserFactory
) -> None:
    user = make_user(pool)
    first = password_login(cognito_idp, pool, "alice", user.password)["AuthenticationResult"]
    again = cognito_idp.get_tokens_from_refresh_token(RefreshToken=first["RefreshToken"],
                                                      ClientId=pool.client_id)
    assert "RefreshToken" not in again["AuthenticationResult"]
    assert "RefreshToken" not in _refresh(cognito_idp, pool, first["RefreshToken"])[
        "AuthenticationResult"]


def test_rotation_settings_are_validated(cognito_idp: Any, pool: PoolInfo) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.update_user_pool_client(
            UserPoolId=pool.pool_id, ClientId=pool.client_id,
            RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 61})
    assert error_of(excinfo)[0] in ("InvalidParameterException", "ParamValidationError")
