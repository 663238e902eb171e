"""The dispatcher: our handlers, moto's own answers, refusals; and moto left as it ships."""

from __future__ import annotations

import inspect
import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from pycognito.local import LocalCognito, _dispatch, _moto, _registry


def _post(local: LocalCognito, target: str, body: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        local.endpoint_url, data=body, method="POST",
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_every_handler_module_is_registered_without_a_list() -> None:
    handlers = _registry.handlers()
    # one operation from each handler module
    for name in ("InitiateAuth", "SignUp", "ConfirmDevice", "AssociateSoftwareToken", "GetUser"):
        assert name in handlers
    assert "ListUsers" not in handlers  # answered by moto


def test_one_operation_cannot_get_two_handlers() -> None:
    with pytest.raises(RuntimeError, match="two handlers for GetUser"):
        _registry.operation("GetUser")(lambda request: {})


def test_unknown_targets_and_bad_bodies_are_refused(local: LocalCognito) -> None:
    status, body = _post(local, "AmazonSSM.GetParameter", b"{}")
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, body = _post(local, "AWSCognitoIdentityProviderService.ListUserPools", b"{nope")
    assert (status, body["__type"]) == (400, "SerializationException")
    assert local.calls()[-1].operation == "ListUserPools"


@pytest.mark.parametrize("service, call", [
    ("iam", lambda client: client.list_roles()),
    ("sts", lambda client: client.assume_role_with_saml(  # unsigned: no identity pool use
        RoleArn="arn:aws:iam::123456789012:role/r",
        PrincipalArn="arn:aws:iam::123456789012:saml-provider/p", SAMLAssertion="x" * 20)),
])
def test_query_protocol_calls_not_served_get_an_error_their_client_reads(
        local: LocalCognito, service: str, call: Any) -> None:
    """A form-encoded ``Action`` call no service here answers is refused in XML, which the
    query-protocol clients parse (a JSON body was a ResponseParserError for them)."""
    from botocore.exceptions import ClientError

    client = local.client(service_name=service)
    with pytest.raises(ClientError) as refused:
        call(client)
    assert refused.value.response["Error"]["Code"] == "UnknownOperationException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_moto_answers_what_we_do_not_handle_and_its_errors_keep_their_code(
        local: LocalCognito) -> None:
    status, body = _post(local, "AWSCognitoIdentityProviderService.ListUsers",
                         b'{"UserPoolId": "us-east-1_nothere"}')
    assert status == 400 and body["__type"] == "ResourceNotFoundException"
    status, body = _post(local, "AWSCognitoIdentityProviderService.ListUserPools",
                         b'{"MaxResults": 5}')
    assert status == 200 and body == {"UserPools": []}


def test_the_services_are_one_list() -> None:
    assert _dispatch.service_for("AWSCognitoIdentityProviderService.GetUser") == (
        _dispatch.COGNITO_IDP, "GetUser")
    assert _dispatch.service_for("AWSCognitoIdentityProviderService.") is None
    assert [s.name for s in _dispatch.SERVICES] == ["cognito-idp", "cognito-identity", "sts"]


def test_mock_aws_in_the_same_process_gets_moto_as_it_ships(local: LocalCognito) -> None:
    import boto3
    from moto import mock_aws

    local.advance_clock(10 * 86400)
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="us-east-1")
        pool_id = idp.create_user_pool(PoolName="mocked")["UserPool"]["Id"]
        created = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["CreationDate"]
        # moto's own checks, not ours: an invalid rotation setting is accepted ...
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="c", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"],
            RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 999},
        )["UserPoolClient"]["ClientId"]
        idp.admin_create_user(UserPoolId=pool_id, Username="alice", TemporaryPassword="Pw1!aaaa")
        # ... and moto's SRP challenge (a 128-bit SRP_B; ours is a real 3072-bit one).
        challenge = idp.initiate_auth(ClientId=client_id, AuthFlow="USER_SRP_AUTH",
                                      AuthParameters={"USERNAME": "alice", "SRP_A": "ab" * 384})
    assert len(challenge["ChallengeParameters"]["SRP_B"]) <= 32
    # moto's clock is real time outside the local Cognito's requests (ours is 10 days ahead)
    assert abs(created.timestamp() - time.time()) < 3600
    # nothing of ours on moto's response class
    assert all(value.__module__.startswith("moto.")
               for value in vars(_moto.CognitoIdpResponse).values() if inspect.isfunction(value))


