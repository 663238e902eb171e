"""Accounts: sign-up and its confirmation, password recovery, attribute verification, deletion.

Every code goes to the outbox (``_codes``) and is checked when it comes back; SECRET_HASH is
checked on the unauthenticated calls when the client has a secret; AdminCreateUser without a
TemporaryPassword generates one (sent as an ``admin_create_user`` message).
"""

from __future__ import annotations

import hmac
import secrets
import string
from typing import Any, Optional

from . import _triggers
from ._errors import CognitoError, invalid_parameter, not_authorized, user_not_found
from ._moto import Pool, User, UserStatus, attributes_of, find_client, find_pool, find_user
from ._registry import Request, operation
from ._secret_hash import check_secret_hash
from ._state import STATE
from ._users import authorize, delivery, missing_user_error

_CONTACTS = ("email", "phone_number")


def _send(pool: Pool, user: User, kind: str, attribute: str, purpose: str,
          source: Optional[str] = None) -> dict[str, str]:
    """Issue a code to the user's ``attribute`` and return the CodeDeliveryDetails
    (``source``: the CustomMessage trigger source, when the kind alone does not say it)."""
    destination = attributes_of(user).get(attribute, "")
    with _triggers.message_source(source):
        STATE.codes.issue(pool_id=pool.id, sub=user.id, username=user.username, kind=kind,
                          destination=destination, purpose=purpose, attribute=attribute)
    return delivery(user, attribute) or {}


def _verification_attribute(pool: Pool, user: User) -> Optional[str]:
    """Where sign-up codes go: an auto-verified contact attribute the user has."""
    auto = pool.extended_config.get("AutoVerifiedAttributes") or []
    attrs = attributes_of(user)
    for attribute in ("email", "phone_number"):
        if attribute in auto and attrs.get(attribute):
            return attribute
    return None


def _recovery_attribute(pool: Pool, user: User) -> str:
    """Where a password-reset code goes, by the pool's AccountRecoverySetting."""
    setting = pool.extended_config.get("AccountRecoverySetting") or {}
    mechanisms = setting.get("RecoveryMechanisms") or [
        {"Priority": 1, "Name": "verified_phone_number"},
        {"Priority": 2, "Name": "verified_email"},
    ]
    attrs = attributes_of(user)
    for mechanism in sorted(mechanisms, key=lambda m: m.get("Priority", 99)):
        name = mechanism.get("Name")
        if name == "admin_only":
            raise not_authorized("Contact administrator to reset password.")
        attribute = {"verified_email": "email", "verified_phone_number": "phone_number"}.get(name)
        if attribute and attrs.get(attribute) and attrs.get(f"{attribute}_verified") == "true":
            return attribute
    raise invalid_parameter("Cannot reset password for the user as there is no "
                            "registered/verified email or phone_number")


def _client_user(req: Request) -> tuple[Pool, Any, Optional[User], str]:
    pool, client = find_client(req.required("ClientId"))
    username = req.required("Username")
    check_secret_hash(client, username, req.params.get("SecretHash"))
    return pool, client, find_user(pool, username), username


def _mark_verified(user: User, attribute: Optional[str]) -> None:
    if attribute in _CONTACTS:
        user.update_attributes([{"Name": f"{attribute}_verified", "Value": "true"}])


# -- sign-up --------------------------------------------------------------------------------------


@operation("SignUp")
def sign_up(req: Request) -> dict[str, Any]:
    pool, client, _, username = _client_user(req)
    result = req.call_moto()  # moto's checks first; a refusing PreSignUp undoes the user
    result.pop("CodeDeliveryDetails", None)
    user = next((u for u in pool.users.values() if u.id == result.get("UserSub")), None)
    try:
        decided = _triggers.pre_sign_up(pool, "PreSignUp_SignUp", username=username,
                                        attributes=req.params.get("UserAttributes"),
                                        validation_data=req.params.get("ValidationData"),
                                        client_id=client.id)
        confirmed = user is not None and _triggers.apply_pre_sign_up(user, decided)
    except CognitoError:
        if user is not None:
            pool.backend.admin_delete_user(pool.id, user.username)
            STATE.forget_user(pool.id, user.id)
        raise
    if confirmed:
        result["UserConfirmed"] = True
    elif user is not None:
        attribute = _verification_attribute(pool, user)
        if attribute is not None:
            result["CodeDeliveryDetails"] = _send(pool, user, "sign_up", attribute, "sign_up")
    return result


@operation("ConfirmSignUp")
def confirm_sign_up(req: Request) -> dict[str, Any]:
    pool, client, user, _ = _client_user(req)
    if user is None:
        raise missing_user_error(client)
    if user.status != UserStatus.UNCONFIRMED:
        status = getattr(user.status, "value", user.status)
        raise not_authorized(f"User cannot be confirmed. Current status is {status}")
    issued = STATE.codes.check(pool_id=pool.id, sub=user.id, purpose="sign_up",
                               code=req.params.get("ConfirmationCode"))
    user.status = UserStatus.CONFIRMED
    _mark_verified(user, issued.attribute)
    _triggers.post_confirmation(pool, user, "PostConfirmation_ConfirmSignUp", client.id)
    return {}


