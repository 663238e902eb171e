"""Lambda triggers on the local Cognito: the events AWS documents, their effects, their failures."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable

import jwt
import pytest
from botocore.exceptions import ClientError

from pycognito.local import LocalCognito
from pycognito.local._cli import _lambda_spec
from pycognito.verification import CognitoTokenVerifier

from ..conftest import DEFAULT_PASSWORD, PoolInfo, UserInfo
from .helpers import error_of

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def arn(name: str) -> str:
    return ARN + name


@pytest.fixture
def triggered(make_pool: Callable[..., PoolInfo]) -> Callable[..., PoolInfo]:
    """``triggered(PreSignUp="name", ...)``: a pool whose LambdaConfig names those functions."""

    def make(pre_token_version: str = "", **functions: str) -> PoolInfo:
        config: dict[str, Any] = {trigger: arn(name) for trigger, name in functions.items()}
        if pre_token_version:
            config["PreTokenGenerationConfig"] = {"LambdaVersion": pre_token_version,
                                                  "LambdaArn": config.pop("PreTokenGeneration")}
        return make_pool(pool_kwargs={"LambdaConfig": config})

    return make


def sign_up(idp: Any, pool: PoolInfo, username: str = "bob", **extra: Any) -> dict[str, Any]:
    return idp.sign_up(  # type: ignore[no-any-return]
        ClientId=pool.client_id, Username=username, Password=DEFAULT_PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}], **extra)


def password_login(idp: Any, pool: PoolInfo, username: str, password: str = DEFAULT_PASSWORD,
                   **extra: Any) -> dict[str, Any]:
    return idp.initiate_auth(  # type: ignore[no-any-return]
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password}, **extra)


def claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})  # type: ignore[no-any-return]


# -- registration and failures ------------------------------------------------------------------


def test_pre_sign_up_auto_confirms_and_verifies(local: LocalCognito, cognito_idp: Any,
                                                triggered: Callable[..., PoolInfo]) -> None:
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        assert context.invoked_function_arn == arn("presignup")
        assert context.get_remaining_time_in_millis() > 0
        event["response"]["autoConfirmUser"] = True
        event["response"]["autoVerifyEmail"] = True
        return event

    local.register_lambda(arn("presignup"), handler)
    pool = triggered(PreSignUp="presignup")
    answer = sign_up(cognito_idp, pool, ValidationData=[{"Name": "invite", "Value": "x1"}],
                     ClientMetadata={"source": "test"})
    assert answer["UserConfirmed"] is True and "CodeDeliveryDetails" not in answer
    assert local.messages(kind="sign_up") == []
    user = cognito_idp.admin_get_user(UserPoolId=pool.pool_id, Username="bob")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    [call] = local.lambda_invocations(trigger_source="PreSignUp_SignUp")
    event = call.event
    assert (event["userPoolId"], event["userName"], event["version"]) == (pool.pool_id, "bob", "1")
    assert event["callerContext"]["clientId"] == pool.client_id
    assert event["request"] == {"userAttributes": {"email": "bob@example.com"},
                                "validationData": {"invite": "x1"},
                                "clientMetadata": {"source": "test"}}
    assert event["response"] == {"autoConfirmUser": False, "autoVerifyPhone": False,
                                 "autoVerifyEmail": False}  # as sent, not as answered
    assert call.response is not None and call.response["autoConfirmUser"] is True


def test_a_failing_handler_is_user_lambda_validation_and_undoes_the_sign_up(
        local: LocalCognito, cognito_idp: Any, triggered: Callable[..., PoolInfo]) -> None:
    def refuse(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise ValueError("invitation required")

    local.register_lambda(arn("refuse"), refuse)
    pool = triggered(PreSignUp="refuse")
    with pytest.raises(ClientError) as caught:
        sign_up(cognito_idp, pool)
    assert error_of(caught) == ("UserLambdaValidationException",
                                "PreSignUp failed with error invitation required.")
    with pytest.raises(ClientError) as missing:
        cognito_idp.admin_get_user(UserPoolId=pool.pool_id, Username="bob")
    assert error_of(missing)[0] == "UserNotFoundException"
    assert local.lambda_invocations()[0].error == "ValueError: invitation required"


@pytest.mark.parametrize("flag", ["autoVerifyEmail", "autoVerifyPhone"])
def test_pre_sign_up_cannot_verify_what_the_user_lacks(
        flag: str, local: LocalCognito, cognito_idp: Any,
        triggered: Callable[..., PoolInfo]) -> None:
    """AWS's pre sign-up page: with ``autoVerifyEmail``/``autoVerifyPhone`` true the attribute
    must have a value, "otherwise an error will occur and the user will not be able to complete
    sign-up"."""

    def verify(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["autoConfirmUser"] = True
        event["response"][flag] = True
        return event

    local.register_lambda(arn("verify"), verify)
    pool = triggered(PreSignUp="verify")
    with pytest.raises(ClientError) as caught:
        cognito_idp.sign_up(ClientId=pool.client_id, Username="bob", Password=DEFAULT_PASSWORD,
                            UserAttributes=[{"Name": "name", "Value": "Bob"}])
    attribute = "email" if flag == "autoVerifyEmail" else "phone_number"
    assert error_of(caught) == (
        "InvalidLambdaResponseException",
        f"PreSignUp answered {flag} true for a user without {attribute}.")
    with pytest.raises(ClientError) as missing:
        cognito_idp.admin_get_user(UserPoolId=pool.pool_id, Username="bob")
    assert error_of(missing)[0] == "UserNotFoundException"
    # AWS ignores the response at AdminCreateUser: the same answer creates the user there.
    cognito_idp.admin_create_user(UserPoolId=pool.pool_id, Username="bob",
                                  MessageAction="SUPPRESS")
    user = cognito_idp.admin_get_user(UserPoolId=pool.pool_id, Username="bob")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_unknown_arn_and_unrecognisable_output(local: LocalCognito, cognito_idp: Any,
                                               triggered: Callable[..., PoolInfo]) -> None:
    pool = triggered(PreSignUp="nobody")
    with pytest.raises(ClientError) as caught:
        sign_up(cognito_idp, pool)
    code, message = error_of(caught)
    assert code == "UnexpectedLambdaException" and arn("nobody") in message
    local.register_lambda(arn("nobody"), lambda event, context: None)
    with pytest.raises(ClientError) as caught:
        sign_up(cognito_idp, pool, "carol")
    assert error_of(caught) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")
    local.unregister_lambda(arn("nobody"))


def test_post_confirmation_handler_may_call_the_local_cognito(
        local: LocalCognito, cognito_idp: Any, triggered: Callable[..., PoolInfo]) -> None:
    """The state lock is released while a handler runs, as Lambdas call Cognito back."""

    def add_to_group(event: dict[str, Any], context: Any) -> dict[str, Any]:
        local.client().admin_add_user_to_group(UserPoolId=event["userPoolId"],
                                               Username=event["userName"], GroupName="members")
        return event

    local.register_lambda(arn("welcome"), add_to_group)
    pool = triggered(PostConfirmation="welcome")
    cognito_idp.create_group(UserPoolId=pool.pool_id, GroupName="members")
    sign_up(cognito_idp, pool)
    cognito_idp.confirm_sign_up(ClientId=pool.client_id, Username="bob",
                                ConfirmationCode=local.last_code(kind="sign_up"))
    groups = cognito_idp.admin_list_groups_for_user(UserPoolId=pool.pool_id, Username="bob")
    assert [g["GroupName"] for g in groups["Groups"]] == ["members"]
    [call] = local.lambda_invocations()
    assert call.trigger_source == "PostConfirmation_ConfirmSignUp"
    assert call.event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"


# -- sign-in ------------------------------------------------------------------------------------


def test_pre_and_post_authentication(local: LocalCognito, cognito_idp: Any,
                                     triggered: Callable[..., PoolInfo],
                                     make_user: Callable[..., UserInfo]) -> None:
    def gate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if event["request"]["validationData"].get("ok") != "yes":
            raise PermissionError("not today")
        return event

    local.register_lambda(arn("gate"), gate)
    local.register_lambda(arn("after"), lambda event, context: event)
    pool = triggered(PreAuthentication="gate", PostAuthentication="after")
    make_user(pool, "dora")
    with pytest.raises(ClientError) as caught:
        password_login(cognito_idp, pool, "dora")
    assert error_of(caught) == ("UserLambdaValidationException",
                                "PreAuthentication failed with error not today.")
    assert local.lambda_invocations(trigger_source="PostAuthentication_Authentication") == []
    tokens = password_login(cognito_idp, pool, "dora", ClientMetadata={"ok": "yes"})
    assert "AccessToken" in tokens["AuthenticationResult"]
    [after] = local.lambda_invocations(trigger_source="PostAuthentication_Authentication")
    assert after.event["request"]["newDeviceUsed"] is False
    assert after.event["request"]["clientMetadata"] == {"ok": "yes"}


def test_user_migration_at_sign_in_and_forgot_password(
        local: LocalCognito, cognito_idp: Any, triggered: Callable[..., PoolInfo]) -> None:
    legacy = {"erin": "Old-Password-1!", "finn": "Another-One-2!"}

    def migrate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        name = event["userName"]
        if name not in legacy:
            raise LookupError("no such user")
        signing_in = event["triggerSource"] == "UserMigration_Authentication"
        if signing_in and event["request"]["password"] != legacy[name]:
            raise PermissionError("bad password")
        event["response"]["userAttributes"] = {"email": f"{name}@legacy.example",
                                               "email_verified": "true"}
        event["response"]["finalUserStatus"] = "CONFIRMED"
        event["response"]["messageAction"] = "SUPPRESS"
        return event

    local.register_lambda(arn("migrate"), migrate)
    pool = triggered(UserMigration="migrate")
    with pytest.raises(ClientError) as caught:
        password_login(cognito_idp, pool, "erin", "wrong-Password-1!")
    assert error_of(caught)[0] == "UserLambdaValidationException"
    tokens = password_login(cognito_idp, pool, "erin", legacy["erin"])["AuthenticationResult"]
    assert claims(tokens["IdToken"])["email"] == "erin@legacy.example"
    password_login(cognito_idp, pool, "erin", legacy["erin"])  # now a user: no migration
    assert len(local.lambda_invocations(trigger_source="UserMigration_Authentication")) == 2

    cognito_idp.forgot_password(ClientId=pool.client_id, Username="finn")
    [forgot] = local.lambda_invocations(trigger_source="UserMigration_ForgotPassword")
    assert "password" not in forgot.event["request"]
    code = local.last_code(username="finn", kind="forgot_password")
    cognito_idp.confirm_forgot_password(ClientId=pool.client_id, Username="finn",
                                        ConfirmationCode=code, Password="Brand-New-3!")
    assert "AuthenticationResult" in password_login(cognito_idp, pool, "finn", "Brand-New-3!")


# -- tokens -------------------------------------------------------------------------------------


def test_pre_token_generation_v1_claims_and_groups(
        local: LocalCognito, cognito_idp: Any, triggered: Callable[..., PoolInfo],
        make_user: Callable[..., UserInfo]) -> None:
    def customise(event: dict[str, Any], context: Any) -> dict[str, Any]:
        assert event["request"]["groupConfiguration"]["groupsToOverride"] == ["staff"]
        event["response"]["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": {"tenant": "acme", "sub": "forged"},
            "claimsToSuppress": ["email"],
            "groupOverrideDetails": {"groupsToOverride": ["admins"]},
        }
        return event

    local.register_lambda(arn("claims"), customise)
    pool = triggered(PreTokenGeneration="claims")
    user = make_user(pool, "gus")
    cognito_idp.create_group(UserPoolId=pool.pool_id, GroupName="staff")
    cognito_idp.admin_add_user_to_group(UserPoolId=pool.pool_id, Username="gus",
                                        GroupName="staff")
    result = password_login(cognito_idp, pool, "gus")["AuthenticationResult"]
    id_claims, access_claims = claims(result["IdToken"]), claims(result["AccessToken"])
    assert id_claims["tenant"] == "acme" and id_claims["sub"] == user.sub  # sub is protected
    assert "email" not in id_claims
    assert id_claims["cognito:groups"] == access_claims["cognito:groups"] == ["admins"]
    assert "tenant" not in access_claims  # version 1 changes the id token only
    [call] = local.lambda_invocations()
    assert (call.trigger_source, call.event["version"]) == ("TokenGeneration_Authentication", "1")
    assert call.event["response"] == {"claimsOverrideDetails": None}  # as AWS sends it

    renewed = cognito_idp.initiate_auth(ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]})
    assert claims(renewed["AuthenticationResult"]["IdToken"])["tenant"] == "acme"
    assert local.lambda_invocations()[-1].trigger_source == "TokenGeneration_RefreshTokens"


