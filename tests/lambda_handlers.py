"""Lambda trigger handlers the tests register on the local Cognito: a one-question quiz as the
pool's custom challenge (DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse)."""

from __future__ import annotations

from typing import Any, Callable

from .conftest import PoolInfo

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"


def quiz_pool(local: Any, make_pool: Callable[..., PoolInfo], question: str, answer: str,
              **pool_options: Any) -> PoolInfo:
    """A pool whose CUSTOM_AUTH asks ``question`` until ``answer`` is given (after the
    password, by SRP, when the client starts with ``CHALLENGE_NAME: SRP_A``)."""

    def define(event: dict[str, Any], context: Any) -> dict[str, Any]:
        session = event["request"]["session"]
        last = session[-1] if session else None
        if last and last["challengeName"] == "SRP_A":
            event["response"]["challengeName"] = "PASSWORD_VERIFIER"
        elif last and last["challengeName"] == "CUSTOM_CHALLENGE" and last["challengeResult"]:
            event["response"]["issueTokens"] = True
        else:
            event["response"]["challengeName"] = "CUSTOM_CHALLENGE"
        return event

    def create(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["publicChallengeParameters"] = {"question": question}
        event["response"]["privateChallengeParameters"] = {"answer": answer}
        return event

    def verify(event: dict[str, Any], context: Any) -> dict[str, Any]:
        expected = event["request"]["privateChallengeParameters"]["answer"]
        event["response"]["answerCorrect"] = event["request"]["challengeAnswer"] == expected
        return event

    for name, handler in (("define", define), ("create", create), ("verify", verify)):
        local.register_lambda(ARN + name, handler)
    return make_pool(pool_kwargs={"LambdaConfig": {  # type: ignore[no-any-return]
        "DefineAuthChallenge": ARN + "define", "CreateAuthChallenge": ARN + "create",
        "VerifyAuthChallengeResponse": ARN + "verify"}}, **pool_options)
