"""Turning failures into one clear line (never a traceback, never a secret)."""

from __future__ import annotations

from typing import Optional

from .._refusals import secret_hash_refused, service_error, wrong_password
from ..exceptions import (
    ChallengeException,
    LoginRequiredException,
    TokenVerificationException,
    WarrantException,
)
from ._io import InputClosed


class CliError(Exception):
    """A failure whose message is already the line to show."""


_HINT_FOR_SECRET_HASH = (
    "the app client has a secret: set COGNITO_CLIENT_SECRET or pass --client-secret "
    "to be prompted for it"
)

# Cognito error codes -> what to tell the user (None: Cognito's own message is clear enough).
_FRIENDLY: dict[str, Optional[str]] = {
    "UserNotFoundException": "wrong username or password",
    "UserNotConfirmedException": "the user has not confirmed the sign-up yet",
    "PasswordResetRequiredException": "the password must be reset first",
    "CodeMismatchException": "wrong code",
    "ExpiredCodeException": "the code has expired; log in again to get a new one",
    "EnableSoftwareTokenMFAException": "wrong code",
    "InvalidPasswordException": None,
    "ResourceNotFoundException": None,
    "InvalidParameterException": None,
    "TooManyRequestsException": "too many requests; try again in a moment",
    "LimitExceededException": "too many attempts; try again later",
    "TooManyFailedAttemptsException": "too many failed attempts; try again later",
}


def _client_error_line(exc: BaseException) -> str:
    code, message = service_error(exc)
    if code == "NotAuthorizedException":
        if secret_hash_refused(exc):
            return f"{message.rstrip('.')} ({_HINT_FOR_SECRET_HASH})"
        if wrong_password(exc):
            return "wrong username or password"
        return message.rstrip(".") or "not authorized"
    if code in _FRIENDLY and _FRIENDLY[code] is not None:
        return str(_FRIENDLY[code])
    text = message.rstrip(".") or code
    return f"{text} ({code})" if code and code not in text else text


def describe(exc: BaseException, endpoint: Optional[str] = None) -> str:
    """One line saying what went wrong."""
    if isinstance(exc, CliError):
        return str(exc)
    if isinstance(exc, InputClosed):
        return f"no answer to the prompt ({exc.prompt}): {exc.reason}"
    if service_error(exc)[0]:
        return _client_error_line(exc)
    name = type(exc).__name__
    module = type(exc).__module__ or ""
    if module.startswith(("botocore", "urllib3", "requests")):
        if name in ("EndpointConnectionError", "ConnectionClosedError", "ConnectTimeoutError",
                    "ReadTimeoutError", "ProxyConnectionError", "SSLError", "HTTPClientError",
                    "ConnectionError"):
            where = f" at {endpoint}" if endpoint else ""
            return f"cannot reach Cognito{where} (network error: {name})"
        if name == "NoRegionError":
            return "no region: pass --region or set COGNITO_REGION"
        if name in ("ParamValidationError",):
            return f"invalid request: {' '.join(str(exc).split())}"
        return f"{name}: {' '.join(str(exc).split())}"
    if isinstance(exc, TokenVerificationException):
        return f"invalid token: {exc}"
    if isinstance(exc, LoginRequiredException):
        return f"{exc} (run `pycognito login`)"
    if isinstance(exc, ChallengeException):
        return exc.message
    if isinstance(exc, WarrantException):
        return str(exc)
    if isinstance(exc, (ValueError, OSError)):
        return str(exc) or name
    return f"unexpected error ({name}): {exc}"