@pytest.mark.parametrize("version", ["V2_0", "V3_0"])
def test_pre_token_generation_v2_access_token_scopes_pass_our_verifier(
        version: str, local: LocalCognito, cognito_idp: Any,
        triggered: Callable[..., PoolInfo], make_user: Callable[..., UserInfo]) -> None:
    def customise(event: dict[str, Any], context: Any) -> dict[str, Any]:
        assert event["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"plan": "gold"}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"roles": ["reader", "writer"]},
                                      "scopesToAdd": ["orders/read"],
                                      "scopesToSuppress": ["aws.cognito.signin.user.admin"]},
        }
        return event

    local.register_lambda(arn("v2"), customise)
    pool = triggered(PreTokenGeneration="v2", pre_token_version=version)
    make_user(pool, "hal")
    result = password_login(cognito_idp, pool, "hal")["AuthenticationResult"]
    access = result["AccessToken"]
    assert claims(access)["roles"] == ["reader", "writer"]
    assert claims(access)["scope"] == "orders/read"
    assert claims(result["IdToken"])["plan"] == "gold"
    verifier = CognitoTokenVerifier(
        pool.pool_id, pool.client_id, region=pool.region, scopes="orders/read",
        jwks_url=f"{local.endpoint_url}/{pool.pool_id}/.well-known/jwks.json")
    assert verifier.verify(access, "access")["scope"] == "orders/read"
    assert local.lambda_invocations()[0].event["version"] == version[1]
    assert local.lambda_invocations()[0].event["response"] == {
        "claimsAndScopeOverrideDetails": None}


