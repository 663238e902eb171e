"""MFA: which challenge a login gets, TOTP registration, and MFA preferences.

Decision (pool MFA ``OFF`` / ``OPTIONAL`` / ``ON``, methods the pool enables, methods the user
has enabled): pool OFF or a remembered device -> no MFA; no method enabled -> ``MFA_SETUP`` when
the pool requires MFA, else none; the preferred method, or the only one -> that challenge;
several and none preferred -> ``SELECT_MFA_TYPE``. A verified software token counts as enabled.
"""

from __future__ import annotations

from typing import Any, Optional

from . import _totp
from ._errors import CognitoError, invalid_parameter, user_not_found
from ._moto import Pool, User, attributes_of, find_pool, find_user
from ._registry import Request, operation
from ._sessions import ChallengeSession
from ._state import STATE
from ._users import authorize

TOTP = "SOFTWARE_TOKEN_MFA"
SMS = "SMS_MFA"
EMAIL = "EMAIL_OTP"


def pool_methods(pool: Pool) -> list[str]:
    """MFA methods the pool enables, in Cognito's order."""
    methods = []
    if pool.sms_mfa_config:
        methods.append(SMS)
    if (pool.token_mfa_config or {}).get("Enabled"):
        methods.append(TOTP)
    if STATE.pool(pool.id).email_mfa is not None:
        methods.append(EMAIL)
    return methods


def activated(pool: Pool, method: str) -> bool:
    """Whether the pool's MFA configuration (ON or OPTIONAL) activates this method."""
    return (pool.mfa_config or "OFF") != "OFF" and method in pool_methods(pool)


def _require_totp(pool: Pool) -> None:
    """AssociateSoftwareToken and VerifySoftwareToken in a pool without TOTP MFA fail as on AWS
    (the API reference's SoftwareTokenMFANotFoundException)."""
    if not activated(pool, TOTP):
        raise CognitoError("SoftwareTokenMFANotFoundException",
                           "Software token MFA is not activated for the user pool.")


def user_methods(pool: Pool, user: User) -> list[str]:
    """MFA methods this user has enabled (and can receive)."""
    extras = STATE.user(pool.id, user.id)
    attrs = attributes_of(user)
    methods = []
    if user.sms_mfa_enabled and attrs.get("phone_number"):
        methods.append(SMS)
    if user.software_token_mfa_enabled and extras.totp_secret:
        methods.append(TOTP)
    if extras.email_mfa_enabled and attrs.get("email"):
        methods.append(EMAIL)
    return methods


def preferred(pool: Pool, user: User) -> Optional[str]:
    if STATE.user(pool.id, user.id).email_mfa_preferred:
        return EMAIL
    return user.preferred_mfa_setting or None


def decide(pool: Pool, user: User, *, remembered_device: bool) -> Optional[tuple[str, list[str]]]:
    """``(challenge, options)`` for this login, or ``None`` when no MFA is asked."""
    mode = pool.mfa_config or "OFF"
    enabled_in_pool = pool_methods(pool)
    if mode == "OFF" or not enabled_in_pool or remembered_device:
        return None
    methods = [m for m in user_methods(pool, user) if m in enabled_in_pool]
    if not methods:
        return ("MFA_SETUP", enabled_in_pool) if mode == "ON" else None
    choice = preferred(pool, user)
    if choice in methods:
        return (str(choice), [])
    if len(methods) == 1:
        return (methods[0], [])
    return ("SELECT_MFA_TYPE", methods)


def totp_matches(pool: Pool, user: User, code: object) -> bool:
    secret = STATE.user(pool.id, user.id).totp_secret
    return bool(secret) and _totp.verify(str(secret), code, STATE.clock.time())


# -- TOTP registration ------------------------------------------------------------------------


def _setup_session(req: Request) -> tuple[ChallengeSession, Pool, User]:
    session = STATE.sessions.find(req.params.get("Session"))
    if session is None:
        raise CognitoError("NotAuthorizedException", "Invalid session for the user.")
    STATE.sessions.check_live(session)
    if session.challenge != "MFA_SETUP":
        raise CognitoError("NotAuthorizedException", "Invalid session for the user.")
    pool = find_pool(session.pool_id)
    from ._users import user_by_sub

    user = user_by_sub(pool, session.sub)
    if user is None:
        raise CognitoError("NotAuthorizedException", "Invalid session for the user.")
    return session, pool, user


@operation("AssociateSoftwareToken")
def associate_software_token(req: Request) -> dict[str, Any]:
    secret = _totp.new_secret()
    if req.params.get("Session") is not None:
        session, pool, user = _setup_session(req)
        _require_totp(pool)
        STATE.sessions.consume(session)
        STATE.user(pool.id, user.id).totp_pending = secret
        client = pool.clients[session.client_id]
        follow = STATE.sessions.create(pool_id=pool.id, client=client, sub=user.id,
                                       challenge="MFA_SETUP", admin=session.admin,
                                       device_key=session.device_key,
                                       data={"associated": True})
        return {"SecretCode": secret, "Session": follow.id}
    if req.params.get("AccessToken") is None:
        raise invalid_parameter("AccessToken or Session is required")
    pool, user, _ = authorize(req.params.get("AccessToken"))
    _require_totp(pool)
    STATE.user(pool.id, user.id).totp_pending = secret
    return {"SecretCode": secret}


