"""Token verification on the facade, delegated to :mod:`pycognito.verification`.

The verifier is the process-wide one for this pool and app client, so keys are fetched once per
process however many ``Cognito`` instances are made. With an ``endpoint_url`` the keys come from
``{endpoint_url}/{pool}/.well-known/jwks.json`` while the expected issuer stays
``https://cognito-idp.{region}.amazonaws.com/{pool}``; ``COGNITO_JWKS`` replaces fetching.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, cast

from ._core import CognitoBase
from .exceptions import (
    InvalidValueError,
    MissingValueError,
    TokenMalformedError,
    TokenVerificationException,
)

if TYPE_CHECKING:
    from .verification import CognitoTokenVerifier

_ID_NAMES = {"id_token": "id", "access_token": "access"}


class VerifyMixin(CognitoBase):
    """``verify_tokens``, ``verify_token``, ``get_keys``, ``get_key``, ``pool_jwk``."""

    _pool_jwk: Optional[dict[str, Any]] = None  # set through pool_jwk
    _pool_jwk_verifier: Optional[tuple[tuple[int, Optional[str]], CognitoTokenVerifier]] = None
    _shared_verifier_memo: Optional[tuple[tuple[Any, ...], CognitoTokenVerifier]] = None

    def _verifier(self, what: Optional[str] = "verifying a token") -> CognitoTokenVerifier:
        """The shared verifier (or this instance's, for keys set in :attr:`pool_jwk`).
        Checking a token (``what``) needs the app client id (the token must be for this
        client); reading the pool's keys (``what=None``) does not.

        The shared verifier is looked up once per instance and configuration: the endpoint
        environment variables are read at that first use (as boto3 reads them when it creates
        the instance's client), not on every verification."""
        client_id = self._need_client_id(what) if what else None
        if self._pool_jwk is not None:
            return self._own_verifier(self._pool_jwk, client_id)
        key = (
            self.user_pool_id,
            self.user_pool_region,
            client_id,
            self._pool_domain_url,
            self._client_kwargs.get("endpoint_url"),
        )
        memo = self._shared_verifier_memo
        if memo is not None and memo[0] == key:
            return memo[1]
        from .verification import jwks_url_for_endpoint, shared_verifier

        endpoint = self.pool_domain_url
        jwks_url = jwks_url_for_endpoint(endpoint, self.user_pool_id) if endpoint else None
        verifier = shared_verifier(self.user_pool_id, self.user_pool_region, client_id, jwks_url)
        self._shared_verifier_memo = (key, verifier)
        return verifier

    def _own_verifier(
        self, jwks: dict[str, Any], client_id: Optional[str]
    ) -> CognitoTokenVerifier:
        from .verification import CognitoTokenVerifier

        key = (id(jwks), client_id)
        made = self._pool_jwk_verifier
        if made is None or made[0] != key:
            verifier = CognitoTokenVerifier(
                self.user_pool_id, client_id, region=self.user_pool_region, jwks=jwks
            )
            self._pool_jwk_verifier = made = (key, verifier)
        return made[1]

    @property
    def pool_jwk(self) -> Optional[dict[str, Any]]:
        """The pool's JSON Web Key Set, ``{"keys": [...]}`` (the original's attribute): the
        keys set here, else the keys already loaded for this pool, else ``None`` (reading it
        never fetches; :meth:`get_keys` does).

        Setting it makes this instance verify with exactly these keys and fetch nothing (as
        ``COGNITO_JWKS`` does for every instance); set ``None`` to go back to fetching. Assign
        a new dict rather than changing the one set.
        """
        if self._pool_jwk is not None:
            return self._pool_jwk
        return self._verifier(None).loaded_jwks()

    @pool_jwk.setter
    def pool_jwk(self, value: Optional[dict[str, Any]]) -> None:
        from .verification import parse_jwks

        if value is not None:
            try:  # refuse a malformed key set now, not at the next login
                parse_jwks(value)
            except TokenVerificationException as exc:
                raise InvalidValueError(f"pool_jwk is not a usable key set ({exc})") from None
        self._pool_jwk = value
        self._pool_jwk_verifier = None

    def verify_token(self, token: str, id_name: str, token_use: str) -> dict[str, Any]:
        """Verify one token; on success set ``self.<id_name>`` and ``self.<token_use>_claims``.

        ``id_name`` is ``"id_token"`` or ``"access_token"``, ``token_use`` ``"id"`` or
        ``"access"``. Raises a ``TokenVerificationException`` subclass on any failure (an
        empty or blank token is malformed); ``MissingValueError`` if ``token`` is ``None``.
        """
        if id_name not in _ID_NAMES:
            raise InvalidValueError("id_name must be 'id_token' or 'access_token'")
        if token_use not in ("id", "access"):
            raise InvalidValueError("token_use must be 'id' or 'access'")
        if token is None:
            raise MissingValueError(f"there is no {id_name} to verify", id_name)
        verifier = self._verifier("verify_token")
        claims = verifier.verify(
            token, token_use, access_token=self.access_token, now=self._verification_clock()
        )
        setattr(self, id_name, token)
        setattr(self, f"{token_use}_claims", claims)
        return claims

    def verify_tokens(self) -> None:
        """Verify ``id_token`` and ``access_token`` and set ``id_claims``/``access_claims``.

        Raises ``TokenVerificationException`` (a subclass naming the failed check) if either
        fails (an empty or blank token is malformed), and ``MissingValueError`` if either token
        is ``None``.
        """
        id_token, access_token = self.id_token, self.access_token
        for name, token in (("id_token", id_token), ("access_token", access_token)):
            if token is None:
                raise MissingValueError(f"verify_tokens needs {name}", name)
            if not isinstance(token, str) or not token.strip():
                raise TokenMalformedError(f"{name} is empty or not a string")
        self._need_client_id("verify_tokens")
        # (through verify_token: a subclass's override or a patch of it is honoured)
        self.verify_token(cast(str, id_token), "id_token", "id")
        self.verify_token(cast(str, access_token), "access_token", "access")

    def get_keys(self) -> dict[str, Any]:
        """The pool's JSON Web Key Set, ``{"keys": [...]}`` (``COGNITO_JWKS`` if set)."""
        return self._verifier(None).get_jwks()

    def get_key(self, kid: str) -> dict[str, Any]:
        """The pool's key with this ``kid``; ``TokenKidNotFoundError`` if there is none."""
        return self._verifier(None).get_jwk(kid)
