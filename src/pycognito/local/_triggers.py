"""Each Lambda trigger's event and how Cognito applies its response (``_lambdas`` calls them).

The request of each event is the one AWS documents for the trigger; the response is applied as
Cognito applies it: PreSignUp's ``autoConfirmUser``/``autoVerifyEmail``/``autoVerifyPhone``,
PreTokenGeneration's claim, group and (event versions 2 and 3) scope overrides, CustomMessage's
texts, UserMigration's user. ``ClientMetadata`` of the request being answered reaches every
event (:func:`client_metadata`).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Optional, TypeVar

from . import _lambdas
from ._errors import CognitoError, invalid_parameter
from ._moto import Pool, User, UserStatus, attributes_of

_METADATA: contextvars.ContextVar[Optional[dict[str, str]]] = contextvars.ContextVar(
    "pycognito_local_client_metadata", default=None)

#: Claims no PreTokenGeneration response may add, change or suppress (Cognito ignores them).
PROTECTED_CLAIMS = frozenset({
    "acr", "amr", "aud", "at_hash", "auth_time", "azp", "c_hash", "client_id", "device_key",
    "event_id", "exp", "iat", "identities", "iss", "jti", "nbf", "nonce", "origin_jti", "scope",
    "sub", "token_use", "username", "version",
})


_T = TypeVar("_T")


@contextmanager
def _bound(var: contextvars.ContextVar[_T], value: _T) -> Iterator[None]:
    """``var`` is ``value`` inside (this request's thread and context only)."""
    token = var.set(value)
    try:
        yield
    finally:
        var.reset(token)


def request_metadata(params: dict[str, Any]) -> AbstractContextManager[None]:
    """Make the request's ``ClientMetadata`` what the triggers it causes receive."""
    raw = params.get("ClientMetadata")
    metadata = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    return _bound(_METADATA, metadata)


_TOKEN_SOURCE: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar(
    "pycognito_local_token_source", default=None)


def tokens_for(source: str) -> AbstractContextManager[None]:
    """Tokens issued inside are PreTokenGeneration's ``source`` (``TokenGeneration_...``)."""
    return _bound(_TOKEN_SOURCE, source)


_MESSAGE_SOURCE: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar(
    "pycognito_local_message_source", default=None)


def message_source(source: Optional[str]) -> AbstractContextManager[None]:
    """Codes sent inside are CustomMessage's ``source`` (``None``: by the code's kind), for the
    kinds AWS tells apart by the call (``CustomMessage_ResendCode``, ``_UpdateUserAttribute``)."""
    return _bound(_MESSAGE_SOURCE, source)


def token_source() -> Optional[str]:
    """The ``triggerSource`` of the tokens being issued (``None``: the default)."""
    return _TOKEN_SOURCE.get()


def client_metadata() -> dict[str, str]:
    return dict(_METADATA.get() or {})


def user_attributes(user: User) -> dict[str, str]:
    """``request.userAttributes`` as Cognito sends it (with ``cognito:user_status``)."""
    attrs = {k: str(v) for k, v in attributes_of(user).items()}
    attrs["cognito:user_status"] = str(getattr(user.status, "value", user.status))
    return attrs


def _pairs(items: object) -> dict[str, str]:
    """``[{"Name": n, "Value": v}, ...]`` -> ``{n: v}``."""
    if not isinstance(items, list):
        return {}
    return {str(i["Name"]): str(i.get("Value", "")) for i in items
            if isinstance(i, dict) and "Name" in i}


# -- sign-up and confirmation -------------------------------------------------------------------


def pre_sign_up(pool: Pool, source: str, *, username: str, attributes: object,
                validation_data: object, client_id: Optional[str]) -> dict[str, Any]:
    """PreSignUp (``PreSignUp_SignUp``, ``PreSignUp_AdminCreateUser``): the response, or ``{}``."""
    request = {"userAttributes": _pairs(attributes), "validationData": _pairs(validation_data),
               "clientMetadata": client_metadata()}
    response = _lambdas.invoke(pool, "PreSignUp", source, user_name=username, request=request,
                               response={"autoConfirmUser": False, "autoVerifyPhone": False,
                                         "autoVerifyEmail": False}, client_id=client_id)
    return response or {}


_AUTO_VERIFIED = (("autoVerifyEmail", "email"), ("autoVerifyPhone", "phone_number"))


def apply_pre_sign_up(user: User, response: dict[str, Any]) -> bool:
    """Confirm/verify as PreSignUp asked at SignUp; whether the user was confirmed.

    Verifying an attribute the user lacks is refused before anything changes, as AWS refuses
    the sign-up (``InvalidLambdaResponseException``).
    """
    attrs = attributes_of(user)
    verified = [attribute for flag, attribute in _AUTO_VERIFIED if response.get(flag) is True]
    for flag, attribute in _AUTO_VERIFIED:
        if attribute in verified and not attrs.get(attribute):
            raise CognitoError("InvalidLambdaResponseException",
                               f"PreSignUp answered {flag} true for a user without {attribute}.")
    confirmed = response.get("autoConfirmUser") is True
    if confirmed:
        user.status = UserStatus.CONFIRMED
    for attribute in verified:
        user.update_attributes([{"Name": f"{attribute}_verified", "Value": "true"}])
    return confirmed


def post_confirmation(pool: Pool, user: User, source: str, client_id: Optional[str]) -> None:
    """PostConfirmation (``PostConfirmation_ConfirmSignUp`` / ``_ConfirmForgotPassword``)."""
    _lambdas.invoke(pool, "PostConfirmation", source, user_name=user.username,
                    request={"userAttributes": user_attributes(user),
                             "clientMetadata": client_metadata()}, client_id=client_id)


# -- sign-in ------------------------------------------------------------------------------------


def pre_authentication(pool: Pool, user: User, client_id: str) -> None:
    """PreAuthentication: a failing handler stops the sign-in."""
    _lambdas.invoke(pool, "PreAuthentication", "PreAuthentication_Authentication",
                    user_name=user.username,
                    request={"userAttributes": user_attributes(user),
                             "validationData": client_metadata(), "userNotFound": False},
                    client_id=client_id)


def post_authentication(pool: Pool, user: User, client_id: str, *, new_device: bool) -> None:
    """PostAuthentication: after a successful sign-in, before the tokens are returned."""
    _lambdas.invoke(pool, "PostAuthentication", "PostAuthentication_Authentication",
                    user_name=user.username,
                    request={"userAttributes": user_attributes(user), "newDeviceUsed": new_device,
                             "clientMetadata": client_metadata()},
                    client_id=client_id)


def migrate_user(pool: Pool, source: str, *, username: str, password: Optional[str],
                 client_id: str) -> Optional[User]:
    """UserMigration for an unknown user: the user it created (``None`` without the trigger).

    ``UserMigration_Authentication`` passes the password; ``UserMigration_ForgotPassword`` not.
    The user gets the returned ``userAttributes``, the password (at sign-in) and
    ``finalUserStatus`` (``CONFIRMED`` by default, or ``RESET_REQUIRED``).
    """
    if not _lambdas.configured(pool, "UserMigration"):
        return None
    request: dict[str, Any] = {"validationData": client_metadata(),
                               "clientMetadata": client_metadata()}
    if password is not None:
        request = {"password": password, **request}
    response = _lambdas.invoke(pool, "UserMigration", source, user_name=username,
                               request=request, client_id=client_id) or {}
    attrs = response.get("userAttributes")
    if not isinstance(attrs, dict):
        raise CognitoError("UserNotFoundException", "Exception migrating user in app client "
                           f"{client_id}")
    attributes = [{"Name": str(k), "Value": str(v)} for k, v in attrs.items()
                  if k not in ("sub", "username")]
    backend = pool.backend
    user = backend.admin_create_user(pool.id, username, "SUPPRESS", password or "", attributes)
    user.password = password
    status = response.get("finalUserStatus") or "CONFIRMED"
    user.status = (UserStatus.RESET_REQUIRED if status == "RESET_REQUIRED" or password is None
                   else UserStatus.CONFIRMED)
    return user


# -- tokens -------------------------------------------------------------------------------------


def _group_configuration(claims: dict[str, Any]) -> dict[str, Any]:
    return {"groupsToOverride": list(claims.get("cognito:groups") or []),
            "iamRolesToOverride": list(claims.get("cognito:roles") or []),
            "preferredRole": claims.get("cognito:preferred_role")}


#: The response member each PreTokenGeneration event version is sent with (``null``).
_OVERRIDES = {"1": "claimsOverrideDetails", "2": "claimsAndScopeOverrideDetails",
              "3": "claimsAndScopeOverrideDetails"}


def pre_token_generation(pool: Pool, client: Any, user: User, source: str, *,
                         id_claims: dict[str, Any], access_claims: dict[str, Any]) -> None:
    """PreTokenGeneration: change the claims (and, in event versions 2 and 3, the access
    token's claims and scopes) in place, as the handler's response says."""
    found = _lambdas.function_for(pool, "PreTokenGeneration")
    if found is None:
        return
    version = found[1]
    request: dict[str, Any] = {"userAttributes": user_attributes(user),
                               "groupConfiguration": _group_configuration(id_claims),
                               "clientMetadata": client_metadata()}
    if version != "1":
        request["scopes"] = str(access_claims.get("scope", "")).split()
    response = _lambdas.invoke(pool, "PreTokenGeneration", source, user_name=user.username,
                               request=request, response={_OVERRIDES[version]: None},
                               client_id=client.id) or {}
    if version == "1":
        details = response.get("claimsOverrideDetails") or {}
        _claims(id_claims, details)
        _groups(details.get("groupOverrideDetails"), id_claims, access_claims)
        return
    details = response.get("claimsAndScopeOverrideDetails") or {}
    _claims(id_claims, details.get("idTokenGeneration") or {})
    access = details.get("accessTokenGeneration") or {}
    _claims(access_claims, access)
    _scopes(access_claims, access)
    _groups(details.get("groupOverrideDetails"), id_claims, access_claims)


def client_token_generation(pool: Pool, client: Any, claims: dict[str, Any]) -> None:
    """PreTokenGeneration for a ``client_credentials`` token: event version 3 only
    (``TokenGeneration_ClientCredentials``, no user); the access token's claims and scopes."""
    found = _lambdas.function_for(pool, "PreTokenGeneration")
    if found is None or found[1] != "3":
        return
    request = {"userAttributes": {}, "scopes": str(claims.get("scope", "")).split(),
               "groupConfiguration": _group_configuration({}),
               "clientMetadata": client_metadata()}
    response = _lambdas.invoke(pool, "PreTokenGeneration", "TokenGeneration_ClientCredentials",
                               user_name=None, request=request,
                               response={_OVERRIDES["3"]: None}, client_id=client.id) or {}
    access = (response.get("claimsAndScopeOverrideDetails") or {}).get(
        "accessTokenGeneration") or {}
    _claims(claims, access)
    _scopes(claims, access)


def _claims(claims: dict[str, Any], details: dict[str, Any]) -> None:
    added = details.get("claimsToAddOrOverride") or {}
    for name, value in (added.items() if isinstance(added, dict) else ()):
        if name not in PROTECTED_CLAIMS and not str(name).startswith("cognito:"):
            claims[name] = value
    for name in details.get("claimsToSuppress") or []:
        if name not in PROTECTED_CLAIMS and not str(name).startswith("cognito:"):
            claims.pop(name, None)


def _scopes(claims: dict[str, Any], details: dict[str, Any]) -> None:
    scopes = str(claims.get("scope", "")).split()
    for scope in details.get("scopesToAdd") or []:
        if isinstance(scope, str) and scope and scope not in scopes:
            scopes.append(scope)
    suppressed = set(details.get("scopesToSuppress") or [])
    claims["scope"] = " ".join(s for s in scopes if s not in suppressed)


def _groups(details: object, id_claims: dict[str, Any], access_claims: dict[str, Any]) -> None:
    if not isinstance(details, dict):
        return
    groups = details.get("groupsToOverride")
    if isinstance(groups, list):
        for claims in (id_claims, access_claims):
            if groups:
                claims["cognito:groups"] = [str(g) for g in groups]
            else:
                claims.pop("cognito:groups", None)
    roles = details.get("iamRolesToOverride")
    if isinstance(roles, list):
        if roles:
            id_claims["cognito:roles"] = [str(r) for r in roles]
        else:
            id_claims.pop("cognito:roles", None)
    preferred = details.get("preferredRole")
    if isinstance(preferred, str) and preferred:
        id_claims["cognito:preferred_role"] = preferred


# -- messages -----------------------------------------------------------------------------------

#: The CustomMessage trigger source for each kind of message in the outbox.
MESSAGE_SOURCES = {
    "sign_up": "CustomMessage_SignUp",
    "forgot_password": "CustomMessage_ForgotPassword",
    "attribute_verification": "CustomMessage_VerifyUserAttribute",
    "sms_mfa": "CustomMessage_Authentication",
    "email_mfa": "CustomMessage_Authentication",
    "sms_otp": "CustomMessage_Authentication",
    "email_otp": "CustomMessage_Authentication",
    "admin_create_user": "CustomMessage_AdminCreateUser",
}


CODE_PLACEHOLDER = "{####}"
USERNAME_PLACEHOLDER = "{username}"
#: The pattern AWS checks a message body against, as its validation error quotes it.
_BODY_PATTERN = (r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}"
                 r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*")


def _placeholders_kept(kind: str, text: str, *, sms: bool) -> bool:
    """Whether a CustomMessage text may be sent: an invitation (AdminCreateUser) without both
    ``{username}`` and ``{####}`` is replaced by Cognito's own (``False``); any other message
    without ``{####}`` is refused with AWS's validation error."""
    if kind == "admin_create_user":
        return CODE_PLACEHOLDER in text and USERNAME_PLACEHOLDER in text
    if CODE_PLACEHOLDER not in text:
        raise invalid_parameter(
            f"1 validation error detected: Value '{text}' at "
            f"'{'smsMessage' if sms else 'emailBody'}' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {_BODY_PATTERN}")
    return True


def custom_message(pool: Pool, user: User, kind: str, code: str, *, sms: bool,
                   source: Optional[str] = None) -> Optional[tuple[Optional[str], str]]:
    """CustomMessage: ``(subject, text)`` of the customised message with the code (and, for
    AdminCreateUser, the username) filled in, or ``None`` (no trigger, or no text returned)."""
    source = source or _MESSAGE_SOURCE.get() or MESSAGE_SOURCES.get(kind)
    if source is None or not _lambdas.configured(pool, "CustomMessage"):
        return None
    request: dict[str, Any] = {"userAttributes": user_attributes(user),
                               "codeParameter": CODE_PLACEHOLDER,
                               "linkParameter": "{##Click Here##}",
                               "usernameParameter": USERNAME_PLACEHOLDER
                               if kind == "admin_create_user"
                               else None,
                               "clientMetadata": client_metadata()}
    response = _lambdas.invoke(pool, "CustomMessage", source, user_name=user.username,
                               request=request,
                               response={"smsMessage": None, "emailMessage": None,
                                         "emailSubject": None}) or {}
    text = response.get("smsMessage" if sms else "emailMessage")
    if not isinstance(text, str) or not text or not _placeholders_kept(kind, text, sms=sms):
        return None
    text = text.replace(CODE_PLACEHOLDER, code).replace(USERNAME_PLACEHOLDER, user.username)
    subject = None if sms else response.get("emailSubject")
    return (subject if isinstance(subject, str) else None), text


def custom_message_hook(pool_id: str, sub: str, kind: str, code: str,
                        destination: str) -> Optional[tuple[Optional[str], str]]:
    """``CodeStore.customize``: the CustomMessage trigger for a code about to be sent."""
    from ._moto import find_pool

    pool = find_pool(pool_id)
    user = next((u for u in pool.users.values() if u.id == sub), None)
    if user is None:
        return None
    return custom_message(pool, user, kind, code, sms=destination.startswith("+"))
