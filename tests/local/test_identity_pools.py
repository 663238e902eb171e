"""The local Cognito's identity pools and STS, driven with boto3's own clients."""

from __future__ import annotations

import base64
import json
from typing import Any, Callable

import boto3
import pytest
from botocore.exceptions import ClientError

from ..conftest import AUTHENTICATED_ROLE, PoolInfo, UserInfo
from .helpers import error_of

OTHER_ROLE = "arn:aws:iam::123456789012:role/pycognito-tests-other"


def provider(pool: PoolInfo) -> str:
    return f"cognito-idp.{pool.region}.amazonaws.com/{pool.pool_id}"


def id_token(cognito_idp: Any, pool: PoolInfo, user: UserInfo, kind: str = "IdToken") -> str:
    result = cognito_idp.admin_initiate_auth(
        UserPoolId=pool.pool_id, ClientId=pool.client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )["AuthenticationResult"]
    return str(result[kind])


def altered(text: str) -> str:
    """``text`` with its last character changed (always: a random one may already be "x")."""
    return text[:-1] + ("y" if text.endswith("x") else "x")


def sts_as(local: Any, creds: dict[str, Any], secret: str = "SecretKey") -> Any:
    return boto3.client("sts", region_name="us-east-1", endpoint_url=local.endpoint_url,
                        aws_access_key_id=creds["AccessKeyId"],
                        aws_secret_access_key=creds[secret],
                        aws_session_token=creds["SessionToken"])


@pytest.fixture
def alice(pool: PoolInfo, make_user: Callable[..., UserInfo]) -> UserInfo:
    return make_user(pool, "alice")


@pytest.fixture
def token(cognito_idp: Any, pool: PoolInfo, alice: UserInfo) -> str:
    return id_token(cognito_idp, pool, alice)


def credentials(cognito_identity: Any, identity_pool: str, logins: dict[str, str],
                **extra: Any) -> dict[str, Any]:
    identity = cognito_identity.get_id(IdentityPoolId=identity_pool, Logins=logins)
    return dict(cognito_identity.get_credentials_for_identity(
        IdentityId=identity["IdentityId"], Logins=logins, **extra))


def test_credentials_for_a_user_act_as_the_authenticated_role(
        local: Any, pool: PoolInfo, token: str, cognito_identity: Any,
        make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)
    logins = {provider(pool): token}
    result = credentials(cognito_identity, identity_pool, logins)
    creds = result["Credentials"]
    assert result["IdentityId"].startswith("us-east-1:")
    assert creds["AccessKeyId"].startswith("ASIA")
    remaining = creds["Expiration"].timestamp() - local.now()
    assert 3500 < remaining <= 3600
    caller = sts_as(local, creds).get_caller_identity()
    assert caller["Arn"] == ("arn:aws:sts::123456789012:assumed-role/"
                             "pycognito-tests-authenticated/CognitoIdentityCredentials")
    # The same user gets the same identity again.
    again = cognito_identity.get_id(IdentityPoolId=identity_pool, Logins=logins)
    assert again["IdentityId"] == result["IdentityId"]


def test_credentials_expire_by_the_server_clock(
        local: Any, pool: PoolInfo, token: str, cognito_identity: Any,
        make_identity_pool: Callable[..., str]) -> None:
    creds = credentials(cognito_identity, make_identity_pool(pool),
                        {provider(pool): token})["Credentials"]
    sts = sts_as(local, creds)
    local.advance_clock(3599)
    assert sts.get_caller_identity()["Account"] == "123456789012"
    local.advance_clock(2)
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    assert error_of(excinfo)[0] == "ExpiredToken"


def test_wrong_session_token_unknown_key_or_wrong_secret_is_refused(
        local: Any, pool: PoolInfo, token: str, cognito_identity: Any,
        make_identity_pool: Callable[..., str]) -> None:
    creds = credentials(cognito_identity, make_identity_pool(pool),
                        {provider(pool): token})["Credentials"]
    for spoiled in ({**creds, "SessionToken": altered(creds["SessionToken"])},
                    {**creds, "AccessKeyId": "ASIAAAAAAAAAAAAAAAAA"}):
        with pytest.raises(ClientError) as excinfo:
            sts_as(local, spoiled).get_caller_identity()
        assert error_of(excinfo)[0] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as excinfo:  # signed with another secret
        sts_as(local, {**creds, "SecretKey": creds["SecretKey"][::-1]}).get_caller_identity()
    assert error_of(excinfo)[0] == "SignatureDoesNotMatch"


