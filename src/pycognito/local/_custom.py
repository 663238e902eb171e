"""CUSTOM_AUTH: challenges defined, created and verified by the pool's three Lambda triggers.

DefineAuthChallenge sees the session history (``challengeName``, ``challengeResult``,
``challengeMetadata`` of each step) and answers ``issueTokens``, ``failAuthentication`` or the
next ``challengeName``; CreateAuthChallenge makes a CUSTOM_CHALLENGE (public parameters to the
client, private ones kept for VerifyAuthChallengeResponse, which says ``answerCorrect``).
A flow started with ``CHALLENGE_NAME: SRP_A`` (and ``SRP_A``) begins with ``SRP_A`` in the
history, and a PASSWORD_VERIFIER chosen by DefineAuthChallenge runs the real SRP check. After
:data:`MAX_WRONG_ANSWERS` wrong answers the sign-in fails, whatever DefineAuthChallenge says.
"""

from __future__ import annotations

from typing import Any

from . import _lambdas, _triggers
from . import _srp as srp_server
from ._auth import _Answer, _answers, finish, srp_challenge, user_signing_in
from ._errors import CognitoError, invalid_parameter, not_authorized
from ._moto import Client, Pool, User
from ._sessions import ChallengeSession
from ._state import STATE

CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
PASSWORD_VERIFIER = "PASSWORD_VERIFIER"
#: Wrong custom answers after which a sign-in fails.
MAX_WRONG_ANSWERS = 3

History = list[dict[str, Any]]


def start_custom(pool: Pool, client: Client, username: str, params: dict[str, str], *,
                 admin: bool) -> dict[str, Any]:
    """InitiateAuth with CUSTOM_AUTH."""
    if not _lambdas.configured(pool, "DefineAuthChallenge"):
        raise invalid_parameter("Custom auth lambda trigger is not configured for the user pool.")
    user = user_signing_in(pool, client, username)
    history: History = []
    big_a = None
    if params.get("CHALLENGE_NAME") == "SRP_A":
        big_a = srp_server.parse_srp_a(params.get("SRP_A"))
        if big_a is None:
            raise invalid_parameter("SRP_A is missing or invalid")
        history.append(_step("SRP_A", True, None))
    return _next(pool, client, user, history, admin=admin, big_a=big_a)


def after_password_verifier(pool: Pool, client: Client, user: User, session: ChallengeSession,
                            *, admin: bool) -> dict[str, Any]:
    """The password proven by SRP inside a CUSTOM_AUTH flow: ask DefineAuthChallenge again."""
    history = [*session.data["custom_history"], _step(PASSWORD_VERIFIER, True, None)]
    return _next(pool, client, user, history, admin=admin)


def _step(name: str, result: bool, metadata: Any) -> dict[str, Any]:
    return {"challengeName": name, "challengeResult": result, "challengeMetadata": metadata}


def _next(pool: Pool, client: Client, user: User, history: History, *, admin: bool,
          big_a: Any = None) -> dict[str, Any]:
    """Ask DefineAuthChallenge what comes next, and do it."""
    decision = _lambdas.invoke(
        pool, "DefineAuthChallenge", "DefineAuthChallenge_Authentication",
        user_name=user.username,
        request={"userAttributes": _triggers.user_attributes(user), "session": history,
                 "clientMetadata": _triggers.client_metadata(), "userNotFound": False},
        response={"challengeName": None, "issueTokens": False, "failAuthentication": False},
        client_id=client.id,
    ) or {}
    wrong = sum(1 for step in history
                if step["challengeName"] == CUSTOM_CHALLENGE and not step["challengeResult"])
    if decision.get("failAuthentication") is True or wrong >= MAX_WRONG_ANSWERS:
        raise not_authorized()
    if decision.get("issueTokens") is True:
        return finish(pool, client, user, device_key=None)
    name = decision.get("challengeName")
    if name == CUSTOM_CHALLENGE:
        return _create(pool, client, user, history, admin=admin)
    if name == PASSWORD_VERIFIER and big_a is not None:
        return srp_challenge(pool, client, user, big_a, admin=admin, device_key=None,
                             data={"custom_history": history})
    raise CognitoError("InvalidLambdaResponseException",
                       f"DefineAuthChallenge returned an unsupported challengeName: {name!r}")


def _create(pool: Pool, client: Client, user: User, history: History, *,
            admin: bool) -> dict[str, Any]:
    created = _lambdas.invoke(
        pool, "CreateAuthChallenge", "CreateAuthChallenge_Authentication",
        user_name=user.username,
        request={"userAttributes": _triggers.user_attributes(user),
                 "challengeName": CUSTOM_CHALLENGE, "session": history,
                 "clientMetadata": _triggers.client_metadata(), "userNotFound": False},
        response={"publicChallengeParameters": {}, "privateChallengeParameters": {},
                  "challengeMetadata": None},
        client_id=client.id,
    ) or {}
    public = created.get("publicChallengeParameters") or {}
    private = created.get("privateChallengeParameters") or {}
    if not isinstance(public, dict) or not isinstance(private, dict):
        raise CognitoError("InvalidLambdaResponseException", "Unrecognizable lambda output")
    session = STATE.sessions.create(
        pool_id=pool.id, client=client, sub=user.id, challenge=CUSTOM_CHALLENGE, admin=admin,
        data={"custom_history": history, "private": dict(private),
              "metadata": created.get("challengeMetadata")},
    )
    parameters = {str(k): str(v) for k, v in public.items()}
    parameters["USERNAME"] = user.username
    return {"ChallengeName": CUSTOM_CHALLENGE, "Session": session.id,
            "ChallengeParameters": parameters}


@_answers(CUSTOM_CHALLENGE)
def _custom_answer(answer: _Answer) -> dict[str, Any]:
    session, user = answer.open_session()
    given = answer.need("ANSWER")
    STATE.sessions.consume(session)
    verdict = _lambdas.invoke(
        answer.pool, "VerifyAuthChallengeResponse", "VerifyAuthChallengeResponse_Authentication",
        user_name=user.username,
        request={"userAttributes": _triggers.user_attributes(user),
                 "privateChallengeParameters": session.data["private"],
                 "challengeAnswer": given, "clientMetadata": _triggers.client_metadata(),
                 "userNotFound": False},
        response={"answerCorrect": False}, client_id=answer.client.id,
    ) or {}
    history = [*session.data["custom_history"],
               _step(CUSTOM_CHALLENGE, verdict.get("answerCorrect") is True,
                     session.data.get("metadata"))]
    return _next(answer.pool, answer.client, user, history, admin=answer.admin)
