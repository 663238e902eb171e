"""The front door: malformed requests get a 4xx with an AWS-style ``__type``, never moto."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest
import requests
from botocore.exceptions import ClientError

from pycognito.local import LocalCognito
from pycognito.local._validation import MAX_BODY_BYTES

from ..conftest import PoolInfo, UserFactory

TARGET = "AWSCognitoIdentityProviderService."


def _post(local: LocalCognito, operation: Optional[str], body: Any,
          **headers: str) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    if operation is not None:
        headers.setdefault("X-Amz-Target", TARGET + operation)
    headers.setdefault("Content-Type", "application/x-amz-json-1.1")
    return requests.post(local.endpoint_url + "/", data=data, headers=headers, timeout=30)


def _error(response: requests.Response) -> tuple[int, str, str]:
    payload = response.json()
    return response.status_code, payload["__type"], payload["message"]


@pytest.mark.parametrize(("params", "code", "where"), [
    ({"Password": 1}, "SerializationException", "Password"),
    ({"Username": ["bob"]}, "SerializationException", "Username"),
    ({"UserAttributes": {"email": "x"}}, "SerializationException", "UserAttributes"),
    ({"UserAttributes": [{"Name": "email", "Value": 5}]}, "SerializationException",
     "UserAttributes[0].Value"),
    ({"Username": "bo\udcffb"}, "InvalidParameterException", "Username"),
    ({"Password": "x" * 257}, "InvalidParameterException", "Password"),
])
def test_wrong_types_surrogates_and_sizes_are_named(local: LocalCognito, pool: PoolInfo,
                                                    params: dict[str, Any], code: str,
                                                    where: str) -> None:
    request = {"ClientId": pool.client_id, "Username": "bob", "Password": "Secret-Pass-1"}
    request.update(params)
    status, got, message = _error(_post(local, "SignUp", request))
    assert (status, got) == (400, code)
    assert where in message and "Secret" not in message
    assert [c.operation for c in local.calls()][-1:] == ["SignUp"]  # logged, then refused


def test_a_surrogate_username_never_becomes_a_user(local: LocalCognito, pool: PoolInfo,
                                                   cognito_idp: Any) -> None:
    with pytest.raises(ClientError) as error:
        cognito_idp.sign_up(ClientId=pool.client_id, Username="ev\udcffe", Password="Pass-word-1")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert cognito_idp.list_users(UserPoolId=pool.pool_id)["Users"] == []


def test_surrogates_in_auth_parameters_are_refused(local: LocalCognito, pool: PoolInfo,
                                                   make_user: UserFactory) -> None:
    user = make_user(pool)
    for name in ("USERNAME", "PASSWORD", "SECRET_HASH"):
        params = {"USERNAME": user.username, "PASSWORD": user.password, name: "\ud800"}
        status, code, message = _error(_post(local, "InitiateAuth", {
            "AuthFlow": "USER_PASSWORD_AUTH", "ClientId": pool.client_id,
            "AuthParameters": params}))
        assert (status, code) == (400, "InvalidParameterException")
        assert f"AuthParameters.{name}" in message and user.password not in message


def test_a_huge_srp_a_is_refused(local: LocalCognito, pool: PoolInfo) -> None:
    request = {"AuthFlow": "USER_SRP_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "bob", "SRP_A": "ab" * 70_000}}
    assert _error(_post(local, "InitiateAuth", request))[:2] == (400,
                                                                 "InvalidParameterException")
    for size in (600_000, 5_000_000, 10_000_000):  # 1.2, 10 and 20 MB: refused unread
        request["AuthParameters"]["SRP_A"] = "ab" * size
        assert _error(_post(local, "InitiateAuth", request))[:2] == (
            413, "RequestEntityTooLargeException")
    assert MAX_BODY_BYTES == 1 << 20


@pytest.mark.parametrize(("body", "why"), [
    (b"[" * 100_000, "nested too deeply"),
    (b"\xff\xfe", "not UTF-8"),
    (b"[]", "must be a JSON object"),
    (b'{"MaxResults": NaN}', "not valid JSON"),
    (b'{"MaxResults": 1', "not valid JSON"),
])
def test_garbage_bodies(local: LocalCognito, body: bytes, why: str) -> None:
    status, code, message = _error(_post(local, "ListUserPools", body))
    assert (status, code) == (400, "SerializationException") and why in message


@pytest.mark.parametrize("target", ["garbage", TARGET + "NoSuchThing", TARGET,
                                    "DynamoDB_20120810.ListTables"])
def test_unknown_targets(local: LocalCognito, target: str) -> None:
    response = _post(local, None, {"MaxResults": 1}, **{"X-Amz-Target": target})
    assert _error(response)[:2] == (400, "UnknownOperationException")


def test_only_cognito_is_served(local: LocalCognito, cognito_idp: Any) -> None:
    cognito_idp.create_user_pool(PoolName="kept")
    for method, path in (("GET", "/"), ("GET", "/?list-type=2"), ("POST", "/moto-api/reset")):
        response = requests.request(method, local.endpoint_url + path, timeout=30)
        assert _error(response)[:2] == (400, "UnknownOperationException")
        assert "ListAllMyBucketsResult" not in response.text
    signed_for_s3 = ("AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/s3/aws4_request, "
                     "SignedHeaders=host, Signature=0")
    response = _post(local, "ListUserPools", {"MaxResults": 1}, Authorization=signed_for_s3)
    assert _error(response)[:2] == (400, "InvalidSignatureException")
    assert len(cognito_idp.list_user_pools(MaxResults=5)["UserPools"]) == 1  # not reset


def test_an_operation_moto_lacks_is_a_400(local: LocalCognito, pool: PoolInfo) -> None:
    response = _post(local, "DescribeManagedLoginBranding",
                     {"UserPoolId": pool.pool_id, "ManagedLoginBrandingId": "x"})
    assert _error(response)[:2] == (400, "UnsupportedOperationException")


def test_missing_required_parameters(local: LocalCognito) -> None:
    status, code, message = _error(_post(local, "InitiateAuth", {"AuthFlow": "USER_SRP_AUTH"}))
    assert (status, code) == (400, "InvalidParameterException") and "ClientId" in message


def test_operations_moto_gets_wrong_are_answered(local: LocalCognito, pool: PoolInfo,
                                                 cognito_idp: Any) -> None:
    with pytest.raises(ClientError) as error:
        cognito_idp.list_resource_servers(UserPoolId="us-east-1_nothere", MaxResults=5)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    response = _post(local, "AddCustomAttributes", {"UserPoolId": pool.pool_id,
                                                    "CustomAttributes": [{}]})
    assert _error(response)[:2] == (400, "InvalidParameterException")


def test_identity_pool_operations_moto_gets_wrong_are_answered(local: LocalCognito) -> None:
    import boto3

    identity = boto3.client("cognito-identity", region_name="us-east-1",
                            endpoint_url=local.endpoint_url)
    with pytest.raises(ClientError) as error:
        identity.list_identities(IdentityPoolId="us-east-1:nothere", MaxResults=5)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    response = _post(local, None, {"IdentityPoolId": ["not", "a", "string"]},
                     **{"X-Amz-Target": "AWSCognitoIdentityService.GetId"})
    assert _error(response)[:2] == (400, "SerializationException")


def test_sts_form_posts_are_checked(local: LocalCognito) -> None:
    signed = ("AWS4-HMAC-SHA256 Credential=t/20260101/us-east-1/sts/aws4_request, "
              "SignedHeaders=host, Signature=0")
    form = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": signed}
    for body, code in ((b"Action=NoSuchAction&Version=2011-06-15", "InvalidAction"),
                       (b"Action=AssumeRole&Version=2011-06-15", "MissingParameter"),
                       (b"Action=AssumeRole&RoleArn=\xff&Version=2011-06-15", "MalformedInput")):
        response = requests.post(local.endpoint_url + "/", data=body, headers=form, timeout=30)
        assert response.status_code == 400 and f"<Code>{code}</Code>" in response.text