def test_every_sts_call_checks_credentials_issued_here(
        local: Any, pool: PoolInfo, token: str, cognito_identity: Any,
        make_identity_pool: Callable[..., str]) -> None:
    """moto answers the STS calls not made here (AssumeRole...), but only once the identity
    pool's credentials signing them hold; session credentials get no more (AWS refuses)."""
    creds = credentials(cognito_identity, make_identity_pool(pool),
                        {provider(pool): token})["Credentials"]
    sts = sts_as(local, creds)
    for call, name in ((sts.get_session_token, "GetSessionToken"),
                       (lambda: sts.get_federation_token(Name="alice"), "GetFederationToken")):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("AccessDenied",
                                     f"Cannot call {name} with session credentials")

    def assume_role(client: Any) -> Any:
        return client.assume_role(RoleArn=OTHER_ROLE, RoleSessionName="chained")

    for spoiled, code in (({**creds, "SecretKey": creds["SecretKey"][::-1]},
                           "SignatureDoesNotMatch"),
                          ({**creds, "SessionToken": altered(creds["SessionToken"])},
                           "InvalidClientTokenId")):
        with pytest.raises(ClientError) as excinfo:
            assume_role(sts_as(local, spoiled))
        assert error_of(excinfo)[0] == code
    assert assume_role(sts)["Credentials"]["AccessKeyId"]  # good credentials: moto answers
    local.advance_clock(3601)
    with pytest.raises(ClientError) as excinfo:
        assume_role(sts)
    assert error_of(excinfo)[0] == "ExpiredToken"


def test_developer_identities_are_not_served(pool: PoolInfo, cognito_identity: Any,
                                             make_identity_pool: Callable[..., str]) -> None:
    for identity_pool in (make_identity_pool(pool),
                          "us-east-1:00000000-0000-0000-0000-000000000000"):
        with pytest.raises(ClientError) as excinfo:  # moto answered, even for no pool
            cognito_identity.get_open_id_token_for_developer_identity(
                IdentityPoolId=identity_pool, Logins={"login.example": "alice"})
        assert error_of(excinfo)[0] == "UnsupportedOperationException"


def _forge(token: str, **claims: Any) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(claims)
    body = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{header}.{body}.{signature}"


def test_forged_token_is_refused(pool: PoolInfo, token: str, cognito_identity: Any,
                                 make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)
    with pytest.raises(ClientError) as excinfo:
        cognito_identity.get_id(IdentityPoolId=identity_pool,
                                Logins={provider(pool): _forge(token, sub="someone-else")})
    assert error_of(excinfo) == ("NotAuthorizedException",
                                 "Invalid login token. Couldn't verify signed token.")


def test_expired_token_is_refused(local: Any, pool: PoolInfo, token: str,
                                  cognito_identity: Any,
                                  make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)
    logins = {provider(pool): token}
    identity = cognito_identity.get_id(IdentityPoolId=identity_pool, Logins=logins)
    local.advance_clock(3601)
    for call in (lambda: cognito_identity.get_id(IdentityPoolId=identity_pool, Logins=logins),
                 lambda: cognito_identity.get_credentials_for_identity(
                     IdentityId=identity["IdentityId"], Logins=logins)):
        with pytest.raises(ClientError) as excinfo:
            call()
        code, message = error_of(excinfo)
        assert code == "NotAuthorizedException" and "Token expired" in message


