"""What the requests and httpx auths share: the constructor, which token, which header.

Neither auth keeps token state of its own: they ask the ``Cognito`` instance's token
lifecycle for valid tokens before each request (it refreshes early, once for all threads) and,
on a 401 from the API, ask it to renew the rejected token once before retrying once.
"""

from __future__ import annotations

import sys
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Mapping, Optional, Union, cast

from ._text import seconds_argument, text_argument
from .exceptions import InvalidTypeError, WarrantException

if TYPE_CHECKING:
    from ._cognito import Cognito
    from ._token_lifecycle import TokenLifecycle, TokenSet
    from .aio import AsyncCognito
    from .token_storage import TokenStorage

    #: What signs the requests: a ``Cognito``, or (``HttpxSrpAuth`` in an async client only)
    #: an ``AsyncCognito``.
    AnyCognito = Union[Cognito, AsyncCognito]


class TokenType(str, Enum):
    """Which Cognito token goes in the header."""

    ID_TOKEN = "id_token"
    ACCESS_TOKEN = "access_token"


def is_async_cognito(cognito: object) -> bool:
    """Whether ``cognito`` is a :class:`pycognito.aio.AsyncCognito` (never true while that
    module, which needs httpx, has not been imported)."""
    aio = sys.modules.get("pycognito.aio")
    return aio is not None and isinstance(cognito, aio.AsyncCognito)


def _storage_type() -> type:
    from .token_storage import TokenStorage

    return TokenStorage


class BearerAuth:
    """The constructor both HTTP auths share (``RequestsSrpAuth``'s published signature)."""

    #: Whether an ``AsyncCognito`` may sign the requests (only in an async client's flow).
    _async_cognito_ok = False

    def __init__(
        self,
        username: Optional[str] = None,
        password: Optional[str] = None,
        user_pool_id: Optional[str] = None,
        user_pool_region: Optional[str] = None,
        client_id: Optional[str] = None,
        cognito: Optional[AnyCognito] = None,
        http_header: str = "Authorization",
        http_header_prefix: str = "Bearer ",
        auth_token_type: TokenType = TokenType.ACCESS_TOKEN,
        boto3_client_kwargs: Optional[Mapping[str, Any]] = None,
        *,
        client_secret: Optional[str] = None,
        storage: Optional[TokenStorage] = None,
        refresh_margin: Optional[float] = None,
    ) -> None:
        text_argument(password, "password", optional=True)
        for name, value in (("http_header", http_header),
                            ("http_header_prefix", http_header_prefix)):
            text_argument(value, name)
        if refresh_margin is not None:
            refresh_margin = seconds_argument(refresh_margin, "refresh_margin")
        if storage is not None and not isinstance(storage, _storage_type()):
            raise InvalidTypeError("storage must be a TokenStorage (load, save and clear), "
                                   f"not {type(storage).__name__}")
        if cognito is None:
            if not user_pool_id or not client_id:
                raise WarrantException(
                    "pass either cognito=Cognito(...) or user_pool_id and client_id"
                )
            from ._cognito import Cognito

            cognito = Cognito(
                user_pool_id,
                client_id,
                user_pool_region=user_pool_region,
                username=username,
                client_secret=client_secret,
                boto3_client_kwargs=boto3_client_kwargs,
            )
        elif not hasattr(cognito, "token_lifecycle"):
            raise InvalidTypeError(f"cognito must be a Cognito, not {type(cognito).__name__}")
        elif username is not None and username != cognito.username:
            # the login would be as cognito.username (or fail without one), not as `username`
            raise WarrantException(
                "with cognito=..., set the username on the Cognito instance, not username="
            )
        if password is not None and not cognito.username:
            raise WarrantException("a password needs a username to log in with")
        if is_async_cognito(cognito) and not self._async_cognito_ok:
            raise WarrantException(
                f"{type(self).__name__} needs a Cognito: an AsyncCognito signs the requests "
                "of an httpx.AsyncClient through HttpxSrpAuth"
            )
        self._cognito = cognito
        self._header = http_header
        self._prefix = http_header_prefix
        self._token_type = TokenType(auth_token_type)
        self._lifecycle: TokenLifecycle = cognito.token_lifecycle
        if storage is not None:
            self._lifecycle.attach_storage(storage)
        if refresh_margin is not None:
            self._lifecycle.margin = refresh_margin
        #: For an ``AsyncCognito``: the login coroutine (the password in its closure).
        self._async_login: Optional[Callable[[], Awaitable[None]]] = None
        if password is not None:
            if is_async_cognito(cognito):
                self._async_login = partial(cast("AsyncCognito", cognito).authenticate, password)
            else:
                self._lifecycle.login = _password_login(cast("Cognito", cognito), password)

    @property
    def cognito(self) -> AnyCognito:
        """The ``Cognito`` (or ``AsyncCognito``) instance whose tokens sign the requests."""
        return self._cognito

    # -- the original's attribute names (compatibility layer) -------------------------------

    @property
    def cognito_client(self) -> AnyCognito:
        """The ``Cognito`` instance (the original's name for :attr:`cognito`)."""
        return self._cognito

    @property
    def username(self) -> Optional[str]:
        """The user the requests are signed for (the ``Cognito`` instance's username)."""
        return self._cognito.username

    @property
    def http_header(self) -> str:
        """The header that carries the token (default ``Authorization``)."""
        return self._header

    @http_header.setter
    def http_header(self, value: str) -> None:
        self._header = value

    @property
    def http_header_prefix(self) -> str:
        """What goes before the token in the header (default ``"Bearer "``)."""
        return self._prefix

    @http_header_prefix.setter
    def http_header_prefix(self, value: str) -> None:
        self._prefix = value

    @property
    def token_type(self) -> TokenType:
        """Which token is sent: ``TokenType.ACCESS_TOKEN`` (default) or ``ID_TOKEN``."""
        return self._token_type

    @token_type.setter
    def token_type(self, value: TokenType) -> None:
        self._token_type = TokenType(value)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(header={self._header!r}, "
            f"token={self._token_type.value!r}, cognito={self._cognito!r})"
        )

    def _header_value(self, tokens: TokenSet) -> str:
        token = tokens.id_token if self._token_type is TokenType.ID_TOKEN else tokens.access_token
        if not token:
            raise WarrantException(f"Cognito returned no {self._token_type.value}")
        return f"{self._prefix}{token}"


def _password_login(cognito: Cognito, password: str) -> Callable[[], TokenSet]:
    """A login callable that holds the password in a closure, not on any instance attribute."""

    def login() -> TokenSet:
        cognito.authenticate(password)
        tokens = cognito.token_lifecycle.tokens
        assert tokens is not None, "authenticate stores the tokens"
        return tokens

    return login
