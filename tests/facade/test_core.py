"""Construction, the shared lazy client, ``switch_session``, URLs, bad input, cheap import."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import boto3
import pytest

from pycognito import Cognito, GroupObj, UserObj, WarrantException
from pycognito.exceptions import InvalidTypeError, InvalidValueError, MissingValueError

from ..conftest import PoolInfo
from .conftest import CognitoFactory, client_kwargs

POOL = "eu-west-1_AbC123"


def test_defaults_from_the_pool_id() -> None:
    u = Cognito(POOL, "client-1")
    assert u.user_pool_region == "eu-west-1"
    assert u.username is None
    for name in ("id_token", "access_token", "refresh_token", "token_type", "expires_in",
                 "expires_datetime", "id_claims", "access_claims", "mfa_tokens",
                 "client_secret"):
        assert getattr(u, name) is None
    assert u.base_attributes == {} and u.custom_attributes == {}
    assert Cognito.user_class is UserObj and Cognito.group_class is GroupObj
    assert Cognito(POOL, "c", user_pool_region="us-west-2").user_pool_region == "us-west-2"


def test_construction_makes_no_client_and_clients_are_shared(pool: PoolInfo) -> None:
    kwargs = client_kwargs(pool)
    a = Cognito(pool.pool_id, pool.client_id, boto3_client_kwargs=kwargs, access_token="x.y.z")
    b = Cognito(pool.pool_id, pool.client_id, boto3_client_kwargs=kwargs)
    assert a._client is None and b._client is None
    assert a.client is b.client
    assert a.client.meta.endpoint_url == pool.endpoint_url
    other = Cognito(pool.pool_id, pool.client_id, user_pool_region="us-west-2",
                    boto3_client_kwargs=kwargs)
    assert other.client is not a.client
    assert other.client.meta.region_name == "us-west-2"


def test_boto3_client_kwargs_are_not_mutated(pool: PoolInfo) -> None:
    kwargs = client_kwargs(pool)
    before = dict(kwargs)
    u = Cognito(pool.pool_id, pool.client_id, boto3_client_kwargs=kwargs,
                access_key="AKIDEXAMPLE", secret_key="not-a-real-secret")
    u.client  # noqa: B018 - creates the client
    assert kwargs == before


def test_client_can_be_replaced(pool: PoolInfo) -> None:
    u = Cognito(pool.pool_id, pool.client_id)
    replacement = boto3.client("cognito-idp", region_name="us-east-1",
                               endpoint_url=pool.endpoint_url)
    u.client = replacement
    assert u.client is replacement


def test_switch_session_keeps_region_and_client_kwargs(pool: PoolInfo,
                                                        make_cognito: CognitoFactory) -> None:
    u = make_cognito(user_pool_region="us-east-1")
    first = u.client
    u.switch_session(boto3.Session(region_name="eu-central-1"))
    assert u.client is not first
    assert u.client.meta.region_name == "us-east-1"
    assert u.client.meta.endpoint_url == pool.endpoint_url
    assert u.get_groups() == []  # the new client reaches the local server


def test_user_pool_url_and_issuer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    aws = f"https://cognito-idp.eu-west-1.amazonaws.com/{POOL}"
    assert Cognito(POOL, "c").user_pool_url == aws
    local = Cognito(POOL, "c", boto3_client_kwargs={"endpoint_url": "http://127.0.0.1:9/"})
    assert local.user_pool_url == f"http://127.0.0.1:9/{POOL}"
    assert local.issuer == aws
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:8")
    assert Cognito(POOL, "c").user_pool_url == f"http://127.0.0.1:8/{POOL}"


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((None, "c"), {}, InvalidValueError),
        (("nounderscore", "c"), {}, InvalidValueError),
        ((POOL, ""), {}, InvalidValueError),
        ((POOL, 5), {}, InvalidValueError),
        ((POOL, "c"), {"username": 42}, InvalidTypeError),
        ((POOL, "c"), {"access_token": b"bytes"}, InvalidTypeError),
        ((POOL, "c"), {"boto3_client_kwargs": ["endpoint_url"]}, InvalidTypeError),
        ((POOL, "c"), {"device_key": "k"}, MissingValueError),
    ],
)
def test_bad_constructor_arguments(args: tuple[Any, ...], kwargs: dict[str, Any],
                                   error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        Cognito(*args, **kwargs)
    assert isinstance(info.value, WarrantException)
    assert isinstance(info.value, (ValueError, TypeError))


def test_missing_values_are_named_before_any_call(local: Any, make_cognito: CognitoFactory) -> None:
    u = make_cognito()
    local.clear_calls()
    with pytest.raises(MissingValueError, match="username") as info:
        u.authenticate("pw")
    assert info.value.missing == "username"
    with pytest.raises(MissingValueError, match="access token") as info:
        u.get_user()
    assert info.value.missing == "access_token"
    for call in (u.check_token, u.renew_access_token, u.logout, u.verify_tokens,
                 u.initiate_forgot_password, u.admin_get_user, u.list_devices):
        with pytest.raises(MissingValueError):
            call()
    with pytest.raises(TypeError):
        make_cognito(username="bob").authenticate(123)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="password"):
        make_cognito(username="bob").authenticate("")
    assert local.calls() == []


def test_import_does_not_import_boto3() -> None:
    code = textwrap.dedent(
        """
        import sys
        import pycognito
        from pycognito import Cognito
        u = Cognito("eu-west-1_AbC123", "client", id_token="a.b.c", access_token="a.b.c",
                    refresh_token="r")
        assert "boto3" not in sys.modules, "boto3 was imported"
        assert "botocore" not in sys.modules, "botocore was imported"
        u.client
        assert "boto3" in sys.modules
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env={"AWS_DEFAULT_REGION": "eu-west-1", "PATH": ""})
    assert result.returncode == 0, result.stderr


