"""OAuth 2.0 on a user pool's domain.

- :class:`ClientCredentials`: a service's access token (``client_credentials``), cached,
  renewed early, one request for all threads; ``requests``/``httpx`` auth.
- :class:`RedisTokenCache` (extra ``redis``): a fleet of processes shares that token, and
  one of them renews it.

See docs/oauth.md.
"""

from __future__ import annotations

from ._cache import CachedToken, RedisTokenCache, TokenCache
from ._client_credentials import ClientCredentials
from ._endpoints import DomainEndpoints
from ._errors import OAuthError, OAuthStateError

__all__ = [
    "CachedToken",
    "ClientCredentials",
    "DomainEndpoints",
    "OAuthError",
    "OAuthStateError",
    "RedisTokenCache",
    "TokenCache",
]
