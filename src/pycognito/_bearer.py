"""What the requests and httpx auths share: which token, which header, when to renew.

Both auths keep no token state of their own: they ask the ``Cognito`` instance's token
lifecycle for valid tokens before each request (it refreshes early, once for all threads) and,
on a 401 from the API, ask it to renew the rejected token once before retrying once.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, Mapping, Optional

from .exceptions import WarrantException

if TYPE_CHECKING:
    from ._cognito import Cognito
    from ._token_lifecycle import TokenLifecycle, TokenSet
    from .token_storage import TokenStorage


class TokenType(str, Enum):
    """Which Cognito token goes in the header."""

    ID_TOKEN = "id_token"
    ACCESS_TOKEN = "access_token"


class BearerTokens:
    """Builds the auth header from a ``Cognito`` instance's always-valid tokens."""

    def __init__(
        self,
        *,
        cognito: Optional[Cognito],
        username: Optional[str],
        password: Optional[str],
        user_pool_id: Optional[str],
        user_pool_region: Optional[str],
        client_id: Optional[str],
        client_secret: Optional[str],
        http_header: str,
        http_header_prefix: str,
        auth_token_type: TokenType | str,
        boto3_client_kwargs: Optional[Mapping[str, Any]],
        storage: Optional[TokenStorage],
        refresh_margin: Optional[float],
    ) -> None:
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
        if password is not None and not (username or cognito.username):
            raise WarrantException("a password needs a username to log in with")
        self.cognito = cognito
        self.header = http_header
        self.prefix = http_header_prefix
        self.token_type = TokenType(auth_token_type)
        self.lifecycle: TokenLifecycle = cognito._token_lifecycle(
            storage=storage, margin=refresh_margin
        )
        if password is not None:
            self.lifecycle.login = _password_login(cognito, password)

    def __repr__(self) -> str:
        return f"<header={self.header!r} token={self.token_type.value}>"

    def value(self, tokens: TokenSet) -> str:
        """The header value for ``tokens``."""
        token = tokens.id_token if self.token_type is TokenType.ID_TOKEN else tokens.access_token
        if not token:
            raise WarrantException(f"Cognito returned no {self.token_type.value}")
        return f"{self.prefix}{token}"


def _password_login(cognito: Cognito, password: str) -> Any:
    """A login callable that holds the password in a closure, not on any instance attribute."""

    def login() -> TokenSet:
        cognito.authenticate(password)
        return cognito._token_lifecycle().valid_tokens()

    return login
