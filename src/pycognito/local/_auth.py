"""Authentication: InitiateAuth / AdminInitiateAuth and the challenges, as Cognito runs them.

In AWS's order: the first factor (SRP with a real PASSWORD_VERIFIER check, or a password),
NEW_PASSWORD_REQUIRED, MFA (``_mfa.decide``; none for a remembered device), then the device
(DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER when a confirmed DEVICE_KEY is sent), and finally
tokens (``_tokens``) with NewDeviceMetadata when the pool tracks devices. A DEVICE_KEY that
names no device of the user is refused (``ResourceNotFoundException``, "Device does not
exist.") without using up the session, so a client can forget it and answer again, as AWS's
clients do. Every challenge answer is checked against its
session (``_sessions``), its user, and the client's SECRET_HASH. Refresh (REFRESH_TOKEN_AUTH
and GetTokensFromRefreshToken) is here too.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Callable, Optional

from . import _devices, _mfa, _triggers
from . import _srp as srp_server
from ._errors import (
    CognitoError,
    code_mismatch,
    invalid_parameter,
    invalid_session,
    not_authorized,
    resource_not_found,
)
from ._moto import Client, Pool, User, UserStatus, attributes_of, find_client, find_pool, find_user
from ._moto import pool_name as srp_pool_name
from ._registry import Request, operation
from ._secret_hash import check_client_secret, check_secret_hash
from ._sessions import ChallengeSession
from ._state import STATE
from ._tokens import rotation_enabled, user_usable
from ._users import delivery, mask_email, mask_phone, missing_user_error, user_by_sub

PASSWORD_FLOWS = ("USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH")
REFRESH_FLOWS = ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN")
USER_FLOWS = ("USER_SRP_AUTH", "USER_PASSWORD_AUTH", *REFRESH_FLOWS, "CUSTOM_AUTH", "USER_AUTH")
ADMIN_FLOWS = ("USER_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH", *REFRESH_FLOWS,
               "CUSTOM_AUTH", "USER_AUTH")
_FLOW_PERMISSION = {
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
    "USER_AUTH": "ALLOW_USER_AUTH",
}
_LEGACY_FLOWS = {
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
}


# -- helpers ----------------------------------------------------------------------------------


def _strings(mapping: dict[str, Any]) -> dict[str, str]:
    return {str(k): v for k, v in mapping.items() if isinstance(v, str)}


def enabled_flows(client: Client) -> set[str]:
    """The ALLOW_* flows of an app client (Cognito's defaults when none were given)."""
    flows = client.extended_config.get("ExplicitAuthFlows") or []
    if not flows:
        return {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"}
    enabled = {f for f in flows if f.startswith("ALLOW_")}
    legacy = [f for f in flows if f in _LEGACY_FLOWS]
    if legacy:
        enabled |= {_LEGACY_FLOWS[f] for f in legacy}
        enabled |= {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    return enabled


def _check_flow(client: Client, flow: str) -> None:
    if _FLOW_PERMISSION[flow] not in enabled_flows(client):
        raise invalid_parameter(f"{flow} flow not enabled for this client")


def _same_user(pool: Pool, user: User, name: object) -> bool:
    named = find_user(pool, name if isinstance(name, str) else None)
    return named is not None and named.id == user.id


def _session_user(pool: Pool, session: ChallengeSession) -> User:
    user = user_by_sub(pool, session.sub)
    if user is None:
        raise invalid_session()
    return user


def _challenge(pool: Pool, client: Client, user: User, name: str, params: dict[str, str], *,
               admin: bool, device_key: Optional[str] = None,
               data: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    session = STATE.sessions.create(pool_id=pool.id, client=client, sub=user.id, challenge=name,
                                    admin=admin, device_key=device_key, data=data)
    if session.data.get("code_kind"):
        _send_mfa_code(pool, user, session, params)
    return {"ChallengeName": name, "Session": session.id, "ChallengeParameters": params}


def _send_mfa_code(pool: Pool, user: User, session: ChallengeSession,
                   params: dict[str, str]) -> None:
    kind = session.data["code_kind"]
    attribute = "phone_number" if kind in ("sms_mfa", "sms_otp") else "email"
    destination = attributes_of(user).get(attribute, "")
    STATE.codes.issue(pool_id=pool.id, sub=user.id, username=user.username, kind=kind,
                      destination=destination, purpose=f"session:{session.id}")
    details = delivery(user, attribute) or {}
    params["CODE_DELIVERY_DELIVERY_MEDIUM"] = details.get("DeliveryMedium", "")
    params["CODE_DELIVERY_DESTINATION"] = details.get("Destination", "")


def _check_status(user: User) -> None:
    if not user.enabled:
        raise not_authorized("User is disabled.")
    if user.status == UserStatus.UNCONFIRMED:
        raise CognitoError("UserNotConfirmedException", "User is not confirmed.")
    if user.status == UserStatus.RESET_REQUIRED:
        raise CognitoError("PasswordResetRequiredException", "Password reset required for the user")


def user_signing_in(pool: Pool, client: Client, username: str) -> User:
    """The user a CUSTOM_AUTH or USER_AUTH sign-in starts for: known, enabled, confirmed, not
    awaiting a password reset, and let through by the PreAuthentication trigger."""
    user = find_user(pool, username)
    if user is None:
        raise missing_user_error(client)
    _check_status(user)
    _triggers.pre_authentication(pool, user, client.id)
    return user


# -- the stages of a login --------------------------------------------------------------------


def after_first_factor(pool: Pool, client: Client, user: User, *, admin: bool,
                       device_key: Optional[str]) -> dict[str, Any]:
    """Password proven: a new password first when one is required, then the rest."""
    if user.status == UserStatus.FORCE_CHANGE_PASSWORD:
        return _challenge(pool, client, user, "NEW_PASSWORD_REQUIRED",
                          _new_password_parameters(pool, client, user), admin=admin,
                          device_key=device_key)
    return after_password(pool, client, user, admin=admin, device_key=device_key)


def after_password(pool: Pool, client: Client, user: User, *, admin: bool,
                   device_key: Optional[str]) -> dict[str, Any]:
    """Password proven (and set, if it had to be): MFA unless the named device is remembered,
    then the device."""
    device = _devices.confirmed_device(pool, user, device_key)
    decision = _mfa.decide(pool, user, remembered_device=device is not None and device.remembered)
    if decision is not None:
        return mfa_challenge(pool, client, user, decision, admin=admin,
                             device_key=None if device is None else device.key)
    return after_mfa(pool, client, user, admin=admin, device_key=device_key)


def after_mfa(pool: Pool, client: Client, user: User, *, admin: bool,
              device_key: Optional[str], mfa_session: Optional[ChallengeSession] = None
              ) -> dict[str, Any]:
    """MFA passed (or not needed): the device's own SRP when a confirmed device was named,
    else tokens (with NewDeviceMetadata when the pool tracks devices).

    AWS's JavaScript client answers this DEVICE_SRP_AUTH with the MFA step's session rather
    than the one sent with it; the MFA session (``mfa_session``) is therefore linked to it.
    """
    if _devices.confirmed_device(pool, user, device_key) is None:
        return finish(pool, client, user, device_key=None)
    reply = _challenge(pool, client, user, "DEVICE_SRP_AUTH", {"USERNAME": user.username},
                       admin=admin, device_key=device_key)
    if mfa_session is not None:
        mfa_session.data["device_srp_session"] = reply["Session"]
    return reply


def mfa_challenge(pool: Pool, client: Client, user: User, decision: tuple[str, list[str]], *,
                  admin: bool, device_key: Optional[str]) -> dict[str, Any]:
    name, options = decision
    params: dict[str, str] = {}
    data: dict[str, Any] = {}
    if name == "MFA_SETUP":
        params["MFAS_CAN_SETUP"] = json.dumps(options)
    elif name == "SELECT_MFA_TYPE":
        params["MFAS_CAN_CHOOSE"] = json.dumps(options)
    elif name == _mfa.SMS:
        data["code_kind"] = "sms_mfa"
    elif name == _mfa.EMAIL:
        data["code_kind"] = "email_mfa"
    elif name == _mfa.TOTP:
        friendly = STATE.user(pool.id, user.id).totp_name
        if friendly:
            params["FRIENDLY_DEVICE_NAME"] = friendly
    return _challenge(pool, client, user, name, params, admin=admin, device_key=device_key,
                      data=data)


def finish(pool: Pool, client: Client, user: User, *, device_key: Optional[str]) -> dict[str, Any]:
    """Tokens, with NewDeviceMetadata when the pool tracks devices and none was proven."""
    new_device = None
    if device_key is None and _devices.tracking_enabled(pool):
        new_device = _devices.new_device(pool, user)
        device_key = new_device.key
    elif device_key is not None:
        device = _devices.confirmed_device(pool, user, device_key)
        if device is not None:
            _devices.touch(device)
    _triggers.post_authentication(pool, user, client.id, new_device=new_device is not None)
    result = STATE.tokens.issue(pool, client, user, device_key=device_key,
                                trigger_source=_triggers.token_source())
    if new_device is not None:
        result["NewDeviceMetadata"] = {"DeviceKey": new_device.key,
                                       "DeviceGroupKey": new_device.group_key}
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _new_password_parameters(pool: Pool, client: Client, user: User) -> dict[str, str]:
    attrs = {k: v for k, v in attributes_of(user).items() if k != "sub"}
    required = [f"userAttributes.{name}"
                for name in _missing_required(pool, attrs) if _writable(pool, client, name)]
    return {"USER_ID_FOR_SRP": user.username, "requiredAttributes": json.dumps(required),
            "userAttributes": json.dumps(attrs)}


def _missing_required(pool: Pool, attrs: dict[str, str]) -> list[str]:
    """Attributes the pool requires that the user lacks (``sub`` is never missing)."""
    return [name for name, attribute in pool.schema_attributes.items()
            if getattr(attribute, "required", False) and name != "sub" and not attrs.get(name)]


def _writable(pool: Pool, client: Client, name: str) -> bool:
    """Whether a user answering through this app client may set the attribute."""
    attribute = pool.schema_attributes.get(name)
    if attribute is None or not getattr(attribute, "mutable", True):
        return False
    allowed = client.extended_config.get("WriteAttributes")
    return not allowed or name in allowed


# -- InitiateAuth -------------------------------------------------------------------------------


@operation("InitiateAuth")
def initiate_auth(req: Request) -> dict[str, Any]:
    return _initiate(req, admin=False)


@operation("AdminInitiateAuth")
def admin_initiate_auth(req: Request) -> dict[str, Any]:
    return _initiate(req, admin=True)


def _initiate(req: Request, *, admin: bool) -> dict[str, Any]:
    pool_id = req.required("UserPoolId") if admin else None
    if pool_id is not None:
        find_pool(pool_id)
    pool, client = find_client(req.required("ClientId"), pool_id)
    flow = req.required("AuthFlow")
    if flow not in (ADMIN_FLOWS if admin else USER_FLOWS):
        raise invalid_parameter("Initiate Auth method not supported")
    _check_flow(client, flow)
    params = _strings(req.mapping("AuthParameters"))
    if flow in REFRESH_FLOWS:
        return _refresh_auth(pool, client, params)
    username = params.get("USERNAME")
    if not username:
        raise invalid_parameter("Missing required parameter USERNAME")
    check_secret_hash(client, username, params.get("SECRET_HASH"))
    if flow == "CUSTOM_AUTH":
        from ._custom import start_custom

        return start_custom(pool, client, username, params, admin=admin)
    if flow == "USER_AUTH":
        from ._choice import start_choice

        return start_choice(pool, client, username, params, admin=admin)
    if flow == "USER_SRP_AUTH":
        return _start_srp(pool, client, username, params, admin=admin)
    return _password_auth(pool, client, username, params, admin=admin)


def _password_auth(pool: Pool, client: Client, username: str, params: dict[str, str], *,
                   admin: bool) -> dict[str, Any]:
    user = find_user(pool, username)
    password = params.get("PASSWORD", "")
    if user is None:
        user = _triggers.migrate_user(pool, "UserMigration_Authentication", username=username,
                                      password=password, client_id=client.id)
    if user is None:
        raise missing_user_error(client)
    if not user.enabled:
        raise not_authorized("User is disabled.")
    _triggers.pre_authentication(pool, user, client.id)
    check_password(user, password)
    _check_status(user)
    return after_first_factor(pool, client, user, admin=admin,
                              device_key=params.get("DEVICE_KEY"))


def check_password(user: User, password: str) -> None:
    """The user's password, or NotAuthorizedException (a constant-time comparison)."""
    if user.password is None or not hmac.compare_digest(password.encode(),
                                                        str(user.password).encode()):
        raise not_authorized()


def _start_srp(pool: Pool, client: Client, username: str, params: dict[str, str], *,
               admin: bool) -> dict[str, Any]:
    big_a = srp_server.parse_srp_a(params.get("SRP_A"))
    if big_a is None:
        raise invalid_parameter("SRP_A is missing or invalid")
    user = find_user(pool, username)
    if user is None:
        if client.extended_config.get("PreventUserExistenceErrors") != "ENABLED":
            raise missing_user_error(client)
        return _decoy_srp_challenge(username, big_a)
    if not user.enabled:
        raise not_authorized("User is disabled.")
    _triggers.pre_authentication(pool, user, client.id)
    return srp_challenge(pool, client, user, big_a, admin=admin,
                         device_key=params.get("DEVICE_KEY"))


def _password_verifier_of(extras: Any, prefix: str, identity: str, password: str) -> int:
    """The user's SRP verifier ``g^x``, kept until the salt, name or password changes (as
    Cognito keeps a verifier, not a password)."""
    salt = str(extras.srp_salt)
    inputs = hashlib.sha256("\0".join((salt, prefix, identity, password)).encode()).digest()
    if extras.srp_verifier is None or not hmac.compare_digest(extras.srp_verifier[0], inputs):
        extras.srp_verifier = (inputs, srp_server.password_verifier(
            salt_hex=salt, prefix=prefix, identity=identity, password=password))
    return int(extras.srp_verifier[1])


def srp_challenge(pool: Pool, client: Client, user: User, big_a: int, *, admin: bool,
                  device_key: Optional[str], data: Optional[dict[str, Any]] = None
                  ) -> dict[str, Any]:
    """PASSWORD_VERIFIER for the user's password (``data`` kept in its session)."""
    extras = STATE.user(pool.id, user.id)
    if extras.srp_salt is None:
        extras.srp_salt = srp_server.new_salt_hex()
    prefix, identity = srp_pool_name(pool.id), user.username
    verifier = _password_verifier_of(extras, prefix, identity, str(user.password or ""))
    challenge = srp_server.start(big_a=big_a, verifier=verifier, prefix=prefix, identity=identity)
    session = STATE.sessions.create(
        pool_id=pool.id, client=client, sub=user.id, challenge="PASSWORD_VERIFIER", admin=admin,
        device_key=device_key,
        data={**(data or {}), "srp": challenge, "secret_block": challenge.secret_block},
    )
    return {
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": session.id,
        "ChallengeParameters": {
            "SALT": extras.srp_salt,
            "SRP_B": challenge.srp_b_hex,
            "SECRET_BLOCK": challenge.secret_block,
            "USERNAME": user.username,
            "USER_ID_FOR_SRP": user.username,
        },
    }


def _decoy_srp_challenge(username: str, big_a: int) -> dict[str, Any]:
    """An unanswerable challenge for an unknown user (PreventUserExistenceErrors=ENABLED)."""
    challenge = srp_server.start(big_a=big_a, verifier=2, prefix="decoy", identity=username)
    return {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": srp_server.new_salt_hex(),
            "SRP_B": challenge.srp_b_hex,
            "SECRET_BLOCK": challenge.secret_block,
            "USERNAME": username,
            "USER_ID_FOR_SRP": username,
        },
    }


# -- refresh ------------------------------------------------------------------------------------


def _refresh_auth(pool: Pool, client: Client, params: dict[str, str]) -> dict[str, Any]:
    token = params.get("REFRESH_TOKEN")
    if not token:
        raise invalid_parameter("Missing required parameter REFRESH_TOKEN")
    if rotation_enabled(client):
        raise not_authorized("Refresh token rotation is enabled for this app client; "
                             "use GetTokensFromRefreshToken")
    record = STATE.tokens.check_refresh_token(token, client, params.get("DEVICE_KEY"))
    user = user_usable(user_by_sub(pool, record.sub))
    check_secret_hash(client, user.username, params.get("SECRET_HASH"))
    _check_refresh_device(pool, user, record.device_key)
    result = STATE.tokens.issue(pool, client, user, device_key=record.device_key, refresh=record,
                                new_refresh_token=False)
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _check_refresh_device(pool: Pool, user: User, device_key: Optional[str]) -> None:
    """With device tracking, a token bound to a device needs that device confirmed."""
    if device_key is not None and _devices.confirmed_device(pool, user, device_key) is None:
        raise not_authorized("Invalid Refresh Token.")


@operation("GetTokensFromRefreshToken")
def get_tokens_from_refresh_token(req: Request) -> dict[str, Any]:
    pool, client = find_client(req.required("ClientId"))
    token = req.required("RefreshToken")
    check_client_secret(client, req.params.get("ClientSecret"))
    record = STATE.tokens.check_refresh_token(token, client, req.params.get("DeviceKey"))
    user = user_usable(user_by_sub(pool, record.sub))
    _check_refresh_device(pool, user, record.device_key)
    rotate = rotation_enabled(client)
    result = STATE.tokens.issue(pool, client, user, device_key=record.device_key, refresh=record,
                                new_refresh_token=rotate)
    if rotate and record.rotated_at is None:
        record.rotated_at = STATE.clock.time()
    return {"AuthenticationResult": result}


# -- RespondToAuthChallenge ---------------------------------------------------------------------


class _Answer:
    """One challenge response, with what every challenge handler needs."""

    def __init__(self, req: Request, pool: Pool, client: Client, admin: bool) -> None:
        self.req = req
        self.pool = pool
        self.client = client
        self.admin = admin
        self.name = req.required("ChallengeName")
        self.responses = _strings(req.mapping("ChallengeResponses"))

    def need(self, key: str) -> str:
        value = self.responses.get(key)
        if not value:
            raise invalid_parameter(f"Missing required parameter {key}")
        return value

    def open_session(self) -> tuple[ChallengeSession, User]:
        session = STATE.sessions.open(self.req.params.get("Session"), client_id=self.client.id,
                                      challenges=(self.name,))
        user = _session_user(self.pool, session)
        self.check_user(user)
        return session, user

    def check_user(self, user: User) -> None:
        """USERNAME must name the session's user; SECRET_HASH is computed over it."""
        username = self.need("USERNAME")
        if not _same_user(self.pool, user, username):
            raise not_authorized()
        check_secret_hash(self.client, username, self.responses.get("SECRET_HASH"))


ChallengeHandler = Callable[[_Answer], dict[str, Any]]
_CHALLENGES: dict[str, ChallengeHandler] = {}


def _answers(*names: str) -> Callable[[ChallengeHandler], ChallengeHandler]:
    def register(handler: ChallengeHandler) -> ChallengeHandler:
        for name in names:
            _CHALLENGES[name] = handler
        return handler

    return register


@operation("RespondToAuthChallenge")
def respond_to_auth_challenge(req: Request) -> dict[str, Any]:
    return _respond(req, admin=False)


@operation("AdminRespondToAuthChallenge")
def admin_respond_to_auth_challenge(req: Request) -> dict[str, Any]:
    return _respond(req, admin=True)


def _respond(req: Request, *, admin: bool) -> dict[str, Any]:
    pool_id = req.required("UserPoolId") if admin else None
    if pool_id is not None:
        find_pool(pool_id)
    pool, client = find_client(req.required("ClientId"), pool_id)
    answer = _Answer(req, pool, client, admin)
    handler = _CHALLENGES.get(answer.name)
    if handler is None:
        raise invalid_parameter(f"Unsupported challenge {answer.name}")
    return handler(answer)


def _srp_session(answer: _Answer) -> ChallengeSession:
    """The session a (device) password verifier answers, by Session or by secret block (not
    yet used up: see :func:`_verify_claim`)."""
    block = answer.need("PASSWORD_CLAIM_SECRET_BLOCK")
    answer.need("PASSWORD_CLAIM_SIGNATURE")
    answer.need("TIMESTAMP")
    session_id = answer.req.params.get("Session")
    session = (STATE.sessions.find(session_id) if session_id is not None
               else STATE.sessions.find_by("secret_block", block))
    if (session is None or session.client_id != answer.client.id
            or session.challenge != answer.name or session.used):
        raise not_authorized()
    if STATE.clock.time() >= session.expires_at:
        raise invalid_session("session is expired")
    return session


def _verify_claim(answer: _Answer, session: ChallengeSession) -> None:
    """Check the SRP proof; a wrong one uses up the session (one attempt per challenge)."""
    if not srp_server.timestamp_is_fresh(answer.responses.get("TIMESTAMP"), STATE.clock.time()):
        STATE.sessions.consume(session)
        raise not_authorized()
    if not srp_server.claim_is_valid(
        session.data["srp"],
        secret_block=answer.responses.get("PASSWORD_CLAIM_SECRET_BLOCK"),
        timestamp=answer.responses.get("TIMESTAMP"),
        signature=answer.responses.get("PASSWORD_CLAIM_SIGNATURE"),
    ):
        STATE.sessions.consume(session)
        raise not_authorized()


@_answers("PASSWORD_VERIFIER")
def _password_verifier(answer: _Answer) -> dict[str, Any]:
    session = _srp_session(answer)
    user = user_by_sub(answer.pool, session.sub)
    if user is None:
        STATE.sessions.consume(session)
        raise not_authorized()
    answer.check_user(user)
    _verify_claim(answer, session)
    if "custom_history" in session.data:  # CUSTOM_AUTH that began with SRP_A
        from ._custom import after_password_verifier

        STATE.sessions.consume(session)
        _check_status(user)
        return after_password_verifier(answer.pool, answer.client, user, session,
                                       admin=answer.admin)
    # The answer's DEVICE_KEY decides, even a null one: AWS's JS client forgets a refused key
    # and answers again with "DEVICE_KEY": null after sending it with InitiateAuth.
    raw = answer.req.mapping("ChallengeResponses")
    device_key = answer.responses.get("DEVICE_KEY") if "DEVICE_KEY" in raw else session.device_key
    if device_key and not _devices.known_device(answer.pool, user, device_key):
        # the session stays usable: AWS's clients forget the key and answer again without it
        raise resource_not_found("Device does not exist.")
    STATE.sessions.consume(session)
    _check_status(user)
    return after_first_factor(answer.pool, answer.client, user, admin=answer.admin,
                              device_key=device_key)


@_answers("DEVICE_SRP_AUTH")
def _device_srp_auth(answer: _Answer) -> dict[str, Any]:
    _follow_mfa_session(answer)
    session, user = answer.open_session()
    device_key = answer.need("DEVICE_KEY")
    device = _devices.confirmed_device(answer.pool, user, device_key)
    if device is None:
        raise resource_not_found("Device does not exist.")
    big_a = srp_server.parse_srp_a(answer.responses.get("SRP_A"))
    if big_a is None:
        raise invalid_parameter("SRP_A is missing or invalid")
    STATE.sessions.consume(session)
    challenge = srp_server.start(big_a=big_a, verifier=device.verifier, prefix=device.group_key,
                                 identity=device.key)
    follow = STATE.sessions.create(
        pool_id=answer.pool.id, client=answer.client, sub=user.id,
        challenge="DEVICE_PASSWORD_VERIFIER", admin=answer.admin, device_key=device.key,
        data={"srp": challenge, "secret_block": challenge.secret_block},
    )
    return {
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
        "Session": follow.id,
        "ChallengeParameters": {
            "USERNAME": user.username,
            "SALT": device.salt_hex,
            "SRP_B": challenge.srp_b_hex,
            "SECRET_BLOCK": challenge.secret_block,
        },
    }


def _follow_mfa_session(answer: _Answer) -> None:
    """Take the MFA step's (used) session as the DEVICE_SRP_AUTH session it led to, as AWS
    does for its JavaScript client, which sends the former."""
    named = STATE.sessions.find(answer.req.params.get("Session"))
    if named is not None and named.used and named.data.get("device_srp_session"):
        answer.req.params["Session"] = named.data["device_srp_session"]


@_answers("DEVICE_PASSWORD_VERIFIER")
def _device_password_verifier(answer: _Answer) -> dict[str, Any]:
    session = _srp_session(answer)
    STATE.sessions.consume(session)  # one attempt, right or wrong
    user = user_by_sub(answer.pool, session.sub)
    if user is None:
        raise not_authorized()
    answer.check_user(user)
    if answer.responses.get("DEVICE_KEY", session.device_key) != session.device_key:
        raise not_authorized()
    _verify_claim(answer, session)
    if _devices.confirmed_device(answer.pool, user, session.device_key) is None:
        raise resource_not_found("Device does not exist.")
    _check_status(user)
    with _triggers.tokens_for("TokenGeneration_AuthenticateDevice"):
        return finish(answer.pool, answer.client, user, device_key=session.device_key)


@_answers("NEW_PASSWORD_REQUIRED")
def _new_password_required(answer: _Answer) -> dict[str, Any]:
    session, user = answer.open_session()
    new_password = answer.need("NEW_PASSWORD")
    backend = answer.pool.backend
    backend._validate_password(answer.pool.id, new_password)
    updates = {k[len("userAttributes."):]: v for k, v in answer.responses.items()
               if k.startswith("userAttributes.")}
    if "sub" in updates:
        raise invalid_parameter("Cannot modify the non-mutable attribute sub")
    merged = {**attributes_of(user), **updates}
    missing = _missing_required(answer.pool, merged)
    if missing:
        raise invalid_parameter(f"Invalid attributes given, {missing[0]} is missing")
    STATE.sessions.consume(session)
    if updates:
        user.update_attributes([{"Name": k, "Value": v} for k, v in updates.items()])
    user.password = new_password
    user.status = UserStatus.CONFIRMED
    with _triggers.tokens_for("TokenGeneration_NewPasswordChallenge"):
        return after_password(answer.pool, answer.client, user, admin=answer.admin,
                              device_key=session.device_key)


@_answers("SMS_MFA", "EMAIL_OTP", "SMS_OTP", "SOFTWARE_TOKEN_MFA")
def _mfa_code(answer: _Answer) -> dict[str, Any]:
    session, user = answer.open_session()
    code = answer.need(f"{answer.name}_CODE")  # SMS_MFA_CODE, EMAIL_OTP_CODE, ...
    if answer.name == _mfa.TOTP:
        if not _mfa.totp_matches(answer.pool, user, code):
            STATE.sessions.fail(session)
            raise code_mismatch("Invalid code received for user")
    else:
        try:
            STATE.codes.check(pool_id=answer.pool.id, sub=user.id,
                              purpose=f"session:{session.id}", code=code)
        except CognitoError as error:
            if error.cognito_code == "CodeMismatchException":
                STATE.sessions.fail(session)
            raise
    STATE.sessions.consume(session)
    return after_mfa(answer.pool, answer.client, user, admin=answer.admin,
                     device_key=session.device_key, mfa_session=session)


@_answers("SELECT_MFA_TYPE")
def _select_mfa_type(answer: _Answer) -> dict[str, Any]:
    session, user = answer.open_session()
    choice = answer.need("ANSWER")
    options = _mfa.user_methods(answer.pool, user)
    if choice not in options:
        raise invalid_parameter(f"Invalid MFA type {choice}")
    STATE.sessions.consume(session)
    return mfa_challenge(answer.pool, answer.client, user, (choice, []), admin=answer.admin,
                         device_key=session.device_key)


@_answers("MFA_SETUP")
def _mfa_setup(answer: _Answer) -> dict[str, Any]:
    session, user = answer.open_session()
    if not session.data.get("setup_complete"):
        raise invalid_parameter("MFA setup is not complete: associate and verify a software "
                                "token with this session first")
    STATE.sessions.consume(session)
    return after_mfa(answer.pool, answer.client, user, admin=answer.admin,
                     device_key=session.device_key, mfa_session=session)


__all__ = ["after_first_factor", "after_mfa", "after_password", "check_password",
           "enabled_flows", "finish", "mask_email", "mask_phone", "srp_challenge"]