# -- messages and the HTTP view -------------------------------------------------------------------


def test_custom_message_is_what_the_outbox_shows(local: LocalCognito, cognito_idp: Any,
                                                 triggered: Callable[..., PoolInfo]) -> None:
    def message(event: dict[str, Any], context: Any) -> dict[str, Any]:
        code = event["request"]["codeParameter"]
        event["response"]["emailSubject"] = "Welcome aboard"
        event["response"]["emailMessage"] = f"Hello {event['userName']}, your code is {code}"
        return event

    local.register_lambda(arn("message"), message)
    pool = triggered(CustomMessage="message")
    sign_up(cognito_idp, pool)
    [sent] = local.messages(kind="sign_up")
    assert sent.subject == "Welcome aboard"
    assert sent.text == f"Hello bob, your code is {sent.code}"
    assert local.lambda_invocations()[0].trigger_source == "CustomMessage_SignUp"

    url = f"{local.endpoint_url}/_local/lambda-invocations?trigger_source=CustomMessage_SignUp"
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310
        [seen] = json.load(answer)
    assert seen["function_arn"] == arn("message")
    assert seen["event"]["request"]["codeParameter"] == "{####}"
    assert seen["response"]["emailSubject"] == "Welcome aboard"
    listing = f"{local.endpoint_url}/_local/lambda-invocations?function_arn="
    by_arn = listing + urllib.parse.quote(arn("message"), safe="")
    with urllib.request.urlopen(by_arn, timeout=5) as answer:  # noqa: S310
        assert [i["trigger_source"] for i in json.load(answer)] == ["CustomMessage_SignUp"]
    with urllib.request.urlopen(listing + "other", timeout=5) as answer:  # noqa: S310
        assert json.load(answer) == []