@operation("VerifySoftwareToken")
def verify_software_token(req: Request) -> dict[str, Any]:
    session: Optional[ChallengeSession] = None
    if req.params.get("Session") is not None:
        session, pool, user = _setup_session(req)
    elif req.params.get("AccessToken") is not None:
        pool, user, _ = authorize(req.params.get("AccessToken"))
    else:
        raise invalid_parameter("AccessToken or Session is required")
    _require_totp(pool)
    extras = STATE.user(pool.id, user.id)
    if not extras.totp_pending:
        raise CognitoError("SoftwareTokenMFANotFoundException",
                           "Software Token MFA has not been associated with this user.")
    if not _totp.verify(extras.totp_pending, req.params.get("UserCode"), STATE.clock.time()):
        if session is not None:
            STATE.sessions.fail(session)
        raise CognitoError("EnableSoftwareTokenMFAException",
                           "Code mismatch and fail enable Software Token MFA")
    extras.totp_secret, extras.totp_pending = extras.totp_pending, None
    extras.totp_name = req.text("FriendlyDeviceName") or None
    user.token_verified = True
    user.software_token_mfa_enabled = True
    if session is None:
        return {"Status": "SUCCESS"}
    STATE.sessions.consume(session)
    follow = STATE.sessions.create(pool_id=pool.id, client=pool.clients[session.client_id],
                                   sub=user.id, challenge="MFA_SETUP", admin=session.admin,
                                   device_key=session.device_key,
                                   data={"setup_complete": True})
    return {"Status": "SUCCESS", "Session": follow.id}


# -- preferences and pool configuration -----------------------------------------------------


def _apply_preferences(pool: Pool, user: User, req: Request) -> None:
    extras = STATE.user(pool.id, user.id)
    settings = {
        TOTP: req.params.get("SoftwareTokenMfaSettings"),
        SMS: req.params.get("SMSMfaSettings"),
        EMAIL: req.params.get("EmailMfaSettings"),
    }
    attrs = attributes_of(user)
    for method, value in settings.items():
        if not isinstance(value, dict):
            continue
        enabled = bool(value.get("Enabled"))
        if enabled and not activated(pool, method):
            # InvalidParameterException: the only such error the API reference lists here
            raise invalid_parameter(f"{method} is not activated for the user pool (its MFA "
                                    "configuration)")
        if method == TOTP:
            if enabled and not extras.totp_secret:
                raise invalid_parameter("User has not verified software token mfa")
            user.software_token_mfa_enabled = enabled
        elif method == SMS:
            if enabled and not attrs.get("phone_number"):
                raise invalid_parameter(
                    "User does not have delivery config set to turn on SMS_MFA")
            user.sms_mfa_enabled = enabled
        else:
            if enabled and not attrs.get("email"):
                raise invalid_parameter(
                    "User does not have delivery config set to turn on EMAIL_OTP")
            extras.email_mfa_enabled = enabled
        if value.get("PreferredMfa"):
            if not enabled:
                raise invalid_parameter("A preferred MFA method must be enabled")
            user.preferred_mfa_setting = "" if method == EMAIL else method
            extras.email_mfa_preferred = method == EMAIL
        elif preferred(pool, user) == method:
            user.preferred_mfa_setting = ""
            extras.email_mfa_preferred = False
        if not enabled and preferred(pool, user) == method:
            user.preferred_mfa_setting = ""
            extras.email_mfa_preferred = False


@operation("SetUserMFAPreference")
def set_user_mfa_preference(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    _apply_preferences(pool, user, req)
    return {}


@operation("AdminSetUserMFAPreference")
def admin_set_user_mfa_preference(req: Request) -> dict[str, Any]:
    pool = find_pool(req.required("UserPoolId"))
    user = find_user(pool, req.required("Username"))
    if user is None:
        raise user_not_found()
    _apply_preferences(pool, user, req)
    return {}


@operation("SetUserPoolMfaConfig")
def set_user_pool_mfa_config(req: Request) -> dict[str, Any]:
    params = dict(req.params)
    email = params.pop("EmailMfaConfiguration", None)
    if (email is not None and params.get("MfaConfiguration") in ("ON", "OPTIONAL")
            and not params.get("SmsMfaConfiguration")
            and not params.get("SoftwareTokenMfaConfiguration")):
        params["SoftwareTokenMfaConfiguration"] = {"Enabled": False}
    result = req.call_moto(params)
    STATE.pool(req.required("UserPoolId")).email_mfa = dict(email) if email else None
    if email:
        result["EmailMfaConfiguration"] = dict(email)
    return result


@operation("GetUserPoolMfaConfig")
def get_user_pool_mfa_config(req: Request) -> dict[str, Any]:
    result = req.call_moto()
    email = STATE.pool(req.required("UserPoolId")).email_mfa
    if email:
        result["EmailMfaConfiguration"] = dict(email)
    return result


def mfa_settings(pool: Pool, user: User, result: dict[str, Any]) -> dict[str, Any]:
    """Fix GetUser/AdminGetUser's MFA fields (moto knows no e-mail MFA)."""
    methods = [m for m in (SMS, TOTP) if m in (result.get("UserMFASettingList") or [])]
    if STATE.user(pool.id, user.id).email_mfa_enabled:
        methods.append(EMAIL)
    result["UserMFASettingList"] = methods
    choice = preferred(pool, user)
    if choice:
        result["PreferredMfaSetting"] = choice
    else:
        result.pop("PreferredMfaSetting", None)
    if not methods:
        result.pop("UserMFASettingList", None)
    return result
