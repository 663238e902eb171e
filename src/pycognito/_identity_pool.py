"""Identity pools, the pure part: ids, provider names, responses and errors (no I/O).

Cognito identity pools exchange a user pool's id token for temporary AWS credentials, either
in one step ("enhanced" flow: ``GetId`` + ``GetCredentialsForIdentity``) or through STS
("basic" flow: ``GetId`` + ``GetOpenIdToken`` + ``AssumeRoleWithWebIdentity``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Optional, TypedDict

from ._refusals import (
    identity_pool_missing,
    provider_not_allowed,
    role_mapping_denied,
    service_error,
)
from ._tokens import peek_claims
from .exceptions import (
    IdentityPoolConfigurationError,
    IdentityPoolError,
    IdentityPoolNotFoundError,
    IdentityProviderNotAllowedError,
    InvalidTypeError,
    InvalidValueError,
    RoleMappingDeniedError,
)

__all__ = [
    "AwsCredentials",
    "credentials_from_identity",
    "credentials_from_sts",
    "id_token_stale",
    "identity_pool_error",
    "identity_pool_region",
    "provider_name",
]

# The pattern AWS documents for identity pool ids: REGION:GUID.
_IDENTITY_POOL_ID = re.compile(r"([a-z]{2}(?:-[a-z0-9]+)+):[0-9a-f-]{1,50}")


class AwsCredentials(TypedDict):
    """Temporary AWS credentials for the user (the keys of ``GetCredentialsForIdentity``)."""

    AccessKeyId: str
    SecretKey: str
    SessionToken: str
    Expiration: datetime  # timezone-aware, on our clock
    IdentityId: str


def identity_pool_region(identity_pool_id: object) -> str:
    """The region an identity pool id names (``"eu-west-1:1b2c..."`` -> ``"eu-west-1"``)."""
    if not isinstance(identity_pool_id, str):
        raise InvalidTypeError(
            f"identity_pool_id must be a string, not {type(identity_pool_id).__name__}"
        )
    match = _IDENTITY_POOL_ID.fullmatch(identity_pool_id)
    if match is None:
        raise InvalidValueError(
            "identity_pool_id must look like 'eu-west-1:0a1b2c3d-...' (REGION:GUID)"
        )
    return match.group(1)


def provider_name(region: str, user_pool_id: str) -> str:
    """The key of the user pool's id token in ``Logins``."""
    return f"cognito-idp.{region}.amazonaws.com/{user_pool_id}"


#: An id token this close to its ``exp`` (seconds, Cognito's clock) is renewed before use.
ID_TOKEN_MARGIN = 60.0


def id_token_stale(id_token: Optional[str], server_now: float,
                   margin: float = ID_TOKEN_MARGIN) -> bool:
    """Whether the id token expires within ``margin`` (it may outlive or precede the access
    token: each has its own validity). An unreadable ``exp`` is left to Cognito to judge."""
    exp = peek_claims(id_token).get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        return False
    return server_now >= exp - margin


def _expiration(value: object, clock_offset: float) -> datetime:
    """An ``Expiration`` (datetime or epoch seconds, Cognito's clock) on our clock."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = datetime.fromtimestamp(value, timezone.utc)
    else:
        raise IdentityPoolError("the credentials came without a usable Expiration")
    return moment.astimezone(timezone.utc) - timedelta(seconds=clock_offset)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise IdentityPoolError(f"the credentials came without {name}")
    return value


def credentials_from_identity(response: Mapping[str, Any], clock_offset: float = 0.0
                              ) -> AwsCredentials:
    """Read a ``GetCredentialsForIdentity`` response (``clock_offset``: Cognito's clock minus
    ours, so that ``Expiration`` is when they expire by our clock)."""
    return _credentials(response.get("Credentials") or {}, "SecretKey",
                        _text(response, "IdentityId"), clock_offset)


def credentials_from_sts(response: Mapping[str, Any], identity_id: str,
                         clock_offset: float = 0.0) -> AwsCredentials:
    """Read an ``AssumeRoleWithWebIdentity`` response into the same shape."""
    return _credentials(response.get("Credentials") or {}, "SecretAccessKey", identity_id,
                        clock_offset)


def _credentials(creds: Mapping[str, Any], secret_name: str, identity_id: str,
                 clock_offset: float) -> AwsCredentials:
    return AwsCredentials(
        AccessKeyId=_text(creds, "AccessKeyId"),
        SecretKey=_text(creds, secret_name),
        SessionToken=_text(creds, "SessionToken"),
        Expiration=_expiration(creds.get("Expiration"), clock_offset),
        IdentityId=identity_id,
    )


def identity_pool_error(exc: BaseException, identity_pool_id: str,
                        provider: str) -> Optional[IdentityPoolError]:
    """The typed error for a Cognito identity refusal that is the caller's configuration to fix
    (``None`` for anything else, which keeps its botocore type)."""
    code, message = service_error(exc)
    if identity_pool_missing(exc):
        return IdentityPoolNotFoundError(
            f"there is no identity pool {identity_pool_id} ({message})", code)
    if role_mapping_denied(exc):
        return RoleMappingDeniedError(
            f"the role mapping of identity pool {identity_pool_id} refused this user "
            f"({message})", code)
    if provider_not_allowed(exc):
        return IdentityProviderNotAllowedError(
            f"identity pool {identity_pool_id} does not accept tokens of {provider} with "
            f"this app client ({message})", code)
    if code == "InvalidIdentityPoolConfigurationException":
        return IdentityPoolConfigurationError(
            f"identity pool {identity_pool_id} has no usable role for this user ({message})",
            code)
    return None