def test_moto_answers_are_written_as_aws_writes_them(local: LocalCognito, cognito_idp: Any,
                                                     make_pool: Any) -> None:
    pool = make_pool()
    cognito_idp.admin_create_user(UserPoolId=pool.pool_id, Username="alice")
    status, body = _post(local, "AWSCognitoIdentityProviderService.AdminSetUserPassword",
                         json.dumps({"UserPoolId": pool.pool_id, "Username": "alice",
                                     "Password": "Correct-Horse-9!", "Permanent": True}).encode())
    assert (status, body) == (200, {})  # an empty result is {}, never null
    status, body = _post(local, "AWSCognitoIdentityProviderService.ListUsers",
                         json.dumps({"UserPoolId": pool.pool_id}).encode())
    (user,) = body["Users"]
    assert isinstance(user["UserCreateDate"], (int, float))  # epoch seconds, as on AWS
    assert abs(user["UserCreateDate"] - local.now()) < 60
    assert "PaginationToken" not in body  # moto's None members are left out


def test_connections_are_kept_alive(local: LocalCognito) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", local.port, timeout=5)
    sockets = set()
    for _ in range(3):
        conn.request("POST", "/", body=b'{"MaxResults": 5}', headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/"
                             "cognito-idp/aws4_request, SignedHeaders=host, Signature=0"})
        answer = conn.getresponse()
        assert answer.status == 200 and "UserPools" in json.loads(answer.read())
        assert answer.getheader("Connection") != "close"
        sockets.add(id(conn.sock))
    conn.close()
    assert len(sockets) == 1


def test_a_null_map_value_is_an_absent_one(local: LocalCognito, cognito_idp: Any,
                                           make_pool: Any, make_user: Any) -> None:
    """amazon-cognito-identity-js refreshes with "DEVICE_KEY": null in any pool; AWS accepts."""
    pool = make_pool()
    user = make_user(pool)
    tokens = cognito_idp.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": user.password})["AuthenticationResult"]
    body = json.dumps({"ClientId": pool.client_id, "AuthFlow": "REFRESH_TOKEN_AUTH",
                       "AuthParameters": {"REFRESH_TOKEN": tokens["RefreshToken"],
                                          "DEVICE_KEY": None}}).encode()
    status, answer = _post(local, "AWSCognitoIdentityProviderService.InitiateAuth", body)
    assert status == 200 and answer["AuthenticationResult"]["AccessToken"]


def test_naive_datetimes_are_utc_whatever_the_local_zone(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    from datetime import datetime

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        _, _, body = _dispatch.json_reply(200, {"When": datetime(2026, 1, 1)})
    finally:
        monkeypatch.undo()
        time.tzset()
    assert json.loads(body) == {"When": 1767225600}


def _moto_as_it_ships(local: LocalCognito, target: str, params: dict[str, Any]
                      ) -> tuple[int, Any]:
    """moto's own answer (its generic setup and serialiser) on the local Cognito's state."""
    import io

    from pycognito.local._state import STATE

    body = json.dumps(params).encode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": str(local.port),
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
               "HTTP_HOST": f"127.0.0.1:{local.port}", "HTTP_X_AMZ_TARGET": target,
               "CONTENT_TYPE": "application/x-amz-json-1.1", "CONTENT_LENGTH": str(len(body)),
               "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/"
                                     "cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
               "wsgi.input": io.BytesIO(body)}
    with STATE.lock, _moto.our_request():
        status, _, content = _moto.CognitoIdpResponse.dispatch(
            _moto._ServerRequest(environ, body))
    return int(status), json.loads(content)


