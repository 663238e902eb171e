"""Cognito's refusals, recognised in one place.

What a refused call means is decided by Cognito's error code (:func:`error_code`), never by
words in its message, except in the cases below where Cognito answers
``NotAuthorizedException`` (or ``ResourceNotFoundException``) for different things and only the
message tells them apart. Their wording is matched here and nowhere else
(``tests/test_refusals.py`` pins it):

* **Refresh-token rotation**: REFRESH_TOKEN_AUTH on an app client with rotation enabled is
  refused with a message naming "rotation"; the tokens must then be renewed with
  GetTokensFromRefreshToken (:func:`needs_rotation`).
* **An expired refresh token** ("Refresh Token has expired") rather than a revoked or unknown
  one (:func:`refresh_token_expired`): both mean "log in again", only the exception type
  differs.
* **A remembered device Cognito no longer knows** (forgotten, or from another pool): its
  refusal names the device (:func:`device_unknown`); the login is retried without it.
* **Identity pools** answer ``ResourceNotFoundException`` for an unknown identity pool and an
  unknown identity alike (:func:`identity_pool_missing`), and ``NotAuthorizedException`` for a
  role mapping that refuses the user (:func:`role_mapping_denied`), for a token of a provider
  the pool does not accept (:func:`provider_not_allowed`) and for a bad token.
* **Why a login was refused**, for the CLI's one line: a wrong password
  (:func:`wrong_password`) or a missing or wrong ``SECRET_HASH`` (:func:`secret_hash_refused`).
"""

from __future__ import annotations

from ._clients import service_error

__all__ = [
    "credentials_refused",
    "device_unknown",
    "error_code",
    "identity_pool_missing",
    "needs_rotation",
    "provider_not_allowed",
    "refresh_token_dead",
    "refresh_token_expired",
    "role_mapping_denied",
    "secret_hash_refused",
    "service_error",
    "wrong_password",
]

#: Error codes after which a refresh token is no use: log in again.
DEAD_REFRESH_CODES = frozenset(
    {
        "NotAuthorizedException",
        "RefreshTokenReuseException",
        "UserNotFoundException",
        "PasswordResetRequiredException",
        "UserNotConfirmedException",
    }
)
_NOT_AUTHORIZED = "NotAuthorizedException"


def error_code(exc: BaseException) -> str:
    """Cognito's error code for a refused call (``""`` for any other error)."""
    return service_error(exc)[0]


def credentials_refused(exc: BaseException) -> bool:
    """Cognito refused the credentials, the token or the refresh token."""
    return error_code(exc) == _NOT_AUTHORIZED


def refresh_token_dead(exc: BaseException) -> bool:
    """After this refusal of a refresh, the refresh token is no use (log in again)."""
    return error_code(exc) in DEAD_REFRESH_CODES


def needs_rotation(exc: BaseException) -> bool:
    """REFRESH_TOKEN_AUTH was refused because the app client rotates refresh tokens."""
    code, message = service_error(exc)
    return code == _NOT_AUTHORIZED and "rotation" in message.lower()


def refresh_token_expired(exc: BaseException) -> bool:
    """The refresh was refused because the refresh token has expired (not revoked)."""
    code, message = service_error(exc)
    return code == _NOT_AUTHORIZED and "expired" in message.lower()


def device_unknown(exc: BaseException) -> bool:
    """The login was refused because Cognito does not know the remembered device."""
    code, message = service_error(exc)
    return code in ("ResourceNotFoundException", _NOT_AUTHORIZED) and "device" in message.lower()


def identity_pool_missing(exc: BaseException) -> bool:
    """The identity pool itself does not exist (not merely the identity)."""
    code, message = service_error(exc)
    return code == "ResourceNotFoundException" and "identitypool" in _squeezed(message)


def role_mapping_denied(exc: BaseException) -> bool:
    """The identity pool's role mapping refused the user."""
    code, message = service_error(exc)
    return code == _NOT_AUTHORIZED and "role mapping" in message.lower()


def provider_not_allowed(exc: BaseException) -> bool:
    """The identity pool does not accept tokens of this user pool and app client."""
    code, message = service_error(exc)
    lowered = message.lower()
    return code == _NOT_AUTHORIZED and any(words in lowered for words in _OTHER_PROVIDER)


def wrong_password(exc: BaseException) -> bool:
    """The login was refused for a wrong username or password."""
    code, message = service_error(exc)
    return code == _NOT_AUTHORIZED and "incorrect username or password" in message.lower()


def secret_hash_refused(exc: BaseException) -> bool:
    """The call was refused for its ``SECRET_HASH`` (missing, or not the client secret's)."""
    code, message = service_error(exc)
    lowered = message.lower()
    return code == _NOT_AUTHORIZED and ("secret hash" in lowered or "secret_hash" in lowered)


#: How Cognito words a token from a provider (or app client) the identity pool does not accept.
_OTHER_PROVIDER = ("supported provider", "logins don't match", "issuer doesn't match")


def _squeezed(message: str) -> str:
    return message.lower().replace(" ", "")
