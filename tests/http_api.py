"""A protected HTTP API on loopback for the auth tests: it verifies bearer tokens with the
library's verifier against the local Cognito's JWKS, and can be told to refuse a token (as an
API with a deny-list would), to exercise the 401 -> renew -> retry path."""

from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from pycognito.demo import ProtectedService
from pycognito.exceptions import TokenVerificationException
from pycognito.verification import CognitoTokenVerifier, jwks_url_for_endpoint

from .conftest import PoolInfo


class Api(ProtectedService):
    """``GET /hello``: 200 with the caller's claims for a valid token, else 401."""

    def __init__(self, pool: PoolInfo, clock: Optional[Callable[[], float]] = None) -> None:
        super().__init__(
            pool.pool_id, pool.client_id, jwks_url_for_endpoint(pool.endpoint_url, pool.pool_id)
        )
        if clock is not None:  # the API's own machine: its clock need not be the client's
            self.verifier = CognitoTokenVerifier(
                pool.pool_id, pool.client_id, jwks_url=self.verifier.jwks_url, clock=clock
            )
        self.denied: set[str] = set()
        self.refuse_all = False
        self.tokens_seen: list[str] = []
        self._lock = threading.Lock()

    def answer(self, path: str, authorization: Optional[str]) -> tuple[int, dict[str, Any]]:
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        with self._lock:
            self.tokens_seen.append(token)
        if scheme != "Bearer" or not token or token in self.denied or self.refuse_all:
            return 401, {"error": "refused"}
        try:
            claims = self.verifier.verify(token)  # an id or an access token of the pool
        except TokenVerificationException as exc:
            return 401, {"error": str(exc)}
        return 200, {"token_use": claims["token_use"], "sub": claims["sub"]}
