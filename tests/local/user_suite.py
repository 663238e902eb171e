"""A user's own pytest module, as they would write it against the local Cognito.

The pool is created by the same code the user runs against AWS (``create_app_pool``: boto3's
``create_user_pool`` with ``LambdaConfig`` ARNs), the trigger handlers are the user's Lambda
handlers as deployed, and nothing else of this repository is imported: ``test_user_suite.py``
runs this file with pytest in a fresh process, as the user's suite would run.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config

from pycognito import Cognito
from pycognito.exceptions import CustomChallengeException, EmailOTPChallengeException
from pycognito.local import LocalCognito

ACCOUNT = "arn:aws:lambda:us-east-1:123456789012:function:"
LAMBDAS = {
    "DefineAuthChallenge": ACCOUNT + "define-challenge",
    "CreateAuthChallenge": ACCOUNT + "create-challenge",
    "VerifyAuthChallengeResponse": ACCOUNT + "verify-challenge",
    "UserMigration": ACCOUNT + "migrate-user",
    "PreTokenGeneration": ACCOUNT + "customise-tokens",
}


# -- the application's pool configuration (run as is against AWS) -----------------------------


def create_app_pool(idp: Any) -> tuple[str, str]:
    """The pool and the web app client: (user pool id, client id)."""
    pool_id = idp.create_user_pool(
        PoolName="shop-users",
        UserPoolTier="ESSENTIALS",
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
        AutoVerifiedAttributes=["email"],
        EmailConfiguration={"EmailSendingAccount": "DEVELOPER",  # e-mailed codes need SES
                            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/shop.example",
                            "From": "Shop <no-reply@shop.example>"},
        Schema=[{"Name": "plan", "AttributeDataType": "String", "Mutable": True}],
        LambdaConfig={
            "DefineAuthChallenge": LAMBDAS["DefineAuthChallenge"],
            "CreateAuthChallenge": LAMBDAS["CreateAuthChallenge"],
            "VerifyAuthChallengeResponse": LAMBDAS["VerifyAuthChallengeResponse"],
            "UserMigration": LAMBDAS["UserMigration"],
            "PreTokenGenerationConfig": {"LambdaVersion": "V2_0",
                                         "LambdaArn": LAMBDAS["PreTokenGeneration"]},
        },
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web",
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH",
                           "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


# -- the application's Lambda handlers, as deployed ----------------------------------------------

LEGACY_USERS = {"olga": {"password": "Legacy-Pass-42!", "email": "olga@old-shop.example",
                         "plan": "gold"}}


def define_challenge(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One security question; tokens once it is answered right, never after three misses."""
    session = event["request"]["session"]
    if session and session[-1]["challengeResult"]:
        event["response"]["issueTokens"] = True
    elif len(session) >= 3:
        event["response"]["failAuthentication"] = True
    else:
        event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
    return event


def create_challenge(event: dict[str, Any], context: Any) -> dict[str, Any]:
    event["response"]["publicChallengeParameters"] = {"question": "Name of your first pet?"}
    event["response"]["privateChallengeParameters"] = {"answer": "rex"}
    event["response"]["challengeMetadata"] = "PET-QUESTION"
    return event


def verify_challenge(event: dict[str, Any], context: Any) -> dict[str, Any]:
    expected = event["request"]["privateChallengeParameters"]["answer"]
    given = event["request"]["challengeAnswer"].strip().lower()
    event["response"]["answerCorrect"] = given == expected
    return event


def migrate_user(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Users of the old shop move over at their first sign-in, with their own password."""
    legacy = LEGACY_USERS.get(event["userName"])
    if legacy is None or event["request"].get("password") != legacy["password"]:
        raise Exception("Bad password")
    event["response"]["userAttributes"] = {"email": legacy["email"], "email_verified": "true",
                                           "custom:plan": legacy["plan"]}
    event["response"]["finalUserStatus"] = "CONFIRMED"
    event["response"]["messageAction"] = "SUPPRESS"
    return event


def customise_tokens(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The plan in the id token, and the orders scope for gold customers (event version 2)."""
    plan = event["request"]["userAttributes"].get("custom:plan", "free")
    access: dict[str, Any] = {"claimsToAddOrOverride": {"plan": plan}}
    if plan == "gold":
        access["scopesToAdd"] = ["orders/priority"]
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "idTokenGeneration": {"claimsToAddOrOverride": {"plan": plan}},
        "accessTokenGeneration": access,
    }
    return event


