"""``ClientCredentials``: a service's access token from the ``client_credentials`` grant.

One token per (domain, client, scopes), cached in the process and renewed ``margin`` seconds
before it expires (at most half its lifetime), by one request however many threads ask, as
the SRP token lifecycle does. With ``cache=RedisTokenCache(...)`` every process sharing the
Redis shares the token too, and one of them renews it. A renewal that fails transiently keeps
the current token in use until it actually expires. Usable as ``requests`` and ``httpx`` auth.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import partial
from typing import Any, Callable, Iterable, Optional, TypeVar, Union

import requests
from requests.auth import AuthBase, HTTPBasicAuth

from .. import _clock
from .._renewal import is_stale, received
from .._text import seconds_argument, text_argument
from .._token_lifecycle import DEFAULT_MARGIN, TokenLifecycle
from .._tokens import TokenSet
from ..exceptions import WarrantException
from ..utils import retry_once_on_401
from ._cache import CachedToken, TokenCache
from ._endpoints import DomainEndpoints
from ._errors import OAuthError
from ._http import DEFAULT_TIMEOUT, basic_credentials, post_form, scope_names, to_result

R = TypeVar("R")
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


class ClientCredentials(AuthBase):
    """Access tokens for a machine app client (``AllowedOAuthFlows=["client_credentials"]``).

    ``domain_or_token_endpoint``: the pool domain (``my-app.auth.eu-west-1.amazoncognito.com``,
    a custom domain URL, the local Cognito's ``domain_url``) or its ``/oauth2/token`` URL.
    ``scopes``: resource-server scopes to ask for (default: all the client may have).
    ``auth_method``: ``client_secret_basic`` (HTTP Basic, default) or ``client_secret_post``.
    """

    def __init__(
        self,
        domain_or_token_endpoint: str,
        client_id: str,
        client_secret: str,
        scopes: Union[str, Iterable[str], None] = None,
        *,
        cache: Optional[TokenCache] = None,
        margin: float = DEFAULT_MARGIN,
        auth_method: str = "client_secret_basic",
        session: Optional[requests.Session] = None,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        if not text_argument(client_id, "client_id") or not text_argument(
                client_secret, "client_secret"):
            raise WarrantException("client_credentials needs a client id and its secret")
        if auth_method not in AUTH_METHODS:
            raise WarrantException(f"auth_method must be one of {AUTH_METHODS}")
        self.endpoints = DomainEndpoints.of(domain_or_token_endpoint)
        self.client_id = client_id
        self._secret = client_secret
        self.scopes = scope_names(scopes)
        self.cache = cache
        self.auth_method = auth_method
        self._session = session or requests.Session()
        self._timeout = seconds_argument(timeout, "timeout")
        self._fixed_clock = clock
        self._lifecycle = TokenLifecycle(_no_refresh, margin=margin, clock=clock)
        #: Token requests this instance sent to the domain (not those served from the cache).
        self.requests_made = 0
        self._rejected: Optional[str] = None
        self._failures = 0  # token requests that failed, and a copier of the last one's error
        self._failed: Optional[Callable[[], OAuthError]] = None

    def __repr__(self) -> str:
        return (f"ClientCredentials(token_endpoint={self.endpoints.token!r}, "
                f"client_id={self.client_id!r}, scopes={list(self.scopes)!r})")

    @property
    def cache_key(self) -> str:
        """What identifies this token in a shared cache (endpoint, client and scopes)."""
        text = "\n".join([self.endpoints.token, self.client_id, " ".join(sorted(self.scopes))])
        return hashlib.sha256(text.encode()).hexdigest()

    # -- tokens ---------------------------------------------------------------------------------

    def token(self) -> str:
        """A valid access token (from the cache, or one request for all threads)."""
        return self.tokens().access_token

    def cached_token(self) -> Optional[str]:
        """The access token if it is fresh, else ``None``; never sends a request."""
        tokens = self._lifecycle.fresh_tokens()
        return tokens.access_token if tokens is not None else None

    def tokens(self) -> TokenSet:
        """The current :class:`TokenSet` (renewed first if it is stale)."""
        tokens = self._lifecycle.fresh_tokens()
        if tokens is not None:
            return tokens
        failures = self._failures
        with self._lifecycle.lock:
            tokens = self._lifecycle.fresh_tokens()
            if tokens is not None:
                return tokens  # another thread renewed it while we waited
            if failures != self._failures and self._failed is not None:
                raise self._failed()  # the request we waited for failed: its error, at once
            try:
                entry = (self._fetch() if self.cache is None
                         else self.cache.get_or_fetch(self.cache_key, self._fetch, self._fresh))
            except OAuthError as error:
                current = self._lifecycle.tokens
                if error.transient and current is not None and not self._lifecycle.is_expired():
                    return current  # Cognito is briefly unavailable: the token still works
                self._failed = partial(OAuthError, error.error, error.description,
                                       status=error.status, transient=error.transient)
                self._failures += 1
                raise
            self._lifecycle.restore(entry.tokens, entry.clock_offset)
            return entry.tokens

    def invalidate(self, rejected_token: Optional[str] = None) -> None:
        """Forget the token (an API refused it): the next call asks again. With
        ``rejected_token``, only if that is still the current one."""
        with self._lifecycle.lock:
            current = self._lifecycle.tokens
            if current is not None and rejected_token in (None, current.access_token):
                self._rejected = current.access_token  # a shared cache may still hold it
                self._lifecycle.clear()

    def _clock(self) -> float:
        return (self._fixed_clock or _clock.now)()

    def _fresh(self, entry: CachedToken) -> bool:
        """The token lifecycle's rule (fresh until ``margin``, at most half the lifetime, before
        expiry by Cognito's clock), and not the token an API just refused."""
        if self._rejected is not None and hmac.compare_digest(
                entry.tokens.access_token.encode(), self._rejected.encode()):
            return False
        return not is_stale(entry, self._clock(), self._lifecycle.margin)

    def _fetch(self) -> CachedToken:
        data = {"grant_type": "client_credentials"}
        if self.scopes:
            data["scope"] = " ".join(self.scopes)
        basic: Optional[HTTPBasicAuth] = None
        if self.auth_method == "client_secret_basic":
            basic = basic_credentials(self.client_id, self._secret)
        else:
            data.update(client_id=self.client_id, client_secret=self._secret)
        self.requests_made += 1
        body = post_form(self._session, self.endpoints.token, data, basic=basic,
                         timeout=self._timeout)
        now = self._clock()
        return received(TokenSet.from_result(to_result(body), now=now), now)

    # -- HTTP auth ------------------------------------------------------------------------------

    def httpx_auth(self) -> Any:
        """An ``httpx.Auth`` (extra ``httpx``) for sync and async clients: in an async client the
        token request runs in a worker thread; a 401 renews the token and retries once."""
        from ._httpx import ClientCredentialsAuth

        return ClientCredentialsAuth(self)

    def __call__(self, request: R) -> R:
        """Set ``Authorization: Bearer <token>``: a ``requests`` auth (a 401 from the API renews
        the token once and retries once), also a callable ``httpx`` auth for sync clients
        (prefer :meth:`httpx_auth`)."""
        token = self.token()
        headers: Any = getattr(request, "headers")  # noqa: B009
        headers["Authorization"] = f"Bearer {token}"
        register = getattr(request, "register_hook", None)
        if register is not None:  # requests: a 401 renews the token once and retries once
            register("response", retry_once_on_401("Authorization", lambda: self._renewed(token)))
        return request

    def _renewed(self, rejected: str) -> str:
        self.invalidate(rejected)
        return f"Bearer {self.token()}"


def _no_refresh(tokens: TokenSet) -> TokenSet:
    raise OAuthError("unsupported_grant_type", "client credentials have no refresh token")