def test_token_of_another_pool_or_client_is_refused(
        pool: PoolInfo, make_pool: Callable[..., PoolInfo], alice: UserInfo, token: str,
        cognito_idp: Any, make_user: Callable[..., UserInfo], cognito_identity: Any,
        make_identity_pool: Callable[..., str]) -> None:
    other_pool = make_pool(pool_name="other")
    other_token = id_token(cognito_idp, other_pool, make_user(other_pool, "alice"))
    other_client = cognito_idp.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName="unlisted",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    unlisted = PoolInfo(pool.pool_id, other_client, None, pool.region, pool.endpoint_url)
    unlisted_token = id_token(cognito_idp, unlisted, alice)
    identity_pool = make_identity_pool(pool)
    refusals = {
        # Another pool's token under this pool's provider name: signed with other keys.
        "issuer": ({provider(pool): other_token}, "Couldn't verify signed token"),
        # Another pool's provider, which the identity pool does not list.
        "provider": ({provider(other_pool): other_token}, "not from a supported provider"),
        # This pool, but an app client the identity pool does not list.
        "client": ({provider(pool): unlisted_token}, "not from a supported provider"),
        # The access token is no id token.
        "access": ({provider(pool): id_token(cognito_idp, pool, alice, "AccessToken")},
                   "Not a valid OpenId Connect identity token"),
    }
    for case, (logins, words) in refusals.items():
        with pytest.raises(ClientError) as excinfo:
            cognito_identity.get_id(IdentityPoolId=identity_pool, Logins=logins)
        code, message = error_of(excinfo)
        assert code == "NotAuthorizedException" and words in message, case
    assert cognito_identity.get_id(IdentityPoolId=identity_pool,
                                   Logins={provider(pool): token})["IdentityId"]


def test_an_identity_belongs_to_its_user(
        pool: PoolInfo, token: str, cognito_idp: Any, make_user: Callable[..., UserInfo],
        cognito_identity: Any, make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)
    alices = cognito_identity.get_id(IdentityPoolId=identity_pool,
                                     Logins={provider(pool): token})["IdentityId"]
    bobs_token = id_token(cognito_idp, pool, make_user(pool, "bob"))
    with pytest.raises(ClientError) as excinfo:
        cognito_identity.get_credentials_for_identity(
            IdentityId=alices, Logins={provider(pool): bobs_token})
    assert "Logins don't match" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        cognito_identity.get_credentials_for_identity(IdentityId=alices)
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_no_identity_pool_and_no_roles(pool: PoolInfo, token: str, cognito_identity: Any,
                                       make_identity_pool: Callable[..., str]) -> None:
    with pytest.raises(ClientError) as excinfo:
        cognito_identity.get_id(IdentityPoolId="us-east-1:00000000-0000-0000-0000-000000000000",
                                Logins={provider(pool): token})
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        credentials(cognito_identity, make_identity_pool(pool, roles={}),
                    {provider(pool): token})
    assert error_of(excinfo)[0] == "InvalidIdentityPoolConfigurationException"


def test_role_mapping_rules_and_deny(local: Any, pool: PoolInfo, token: str,
                                     cognito_identity: Any,
                                     make_identity_pool: Callable[..., str]) -> None:
    key = f"{provider(pool)}:{pool.client_id}"

    def mapping(value: str, resolution: str) -> dict[str, Any]:
        rule = {"Claim": "email", "MatchType": "Equals", "Value": value, "RoleARN": OTHER_ROLE}
        return {key: {"Type": "Rules", "AmbiguousRoleResolution": resolution,
                      "RulesConfiguration": {"Rules": [rule]}}}

    logins = {provider(pool): token}

    def role_of(identity_pool: str) -> str:
        creds = credentials(cognito_identity, identity_pool, logins)["Credentials"]
        return str(sts_as(local, creds).get_caller_identity()["Arn"]).split("/")[1]

    matched = make_identity_pool(pool, role_mappings=mapping("alice@example.com", "Deny"))
    assert role_of(matched) == "pycognito-tests-other"
    fallback = make_identity_pool(pool, role_mappings=mapping("bob@example.com",
                                                              "AuthenticatedRole"))
    assert role_of(fallback) == "pycognito-tests-authenticated"
    denied = make_identity_pool(pool, role_mappings=mapping("bob@example.com", "Deny"))
    with pytest.raises(ClientError) as excinfo:
        credentials(cognito_identity, denied, logins)
    assert error_of(excinfo) == (
        "NotAuthorizedException",
        f"The ambiguous role mapping rules for: {provider(pool)} denied this request.")


