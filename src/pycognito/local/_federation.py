"""``cognito-identity`` and ``sts`` on the local Cognito's endpoint: the operations that take a
user's token or temporary credentials (see :mod:`._identity_pools` and :mod:`._sts`).

:func:`answer` is called (by ``_dispatch``) with every cognito-identity and STS request; it
returns the reply for the operations implemented here and ``None`` for everything else
(identity pool administration and the rest of STS are moto's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional
from urllib.parse import parse_qs

from ._calls import Call
from ._errors import CognitoError, invalid_parameter
from ._identity_pools import (
    CREDENTIALS_SECONDS,
    OPENID_ISSUER,
    Identity,
    IdentityPool,
    Login,
    check_logins,
    decode,
    find_identity_pool,
    openid_key,
    openid_token,
    resolve_role,
    roles_of,
)
from ._sts import IssuedCredentials, StsError, caller_identity, web_identity_result

if TYPE_CHECKING:
    from ._state import LocalState

IDENTITY_TARGET = "AWSCognitoIdentityService."
_SESSION_NAME = "CognitoIdentityCredentials"


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


# -- cognito-identity -----------------------------------------------------------------------


def _get_id(state: LocalState, params: dict[str, Any]) -> dict[str, Any]:
    pool = find_identity_pool(params.get("IdentityPoolId"))
    login = check_logins(pool, params.get("Logins"), state.clock.time())
    region = pool.identity_pool_id.split(":", 1)[0]
    identity = state.identities.identity_for(pool.identity_pool_id, region, login)
    return {"IdentityId": identity.identity_id}


def _identity_and_login(state: LocalState, params: dict[str, Any]
                        ) -> tuple[Identity, IdentityPool, Optional[Login]]:
    """The identity named by ``IdentityId``, its pool and the verified login, which must be
    the identity's own user."""
    identity_id = params.get("IdentityId")
    identity = state.identities.identities.get(identity_id) if isinstance(
        identity_id, str) else None
    if identity is None:
        raise CognitoError("ResourceNotFoundException", f"Identity '{identity_id}' not found.")
    pool = find_identity_pool(identity.pool_id)
    login = check_logins(pool, params.get("Logins"), state.clock.time())
    if identity.logins and login is None:
        raise CognitoError("NotAuthorizedException",
                           f"Access to Identity '{identity_id}' is forbidden.")
    if login is not None and identity.logins.get(login.provider) != login.sub:
        raise CognitoError("NotAuthorizedException", "Logins don't match. Please include at "
                           "least one valid login for this identity or identity pool.")
    return identity, pool, login


def _get_credentials_for_identity(state: LocalState, params: dict[str, Any]) -> dict[str, Any]:
    identity, pool, login = _identity_and_login(state, params)
    config = state.identities.roles.get(pool.identity_pool_id, {})
    if login is None:
        role = (config.get("Roles") or {}).get("unauthenticated")
        if not role:
            raise CognitoError("InvalidIdentityPoolConfigurationException",
                               "Invalid identity pool configuration. "
                               "Check assigned IAM roles for this pool.")
    else:
        custom = params.get("CustomRoleArn")
        role = resolve_role(config, login, custom if isinstance(custom, str) else None)
    creds = state.credentials.issue(str(role), _SESSION_NAME, CREDENTIALS_SECONDS)
    return {
        "IdentityId": identity.identity_id,
        "Credentials": {
            "AccessKeyId": creds.access_key_id,
            "SecretKey": creds.secret_access_key,
            "SessionToken": creds.session_token,
            "Expiration": creds.expires_at,
        },
    }


def _get_open_id_token(state: LocalState, params: dict[str, Any]) -> dict[str, Any]:
    identity, _, login = _identity_and_login(state, params)
    if login is None:
        raise invalid_parameter("The local Cognito issues OpenID tokens for signed-in users only.")
    return {"IdentityId": identity.identity_id,
            "Token": openid_token(identity, login, state.clock.time())}