def test_cli_lambda_spec() -> None:
    name, handler = _lambda_spec(f"{arn('x')}=json:dumps")
    assert name == arn("x") and handler is json.dumps
    with pytest.raises(ValueError):
        _lambda_spec("json:dumps")
    with pytest.raises(ValueError):
        _lambda_spec(f"{arn('x')}=json")


def test_pre_token_generation_v3_for_client_credentials(
        local: LocalCognito, cognito_idp: Any, triggered: Callable[..., PoolInfo]) -> None:
    def machine(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["claimsAndScopeOverrideDetails"] = {"accessTokenGeneration": {
            "claimsToAddOrOverride": {"tier": "batch"}, "scopesToAdd": ["orders/audit"]}}
        return event

    local.register_lambda(arn("m2m"), machine)
    pool = triggered(PreTokenGeneration="m2m", pre_token_version="V3_0")
    cognito_idp.create_user_pool_domain(UserPoolId=pool.pool_id, Domain="m2m-tests")
    cognito_idp.create_resource_server(UserPoolId=pool.pool_id, Identifier="orders",
                                       Name="Orders", Scopes=[{"ScopeName": "read",
                                                               "ScopeDescription": "read"}])
    client = cognito_idp.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName="service", GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read"])["UserPoolClient"]
    request = urllib.request.Request(  # noqa: S310 - the local server's loopback URL
        f"{local.domain_url('m2m-tests')}/oauth2/token",
        data=b"grant_type=client_credentials",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Authorization": "Basic " + base64.b64encode(
                     f"{client['ClientId']}:{client['ClientSecret']}".encode()).decode()})
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        token = json.load(answer)["access_token"]
    assert claims(token)["tier"] == "batch"
    assert claims(token)["scope"] == "orders/read orders/audit"
    [call] = local.lambda_invocations()
    assert call.trigger_source == "TokenGeneration_ClientCredentials"
    assert call.event["userName"] is None and call.event["request"]["scopes"] == ["orders/read"]
    assert call.event["response"] == {"claimsAndScopeOverrideDetails": None}

    def refuse(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("not this client")

    local.register_lambda(arn("m2m"), refuse)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    assert refused.value.code == 400
    assert json.load(refused.value) == {
        "error": "invalid_request",
        "error_description": "PreTokenGeneration failed with error not this client."}


def test_token_generation_sources_of_new_password_and_device(
        local: LocalCognito, cognito_idp: Any, make_pool: Callable[..., PoolInfo],
        make_user: Callable[..., UserInfo]) -> None:
    from pycognito import Cognito, ForceChangePasswordException

    local.register_lambda(arn("sources"), lambda event, context: event)
    pool = make_pool(device_tracking=True, pool_kwargs={
        "LambdaConfig": {"PreTokenGeneration": arn("sources")}})
    make_user(pool, "nia", status="FORCE_CHANGE_PASSWORD")
    user = Cognito(pool.pool_id, pool.client_id, username="nia",
                   boto3_client_kwargs=pool.boto3_client_kwargs())
    with pytest.raises(ForceChangePasswordException):
        user.authenticate(DEFAULT_PASSWORD)
    user.new_password_challenge(DEFAULT_PASSWORD, "Brand-New-Pass-7!")
    device = user.remember_device("laptop")
    again = Cognito(pool.pool_id, pool.client_id, username="nia",
                    boto3_client_kwargs=pool.boto3_client_kwargs(), **device)
    again.authenticate("Brand-New-Pass-7!")
    again.renew_access_token()
    assert [i.trigger_source for i in local.lambda_invocations()] == [
        "TokenGeneration_NewPasswordChallenge", "TokenGeneration_AuthenticateDevice",
        "TokenGeneration_RefreshTokens"]


def test_the_invocation_log_keeps_the_newest() -> None:
    from pycognito.local._lambdas import Invocation, LambdaStore

    store = LambdaStore(size=3)
    for n in range(5):
        store.invocations.append(Invocation(arn("f"), f"Source_{n}", {}))
    assert [i.trigger_source for i in store.select()] == ["Source_2", "Source_3", "Source_4"]


def test_user_migration_without_attributes_finds_no_user(
        local: LocalCognito, cognito_idp: Any, triggered: Callable[..., PoolInfo]) -> None:
    local.register_lambda(arn("nothing"), lambda event, context: event)
    pool = triggered(UserMigration="nothing")
    with pytest.raises(ClientError) as caught:
        password_login(cognito_idp, pool, "zed")
    assert error_of(caught)[0] == "UserNotFoundException"
    with pytest.raises(ClientError):
        cognito_idp.admin_get_user(UserPoolId=pool.pool_id, Username="zed")


def test_every_message_goes_through_custom_message(local: LocalCognito, cognito_idp: Any,
                                                   make_pool: Callable[..., PoolInfo]) -> None:
    """Each kind of code Cognito sends has its CustomMessage source and its customised text."""

    def message(event: dict[str, Any], context: Any) -> dict[str, Any]:
        source = event["triggerSource"]
        user = event["request"]["usernameParameter"] or event["userName"]
        event["response"]["emailSubject"] = source
        event["response"]["emailMessage"] = f"{user}: {event['request']['codeParameter']}"
        return event

    local.register_lambda(arn("every"), message)
    pool = make_pool(auth_flows=("ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"), pool_kwargs={
        "LambdaConfig": {"CustomMessage": arn("every")},
        "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}})
    cognito_idp.admin_create_user(UserPoolId=pool.pool_id, Username="ola",
                                  DesiredDeliveryMediums=["EMAIL"],
                                  UserAttributes=[{"Name": "email", "Value": "ola@example.com"},
                                                  {"Name": "email_verified", "Value": "true"}])
    cognito_idp.admin_set_user_password(UserPoolId=pool.pool_id, Username="ola",
                                        Password=DEFAULT_PASSWORD, Permanent=True)
    cognito_idp.forgot_password(ClientId=pool.client_id, Username="ola")
    cognito_idp.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_AUTH", AuthParameters={
        "USERNAME": "ola", "PREFERRED_CHALLENGE": "EMAIL_OTP"})
    signed_in = cognito_idp.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_AUTH",
                                          AuthParameters={"USERNAME": "ola",
                                                          "PASSWORD": DEFAULT_PASSWORD,
                                                          "PREFERRED_CHALLENGE": "PASSWORD"})
    token = signed_in["AuthenticationResult"]["AccessToken"]
    cognito_idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    cognito_idp.update_user_attributes(AccessToken=token, UserAttributes=[
        {"Name": "email", "Value": "ola@new.example"}])
    sent = local.messages(username="ola")
    assert [(m.kind, m.subject) for m in sent] == [
        ("admin_create_user", "CustomMessage_AdminCreateUser"),
        ("forgot_password", "CustomMessage_ForgotPassword"),
        ("email_otp", "CustomMessage_Authentication"),
        ("attribute_verification", "CustomMessage_VerifyUserAttribute"),
        ("attribute_verification", "CustomMessage_UpdateUserAttribute")]
    assert all(m.text == f"ola: {m.code}" for m in sent)
    [created] = local.lambda_invocations(trigger_source="CustomMessage_AdminCreateUser")
    assert created.event["request"]["usernameParameter"] == "{username}"

    cognito_idp.sign_up(ClientId=pool.client_id, Username="max", Password=DEFAULT_PASSWORD,
                        UserAttributes=[{"Name": "email", "Value": "max@example.com"}])
    cognito_idp.resend_confirmation_code(ClientId=pool.client_id, Username="max")
    assert [m.subject for m in local.messages(username="max")] == [
        "CustomMessage_SignUp", "CustomMessage_ResendCode"]


