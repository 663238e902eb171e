"""``get_aws_credentials`` and ``boto3_session`` on the local Cognito, on both drivers
(``Cognito`` and ``AsyncCognito``) where the method is the same call."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timezone
from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pycognito import Cognito
from pycognito.aio import AsyncCognito, close_connections
from pycognito.exceptions import (
    IdentityPoolConfigurationError,
    IdentityPoolNotFoundError,
    IdentityProviderNotAllowedError,
    InvalidTypeError,
    InvalidValueError,
    MissingValueError,
    RoleMappingDeniedError,
)

from ..conftest import AUTHENTICATED_ROLE, PoolInfo, UserInfo
from .conftest import CognitoFactory, client_kwargs

ROLE_NAME = AUTHENTICATED_ROLE.rsplit("/", 1)[1]


def refreshes(local: Any) -> int:
    return len(local.calls("InitiateAuth", auth_flow="REFRESH_TOKEN_AUTH"))


def test_credentials_for_the_logged_in_user(local: Any, logged_in_either: Cognito, pool: PoolInfo,
                                            make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)
    creds = logged_in_either.get_aws_credentials(identity_pool)
    assert set(creds) == {"AccessKeyId", "SecretKey", "SessionToken", "Expiration",
                          "IdentityId"}
    assert creds["Expiration"].tzinfo is not None
    remaining = (creds["Expiration"] - datetime.now(timezone.utc)).total_seconds()
    assert 3500 < remaining <= 3600
    again = logged_in_either.get_aws_credentials(identity_pool)
    assert again["IdentityId"] == creds["IdentityId"]
    assert again["AccessKeyId"] != creds["AccessKeyId"]
    assert len(local.calls("GetId")) == 1  # the identity id is remembered per user and pool
    assert len(local.calls("GetCredentialsForIdentity")) == 2


def test_expiration_is_on_our_clock_when_the_clocks_disagree(
        logged_in_either: Cognito, pool: PoolInfo, move_clocks: Callable[..., None],
        make_identity_pool: Callable[..., str]) -> None:
    from pycognito import _clock

    identity_pool = make_identity_pool(pool)
    move_clocks(0, skew=-600)  # our clock ten minutes behind Cognito's
    creds = logged_in_either.get_aws_credentials(identity_pool)
    remaining = creds["Expiration"].timestamp() - _clock.now()
    assert 3500 < remaining <= 3601  # not 4200 (the Date header is read to the second)


def test_an_id_token_alone_is_enough(logged_in: Cognito, pool: PoolInfo,
                                     make_either: CognitoFactory,
                                     make_identity_pool: Callable[..., str]) -> None:
    u = make_either(id_token=logged_in.id_token)  # e.g. a token a browser sent to a backend
    assert u.get_aws_credentials(make_identity_pool(pool))["AccessKeyId"]


def test_the_id_token_is_renewed_first_when_stale(
        local: Any, logged_in_either: Cognito, pool: PoolInfo, move_clocks: Callable[..., None],
        make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)
    old_id_token = logged_in_either.id_token
    move_clocks(3590)  # within a minute of the tokens' expiry
    creds = logged_in_either.get_aws_credentials(identity_pool)
    assert creds["AccessKeyId"]
    assert refreshes(local) == 1
    assert logged_in_either.id_token != old_id_token


def test_an_id_token_shorter_lived_than_the_access_token_is_renewed(
        local: Any, make_pool: Callable[..., PoolInfo], make_user: Callable[..., Any],
        make_either: CognitoFactory, move_clocks: Callable[..., None],
        make_identity_pool: Callable[..., str]) -> None:
    short = make_pool(token_validity={"IdToken": (10, "minutes"), "AccessToken": (1, "hours")})
    user = make_user(short, "carol")
    cognito = make_either(short, username="carol")
    cognito.authenticate(user.password)
    identity_pool = make_identity_pool(short)
    move_clocks(11 * 60)  # the access token is fresh, the id token expired
    assert cognito.get_aws_credentials(identity_pool)["AccessKeyId"]
    assert refreshes(local) == 1


def test_basic_flow_through_sts(local: Any, logged_in_either: Cognito, pool: PoolInfo,
                                make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)
    creds = logged_in_either.get_aws_credentials(identity_pool, role_arn=AUTHENTICATED_ROLE)
    assert creds["SecretKey"]
    assert [c.operation for c in local.calls() if c.operation in (
        "GetId", "GetOpenIdToken", "AssumeRoleWithWebIdentity", "GetCredentialsForIdentity")
    ] == ["GetId", "GetOpenIdToken", "AssumeRoleWithWebIdentity"]
    with pytest.raises(ClientError) as refused:  # STS's XML error, as boto3 parses it
        logged_in_either.get_aws_credentials(
            identity_pool, role_arn="arn:aws:iam::123456789012:role/not-handed-out")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"


def test_custom_role_arn_picks_a_role_of_the_token(
        local: Any, make_cognito: Callable[..., Cognito], alice: Any, pool: PoolInfo,
        cognito_idp: Any, make_identity_pool: Callable[..., str]) -> None:
    other = "arn:aws:iam::123456789012:role/pycognito-tests-other"
    for name, role, precedence in (("admins", other, 1), ("users", AUTHENTICATED_ROLE, 2)):
        cognito_idp.create_group(UserPoolId=pool.pool_id, GroupName=name, RoleArn=role,
                                 Precedence=precedence)
        cognito_idp.admin_add_user_to_group(UserPoolId=pool.pool_id, Username=alice.username,
                                            GroupName=name)
    u = make_cognito(username=alice.username)
    u.authenticate(alice.password)
    key = f"cognito-idp.{pool.region}.amazonaws.com/{pool.pool_id}:{pool.client_id}"
    identity_pool = make_identity_pool(pool, role_mappings={key: {
        "Type": "Token", "AmbiguousRoleResolution": "Deny"}})
    session = u.boto3_session(identity_pool, custom_role_arn=AUTHENTICATED_ROLE)
    arn = session.client("sts", endpoint_url=local.endpoint_url).get_caller_identity()["Arn"]
    assert f"/{ROLE_NAME}/" in arn  # not the preferred role (admins, precedence 1)


def test_typed_errors(local: Any, logged_in_either: Cognito, pool: PoolInfo,
                      make_pool: Callable[..., PoolInfo],
                      make_identity_pool: Callable[..., str]) -> None:
    with pytest.raises(IdentityPoolNotFoundError) as missing:
        logged_in_either.get_aws_credentials("us-east-1:00000000-0000-0000-0000-000000000000")
    assert missing.value.code == "ResourceNotFoundException"
    with pytest.raises(IdentityProviderNotAllowedError):
        logged_in_either.get_aws_credentials(make_identity_pool(make_pool(pool_name="other")))
    with pytest.raises(IdentityPoolConfigurationError):
        logged_in_either.get_aws_credentials(make_identity_pool(pool, roles={}))
    deny = {f"cognito-idp.{pool.region}.amazonaws.com/{pool.pool_id}:{pool.client_id}": {
        "Type": "Rules", "AmbiguousRoleResolution": "Deny",
        "RulesConfiguration": {"Rules": [{"Claim": "email", "MatchType": "Equals",
                                          "Value": "nobody@example.com",
                                          "RoleARN": AUTHENTICATED_ROLE}]}}}
    with pytest.raises(RoleMappingDeniedError) as denied:
        logged_in_either.get_aws_credentials(make_identity_pool(pool, role_mappings=deny))
    assert "refused this user" in str(denied.value)


def test_bad_arguments_are_refused_before_any_call(local: Any, logged_in_either: Cognito,
                                                   make_either: CognitoFactory) -> None:
    with pytest.raises(InvalidValueError):
        logged_in_either.get_aws_credentials("not-a-pool-id")
    with pytest.raises(InvalidTypeError):
        logged_in_either.get_aws_credentials(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError):
        logged_in_either.get_aws_credentials("us-east-1:0a1b", role_arn=AUTHENTICATED_ROLE,
                                      custom_role_arn=AUTHENTICATED_ROLE)
    with pytest.raises(InvalidValueError):
        logged_in_either.boto3_session("us-east-1:0a1b", aws_access_key_id="x")
    with pytest.raises(MissingValueError):
        make_either().get_aws_credentials("us-east-1:0a1b")
    assert not [c for c in local.calls() if c.operation.startswith("Get")]


def _sts(cognito: Cognito, identity_pool: str, local: Any) -> Any:
    return cognito.boto3_session(identity_pool).client("sts", endpoint_url=local.endpoint_url)


def test_boto3_session_renews_across_an_expiry(
        local: Any, logged_in: Cognito, pool: PoolInfo, move_clocks: Callable[..., None],
        make_identity_pool: Callable[..., str]) -> None:
    sts = _sts(logged_in, make_identity_pool(pool), local)
    assert not local.calls("GetCredentialsForIdentity")  # nothing happens until first use
    first = sts.get_caller_identity()
    assert f"assumed-role/{ROLE_NAME}/" in first["Arn"]
    move_clocks(3600 + 60)  # the credentials and the user's tokens have expired
    second = sts.get_caller_identity()
    assert second["Arn"] == first["Arn"]
    assert len(local.calls("GetCredentialsForIdentity")) == 2
    assert refreshes(local) == 1


def test_boto3_session_through_sts_when_asked(
        local: Any, logged_in: Cognito, pool: PoolInfo, move_clocks: Callable[..., None],
        make_identity_pool: Callable[..., str]) -> None:
    session = logged_in.boto3_session(make_identity_pool(pool), role_arn=AUTHENTICATED_ROLE)
    sts = session.client("sts", endpoint_url=local.endpoint_url)
    arn = sts.get_caller_identity()["Arn"]
    assert arn.endswith(f":assumed-role/{ROLE_NAME}/CognitoIdentityCredentials")
    move_clocks(3600 + 60)  # expired: renewed through the basic flow again
    assert sts.get_caller_identity()["Arn"] == arn
    assert len(local.calls("AssumeRoleWithWebIdentity")) == 2
    assert not local.calls("GetCredentialsForIdentity")


def test_threads_sharing_a_session_make_one_renewal(
        local: Any, logged_in: Cognito, pool: PoolInfo, move_clocks: Callable[..., None],
        make_identity_pool: Callable[..., str]) -> None:
    sts = _sts(logged_in, make_identity_pool(pool), local)
    sts.get_caller_identity()
    move_clocks(3600 + 60)
    local.clear_calls()
    barrier = threading.Barrier(16)
    arns: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            arns.append(sts.get_caller_identity()["Arn"])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert len(arns) == 16
    assert len(local.calls("GetCredentialsForIdentity")) == 1
    assert refreshes(local) == 1


# -- AsyncCognito.boto3_session: boto3 in worker threads, renewals on the loop ---------------------


def test_async_boto3_session_renews_on_the_loop_for_worker_threads(
        local: Any, pool: PoolInfo, alice: UserInfo, move_clocks: Callable[..., None],
        make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)

    async def main() -> tuple[str, list[str]]:
        async with AsyncCognito(pool.pool_id, pool.client_id, username=alice.username,
                                client_secret=pool.client_secret,
                                boto3_client_kwargs=client_kwargs(pool)) as user:
            await user.authenticate(alice.password)
            sts = user.boto3_session(identity_pool).client("sts",
                                                           endpoint_url=local.endpoint_url)
            first = await asyncio.to_thread(sts.get_caller_identity)
            move_clocks(3600 + 60)  # the credentials and the user's tokens have expired
            local.clear_calls()
            calls = [asyncio.to_thread(sts.get_caller_identity) for _ in range(8)]
            arns = [reply["Arn"] for reply in await asyncio.gather(*calls)]
        await close_connections()
        return first["Arn"], arns

    first, arns = asyncio.run(main())
    assert f"assumed-role/{ROLE_NAME}/" in first
    assert arns == [first] * 8
    assert len(local.calls("GetCredentialsForIdentity")) == 1  # one renewal for the threads
    assert refreshes(local) == 1


def test_async_boto3_session_refuses_to_block_the_loop(
        local: Any, pool: PoolInfo, alice: UserInfo,
        make_identity_pool: Callable[..., str]) -> None:
    identity_pool = make_identity_pool(pool)
    user = AsyncCognito(pool.pool_id, pool.client_id, username=alice.username,
                        client_secret=pool.client_secret,
                        boto3_client_kwargs=client_kwargs(pool))
    with pytest.raises(RuntimeError, match="called on the event loop"):
        user.boto3_session(identity_pool)  # no loop here to renew on

    async def main() -> None:
        await user.authenticate(alice.password)
        sts = user.boto3_session(identity_pool).client("sts", endpoint_url=local.endpoint_url)
        local.clear_calls()
        with pytest.raises(RuntimeError, match="worker thread"):
            sts.get_caller_identity()  # on the loop's thread: it would wait for the loop
        await user.aclose()
        await close_connections()

    asyncio.run(main())
    assert not local.calls("GetCredentialsForIdentity")
