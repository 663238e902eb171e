"""Cognito's error responses, as the local server raises them.

The dispatcher (``_dispatch``) turns a ``CognitoError`` into the HTTP 400 JSON body
(``__type`` + ``message``) that AWS's clients map onto their modelled exceptions; moto's own
errors are translated into ``CognitoError`` by ``_moto``.
"""

from __future__ import annotations

INCORRECT_CREDENTIALS = "Incorrect username or password."


class CognitoError(Exception):
    """An error with Cognito's own error code (``NotAuthorizedException``, ...)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.cognito_code = code
        self.message = message
        self.status = status


def not_authorized(message: str = INCORRECT_CREDENTIALS) -> CognitoError:
    return CognitoError("NotAuthorizedException", message)


def invalid_parameter(message: str) -> CognitoError:
    return CognitoError("InvalidParameterException", message)


def resource_not_found(message: str) -> CognitoError:
    return CognitoError("ResourceNotFoundException", message)


def user_not_found(message: str = "User does not exist.") -> CognitoError:
    return CognitoError("UserNotFoundException", message)


def code_mismatch(
    message: str = "Invalid verification code provided, please try again.",
) -> CognitoError:
    return CognitoError("CodeMismatchException", message)


def expired_code(
    message: str = "Invalid code provided, please request a code again.",
) -> CognitoError:
    return CognitoError("ExpiredCodeException", message)


def invalid_session(detail: str = "") -> CognitoError:
    text = "Invalid session for the user" + (f", {detail}." if detail else ".")
    return CognitoError("NotAuthorizedException", text)
