"""CUSTOM_AUTH on the local Cognito: Define/Create/VerifyAuthChallengeResponse as AWS runs them."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from botocore.exceptions import ClientError

from pycognito.local import LocalCognito

from ..conftest import PoolInfo, UserInfo
from .helpers import error_of

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def define(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Two questions; fail after three wrong answers in a row (a common handler)."""
    session = event["request"]["session"]
    right = [s for s in session if s["challengeResult"]]
    response = event["response"]
    if len(right) == 2:
        response["issueTokens"] = True
    elif session and event["request"]["clientMetadata"].get("give_up") == "yes":
        response["failAuthentication"] = True
    else:
        response["challengeName"] = "CUSTOM_CHALLENGE"
    return event


def create(event: dict[str, Any], context: Any) -> dict[str, Any]:
    step = len([s for s in event["request"]["session"] if s["challengeResult"]])
    event["response"]["publicChallengeParameters"] = {"question": f"{step} + 2 ="}
    event["response"]["privateChallengeParameters"] = {"answer": str(step + 2)}
    event["response"]["challengeMetadata"] = f"SUM-{step}"
    return event


def verify(event: dict[str, Any], context: Any) -> dict[str, Any]:
    expected = event["request"]["privateChallengeParameters"]["answer"]
    event["response"]["answerCorrect"] = event["request"]["challengeAnswer"] == expected
    return event


@pytest.fixture
def custom_pool(local: LocalCognito, make_pool: Callable[..., PoolInfo],
                make_user: Callable[..., UserInfo]) -> PoolInfo:
    for name, handler in (("define", define), ("create", create), ("verify", verify)):
        local.register_lambda(ARN + name, handler)
    pool = make_pool(pool_kwargs={"LambdaConfig": {
        "DefineAuthChallenge": ARN + "define", "CreateAuthChallenge": ARN + "create",
        "VerifyAuthChallengeResponse": ARN + "verify"}})
    make_user(pool, "ivy")
    return pool


def start(idp: Any, pool: PoolInfo, **extra: Any) -> dict[str, Any]:
    return idp.initiate_auth(ClientId=pool.client_id,  # type: ignore[no-any-return]
                             AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "ivy"}, **extra)


def answer(idp: Any, pool: PoolInfo, challenge: dict[str, Any], text: str,
           **extra: Any) -> dict[str, Any]:
    return idp.respond_to_auth_challenge(  # type: ignore[no-any-return]
        ClientId=pool.client_id, ChallengeName="CUSTOM_CHALLENGE", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "ivy", "ANSWER": text}, **extra)


def test_two_custom_challenges_then_tokens(local: LocalCognito, cognito_idp: Any,
                                          custom_pool: PoolInfo) -> None:
    first = start(cognito_idp, custom_pool)
    assert first["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert first["ChallengeParameters"] == {"question": "0 + 2 =", "USERNAME": "ivy"}
    second = answer(cognito_idp, custom_pool, first, "2")
    assert second["ChallengeParameters"]["question"] == "1 + 2 ="
    wrong = answer(cognito_idp, custom_pool, second, "4")
    assert wrong["ChallengeName"] == "CUSTOM_CHALLENGE"
    done = answer(cognito_idp, custom_pool, wrong, "3")
    assert "AccessToken" in done["AuthenticationResult"]
    last_define = local.lambda_invocations(trigger_source="DefineAuthChallenge_Authentication")[-1]
    assert last_define.event["request"]["session"] == [
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True,
         "challengeMetadata": "SUM-0"},
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False,
         "challengeMetadata": "SUM-1"},
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True,
         "challengeMetadata": "SUM-1"},
    ]
    [verified, *_] = local.lambda_invocations(
        trigger_source="VerifyAuthChallengeResponse_Authentication")
    assert verified.event["request"]["privateChallengeParameters"] == {"answer": "2"}
    assert verified.event["request"]["challengeAnswer"] == "2"


def test_a_session_answers_once(cognito_idp: Any, custom_pool: PoolInfo) -> None:
    first = start(cognito_idp, custom_pool)
    answer(cognito_idp, custom_pool, first, "2")
    with pytest.raises(ClientError) as caught:
        answer(cognito_idp, custom_pool, first, "2")
    assert error_of(caught)[0] == "NotAuthorizedException"


def test_three_wrong_answers_end_the_sign_in(cognito_idp: Any, custom_pool: PoolInfo) -> None:
    challenge = start(cognito_idp, custom_pool)
    for _ in range(2):
        challenge = answer(cognito_idp, custom_pool, challenge, "nope")
        assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    with pytest.raises(ClientError) as caught:
        answer(cognito_idp, custom_pool, challenge, "nope")
    assert error_of(caught) == ("NotAuthorizedException", "Incorrect username or password.")


def test_fail_authentication(cognito_idp: Any, custom_pool: PoolInfo) -> None:
    challenge = start(cognito_idp, custom_pool)
    with pytest.raises(ClientError) as caught:
        answer(cognito_idp, custom_pool, challenge, "2", ClientMetadata={"give_up": "yes"})
    assert error_of(caught)[0] == "NotAuthorizedException"


def test_custom_auth_needs_the_define_trigger(cognito_idp: Any, pool: PoolInfo,
                                             make_user: Callable[..., UserInfo]) -> None:
    make_user(pool, "ivy")
    with pytest.raises(ClientError) as caught:
        start(cognito_idp, pool)
    assert error_of(caught) == ("InvalidParameterException",
                                "Custom auth lambda trigger is not configured for the user pool.")


def test_a_failing_challenge_handler_is_user_lambda_validation(local: LocalCognito,
                                                               cognito_idp: Any,
                                                               custom_pool: PoolInfo) -> None:
    def broken(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise KeyError("answer")

    challenge = start(cognito_idp, custom_pool)
    local.register_lambda(ARN + "verify", broken)
    try:
        with pytest.raises(ClientError) as caught:
            answer(cognito_idp, custom_pool, challenge, "2")
    finally:
        local.register_lambda(ARN + "verify", verify)
    assert error_of(caught) == ("UserLambdaValidationException",
                                "VerifyAuthChallengeResponse failed with error 'answer'.")


def test_a_challenge_the_local_cognito_cannot_run_is_refused(local: LocalCognito,
                                                             cognito_idp: Any,
                                                             custom_pool: PoolInfo) -> None:
    """DefineAuthChallenge may name CUSTOM_CHALLENGE, or PASSWORD_VERIFIER after SRP_A."""

    def sms(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["challengeName"] = "SMS_MFA"
        return event

    local.register_lambda(ARN + "define", sms)
    try:
        with pytest.raises(ClientError) as caught:
            start(cognito_idp, custom_pool)
    finally:
        local.register_lambda(ARN + "define", define)
    code, message = error_of(caught)
    assert code == "InvalidLambdaResponseException" and "SMS_MFA" in message