_BODY_PATTERN = (r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}"
                 r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*")


def test_a_custom_message_without_the_code_is_refused(local: LocalCognito, cognito_idp: Any,
                                                      triggered: Callable[..., PoolInfo],
                                                      make_user: Callable[..., UserInfo]) -> None:
    """AWS's validation of the message body: ``{####}`` somewhere in it, or
    InvalidParameterException (the body is quoted, before any code is put in)."""

    def message(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["emailMessage"] = "Welcome aboard, no code here"
        return event

    local.register_lambda(arn("codeless"), message)
    pool = triggered(CustomMessage="codeless")
    with pytest.raises(ClientError) as caught:
        sign_up(cognito_idp, pool)
    assert error_of(caught) == (
        "InvalidParameterException",
        "1 validation error detected: Value 'Welcome aboard, no code here' at 'emailBody' "
        f"failed to satisfy constraint: Member must satisfy regular expression pattern: "
        f"{_BODY_PATTERN}")
    assert local.messages(kind="sign_up") == []
    make_user(pool, "ann", email="ann@example.com")
    with pytest.raises(ClientError) as forgot:
        cognito_idp.forgot_password(ClientId=pool.client_id, Username="ann")
    assert error_of(forgot)[0] == "InvalidParameterException"
    assert local.messages(kind="forgot_password") == []


def test_an_invitation_without_both_placeholders_is_cognitos_own(
        local: LocalCognito, cognito_idp: Any, triggered: Callable[..., PoolInfo]) -> None:
    """An AdminCreateUser message must hold ``{username}`` and ``{####}``; without them Cognito
    sends its default invitation instead (awsdocs/amazon-cognito-developer-guide#31)."""

    def message(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["emailSubject"] = "Your account"
        event["response"]["emailMessage"] = event["request"]["clientMetadata"]["text"]
        return event

    local.register_lambda(arn("invite"), message)
    pool = triggered(CustomMessage="invite")
    texts = {"both": "Sign in as {username} with {####}", "no-name": "Your password: {####}",
             "no-code": "Welcome, {username}"}
    for name, text in texts.items():
        cognito_idp.admin_create_user(
            UserPoolId=pool.pool_id, Username=name, DesiredDeliveryMediums=["EMAIL"],
            ClientMetadata={"text": text},
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}])
    both, no_name, no_code = local.messages(kind="admin_create_user")
    assert (both.subject, both.text) == ("Your account", f"Sign in as both with {both.code}")
    assert (no_name.subject, no_name.text) == (None, None)
    assert (no_code.subject, no_code.text) == (None, None)