@operation("AdminConfirmSignUp")
def admin_confirm_sign_up(req: Request) -> dict[str, Any]:
    result = req.call_moto()
    pool = find_pool(req.required("UserPoolId"))
    user = find_user(pool, req.required("Username"))
    if user is not None:
        _triggers.post_confirmation(pool, user, "PostConfirmation_ConfirmSignUp", None)
    return result


@operation("ResendConfirmationCode")
def resend_confirmation_code(req: Request) -> dict[str, Any]:
    pool, client, user, _ = _client_user(req)
    if user is None:
        raise missing_user_error(client)
    if user.status != UserStatus.UNCONFIRMED:
        raise invalid_parameter("User is already confirmed.")
    attribute = _verification_attribute(pool, user) or next(
        (a for a in _CONTACTS if attributes_of(user).get(a)), None)
    if attribute is None:
        raise invalid_parameter("User has no e-mail address or phone number to send a code to")
    return {"CodeDeliveryDetails": _send(pool, user, "sign_up", attribute, "sign_up",
                                         "CustomMessage_ResendCode")}


# -- password recovery --------------------------------------------------------------------------


@operation("ForgotPassword")
def forgot_password(req: Request) -> dict[str, Any]:
    pool, client, user, username = _client_user(req)
    if user is None:
        user = _triggers.migrate_user(pool, "UserMigration_ForgotPassword", username=username,
                                      password=None, client_id=client.id)
    if user is None:
        if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
            return {"CodeDeliveryDetails": {"Destination": f"{username[:1]}***@e***",
                                            "DeliveryMedium": "EMAIL", "AttributeName": "email"}}
        raise missing_user_error(client)
    if not user.enabled:
        raise not_authorized("User is disabled.")
    attribute = _recovery_attribute(pool, user)
    return {"CodeDeliveryDetails": _send(pool, user, "forgot_password", attribute,
                                         "forgot_password")}


@operation("ConfirmForgotPassword")
def confirm_forgot_password(req: Request) -> dict[str, Any]:
    pool, client, user, _ = _client_user(req)
    if user is None:
        raise missing_user_error(client)
    password = req.required("Password")
    pool.backend._validate_password(pool.id, password)
    STATE.codes.check(pool_id=pool.id, sub=user.id, purpose="forgot_password",
                      code=req.params.get("ConfirmationCode"))
    user.password = password
    if user.status in (UserStatus.RESET_REQUIRED, UserStatus.FORCE_CHANGE_PASSWORD):
        user.status = UserStatus.CONFIRMED
    _triggers.post_confirmation(pool, user, "PostConfirmation_ConfirmForgotPassword", client.id)
    return {}


@operation("AdminResetUserPassword")
def admin_reset_user_password(req: Request) -> dict[str, Any]:
    result = req.call_moto()
    pool = find_pool(req.required("UserPoolId"))
    user = find_user(pool, req.required("Username"))
    if user is not None:
        _send(pool, user, "forgot_password", _recovery_attribute(pool, user), "forgot_password")
    return result


@operation("ChangePassword")
def change_password(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    previous = req.params.get("PreviousPassword")
    proposed = req.required("ProposedPassword")
    if not isinstance(previous, str) or user.password is None or not hmac.compare_digest(
        previous.encode(), str(user.password).encode()
    ):
        raise not_authorized()
    pool.backend._validate_password(pool.id, proposed)
    user.password = proposed
    return {}


# -- administrator-created users -------------------------------------------------------------


def temporary_password(pool: Pool) -> str:
    """A random password that satisfies the pool's password policy."""
    policy = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy") or {}
    length = max(12, int(policy.get("MinimumLength") or 8))
    symbols = "^$*.[]{}()?!@#%&/,><:;|_~=+-"
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, symbols]
    chars = [secrets.choice(p) for p in pools]
    alphabet = "".join(pools)
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


@operation("AdminCreateUser")
def admin_create_user(req: Request) -> dict[str, Any]:
    pool = find_pool(req.required("UserPoolId"))
    params = dict(req.params)
    action = params.get("MessageAction")
    given = params.get("TemporaryPassword")
    if isinstance(given, str) and given:
        pool.backend._validate_password(pool.id, given)
        password = given
    else:
        password = temporary_password(pool)
        params["TemporaryPassword"] = password
    if action != "RESEND" and find_user(pool, req.required("Username")) is None:
        _triggers.pre_sign_up(pool, "PreSignUp_AdminCreateUser", username=req.required("Username"),
                              attributes=params.get("UserAttributes"),
                              validation_data=params.get("ValidationData"), client_id=None)
    if action == "RESEND":
        user = find_user(pool, req.required("Username"))
        if user is None:
            raise user_not_found()
        if user.status != UserStatus.FORCE_CHANGE_PASSWORD:
            raise CognitoError("UnsupportedUserStateException",
                               "Resend not possible. User has already been confirmed.")
        user.password = password
        result = {"User": user.to_json(extended=True)}
    else:
        result = req.call_moto(params)
        user = find_user(pool, result["User"]["Username"])
    if user is not None and action != "SUPPRESS":
        mediums = params.get("DesiredDeliveryMediums") or ["SMS"]
        attrs = attributes_of(user)
        preferred = [a for m, a in (("EMAIL", "email"), ("SMS", "phone_number")) if m in mediums]
        attribute = next((a for a in [*preferred, *_CONTACTS] if attrs.get(a)), None)
        STATE.codes.issue(pool_id=pool.id, sub=user.id, username=user.username,
                          kind="admin_create_user",
                          destination=attrs.get(attribute, "") if attribute else "",
                          code=password, purpose="admin_create_user")
    return result