def test_wrong_types_fail_up_front_before_any_client_exists() -> None:
    with pytest.raises(InvalidTypeError, match="session"):
        Cognito("us-east-1_abc", "client", session=5)
    with pytest.raises(InvalidTypeError, match="botocore_config"):
        Cognito("us-east-1_abc", "client", botocore_config={"read_timeout": 3})
    u = Cognito("us-east-1_abc", "client", username="bob")
    for call in (lambda: u.confirm_sign_up(123456),  # type: ignore[arg-type]
                 lambda: u.admin_add_user_to_group("bob", 5),  # type: ignore[arg-type]
                 lambda: u.confirm_forgot_password(None, "pw")):  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError):
            call()
    assert u._client is None  # refused before a boto3 client was made


def test_challenge_parameters_that_are_not_a_mapping_are_a_typed_error() -> None:
    from pycognito.aws_srp import AWSSRP

    class NotBoto3:
        def initiate_auth(self, **kwargs: object) -> dict[str, object]:
            return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": ["x"]}

    srp = AWSSRP("bob", "pw", "us-east-1_abc", "client", client=NotBoto3())
    with pytest.raises(InvalidTypeError, match="ChallengeParameters"):
        srp.authenticate_user()


@pytest.mark.parametrize(("answer", "named"), [
    (["x"], "answer must be a mapping"), (None, "answer must be a mapping"),
    ({"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
        "SRP_B": "ab", "SALT": "ab", "SECRET_BLOCK": "eA==", "USER_ID_FOR_SRP": 5}},
     "map strings to strings"),
])
def test_answers_of_the_wrong_shape_are_a_typed_error(answer: object, named: str) -> None:
    """A client that is not boto3 may answer anything: no AttributeError from deep inside."""
    from pycognito.aws_srp import AWSSRP

    class NotBoto3:
        def initiate_auth(self, **kwargs: object) -> object:
            return answer

    srp = AWSSRP("bob", "pw", "us-east-1_abc", "client", client=NotBoto3())
    with pytest.raises(InvalidTypeError, match=named):
        srp.authenticate_user()