def _set_identity_pool_roles(state: LocalState, params: dict[str, Any]) -> dict[str, Any]:
    pool = find_identity_pool(params.get("IdentityPoolId"))
    roles = params.get("Roles")
    if not isinstance(roles, dict) or not set(roles) <= {"authenticated", "unauthenticated"}:
        raise invalid_parameter("Roles must map 'authenticated'/'unauthenticated' to role ARNs.")
    mappings = params.get("RoleMappings") or {}
    if not isinstance(mappings, dict):
        raise invalid_parameter("RoleMappings must be a map.")
    state.identities.roles[pool.identity_pool_id] = {"Roles": dict(roles),
                                                     "RoleMappings": dict(mappings)}
    return {}


def _get_identity_pool_roles(state: LocalState, params: dict[str, Any]) -> dict[str, Any]:
    pool = find_identity_pool(params.get("IdentityPoolId"))
    config = state.identities.roles.get(pool.identity_pool_id, {})
    return {"IdentityPoolId": pool.identity_pool_id, **config}


IdentityOperation = Callable[["LocalState", dict[str, Any]], Optional[dict[str, Any]]]
#: moto's operations that have a KeyError for an unknown identity pool: checked here first.
_POOL_FIRST = frozenset({"ListIdentities", "UpdateIdentityPool"})


def _pool_exists(state: LocalState, params: dict[str, Any]) -> None:
    find_identity_pool(params.get("IdentityPoolId"))
    return None  # there is one: moto answers


#: moto's operations this endpoint refuses (``UnsupportedOperationException``): developer
#: identities are not served, and moto would hand out a token even for no identity pool.
NOT_SERVED = {"cognito-identity": frozenset({"GetOpenIdTokenForDeveloperIdentity"})}

IDENTITY_OPERATIONS: dict[str, IdentityOperation] = {
    "GetId": _get_id,
    "GetCredentialsForIdentity": _get_credentials_for_identity,
    "GetOpenIdToken": _get_open_id_token,
    "SetIdentityPoolRoles": _set_identity_pool_roles,
    "GetIdentityPoolRoles": _get_identity_pool_roles,
}


# -- sts ------------------------------------------------------------------------------------


