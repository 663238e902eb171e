"""Token-protected operations and the rest: GetUser, sign-out, RevokeToken, app-client settings.

Every operation that takes an access token refuses it (``NotAuthorizedException``) when it is
unknown, expired or revoked, before moto sees the call.
"""

from __future__ import annotations

from typing import Any

from ._errors import CognitoError, invalid_parameter, not_authorized, user_not_found
from ._mfa import mfa_settings
from ._moto import find_client, find_pool, find_user
from ._oauth_config import check_client_update, check_new_client
from ._registry import Request, operation
from ._secret_hash import check_client_secret
from ._state import STATE
from ._users import authorize


@operation("GetUser")
def get_user(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    result = user.to_json(extended=True, attributes_key="UserAttributes")
    return mfa_settings(pool, user, {k: result[k] for k in (
        "Username", "UserAttributes", "MFAOptions", "PreferredMfaSetting", "UserMFASettingList"
    ) if k in result})


@operation("AdminGetUser")
def admin_get_user(req: Request) -> dict[str, Any]:
    result = req.call_moto()
    pool = find_pool(req.required("UserPoolId"))
    user = find_user(pool, req.required("Username"))
    return mfa_settings(pool, user, result) if user is not None else result


@operation("GlobalSignOut")
def global_sign_out(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    pool.sign_out(user.username)
    STATE.tokens.revoke_user(pool.id, user.id)
    return {}


@operation("AdminUserGlobalSignOut")
def admin_user_global_sign_out(req: Request) -> dict[str, Any]:
    result = req.call_moto()
    pool = find_pool(req.required("UserPoolId"))
    user = find_user(pool, req.required("Username"))
    if user is not None:
        STATE.tokens.revoke_user(pool.id, user.id)
    return result


@operation("AdminDisableUser")
def admin_disable_user(req: Request) -> dict[str, Any]:
    """Cognito deactivates the user and revokes the user's tokens."""
    result = req.call_moto()
    pool = find_pool(req.required("UserPoolId"))
    user = find_user(pool, req.required("Username"))
    if user is None:
        raise user_not_found()
    pool.sign_out(user.username)
    STATE.tokens.revoke_user(pool.id, user.id)
    return result


@operation("RevokeToken")
def revoke_token(req: Request) -> dict[str, Any]:
    """Revoke a refresh token and the access/ID tokens minted from it."""
    _, client = find_client(req.required("ClientId"))
    token = req.required("Token")
    check_client_secret(client, req.params.get("ClientSecret"))
    if client.extended_config.get("EnableTokenRevocation") is False:
        raise CognitoError("UnsupportedOperationException",
                           "Token revocation is not enabled for this app client.")
    if token in STATE.tokens.access:
        raise CognitoError("UnsupportedTokenTypeException",
                           "Only refresh tokens can be revoked.")
    record = STATE.tokens.refresh.get(token)
    if record is None:
        return {}
    if record.client_id != client.id:
        raise not_authorized("Invalid Refresh Token.")
    STATE.tokens.revoke_origin(record.origin_jti)
    return {}


def _check_rotation(req: Request) -> None:
    rotation = req.params.get("RefreshTokenRotation")
    if rotation is None:
        return
    if not isinstance(rotation, dict) or rotation.get("Feature") not in ("ENABLED", "DISABLED"):
        raise invalid_parameter("RefreshTokenRotation.Feature must be ENABLED or DISABLED")
    grace = rotation.get("RetryGracePeriodSeconds", 0)
    if not isinstance(grace, int) or not 0 <= grace <= 60:
        raise invalid_parameter("RetryGracePeriodSeconds must be between 0 and 60")


@operation("CreateUserPoolClient")
def create_user_pool_client(req: Request) -> dict[str, Any]:
    _check_rotation(req)
    check_new_client(req)
    return req.call_moto()


@operation("UpdateUserPoolClient")
def update_user_pool_client(req: Request) -> dict[str, Any]:
    _check_rotation(req)
    check_client_update(req)
    return req.call_moto()


@operation("ListResourceServers")
def list_resource_servers(req: Request) -> dict[str, Any]:
    find_pool(req.required("UserPoolId"))  # moto has a KeyError for an unknown pool
    return req.call_moto()


@operation("AddCustomAttributes")
def add_custom_attributes(req: Request) -> dict[str, Any]:
    for attribute in req.params.get("CustomAttributes") or []:
        if not attribute.get("Name"):  # optional in the model; moto has a KeyError without it
            raise invalid_parameter("Each custom attribute needs a Name.")
    return req.call_moto()
