"""OAuth 2.0 on a user pool's domain.

- :class:`ClientCredentials`: a service's access token (``client_credentials``), cached,
  renewed early, one request for all threads; ``requests``/``httpx`` auth.
- :class:`RedisTokenCache` (extra ``redis``): a fleet of processes shares that token, and
  one of them renews it.
- :class:`AuthorizationCodeFlow`: browser login with PKCE (S256), ``state`` and ``nonce``;
  the id token verified (``at_hash``, ``nonce``); refresh, revoke, userInfo, logout.
- :class:`LoopbackRedirect`: receives the redirect on 127.0.0.1 for command-line tools.

See docs/oauth.md.
"""

from __future__ import annotations

from ._cache import CachedToken, RedisTokenCache, TokenCache
from ._client_credentials import ClientCredentials
from ._code_flow import AuthorizationCodeFlow, AuthorizationRequest
from ._endpoints import DomainEndpoints
from ._errors import OAuthError, OAuthStateError
from ._loopback import LoopbackRedirect
from ._pkce import authorize_url, new_code_verifier, s256_challenge

__all__ = [
    "AuthorizationCodeFlow",
    "AuthorizationRequest",
    "CachedToken",
    "ClientCredentials",
    "DomainEndpoints",
    "LoopbackRedirect",
    "OAuthError",
    "OAuthStateError",
    "RedisTokenCache",
    "TokenCache",
    "authorize_url",
    "new_code_verifier",
    "s256_challenge",
]