def _same_times(value: Any) -> Any:
    """Epoch seconds to the millisecond (moto's serialiser keeps microseconds)."""
    if isinstance(value, dict):
        return {k: _same_times(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_same_times(v) for v in value]
    return round(value, 3) if isinstance(value, float) else value


def test_forwarded_answers_are_moto_s_own(local: LocalCognito, cognito_idp: Any,
                                          make_pool: Any) -> None:
    """The forwarding's own request set-up and JSON writing answer as moto as it ships does:
    same parameters read, same backend, same members (None ones left out), same errors."""
    pool = make_pool()
    for name in ("alice", "albert", "bob"):
        cognito_idp.admin_create_user(
            UserPoolId=pool.pool_id, Username=name,
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
    cognito_idp.create_group(UserPoolId=pool.pool_id, GroupName="admins")
    cognito_idp.admin_add_user_to_group(UserPoolId=pool.pool_id, Username="bob",
                                        GroupName="admins")
    cases: list[tuple[str, dict[str, Any]]] = [
        ("ListUsers", {"UserPoolId": pool.pool_id}),
        ("ListUsers", {"UserPoolId": pool.pool_id, "Filter": 'username ^= "al"',
                       "AttributesToGet": ["email"]}),
        ("ListUsers", {"UserPoolId": pool.pool_id, "Limit": 2}),
        ("ListUsers", {"UserPoolId": pool.pool_id, "Filter": 'email = "null"'}),
        ("ListUsers", {"UserPoolId": "us-east-1_nothere"}),
        ("ListUsersInGroup", {"UserPoolId": pool.pool_id, "GroupName": "admins"}),
        ("AdminListGroupsForUser", {"UserPoolId": pool.pool_id, "Username": "bob"}),
        ("AdminListGroupsForUser", {"UserPoolId": pool.pool_id, "Username": "nobody"}),
        ("GetGroup", {"UserPoolId": pool.pool_id, "GroupName": "admins"}),
        ("DescribeUserPool", {"UserPoolId": pool.pool_id}),
        ("DescribeUserPoolClient", {"UserPoolId": pool.pool_id, "ClientId": pool.client_id}),
        ("ListGroups", {"UserPoolId": pool.pool_id}),
        ("ListUserPools", {"MaxResults": 60}),
        ("ListUserPoolClients", {"UserPoolId": pool.pool_id}),
    ]
    for operation, params in cases:
        assert operation not in _registry.handlers(), f"{operation} is not forwarded"
        target = f"AWSCognitoIdentityProviderService.{operation}"
        ours = _post(local, target, json.dumps(params).encode())
        shipped = _moto_as_it_ships(local, target, params)
        if ours[0] != 200:  # errors: same status and type (moto's text may say more)
            assert (ours[0], ours[1]["__type"]) == (shipped[0], shipped[1]["__type"]), operation
            continue
        assert "PaginationToken" not in params
        ours_body, shipped_body = _same_times(ours[1]), _same_times(shipped[1])
        for answer in (ours_body, shipped_body):
            answer.pop("PaginationToken", None)  # opaque, and new on each call
            answer.pop("NextToken", None)
        assert ours[0] == shipped[0], operation
        assert (json.dumps(ours_body, sort_keys=True)
                == json.dumps(shipped_body, sort_keys=True)), operation


def test_answers_are_written_as_their_output_shape() -> None:
    """Only the output shape's members, None ones left out, timestamps as epoch seconds."""
    from datetime import datetime, timezone

    from pycognito.local._shapes import answer_writer

    when = datetime(2026, 1, 2, 3, 4, 5, 678000)
    moto_answer = {"Users": [{"Username": "a", "UserPoolId": "not in the shape",
                              "UserCreateDate": when, "Enabled": True, "MFAOptions": None,
                              "Attributes": [{"Name": "email", "Value": "a@example.com",
                                              "Extra": 1}]}],
                   "PaginationToken": None}
    assert answer_writer("cognito-idp", "ListUsers")(moto_answer) == {
        "Users": [{"Username": "a", "UserCreateDate": 1767323045.678, "Enabled": True,
                   "Attributes": [{"Name": "email", "Value": "a@example.com"}]}]}
    aware = {"UserPool": {"Id": "p", "CreationDate": when.replace(tzinfo=timezone.utc),
                          "LambdaConfig": {}, "UserPoolTags": {"k": "v", "none": None}}}
    assert answer_writer("cognito-idp", "DescribeUserPool")(aware) == {
        "UserPool": {"Id": "p", "CreationDate": 1767323045.678, "LambdaConfig": {},
                     "UserPoolTags": {"k": "v"}}}
    odd = {"x": object()}
    assert answer_writer("cognito-idp", "NoSuchOperation")(odd) is odd
