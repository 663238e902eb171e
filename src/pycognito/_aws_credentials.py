"""AWS credentials for the signed-in user: the identity pool calls and refreshing sessions.

One :class:`IdentityPoolCredentials` per ``Cognito`` instance. It asks the instance for a
current id token (renewed first when stale), remembers the identity id per user and identity
pool, and builds ``boto3.Session`` objects whose credentials renew themselves (botocore's
refreshable credentials: one renewal at a time, however many threads share the session).
boto3 and botocore are imported only when a method needs them.

The calls are written once, as a generator of needs (:meth:`IdentityPoolCredentials.steps`,
in the manner of :mod:`pycognito._operations`): an :class:`AwsCall` to ``cognito-identity``
or ``sts``, or a :class:`Renewal` of the user's tokens. :meth:`IdentityPoolCredentials.get`
drives them with boto3 clients; ``AsyncCognito.get_aws_credentials`` with awaited ones.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Generator, Mapping, Optional, TypeVar, Union

from . import _clock
from ._clients import server_clock_offset, service_error
from ._identity_pool import (
    AwsCredentials,
    credentials_from_identity,
    credentials_from_sts,
    identity_pool_error,
    identity_pool_region,
    provider_name,
)
from ._operations import walk
from ._tokens import peek_claims
from .exceptions import InvalidTypeError, InvalidValueError

__all__ = ["AwsCall", "IdentityNeed", "IdentityPoolCredentials", "IdentitySteps", "Renewal"]

#: The session name Cognito itself gives the credentials of the enhanced flow.
SESSION_NAME = "CognitoIdentityCredentials"
#: Refusals after which a remembered identity id may be what is wrong (deleted, another user's).
_STALE_IDENTITY_CODES = frozenset({"ResourceNotFoundException", "NotAuthorizedException"})
_CREDENTIAL_KWARGS = frozenset(
    {"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "botocore_session"}
)


R = TypeVar("R")


@dataclass(frozen=True)
class AwsCall:
    """One call to ``service`` (``cognito-identity`` or ``sts``) in ``region``: boto3's
    method name and keyword arguments."""

    service: str
    region: str
    operation: str
    params: dict[str, Any] = field(repr=False)  # carries the user's tokens


@dataclass(frozen=True)
class Renewal:
    """The user's tokens are to be renewed first (the renewed ``TokenSet`` is sent back):
    because they are stale (``rejected`` is ``None``), or because the id token is about to
    expire (``rejected``: the access token held, renewed unless another caller already did)."""

    rejected: Optional[str] = None


IdentityNeed = Union[AwsCall, Renewal]
#: The identity pool's steps: a generator of needs whose return value is the result.
IdentitySteps = Generator[IdentityNeed, Any, R]


class IdentityPoolCredentials:
    """Temporary AWS credentials for one ``Cognito`` instance's user.

    ``id_token`` gives the steps to the user's current id token (yielding a :class:`Renewal`
    when the tokens need one), ``renew`` renews them for the synchronous driver; ``session``
    and ``client_kwargs`` are the user-pool client's (the same endpoint and config serve
    ``cognito-identity`` and ``sts``).
    """

    def __init__(self, *, user_pool_id: str, user_pool_region: str,
                 id_token: Callable[[], IdentitySteps[str]], renew: Callable[[Renewal], Any],
                 session: Any = None, client_kwargs: Optional[Mapping[str, Any]] = None) -> None:
        self._provider = provider_name(user_pool_region, user_pool_id)
        self._id_token = id_token
        self._renew = renew
        self._session = session
        self._client_kwargs = dict(client_kwargs or {})
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}
        self._identity_ids: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        return f"IdentityPoolCredentials(provider={self._provider!r})"

    # -- one set of credentials -------------------------------------------------------------

    def get(self, identity_pool_id: str, *, role_arn: Optional[str] = None,
            custom_role_arn: Optional[str] = None) -> AwsCredentials:
        """Credentials for the user: ``GetCredentialsForIdentity`` (``custom_role_arn`` picks
        one of the roles the token allows), or with ``role_arn`` the basic flow
        (``GetOpenIdToken`` + ``AssumeRoleWithWebIdentity`` for that role)."""
        return walk(self.steps(identity_pool_id, role_arn=role_arn,
                               custom_role_arn=custom_role_arn), self._fulfil)

    def _fulfil(self, need: IdentityNeed) -> Any:
        if isinstance(need, Renewal):
            return self._renew(need)
        return getattr(self.client(need.service, need.region), need.operation)(**need.params)

    def steps(self, identity_pool_id: str, *, role_arn: Optional[str] = None,
              custom_role_arn: Optional[str] = None) -> IdentitySteps[AwsCredentials]:
        """:meth:`get` as steps, for either driver: the arguments checked before any need,
        the id token, the identity id (``GetId`` unless remembered), then the credentials;
        a refusal that is the caller's configuration to fix raised as its typed error."""
        region = identity_pool_region(identity_pool_id)
        for name, value in (("role_arn", role_arn), ("custom_role_arn", custom_role_arn)):
            if value is not None and not isinstance(value, str):
                raise InvalidTypeError(f"{name} must be a string or None")
            if value == "":
                raise InvalidValueError(f"{name} must not be empty")
        if role_arn is not None and custom_role_arn is not None:
            raise InvalidValueError(
                "role_arn (basic flow through STS) and custom_role_arn (enhanced flow) "
                "exclude each other")
        token = yield from self._id_token()
        logins = {self._provider: token}
        try:
            identity_id = yield from self._identity_id(region, identity_pool_id, token, logins)
            try:
                if role_arn is None:
                    kwargs: dict[str, Any] = {"IdentityId": identity_id, "Logins": logins}
                    if custom_role_arn is not None:
                        kwargs["CustomRoleArn"] = custom_role_arn
                    response = yield AwsCall("cognito-identity", region,
                                             "get_credentials_for_identity", kwargs)
                    return credentials_from_identity(response, server_clock_offset(response))
                open_id = yield AwsCall("cognito-identity", region, "get_open_id_token",
                                        {"IdentityId": identity_id, "Logins": logins})
                response = yield AwsCall("sts", region, "assume_role_with_web_identity", {
                    "RoleArn": role_arn, "RoleSessionName": SESSION_NAME,
                    "WebIdentityToken": open_id["Token"]})
                return credentials_from_sts(response, identity_id, server_clock_offset(response))
            except Exception as exc:
                if service_error(exc)[0] in _STALE_IDENTITY_CODES:
                    self._forget_identity(identity_pool_id, token)  # ask GetId next time
                raise
        except Exception as exc:
            typed = identity_pool_error(exc, identity_pool_id, self._provider)
            if typed is not None:
                raise typed from exc
            raise

    def _identity_id(self, region: str, identity_pool_id: str, token: str,
                     logins: dict[str, str]) -> IdentitySteps[str]:
        key = _identity_key(identity_pool_id, token)
        with self._lock:
            known = self._identity_ids.get(key) if key else None
        if known:
            return known
        response = yield AwsCall("cognito-identity", region, "get_id",
                                 {"IdentityPoolId": identity_pool_id, "Logins": logins})
        identity_id = str(response["IdentityId"])
        if key:
            with self._lock:
                self._identity_ids[key] = identity_id
        return identity_id

    def _forget_identity(self, identity_pool_id: str, token: str) -> None:
        key = _identity_key(identity_pool_id, token)
        if key:
            with self._lock:
                self._identity_ids.pop(key, None)

    def client(self, service: str, region: str) -> Any:
        """The boto3 client of ``service`` in ``region`` (made once; also the model, endpoint
        and config of the async driver's requests)."""
        with self._lock:
            client = self._clients.get((service, region))
            if client is None:
                if self._session is None:
                    import boto3

                    client = boto3.client(service, region_name=region, **self._client_kwargs)
                else:
                    client = self._session.client(service, region_name=region,
                                                  **self._client_kwargs)
                self._clients[(service, region)] = client
            return client

    # -- sessions that stay valid -------------------------------------------------------------

    def boto3_session(self, identity_pool_id: str, **kwargs: Any) -> Any:
        """A ``boto3.Session`` acting as the user; its credentials renew themselves.

        ``role_arn``/``custom_role_arn`` choose the flow and role as for :meth:`get`; every
        other keyword goes to ``boto3.Session`` (``region_name`` defaults to the identity
        pool's region). No call is made until the session first needs credentials.
        """
        return self.refreshing_session(identity_pool_id, self.get, kwargs)

    def refreshing_session(self, identity_pool_id: str, fetch: Callable[..., AwsCredentials],
                           kwargs: dict[str, Any]) -> Any:
        """:meth:`boto3_session` whose credentials come from ``fetch(identity_pool_id,
        role_arn=..., custom_role_arn=...)``, called in the thread that needs them."""
        import boto3
        import botocore.session
        from botocore.credentials import CredentialResolver, DeferredRefreshableCredentials

        region = identity_pool_region(identity_pool_id)
        given = sorted(_CREDENTIAL_KWARGS.intersection(kwargs))
        if given:
            raise InvalidValueError(
                f"boto3_session makes its own credentials; do not pass {', '.join(given)}")
        role_arn = kwargs.pop("role_arn", None)
        custom_role_arn = kwargs.pop("custom_role_arn", None)
        kwargs.setdefault("region_name", region)

        def renew() -> dict[str, str]:
            creds = fetch(identity_pool_id, role_arn=role_arn, custom_role_arn=custom_role_arn)
            return {
                "access_key": creds["AccessKeyId"],
                "secret_key": creds["SecretKey"],
                "token": creds["SessionToken"],
                "expiry_time": creds["Expiration"].isoformat(),
            }

        credentials = DeferredRefreshableCredentials(
            renew, "cognito-identity-pool", time_fetcher=_clock.utc_now)
        core = botocore.session.Session()
        core.register_component("credential_provider",
                                CredentialResolver([_Provider(credentials)]))
        return boto3.Session(botocore_session=core, **kwargs)


def _identity_key(identity_pool_id: str, token: str) -> Optional[tuple[str, str]]:
    """Cache key of an identity id: the pool and the user's ``sub`` (``None`` if unreadable)."""
    sub = peek_claims(token).get("sub")
    return (identity_pool_id, sub) if isinstance(sub, str) and sub else None


class _Provider:
    """A botocore credential provider that always answers with the same refreshable object."""

    METHOD = "cognito-identity-pool"
    CANONICAL_NAME = "CognitoIdentityPool"

    def __init__(self, credentials: Any) -> None:
        self._credentials = credentials

    def load(self) -> Any:
        return self._credentials
