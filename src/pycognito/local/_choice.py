"""USER_AUTH: choice-based sign-in, with the pool's ``SignInPolicy.AllowedFirstAuthFactors``.

The first factors a user can use are those the pool allows (``PASSWORD`` by default) and the
user has: ``PASSWORD`` and ``PASSWORD_SRP`` with a password, ``EMAIL_OTP`` with a verified
e-mail address, ``SMS_OTP`` with a verified phone number (passkeys, ``WEB_AUTHN``, are not
supported). A ``PREFERRED_CHALLENGE`` among them starts at once; otherwise Cognito answers
SELECT_CHALLENGE with ``AvailableChallenges``. A password or SRP first factor continues as any
login (new password, device, MFA); a one-time code sent to the outbox (kinds ``email_otp``,
``sms_otp``) ends in tokens: no MFA after a passwordless first factor. Also GetUserAuthFactors.
"""

from __future__ import annotations

from typing import Any

from . import _srp as srp_server
from . import _triggers
from ._auth import (
    _Answer,
    _answers,
    _challenge,
    after_first_factor,
    check_password,
    srp_challenge,
    user_signing_in,
)
from ._errors import invalid_parameter
from ._mfa import mfa_settings
from ._moto import Client, Pool, User, attributes_of, find_user
from ._registry import Request, operation
from ._state import STATE
from ._users import authorize

SELECT_CHALLENGE = "SELECT_CHALLENGE"
_OTP_KINDS = {"EMAIL_OTP": "email_otp", "SMS_OTP": "sms_otp"}


def allowed_first_factors(pool: Pool) -> list[str]:
    """The pool's ``SignInPolicy.AllowedFirstAuthFactors`` (Cognito's default: PASSWORD)."""
    policy = (pool.extended_config.get("Policies") or {}).get("SignInPolicy") or {}
    factors = policy.get("AllowedFirstAuthFactors")
    return [str(f) for f in factors] if isinstance(factors, list) and factors else ["PASSWORD"]


def user_factors(user: User) -> list[str]:
    """The first-factor kinds this user has the means for (``PASSWORD``, ``EMAIL_OTP``, ...)."""
    attrs = attributes_of(user)
    factors = ["PASSWORD"] if user.password else []
    if attrs.get("email") and attrs.get("email_verified") == "true":
        factors.append("EMAIL_OTP")
    if attrs.get("phone_number") and attrs.get("phone_number_verified") == "true":
        factors.append("SMS_OTP")
    return factors


def available_challenges(pool: Pool, user: User) -> list[str]:
    """What SELECT_CHALLENGE offers this user, in Cognito's order."""
    allowed = set(allowed_first_factors(pool)) & set(user_factors(user))
    offered = []
    if "PASSWORD" in allowed:
        offered += ["PASSWORD", "PASSWORD_SRP"]
    offered += [f for f in ("EMAIL_OTP", "SMS_OTP") if f in allowed]
    return offered


def start_choice(pool: Pool, client: Client, username: str, params: dict[str, str], *,
                 admin: bool) -> dict[str, Any]:
    """InitiateAuth with USER_AUTH (a password given up front can migrate an unknown user, as
    at USER_PASSWORD_AUTH; a passwordless start never calls UserMigration, as on AWS)."""
    password = params.get("PASSWORD")
    if (params.get("PREFERRED_CHALLENGE") == "PASSWORD" and password
            and "PASSWORD" in allowed_first_factors(pool) and find_user(pool, username) is None):
        _triggers.migrate_user(pool, "UserMigration_Authentication", username=username,
                               password=password, client_id=client.id)
    user = user_signing_in(pool, client, username)
    offered = available_challenges(pool, user)
    preferred = params.get("PREFERRED_CHALLENGE")
    if preferred in offered:
        return _start_factor(pool, client, user, str(preferred), params, admin=admin)
    session = STATE.sessions.create(pool_id=pool.id, client=client, sub=user.id,
                                    challenge=SELECT_CHALLENGE, admin=admin,
                                    device_key=params.get("DEVICE_KEY"),
                                    data={"available": offered})
    return {"ChallengeName": SELECT_CHALLENGE, "Session": session.id,
            "ChallengeParameters": {"USERNAME": user.username},
            "AvailableChallenges": offered}


def _start_factor(pool: Pool, client: Client, user: User, factor: str, given: dict[str, str], *,
                  admin: bool) -> dict[str, Any]:
    device_key = given.get("DEVICE_KEY")
    if factor == "PASSWORD":
        password = given.get("PASSWORD")
        if not password:
            raise invalid_parameter("Missing required parameter PASSWORD")
        check_password(user, password)
        return after_first_factor(pool, client, user, admin=admin, device_key=device_key)
    if factor == "PASSWORD_SRP":
        big_a = srp_server.parse_srp_a(given.get("SRP_A"))
        if big_a is None:
            raise invalid_parameter("SRP_A is missing or invalid")
        return srp_challenge(pool, client, user, big_a, admin=admin, device_key=device_key)
    return _challenge(pool, client, user, factor, {"USERNAME": user.username}, admin=admin,
                      data={"code_kind": _OTP_KINDS[factor]})


@_answers(SELECT_CHALLENGE)
def _select_challenge(answer: _Answer) -> dict[str, Any]:
    session, user = answer.open_session()
    choice = answer.need("ANSWER")
    if choice not in session.data["available"]:
        raise invalid_parameter(f"The challenge {choice} is not available for this user")
    STATE.sessions.consume(session)
    given = dict(answer.responses)
    if session.device_key and "DEVICE_KEY" not in given:
        given["DEVICE_KEY"] = session.device_key
    return _start_factor(answer.pool, answer.client, user, choice, given, admin=answer.admin)


@operation("GetUserAuthFactors")
def get_user_auth_factors(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    allowed = set(allowed_first_factors(pool))
    factors = [f for f in user_factors(user) if f in allowed]
    result = mfa_settings(pool, user, {"Username": user.username})
    if STATE.user(pool.id, user.id).totp_secret:
        factors.append("SOFTWARE_TOKEN")
    result["ConfiguredUserAuthFactors"] = factors
    return result