def test_token_role_mapping_uses_the_groups_roles(
        local: Any, pool: PoolInfo, alice: UserInfo, cognito_idp: Any, cognito_identity: Any,
        make_identity_pool: Callable[..., str]) -> None:
    for name, role, precedence in (("admins", OTHER_ROLE, 1),
                                   ("users", AUTHENTICATED_ROLE, 2)):
        cognito_idp.create_group(UserPoolId=pool.pool_id, GroupName=name, RoleArn=role,
                                 Precedence=precedence)
        cognito_idp.admin_add_user_to_group(UserPoolId=pool.pool_id, Username="alice",
                                            GroupName=name)
    token = id_token(cognito_idp, pool, alice)
    key = f"{provider(pool)}:{pool.client_id}"
    identity_pool = make_identity_pool(pool, role_mappings={key: {
        "Type": "Token", "AmbiguousRoleResolution": "Deny"}})
    logins = {provider(pool): token}

    def role_of(**extra: Any) -> str:
        creds = credentials(cognito_identity, identity_pool, logins, **extra)["Credentials"]
        return str(sts_as(local, creds).get_caller_identity()["Arn"]).split("/")[1]

    assert role_of() == "pycognito-tests-other"  # cognito:preferred_role: lowest precedence
    assert role_of(CustomRoleArn=AUTHENTICATED_ROLE) == "pycognito-tests-authenticated"
    with pytest.raises(ClientError) as excinfo:
        role_of(CustomRoleArn="arn:aws:iam::123456789012:role/not-in-the-token")
    assert error_of(excinfo)[0] == "InvalidParameterException"


def test_assume_role_with_web_identity_checks_the_token(
        local: Any, pool: PoolInfo, token: str, cognito_identity: Any,
        make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)
    logins = {provider(pool): token}
    identity = cognito_identity.get_id(IdentityPoolId=identity_pool, Logins=logins)
    open_id = cognito_identity.get_open_id_token(IdentityId=identity["IdentityId"],
                                                 Logins=logins)["Token"]
    sts = local.client(service_name="sts")

    def assume(web_token: str, role: str = AUTHENTICATED_ROLE) -> dict[str, Any]:
        return dict(sts.assume_role_with_web_identity(
            RoleArn=role, RoleSessionName="alice", WebIdentityToken=web_token))

    result = assume(open_id)
    assert result["SubjectFromWebIdentityToken"] == identity["IdentityId"]
    assert result["AssumedRoleUser"]["Arn"].endswith(":assumed-role/"
                                                      "pycognito-tests-authenticated/alice")
    caller = sts_as(local, result["Credentials"], "SecretAccessKey").get_caller_identity()
    assert caller["Arn"] == result["AssumedRoleUser"]["Arn"]
    refusals = [
        (lambda: assume(_forge(open_id, aud="us-east-1:another")), "InvalidIdentityToken"),
        (lambda: assume(token), "InvalidIdentityToken"),  # a user pool token is no OpenID token
        (lambda: assume(open_id, OTHER_ROLE), "AccessDenied"),  # not a role of the pool
    ]
    for call, code in refusals:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[0] == code
    local.advance_clock(601)
    with pytest.raises(ClientError) as excinfo:
        assume(open_id)
    assert error_of(excinfo)[0] == "ExpiredTokenException"


def test_identity_calls_are_logged_without_secrets(
        local: Any, pool: PoolInfo, token: str, cognito_identity: Any,
        make_identity_pool: Callable[..., str]) -> None:
    credentials(cognito_identity, make_identity_pool(pool), {provider(pool): token})
    assert [c.operation for c in local.calls("GetCredentialsForIdentity")] == [
        "GetCredentialsForIdentity"]
    assert token not in json.dumps([c.to_json() for c in local.calls()])


def test_unauthenticated_identities_only_where_allowed(
        local: Any, pool: PoolInfo, cognito_identity: Any,
        make_identity_pool: Callable[..., str]) -> None:
    guest_role = "arn:aws:iam::123456789012:role/pycognito-tests-guest"
    open_pool = make_identity_pool(pool, allow_unauthenticated=True,
                                   roles={"unauthenticated": guest_role})
    identity = cognito_identity.get_id(IdentityPoolId=open_pool)["IdentityId"]
    creds = cognito_identity.get_credentials_for_identity(IdentityId=identity)["Credentials"]
    assert "/pycognito-tests-guest/" in sts_as(local, creds).get_caller_identity()["Arn"]
    with pytest.raises(ClientError) as excinfo:
        cognito_identity.get_id(IdentityPoolId=make_identity_pool(pool))
    assert error_of(excinfo) == ("NotAuthorizedException",
                                 "Unauthenticated access is not supported for this identity pool.")