def test_admin_created_users_and_password_resets_reach_their_triggers(
        local: LocalCognito, cognito_idp: Any, triggered: Callable[..., PoolInfo]) -> None:
    local.register_lambda(arn("pre"), lambda event, context: event)
    local.register_lambda(arn("post"), lambda event, context: event)
    pool = triggered(PreSignUp="pre", PostConfirmation="post")
    cognito_idp.admin_create_user(UserPoolId=pool.pool_id, Username="pia",
                                  MessageAction="SUPPRESS", ClientMetadata={"by": "admin"},
                                  ValidationData=[{"Name": "ticket", "Value": "T-1"}],
                                  UserAttributes=[{"Name": "email", "Value": "pia@example.com"},
                                                  {"Name": "email_verified", "Value": "true"}])
    [pre] = local.lambda_invocations(trigger_source="PreSignUp_AdminCreateUser")
    assert pre.event["userName"] == "pia"
    assert pre.event["request"]["validationData"] == {"ticket": "T-1"}
    assert pre.event["request"]["clientMetadata"] == {"by": "admin"}
    assert pre.event["request"]["userAttributes"]["email"] == "pia@example.com"
    cognito_idp.admin_set_user_password(UserPoolId=pool.pool_id, Username="pia",
                                        Password=DEFAULT_PASSWORD, Permanent=True)
    cognito_idp.forgot_password(ClientId=pool.client_id, Username="pia")
    cognito_idp.confirm_forgot_password(
        ClientId=pool.client_id, Username="pia", Password="Brand-New-Pass-8!",
        ConfirmationCode=local.last_code(username="pia", kind="forgot_password"))
    [post] = local.lambda_invocations(trigger_source="PostConfirmation_ConfirmForgotPassword")
    assert post.event["callerContext"]["clientId"] == pool.client_id
    assert post.event["request"]["userAttributes"]["email"] == "pia@example.com"


