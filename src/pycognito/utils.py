"""``RequestsSrpAuth``: a ``requests`` auth that signs every request with a fresh Cognito token.

::

    auth = RequestsSrpAuth(username="bob", password="...", user_pool_id="eu-west-1_AbC",
                           client_id="...", user_pool_region="eu-west-1")
    requests.get("https://api.example.com/me", auth=auth)

Before each request the tokens are made valid (a login the first time, an early refresh near
expiry, one call for all threads at once); a 401 from the API triggers one renewal and one retry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

import requests
from requests.auth import AuthBase

from ._bearer import BearerTokens, TokenType

if TYPE_CHECKING:
    from ._cognito import Cognito
    from .token_storage import TokenStorage

__all__ = ["RequestsSrpAuth", "TokenType"]

_RETRIED = "_pycognito_retried"


class RequestsSrpAuth(AuthBase):
    """Sets ``http_header`` to ``http_header_prefix + token`` on each request."""

    def __init__(
        self,
        username: Optional[str] = None,
        password: Optional[str] = None,
        user_pool_id: Optional[str] = None,
        user_pool_region: Optional[str] = None,
        client_id: Optional[str] = None,
        cognito: Optional[Cognito] = None,
        http_header: str = "Authorization",
        http_header_prefix: str = "Bearer ",
        auth_token_type: TokenType = TokenType.ACCESS_TOKEN,
        boto3_client_kwargs: Optional[Mapping[str, Any]] = None,
        *,
        client_secret: Optional[str] = None,
        storage: Optional[TokenStorage] = None,
        refresh_margin: Optional[float] = None,
    ) -> None:
        self._bearer = BearerTokens(
            cognito=cognito,
            username=username,
            password=password,
            user_pool_id=user_pool_id,
            user_pool_region=user_pool_region,
            client_id=client_id,
            client_secret=client_secret,
            http_header=http_header,
            http_header_prefix=http_header_prefix,
            auth_token_type=auth_token_type,
            boto3_client_kwargs=boto3_client_kwargs,
            storage=storage,
            refresh_margin=refresh_margin,
        )

    @property
    def cognito(self) -> Cognito:
        """The ``Cognito`` instance whose tokens sign the requests."""
        return self._bearer.cognito

    def __repr__(self) -> str:
        return f"RequestsSrpAuth({self._bearer!r})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        tokens = self._bearer.lifecycle.valid_tokens()
        request.headers[self._bearer.header] = self._bearer.value(tokens)
        used = tokens.access_token

        def retry_once_on_401(response: requests.Response, **kwargs: Any) -> requests.Response:
            if response.status_code != 401 or getattr(response.request, _RETRIED, False):
                return response
            fresh = self._bearer.lifecycle.renew_rejected(used)
            retry = response.request.copy()
            retry.headers[self._bearer.header] = self._bearer.value(fresh)
            setattr(retry, _RETRIED, True)
            response.content  # noqa: B018 - read the body so the connection can be reused
            response.close()
            adapter = response.connection
            second: requests.Response = adapter.send(retry, **kwargs)
            second.history.append(response)
            second.request = retry
            return second

        request.register_hook("response", retry_once_on_401)  # type: ignore[no-untyped-call]
        return request