def _assume_role_with_web_identity(state: LocalState, params: dict[str, str],
                                   environ: dict[str, Any], body: bytes) -> str:
    role_arn = params.get("RoleArn") or ""
    session_name = params.get("RoleSessionName") or ""
    token = params.get("WebIdentityToken") or ""
    if not role_arn or not session_name or not token:
        raise StsError("ValidationError",
                       "RoleArn, RoleSessionName and WebIdentityToken are required.")
    try:
        claims = decode(token, openid_key())
    except CognitoError:
        raise StsError("InvalidIdentityToken", "Couldn't verify signed token.") from None
    if claims.get("iss") != OPENID_ISSUER:
        raise StsError("InvalidIdentityToken", "The token's issuer is not "
                       "cognito-identity.amazonaws.com (no OpenIDConnect provider found).")
    exp = claims.get("exp")
    now = state.clock.time()
    if isinstance(exp, bool) or not isinstance(exp, (int, float)) or now >= exp:
        raise StsError("ExpiredTokenException", "Token expired: current date/time must be "
                       "before the expiration date/time.")
    config = state.identities.roles.get(str(claims.get("aud")), {})
    if role_arn not in roles_of(config):
        raise StsError("AccessDenied",
                       "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
    try:
        seconds = int(params.get("DurationSeconds") or 3600)
    except ValueError:
        seconds = 0
    if not 900 <= seconds <= 43200:
        raise StsError("ValidationError", "DurationSeconds must be between 900 and 43200.")
    creds = state.credentials.issue(role_arn, session_name, seconds)
    return web_identity_result(creds, claims, "cognito-identity.amazonaws.com")


def _get_caller_identity(state: LocalState, params: dict[str, str],
                         environ: dict[str, Any], body: bytes) -> Optional[str]:
    creds = _signer(state, environ, body)
    return None if creds is None else caller_identity(creds)


def _signer(state: LocalState, environ: dict[str, Any], body: bytes
            ) -> Optional[IssuedCredentials]:
    """The credentials issued here that signed the request, if they hold (else STS's error);
    ``None`` for credentials that are not ours (moto answers)."""
    access_key = _access_key(environ)
    if access_key is None or not state.credentials.issued_here(access_key):
        return None
    return state.credentials.check(access_key, environ, body)


def _checked_for_moto(state: LocalState, action: str, environ: dict[str, Any],
                      body: bytes) -> None:
    """An STS call moto answers: signed with credentials issued here, they must hold, and as
    session credentials they cannot get more (AWS refuses them these two calls)."""
    if _signer(state, environ, body) is not None and action in _NOT_WITH_SESSION_CREDENTIALS:
        raise StsError("AccessDenied", f"Cannot call {action} with session credentials", 403)


def _access_key(environ: dict[str, Any]) -> Optional[str]:
    auth = str(environ.get("HTTP_AUTHORIZATION") or "")
    marker = "Credential="
    if marker not in auth:
        return None
    return auth.split(marker, 1)[1].split("/", 1)[0].strip() or None


StsOperation = Callable[["LocalState", dict[str, str], dict[str, Any], bytes], Optional[str]]
STS_OPERATIONS: dict[str, StsOperation] = {
    "AssumeRoleWithWebIdentity": _assume_role_with_web_identity,
    "GetCallerIdentity": _get_caller_identity,
}
_NOT_WITH_SESSION_CREDENTIALS = frozenset({"GetSessionToken", "GetFederationToken"})


# -- dispatch -------------------------------------------------------------------------------


def answer(environ: dict[str, Any], body: bytes, state: LocalState) -> Optional[Reply]:
    """The reply to a ``cognito-identity`` or STS operation implemented here, else ``None``."""
    target = str(environ.get("HTTP_X_AMZ_TARGET") or "")
    if target.startswith(IDENTITY_TARGET):
        operation = IDENTITY_OPERATIONS.get(target[len(IDENTITY_TARGET):])
        if target[len(IDENTITY_TARGET):] in _POOL_FIRST:
            return _identity_reply(_pool_exists, "", body, state)
        if operation is None:
            return None
        return _identity_reply(operation, target[len(IDENTITY_TARGET):], body, state)
    if target or environ.get("REQUEST_METHOD") != "POST":
        return None
    params = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    action = params.get("Action", "")
    sts_operation = STS_OPERATIONS.get(action)
    if not action or not _is_sts(environ, action):
        return None
    with state.lock:
        try:
            if sts_operation is None:
                _checked_for_moto(state, action, environ, body)
                return None
            _record(state, action)
            result = sts_operation(state, params, environ, body)
        except StsError as error:
            return Reply(error.status, "text/xml", error.to_xml().encode())
    return None if result is None else Reply(200, "text/xml", result.encode())


def _identity_reply(operation: IdentityOperation, name: str, body: bytes,
                    state: LocalState) -> Optional[Reply]:
    try:
        params = json.loads(body or b"{}")
    except ValueError:
        params = None
    with state.lock:
        if name:
            _record(state, name)
        try:
            if not isinstance(params, dict):
                raise invalid_parameter("The request body is not a JSON object.")
            result = operation(state, params)
        except CognitoError as error:
            payload = {"__type": error.cognito_code, "message": error.message}
            return Reply(400, "application/x-amz-json-1.1", json.dumps(payload).encode())
    if result is None:
        return None
    return Reply(200, "application/x-amz-json-1.1", json.dumps(result).encode())


def sts_operation(target: str, body: bytes, environ: dict[str, Any]) -> Optional[str]:
    """The STS ``Action`` of a form-encoded request signed for STS (or an unsigned
    AssumeRoleWithWebIdentity); ``None`` for anything else."""
    if target or environ.get("REQUEST_METHOD") != "POST":
        return None
    action = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}.get(
        "Action", "")
    return action if action and _is_sts(environ, action) else None


def _is_sts(environ: dict[str, Any], action: str) -> bool:
    auth = str(environ.get("HTTP_AUTHORIZATION") or "")
    if not auth:
        return action == "AssumeRoleWithWebIdentity"  # unsigned, as AWS's clients send it
    scope = auth.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    return len(scope) == 5 and scope[3] == "sts"


def _record(state: LocalState, operation: str) -> None:
    state.calls.add(Call(operation=operation, user_pool_id=None, client_id=None,
                         auth_flow=None, challenge_name=None, at=state.clock.now()))