@operation("AdminDeleteUser")
def admin_delete_user(req: Request) -> dict[str, Any]:
    pool = find_pool(req.required("UserPoolId"))
    user = find_user(pool, req.required("Username"))
    result = req.call_moto()
    if user is not None:
        STATE.forget_user(pool.id, user.id)
    return result


@operation("DeleteUser")
def delete_user(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    pool.backend.admin_delete_user(pool.id, user.username)
    STATE.forget_user(pool.id, user.id)
    return {}


# -- attributes -----------------------------------------------------------------------------------


def _updated_contacts(pool: Pool, user: User, updates: dict[str, str]) -> list[dict[str, str]]:
    """After an e-mail/phone change: mark it unverified, send a code if auto-verified."""
    details = []
    auto = pool.extended_config.get("AutoVerifiedAttributes") or []
    for attribute in _CONTACTS:
        if attribute not in updates or f"{attribute}_verified" in updates:
            continue
        user.update_attributes([{"Name": f"{attribute}_verified", "Value": "false"}])
        if attribute in auto and updates[attribute]:
            details.append(_send(pool, user, "attribute_verification", attribute,
                                 f"attr:{attribute}", "CustomMessage_UpdateUserAttribute"))
    return details


def _attribute_updates(req: Request) -> dict[str, str]:
    updates = {}
    for item in req.params.get("UserAttributes") or []:
        if isinstance(item, dict) and isinstance(item.get("Name"), str):
            updates[item["Name"]] = str(item.get("Value", ""))
    if "sub" in updates:
        raise invalid_parameter("Cannot modify the non-mutable attribute sub")
    return updates


@operation("UpdateUserAttributes")
def update_user_attributes(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    updates = _attribute_updates(req)
    before = attributes_of(user)
    changed = {k: v for k, v in updates.items() if before.get(k) != v}
    pool.backend.admin_update_user_attributes(pool.id, user.username,
                                              [{"Name": k, "Value": v} for k, v in updates.items()])
    details = _updated_contacts(pool, user, changed)
    return {"CodeDeliveryDetailsList": details} if details else {}


@operation("AdminUpdateUserAttributes")
def admin_update_user_attributes(req: Request) -> dict[str, Any]:
    pool = find_pool(req.required("UserPoolId"))
    user = find_user(pool, req.required("Username"))
    updates = _attribute_updates(req)
    before = attributes_of(user) if user is not None else {}
    result = req.call_moto()
    if user is not None:
        changed = {k: v for k, v in updates.items() if before.get(k) != v}
        if "email_verified" in updates:
            changed["email_verified"] = updates["email_verified"]
        if "phone_number_verified" in updates:
            changed["phone_number_verified"] = updates["phone_number_verified"]
        _updated_contacts(pool, user, changed)
    return result


@operation("DeleteUserAttributes")
def delete_user_attributes(req: Request) -> dict[str, Any]:
    _, user, _ = authorize(req.params.get("AccessToken"))
    names = [n for n in req.params.get("UserAttributeNames") or [] if isinstance(n, str)]
    if not names:
        raise invalid_parameter("Missing required parameter UserAttributeNames")
    if "sub" in names:
        raise invalid_parameter("Cannot delete the non-mutable attribute sub")
    user.delete_attributes(names)
    return {}


@operation("GetUserAttributeVerificationCode")
def get_user_attribute_verification_code(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    attribute = req.required("AttributeName")
    if attribute not in _CONTACTS or not attributes_of(user).get(attribute):
        raise invalid_parameter(f"User has no attribute {attribute} to verify")
    return {"CodeDeliveryDetails": _send(pool, user, "attribute_verification", attribute,
                                         f"attr:{attribute}")}


@operation("VerifyUserAttribute")
def verify_user_attribute(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    attribute = req.required("AttributeName")
    if attribute not in _CONTACTS:
        raise invalid_parameter(f"Attribute {attribute} cannot be verified")
    STATE.codes.check(pool_id=pool.id, sub=user.id, purpose=f"attr:{attribute}",
                      code=req.params.get("Code"))
    _mark_verified(user, attribute)
    return {}
