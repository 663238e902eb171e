"""The state every part of the ``Cognito`` facade shares: configuration, tokens, the client.

Constructing an instance does no I/O and imports nothing heavy: the boto3 client is created
(and shared with every other instance of the same configuration) on first use, and tokens are
not verified until :meth:`verify_tokens` or a login asks for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Mapping, Optional, TypeVar, overload

from . import srp
from ._clients import (
    call_timeout,
    client_kwargs,
    cognito_client,
    environment_endpoint,
    service_error,
)
from ._device_credentials import DeviceCredentials, DeviceField
from ._signin import AppClient
from ._text import text_argument
from ._token_lifecycle import TokenLifecycle
from ._tokens import TOKEN_FIELDS, TokenFields, TokenSet, token_username
from .exceptions import (
    InvalidTypeError,
    InvalidValueError,
    LoginRequiredException,
    MissingValueError,
)

if TYPE_CHECKING:
    from ._models import GroupObj, UserObj

log = logging.getLogger("pycognito")

T = TypeVar("T")
#: Where the constructor keeps the tokens it was given until the lifecycle takes them over.
_GIVEN = {"access_token": 0, "id_token": 1, "refresh_token": 2}
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
    text_argument(value, name, optional=True)


class _TokenField(Generic[T]):
    """A token attribute (``id_token``, ``expires_in``, ...): a view of the instance's one
    token state, its :class:`TokenLifecycle`. Setting it sets the tokens."""

    name = ""
    given: Optional[int] = None  # where the constructor keeps this token (_GIVEN), if it does

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.given = _GIVEN.get(name)

    @overload
    def __get__(self, obj: None, owner: type) -> _TokenField[T]: ...
    @overload
    def __get__(self, obj: CognitoBase, owner: type) -> T: ...
    def __get__(self, obj: Optional[CognitoBase], owner: type) -> Any:
        if obj is None:
            return self
        staged = obj._staged  # (_staged_here() inlined: this is on every request's path)
        if staged is not None and staged.thread == threading.get_ident():
            return getattr(staged.tokens, self.name)
        given = obj._given_tokens  # (read before _life: the lifecycle takes them over)
        life = obj._life
        if life is not None:
            return life.field(self.name)
        index = self.given
        return given[index] if given is not None and index is not None else None

    def __set__(self, obj: CognitoBase, value: T) -> None:
        staged = obj._staged_here()
        if staged is not None:  # verify_token during a login sets what is being verified
            if getattr(staged.tokens, self.name) != value:
                fields: dict[str, Any] = {self.name: value}
                staged.tokens = replace(staged.tokens, **fields)
            return
        if value is not None and self.__get__(obj, type(obj)) == value:
            return  # (verify_token sets the token it verified: nothing changes, nothing saved)
        change: dict[str, Any] = {self.name: value}
        life = obj._lifecycle
        with life.lock:
            current = TokenFields(*(life.field(name) for name in TOKEN_FIELDS))
            life.give(current._replace(**change))


class _Staged:
    """Tokens one thread is verifying before they are stored."""

    def __init__(self, tokens: TokenSet, now: Optional[float]) -> None:
        self.tokens = tokens
        self.now = now
        self.thread = threading.get_ident()


class _ClaimsField:
    """``id_claims``/``access_claims``: the verified claims of the token they were verified
    for; ``None`` once that token is replaced."""

    def __init__(self, token_name: str) -> None:
        self.token_name = token_name
        self.slot = f"_{token_name}_claims"

    @overload
    def __get__(self, obj: None, owner: type) -> _ClaimsField: ...
    @overload
    def __get__(self, obj: CognitoBase, owner: type) -> Optional[dict[str, Any]]: ...
    def __get__(self, obj: Optional[CognitoBase], owner: type) -> Any:
        if obj is None:
            return self
        token, claims = getattr(obj, self.slot)
        return claims if token is not None and token == getattr(obj, self.token_name) else None

    def __set__(self, obj: CognitoBase, value: Optional[dict[str, Any]]) -> None:
        setattr(obj, self.slot, (getattr(obj, self.token_name), value))


class CognitoBase:
    """Configuration, tokens and the shared client; the facade's parts build on this."""

    id_token = _TokenField[Optional[str]]()
    access_token = _TokenField[Optional[str]]()
    refresh_token = _TokenField[Optional[str]]()
    token_type = _TokenField[Optional[str]]()
    expires_in = _TokenField[Optional[int]]()
    expires_datetime = _TokenField[Optional[datetime]]()
    id_claims = _ClaimsField("id_token")
    access_claims = _ClaimsField("access_token")

    user_class: ClassVar[type[UserObj]]
    group_class: ClassVar[type[GroupObj]]
    _pool_domain_url: Optional[str] = None  # set through pool_domain_url

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
        if session is not None and not callable(getattr(session, "client", None)):
            raise InvalidTypeError(f"session must be a boto3 Session or None, not "
                                   f"{type(session).__name__}")
        if botocore_config is not None and not callable(getattr(botocore_config, "merge", None)):
            raise InvalidTypeError(f"botocore_config must be a botocore Config or None, not "
                                   f"{type(botocore_config).__name__}")
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
        # The one token state is the token lifecycle (the token attributes are views of it),
        # made on first use; until then, the tokens given here are it.
        self._life: Optional[TokenLifecycle] = None
        self._given_tokens: Optional[tuple[Optional[str], Optional[str], Optional[str]]] = (
            (access_token, id_token, refresh_token)
            if id_token is not None or access_token is not None or refresh_token is not None
            else None
        )
        self._staged: Optional[_Staged] = None  # tokens being verified, not stored yet
        self._id_token_claims: tuple[Optional[str], Optional[dict[str, Any]]] = (None, None)
        self._access_token_claims: tuple[Optional[str], Optional[dict[str, Any]]] = (None, None)
        self.base_attributes: dict[str, Any] = {}
        self.custom_attributes: dict[str, Any] = {}
        self.mfa_tokens: Optional[dict[str, Any]] = None
        #: The remembered device (shared with the SRP prover of each login).
        self._device = DeviceCredentials(device_key, device_group_key, device_password)
        #: The device key Cognito refused as unknown (forgotten) during the last
        #: ``authenticate``, which then logged in without it and cleared the device values;
        #: ``None`` otherwise.
        self.forgotten_device_key: Optional[str] = None
        self._new_device: Optional[dict[str, str]] = None
        self._session = session
        self._client_kwargs = client_kwargs(
            boto3_client_kwargs,
            access_key=access_key,
            secret_key=secret_key,
            config=botocore_config,
        )
        self._client: Any = None
        self._client_shared = False  # whether _client is a shared one (not the caller's)

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
        bounded = call_timeout() is not None  # a renewal for an HTTP request with a timeout
        if self._client is not None and not (bounded and self._client_shared):
            return self._client
        client = cognito_client(
            session=self._session, region_name=self.user_pool_region, **self._client_kwargs
        )
        if not bounded:
            self._client, self._client_shared = client, True
        return client

    @client.setter
    def client(self, value: Any) -> None:
        self._client, self._client_shared = value, False

    def _call(self, operation: str, **kwargs: Any) -> Any:
        """``self.client.<operation>(**kwargs)``, the arguments checked first (they are
        evaluated before this runs), so a wrong one fails before any client is created."""
        return getattr(self.client, operation)(**kwargs)

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
        return environment_endpoint()

    @property
    def pool_domain_url(self) -> Optional[str]:
        """Where the pool's keys are fetched from instead of AWS (the original's name): the
        configured endpoint (:attr:`endpoint_url`) unless set here. Setting it moves the key
        fetch only, not the Cognito client (as in the original)."""
        return self._pool_domain_url or self.endpoint_url

    @pool_domain_url.setter
    def pool_domain_url(self, value: Optional[str]) -> None:
        _optional_str("pool_domain_url", value)
        self._pool_domain_url = value

    @property
    def user_pool_url(self) -> str:
        """Where the pool's keys are published: ``{endpoint}/{pool}`` when an ``endpoint_url``
        is configured, else ``https://cognito-idp.{region}.amazonaws.com/{pool}``.

        The issuer the tokens must carry is always the AWS form (see :attr:`issuer`)."""
        endpoint = self.pool_domain_url
        if endpoint:
            return f"{endpoint.rstrip('/')}/{self.user_pool_id}"
        return self.issuer

    @property
    def issuer(self) -> str:
        """The ``iss`` every token of this pool carries."""
        return f"https://cognito-idp.{self.user_pool_region}.amazonaws.com/{self.user_pool_id}"

    # -- devices ----------------------------------------------------------------------------

    device_key = DeviceField("key", "The remembered device's key (sent with logins and "
                                    "refreshes).")
    device_group_key = DeviceField("group_key", "The remembered device's group key.")
    device_password = DeviceField("password", "The remembered device's password (a secret: "
                                              "store it like one).")

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
        parameters: dict[str, str] = {}
        self._add_secret_hash(parameters, "SecretHash", username)
        return parameters

    def _add_secret_hash(
        self, parameters: dict[str, str], key: str = "SECRET_HASH", username: Optional[str] = None
    ) -> None:
        """Add the secret hash under ``key`` when the client has a secret: for ``username``,
        else the parameters' ``USERNAME``, else the user's real username.

        Every hash the facade sends is made here (the sign-in flows ask it through
        :meth:`_app`): the original's patch point, which users' tests stub out."""
        if not self.client_secret:
            return
        name = username or parameters.get("USERNAME") or self._real_username()
        if not name:
            raise MissingValueError(f"{key} needs the username: pass username=...", "username")
        parameters[key] = srp.secret_hash(name, self._need_client_id(key), self.client_secret)

    def _app(self) -> AppClient:
        """The app client the sign-in flows talk to (SECRET_HASH, admin or user API)."""
        return AppClient(
            self.user_pool_id,
            self._need_client_id("signing in"),
            self.client_secret,
            hasher=lambda parameters, username: self._add_secret_hash(
                parameters, "SECRET_HASH", username
            ),
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
        tokens, renew = self._held_tokens(what)
        if renew:
            with service_errors():
                tokens = self._lifecycle.valid_tokens()
        return tokens.access_token

    def _held_tokens(self, what: str) -> tuple[TokenSet, bool]:
        """The tokens held (``MissingValueError`` naming ``what`` if none) and whether they
        should be renewed before use (stale, with a refresh token): the sync and async
        drivers' one check."""
        life = self._lifecycle
        tokens = life.tokens
        if tokens is None:
            raise MissingValueError(
                f"{what} needs an access token: log in first or pass access_token=...",
                "access_token",
            )
        return tokens, bool(tokens.refresh_token) and life.is_stale()

    # -- the token state --------------------------------------------------------------------

    @property
    def token_lifecycle(self) -> TokenLifecycle:
        """This instance's token state and lifecycle (early refresh, clock drift, single
        flight), shared by everything that uses the instance: ``RequestsSrpAuth`` and the httpx
        auth use it, ``attach_storage(storage)`` keeps the tokens across runs, ``margin`` is
        how early they are renewed. The token attributes are views of it."""
        return self._lifecycle

    @property
    def _lifecycle(self) -> TokenLifecycle:
        life = self._life
        if life is None:
            with _LIFECYCLE_CREATION:  # one lifecycle (one single flight) per instance
                life = self._life
                if life is None:
                    given = self._given_tokens
                    life = self._life = TokenLifecycle(
                        self._lifecycle_refresh,
                        given=TokenFields(*given) if given is not None else None,
                    )
                    self._given_tokens = None
        return life

    def _lifecycle_refresh(self, current: TokenSet) -> TokenSet:
        return self._refresh()

    def _refresh(self) -> TokenSet:  # implemented by the auth part
        raise NotImplementedError

    @contextmanager
    def _verifying(self, tokens: TokenSet, now: Optional[float]) -> Iterator[None]:
        """Tokens just received, seen by the token attributes in this thread (and so by
        ``verify_token``) while they are verified; stored only if verification succeeds.
        ``now`` is the clock they are judged by (Cognito's)."""
        staged = self._staged = _Staged(tokens, now)
        try:
            yield
        finally:
            self._staged = None
        self._lifecycle.accept(staged.tokens)
        self._new_device = tokens.new_device
        self.mfa_tokens = None

    def _staged_here(self) -> Optional[_Staged]:
        """The tokens this thread is verifying, if any (other threads see the stored ones)."""
        staged = self._staged
        return staged if staged is not None and staged.thread == threading.get_ident() else None

    def _verification_clock(self) -> Optional[float]:
        """The time tokens being verified are judged at (``None``: our clock)."""
        staged = self._staged_here()
        return staged.now if staged is not None else None

    def _clear_tokens(self) -> None:
        self._new_device = None
        self._lifecycle.clear()  # also empties its storage