HANDLERS = {
    LAMBDAS["DefineAuthChallenge"]: define_challenge,
    LAMBDAS["CreateAuthChallenge"]: create_challenge,
    LAMBDAS["VerifyAuthChallengeResponse"]: verify_challenge,
    LAMBDAS["UserMigration"]: migrate_user,
    LAMBDAS["PreTokenGeneration"]: customise_tokens,
}


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def local() -> Any:
    with LocalCognito() as server:
        for arn, handler in HANDLERS.items():
            server.register_lambda(arn, handler)
        yield server


@pytest.fixture
def app(local: LocalCognito, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    local.reset()
    return create_app_pool(local.client())


def cognito(local: LocalCognito, app: tuple[str, str], username: str) -> Cognito:
    pool_id, client_id = app
    return Cognito(pool_id, client_id, username=username, boto3_client_kwargs={
        "endpoint_url": local.endpoint_url,
        "config": Config(retries={"total_max_attempts": 1})})


def add_user(local: LocalCognito, app: tuple[str, str], username: str) -> None:
    idp, pool_id = local.client(), app[0]
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS",
                          UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"},
                                          {"Name": "email_verified", "Value": "true"}])
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username,
                                Password="Correct-Horse-9!", Permanent=True)


# -- the tests -----------------------------------------------------------------------------------


def test_passwordless_sign_in_with_an_emailed_code(local: LocalCognito,
                                                   app: tuple[str, str]) -> None:
    add_user(local, app, "alice")
    user = cognito(local, app, "alice")
    with pytest.raises(EmailOTPChallengeException):
        user.authenticate(flow="USER_AUTH", preferred_challenge="EMAIL_OTP")
    [message] = local.messages(username="alice", kind="email_otp")
    assert message.destination == "alice@example.com"

    user.respond_to_email_otp_challenge(message.code)

    assert user.access_claims["username"] == "alice"
    assert user.id_claims["email"] == "alice@example.com"


def test_custom_challenge_sign_in_driven_by_our_three_handlers(local: LocalCognito,
                                                               app: tuple[str, str]) -> None:
    add_user(local, app, "bob")
    user = cognito(local, app, "bob")
    with pytest.raises(CustomChallengeException) as asked:
        user.custom_authenticate()
    assert asked.value.challenge_parameters["question"] == "Name of your first pet?"
    with pytest.raises(CustomChallengeException):
        user.respond_to_custom_challenge("Felix")   # wrong: asked again

    user.respond_to_custom_challenge("Rex")

    assert user.access_claims["username"] == "bob"
    define_calls = local.lambda_invocations(trigger_source="DefineAuthChallenge_Authentication")
    assert define_calls[-1].event["request"]["session"] == [
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False,
         "challengeMetadata": "PET-QUESTION"},
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True,
         "challengeMetadata": "PET-QUESTION"},
    ]


def test_legacy_user_migrates_at_first_sign_in(local: LocalCognito,
                                               app: tuple[str, str]) -> None:
    user = cognito(local, app, "olga")
    user.authenticate("Legacy-Pass-42!", flow="USER_PASSWORD_AUTH")

    assert user.id_claims["email"] == "olga@old-shop.example"
    migrated = local.client().admin_get_user(UserPoolId=app[0], Username="olga")
    assert migrated["UserStatus"] == "CONFIRMED"
    [call] = local.lambda_invocations(trigger_source="UserMigration_Authentication")
    assert call.event["userName"] == "olga"
    again = cognito(local, app, "olga")
    again.authenticate("Legacy-Pass-42!")            # now a pool user: SRP works
    assert again.access_claims["username"] == "olga"


def test_tokens_carry_the_plan_and_the_gold_scope(local: LocalCognito,
                                                  app: tuple[str, str]) -> None:
    add_user(local, app, "carol")
    local.client().admin_update_user_attributes(
        UserPoolId=app[0], Username="carol",
        UserAttributes=[{"Name": "custom:plan", "Value": "gold"}])
    user = cognito(local, app, "carol")
    user.authenticate("Correct-Horse-9!")

    assert user.id_claims["plan"] == "gold"
    assert user.access_claims["plan"] == "gold"
    assert "orders/priority" in user.access_claims["scope"].split()
    [call] = local.lambda_invocations(trigger_source="TokenGeneration_Authentication")
    assert call.event["version"] == "2"
    assert call.event["request"]["userAttributes"]["custom:plan"] == "gold"
