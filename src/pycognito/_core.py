"""The state every part of the ``Cognito`` facade shares: configuration, tokens, the client.

Constructing an instance does no I/O and imports nothing heavy: the boto3 client is created
(and shared with every other instance of the same configuration) on first use, and tokens are
not verified until :meth:`verify_tokens` or a login asks for it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Optional

from . import srp
from ._clients import client_kwargs, cognito_client, service_error
from ._token_lifecycle import TokenLifecycle
from ._tokens import TokenSet, token_username
from .exceptions import (
    InvalidTypeError,
    InvalidValueError,
    LoginRequiredException,
    MissingValueError,
)

if TYPE_CHECKING:
    from ._models import GroupObj, UserObj
    from .token_storage import TokenStorage

log = logging.getLogger("pycognito")

_ENDPOINT_ENV = ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL")
#: Guards the creation of an instance's token lifecycle (rare: once per instance).
_LIFECYCLE_CREATION = threading.Lock()


@contextmanager
def service_errors() -> Iterator[None]:
    """Keep Cognito's own error types on the published API's renewal paths.

    The token lifecycle turns a refused refresh token into a typed ``LoginRequiredException``
    (what the HTTP auths raise); code written for the original package catches botocore's
    ``NotAuthorizedException`` from ``renew_access_token``/``check_token`` instead.
    """
    try:
        yield
    except LoginRequiredException as exc:
        cause = exc.__cause__
        if cause is not None and service_error(cause)[0]:
            raise cause from None
        raise


def _optional_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidTypeError(f"{name} must be a string or None, not {type(value).__name__}")


class CognitoBase:
    """Configuration, tokens and the shared client; the facade's parts build on this."""

    user_class: ClassVar[type[UserObj]]
    group_class: ClassVar[type[GroupObj]]

    def __init__(
        self,
        user_pool_id: str,
        client_id: Optional[str] = None,
        user_pool_region: Optional[str] = None,
        username: Optional[str] = None,
        id_token: Optional[str] = None,
        refresh_token: Optional[str] = None,
        access_token: Optional[str] = None,
        client_secret: Optional[str] = None,
        access_key: Optional[str] = None,
        secret_key: Optional[str] = None,
        session: Any = None,
        botocore_config: Any = None,
        boto3_client_kwargs: Optional[Mapping[str, Any]] = None,
        *,
        device_key: Optional[str] = None,
        device_group_key: Optional[str] = None,
        device_password: Optional[str] = None,
    ) -> None:
        if not isinstance(user_pool_id, str) or "_" not in user_pool_id:
            raise InvalidValueError("user_pool_id must be a string like 'eu-west-1_AbCdEf123'")
        if client_id is not None and (not isinstance(client_id, str) or not client_id):
            raise InvalidValueError("client_id must be a non-empty string or None (admin only)")
        for name, value in (
            ("user_pool_region", user_pool_region),
            ("username", username),
            ("id_token", id_token),
            ("refresh_token", refresh_token),
            ("access_token", access_token),
            ("client_secret", client_secret),
            ("access_key", access_key),
            ("secret_key", secret_key),
            ("device_key", device_key),
            ("device_group_key", device_group_key),
            ("device_password", device_password),
        ):
            _optional_str(name, value)
        if boto3_client_kwargs is not None and not isinstance(boto3_client_kwargs, Mapping):
            raise InvalidTypeError("boto3_client_kwargs must be a dict or None")
        device = (device_key, device_group_key, device_password)
        if any(device) and not all(device):
            raise MissingValueError(
                "device_key, device_group_key and device_password come together or not at all",
                "device_key/device_group_key/device_password",
            )

        self.user_pool_id = user_pool_id
        self.client_id = client_id
        self.user_pool_region = user_pool_region or user_pool_id.split("_", 1)[0]
        self.username = username
        self.client_secret = client_secret
        self.id_token = id_token
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.token_type: Optional[str] = None
        self.expires_in: Optional[int] = None
        self.expires_datetime: Optional[datetime] = None
        self.id_claims: Optional[dict[str, Any]] = None
        self.access_claims: Optional[dict[str, Any]] = None
        self.base_attributes: dict[str, Any] = {}
        self.custom_attributes: dict[str, Any] = {}
        self.mfa_tokens: Optional[dict[str, Any]] = None
        self.device_key = device_key
        self.device_group_key = device_group_key
        self._device_password = device_password
        self._new_device: Optional[dict[str, str]] = None
        self._session = session
        self._client_kwargs = client_kwargs(
            boto3_client_kwargs,
            access_key=access_key,
            secret_key=secret_key,
            config=botocore_config,
        )
        self._client: Any = None
        self._lifecycle: Optional[TokenLifecycle] = None

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} user_pool_id={self.user_pool_id!r} "
            f"client_id={self.client_id!r} username={self.username!r} "
            f"tokens={'yes' if self.access_token else 'no'}>"
        )

    # -- client -----------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The boto3 ``cognito-idp`` client, shared per (session, region, endpoint, config)."""
        if self._client is None:
            self._client = cognito_client(
                session=self._session, region_name=self.user_pool_region, **self._client_kwargs
            )
        return self._client

    @client.setter
    def client(self, value: Any) -> None:
        self._client = value

    def switch_session(self, session: Any) -> None:
        """Use another boto3 Session from now on, keeping the region and client kwargs."""
        self._session = session
        self._client = None

    @property
    def endpoint_url(self) -> Optional[str]:
        """The Cognito endpoint the client talks to, if not AWS's default one."""
        url = self._client_kwargs.get("endpoint_url")
        if url:
            return str(url)
        if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
            return None
        for name in _ENDPOINT_ENV:
            value = os.environ.get(name)
            if value:
                return value
        return None

    @property
    def user_pool_url(self) -> str:
        """Where the pool's keys are published: ``{endpoint}/{pool}`` when an ``endpoint_url``
        is configured, else ``https://cognito-idp.{region}.amazonaws.com/{pool}``.

        The issuer the tokens must carry is always the AWS form (see :attr:`issuer`)."""
        endpoint = self.endpoint_url
        if endpoint:
            return f"{endpoint.rstrip('/')}/{self.user_pool_id}"
        return self.issuer

    @property
    def issuer(self) -> str:
        """The ``iss`` every token of this pool carries."""
        return f"https://cognito-idp.{self.user_pool_region}.amazonaws.com/{self.user_pool_id}"

    # -- devices ----------------------------------------------------------------------------

    @property
    def device_password(self) -> Optional[str]:
        """The remembered device's password (a secret: store it like one)."""
        return self._device_password

    @device_password.setter
    def device_password(self, value: Optional[str]) -> None:
        _optional_str("device_password", value)
        self._device_password = value

    @property
    def new_device(self) -> Optional[dict[str, str]]:
        """The device Cognito announced at the last login (``NewDeviceMetadata``:
        ``{"DeviceKey": ..., "DeviceGroupKey": ...}``), or ``None``.

        Cognito announces a device when the pool tracks devices and the login was not made with
        a remembered one. The login confirms it at once (so its refresh token works); name and
        remember it with :meth:`remember_device` (after which this is ``None``) to skip MFA on
        later logins. Read-only; a copy is returned.
        """
        return dict(self._new_device) if self._new_device else None

    # -- helpers for the parts --------------------------------------------------------------

    def _secret_hash(self, username: str) -> dict[str, str]:
        """``{"SecretHash": ...}`` for a client with a secret, else ``{}``."""
        if not self.client_secret:
            return {}
        client_id = self._need_client_id("SecretHash")
        return {"SecretHash": srp.secret_hash(username, client_id, self.client_secret)}

    def _add_secret_hash(self, parameters: dict[str, str], username: str) -> None:
        if self.client_secret:
            parameters["SECRET_HASH"] = srp.secret_hash(
                username, self._need_client_id("SECRET_HASH"), self.client_secret
            )

    def _need_client_id(self, what: str) -> str:
        """The app client id; ``MissingValueError`` naming it on an admin-only instance."""
        if self.client_id is None:
            raise MissingValueError(
                f"{what} needs the app client id: Cognito(user_pool_id, client_id, ...) "
                "(this instance was made without one, for admin calls only)",
                "client_id",
            )
        return self.client_id

    def _need_username(self, username: Optional[str] = None, *, what: str) -> str:
        name = username if username is not None else self.username
        if not name:
            raise MissingValueError(
                f"{what} needs a username: pass one or set Cognito(..., username=...)", "username"
            )
        if not isinstance(name, str):
            raise InvalidTypeError(f"username must be a string, not {type(name).__name__}")
        return name

    def _real_username(self) -> Optional[str]:
        """The username Cognito knows the user by (from the tokens), else ``username``."""
        return token_username(self.access_token, self.id_token) or self.username

    def _need_access_token(self, what: str) -> str:
        """The access token, renewed first if it is (nearly) expired and can be renewed."""
        life = self._token_lifecycle()
        tokens = life.tokens
        if tokens is None:
            raise MissingValueError(
                f"{what} needs an access token: log in first or pass access_token=...",
                "access_token",
            )
        if tokens.refresh_token and life.is_stale():
            with service_errors():
                tokens = life.valid_tokens()
        return tokens.access_token

    # -- the token lifecycle ----------------------------------------------------------------

    def _token_lifecycle(
        self, *, storage: Optional[TokenStorage] = None, margin: Optional[float] = None
    ) -> TokenLifecycle:
        """This instance's token lifecycle (early refresh, clock drift, single flight), in step
        with the token attributes.

        ``storage`` and ``margin`` (``RequestsSrpAuth`` and the httpx auth pass theirs) apply
        to it from then on; it is shared by everything that uses this instance.
        """
        life = self._lifecycle or self._new_lifecycle()
        if storage is not None:
            life.attach_storage(storage)
        if margin is not None:
            life.margin = margin
        return self._sync_lifecycle(life)

    def _new_lifecycle(self) -> TokenLifecycle:
        """The instance's one lifecycle, made once even when threads ask at the same time
        (two lifecycles would mean two refreshes: no single flight)."""
        with _LIFECYCLE_CREATION:
            if self._lifecycle is None:
                self._lifecycle = TokenLifecycle(
                    lambda current: self._refresh(), on_change=self._apply_tokens
                )
            return self._lifecycle

    def _sync_lifecycle(self, life: TokenLifecycle) -> TokenLifecycle:
        """Make the lifecycle and the token attributes agree (either may have been set).

        Under the lifecycle's lock, which it also holds while it mirrors new tokens in the
        attributes (:meth:`_apply_tokens`): another thread's half-mirrored refresh must not
        look like tokens the caller assigned (that would restore the old tokens and refresh
        again).
        """
        with life.lock:
            current = life.tokens
            access = self.access_token
            if access and (current is None or current.access_token != access):
                life.restore(
                    TokenSet.from_tokens(access, self.id_token, self.refresh_token,
                                         self.token_type),
                    life.clock_offset,
                )
            elif not access and current is not None:
                if life.storage is not None:
                    self._apply_tokens(current)  # resumed from the token storage
                else:
                    life.clear()  # the caller cleared the attributes: forget the tokens
        return life

    def _apply_tokens(self, tokens: Optional[TokenSet]) -> None:
        """Mirror the lifecycle's tokens in the public attributes."""
        if tokens is None:
            self._clear_token_attributes()
            return
        if tokens.access_token != self.access_token:
            self.id_claims = self.access_claims = None  # verified claims were for other tokens
        self.id_token = tokens.id_token
        self.access_token = tokens.access_token
        self.refresh_token = tokens.refresh_token
        self.token_type = tokens.token_type or self.token_type
        if tokens.expires_in is not None:
            self.expires_in = tokens.expires_in
            self.expires_datetime = tokens.expires_datetime

    def _refresh(self) -> TokenSet:  # implemented by the auth part
        raise NotImplementedError

    def _store_tokens(self, tokens: TokenSet, claims: tuple[Any, Any]) -> None:
        """Tokens just received from Cognito, with their verified claims."""
        (self._lifecycle or self._new_lifecycle()).accept(tokens)  # sets the token attributes
        self.token_type = tokens.token_type
        self.expires_in = tokens.expires_in
        self.expires_datetime = tokens.expires_datetime
        self.id_claims, self.access_claims = claims
        self._new_device = tokens.new_device
        self.mfa_tokens = None

    def _clear_tokens(self) -> None:
        if self._lifecycle is not None:
            self._lifecycle.clear()  # also empties its storage; calls _clear_token_attributes
        self._clear_token_attributes()

    def _clear_token_attributes(self) -> None:
        self.id_token = self.access_token = self.refresh_token = None
        self.token_type = None
        self.expires_in = None
        self.expires_datetime = None
        self.id_claims = self.access_claims = None
        self._new_device = None