def test_user_migration_at_a_user_auth_password_step_only(
        local: LocalCognito, cognito_idp: Any, make_pool: Callable[..., PoolInfo]) -> None:
    """USER_AUTH with the password up front migrates as USER_PASSWORD_AUTH does; a
    passwordless start does not call the trigger (AWS's rule)."""

    def migrate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if event["request"].get("password") != "Old-Password-1!":
            raise PermissionError("bad password")
        event["response"]["userAttributes"] = {"email": f"{event['userName']}@legacy.example",
                                               "email_verified": "true"}
        return event

    local.register_lambda(arn("migrate-choice"), migrate)
    pool = make_pool(auth_flows=("ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"), pool_kwargs={
        "LambdaConfig": {"UserMigration": arn("migrate-choice")},
        "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}})

    def user_auth(username: str, **params: str) -> dict[str, Any]:
        return cognito_idp.initiate_auth(  # type: ignore[no-any-return]
            ClientId=pool.client_id, AuthFlow="USER_AUTH",
            AuthParameters={"USERNAME": username, **params})

    with pytest.raises(ClientError) as unknown:
        user_auth("ivo", PREFERRED_CHALLENGE="EMAIL_OTP")
    assert error_of(unknown)[0] == "UserNotFoundException"
    assert local.lambda_invocations() == []
    done = user_auth("ivo", PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Old-Password-1!")
    assert claims(done["AuthenticationResult"]["IdToken"])["email"] == "ivo@legacy.example"
    [call] = local.lambda_invocations()
    assert call.trigger_source == "UserMigration_Authentication"
    assert call.event["request"]["password"] == "Old-Password-1!"


def test_user_migration_with_reset_required(local: LocalCognito, cognito_idp: Any,
                                            triggered: Callable[..., PoolInfo]) -> None:
    """finalUserStatus RESET_REQUIRED: the user is created, and must reset the password."""

    def migrate(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["userAttributes"] = {"email": "rex@legacy.example",
                                               "email_verified": "true"}
        event["response"]["finalUserStatus"] = "RESET_REQUIRED"
        return event

    local.register_lambda(arn("reset"), migrate)
    pool = triggered(UserMigration="reset")
    with pytest.raises(ClientError) as caught:
        password_login(cognito_idp, pool, "rex", "Old-Password-1!")
    assert error_of(caught)[0] == "PasswordResetRequiredException"
    user = cognito_idp.admin_get_user(UserPoolId=pool.pool_id, Username="rex")
    assert user["UserStatus"] == "RESET_REQUIRED"
    cognito_idp.forgot_password(ClientId=pool.client_id, Username="rex")
    cognito_idp.confirm_forgot_password(
        ClientId=pool.client_id, Username="rex", Password="Brand-New-Pass-9!",
        ConfirmationCode=local.last_code(username="rex", kind="forgot_password"))
    assert "AuthenticationResult" in password_login(cognito_idp, pool, "rex", "Brand-New-Pass-9!")
    assert len(local.lambda_invocations()) == 1  # a pool user now: no second migration


def test_pre_token_generation_v2_suppresses_and_overrides_groups_and_roles(
        local: LocalCognito, cognito_idp: Any, triggered: Callable[..., PoolInfo],
        make_user: Callable[..., UserInfo]) -> None:
    role = "arn:aws:iam::123456789012:role/readers"

    def customise(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToSuppress": ["email", "email_verified", "iss"]},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tier": "2"},
                                      "claimsToSuppress": ["client_id"]},
            "groupOverrideDetails": {"groupsToOverride": ["readers"],
                                     "iamRolesToOverride": [role], "preferredRole": role},
        }
        return event

    local.register_lambda(arn("v2-groups"), customise)
    pool = triggered(PreTokenGeneration="v2-groups", pre_token_version="V2_0")
    make_user(pool, "ike")
    result = password_login(cognito_idp, pool, "ike")["AuthenticationResult"]
    id_claims, access = claims(result["IdToken"]), claims(result["AccessToken"])
    assert "email" not in id_claims and "email_verified" not in id_claims
    assert id_claims["iss"].endswith(pool.pool_id)  # protected: kept
    assert id_claims["cognito:groups"] == access["cognito:groups"] == ["readers"]
    assert id_claims["cognito:roles"] == [role] and id_claims["cognito:preferred_role"] == role
    assert access["tier"] == "2" and access["client_id"] == pool.client_id


@pytest.mark.parametrize("trigger", ["PostConfirmation", "PostAuthentication", "CustomMessage",
                                     "PreTokenGeneration", "DefineAuthChallenge",
                                     "CreateAuthChallenge"])
def test_each_trigger_failing_is_user_lambda_validation(
        trigger: str, local: LocalCognito, cognito_idp: Any, make_pool: Callable[..., PoolInfo],
        make_user: Callable[..., UserInfo]) -> None:
    def fail(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    def define(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
        return event

    local.register_lambda(arn("fail"), fail)
    local.register_lambda(arn("define-ok"), define)
    config = {trigger: arn("fail")}
    if trigger == "CreateAuthChallenge":
        config["DefineAuthChallenge"] = arn("define-ok")
    pool = make_pool(pool_kwargs={"LambdaConfig": config})
    with pytest.raises(ClientError) as caught:
        if trigger in ("PostConfirmation", "CustomMessage"):
            sign_up(cognito_idp, pool)
            cognito_idp.confirm_sign_up(ClientId=pool.client_id, Username="bob",
                                        ConfirmationCode=local.last_code(kind="sign_up"))
        elif trigger in ("PostAuthentication", "PreTokenGeneration"):
            make_user(pool, "bob")
            password_login(cognito_idp, pool, "bob")
        else:
            make_user(pool, "bob")
            cognito_idp.initiate_auth(ClientId=pool.client_id, AuthFlow="CUSTOM_AUTH",
                                      AuthParameters={"USERNAME": "bob"})
    assert error_of(caught) == ("UserLambdaValidationException",
                                f"{trigger} failed with error boom.")
    assert local.lambda_invocations(function_arn=arn("fail"))[-1].error == "RuntimeError: boom"


def test_custom_message_for_a_texted_sign_in_code(local: LocalCognito, cognito_idp: Any,
                                                  make_pool: Callable[..., PoolInfo],
                                                  make_user: Callable[..., UserInfo]) -> None:
    def message(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["smsMessage"] = f"Shop code {event['request']['codeParameter']}"
        event["response"]["emailMessage"] = "not for a text message"
        return event

    local.register_lambda(arn("sms"), message)
    pool = make_pool(auth_flows=("ALLOW_USER_AUTH",), pool_kwargs={
        "LambdaConfig": {"CustomMessage": arn("sms")},
        "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}}})
    make_user(pool, "una", phone_number="+15550142")
    cognito_idp.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_AUTH", AuthParameters={
        "USERNAME": "una", "PREFERRED_CHALLENGE": "SMS_OTP"})
    [sent] = local.messages(username="una", kind="sms_otp")
    assert (sent.destination, sent.text, sent.subject) == ("+15550142", f"Shop code {sent.code}",
                                                           None)
    [call] = local.lambda_invocations()
    assert call.trigger_source == "CustomMessage_Authentication"
