"""The pure part of identity pools: ids, id-token staleness, responses and error mapping."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botocore.exceptions import ClientError

from pycognito._identity_pool import (
    credentials_from_identity,
    credentials_from_sts,
    id_token_stale,
    identity_pool_error,
    identity_pool_region,
    provider_name,
)
from pycognito.exceptions import (
    IdentityPoolConfigurationError,
    IdentityPoolError,
    IdentityPoolNotFoundError,
    IdentityProviderNotAllowedError,
    InvalidTypeError,
    InvalidValueError,
    RoleMappingDeniedError,
)

from .unsigned_tokens import unsigned_token

POOL = "eu-west-1:0a1b2c3d-1111-2222-3333-444455556666"


def test_identity_pool_region() -> None:
    assert identity_pool_region(POOL) == "eu-west-1"
    assert identity_pool_region("us-gov-west-1:0a1b") == "us-gov-west-1"
    for bad in ("eu-west-1", "eu-west-1:", "eu-west-1:XYZ", ":0a1b", "eu west 1:0a1b"):
        with pytest.raises(InvalidValueError):
            identity_pool_region(bad)
    with pytest.raises(InvalidTypeError):
        identity_pool_region(None)


def test_provider_name() -> None:
    assert provider_name("eu-west-1", "eu-west-1_Abc") == (
        "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc")


def test_id_token_stale_within_the_margin_of_its_own_exp() -> None:
    token = unsigned_token(exp=1000)
    assert not id_token_stale(token, 900)
    assert id_token_stale(token, 940)
    assert id_token_stale(token, 1000, margin=0)
    assert not id_token_stale(unsigned_token(exp="soon"), 10**9)  # unreadable: Cognito judges
    assert not id_token_stale("not a jwt", 10**9)


def test_credentials_read_on_our_clock() -> None:
    expiration = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    creds = credentials_from_identity(
        {"IdentityId": "eu-west-1:id", "Credentials": {
            "AccessKeyId": "ASIA1", "SecretKey": "s", "SessionToken": "t",
            "Expiration": expiration}}, clock_offset=60)
    assert creds == {"AccessKeyId": "ASIA1", "SecretKey": "s", "SessionToken": "t",
                     "Expiration": datetime(2026, 1, 1, 11, 59, tzinfo=timezone.utc),
                     "IdentityId": "eu-west-1:id"}
    sts = credentials_from_sts({"Credentials": {
        "AccessKeyId": "ASIA2", "SecretAccessKey": "s2", "SessionToken": "t2",
        "Expiration": expiration.timestamp()}}, "eu-west-1:id")
    assert sts["SecretKey"] == "s2" and sts["Expiration"] == expiration
    with pytest.raises(IdentityPoolError, match="SessionToken"):
        credentials_from_identity({"IdentityId": "x", "Credentials": {
            "AccessKeyId": "a", "SecretKey": "s", "Expiration": expiration}})


def _error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "GetId")


@pytest.mark.parametrize(("code", "message", "kind"), [
    ("ResourceNotFoundException", "IdentityPool 'x' not found.", IdentityPoolNotFoundError),
    ("NotAuthorizedException", "Token is not from a supported provider of this identity pool.",
     IdentityProviderNotAllowedError),
    ("NotAuthorizedException", "Invalid login token. Issuer doesn't match providerName",
     IdentityProviderNotAllowedError),
    ("NotAuthorizedException", "The ambiguous role mapping rules for: p denied this request.",
     RoleMappingDeniedError),
    ("InvalidIdentityPoolConfigurationException", "Invalid identity pool configuration.",
     IdentityPoolConfigurationError),
])
def test_refusals_become_typed_errors(code: str, message: str, kind: type) -> None:
    typed = identity_pool_error(_error(code, message), POOL, "provider")
    assert type(typed) is kind and typed.code == code and POOL in str(typed)


def test_other_errors_keep_their_type() -> None:
    for code, message in (("NotAuthorizedException", "Invalid login token. Token expired"),
                          ("TooManyRequestsException", "Rate exceeded"),
                          ("ResourceNotFoundException", "Identity 'x' not found.")):
        assert identity_pool_error(_error(code, message), POOL, "provider") is None
    assert identity_pool_error(OSError("down"), POOL, "provider") is None
