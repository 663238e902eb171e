"""``AuthorizationCodeFlow``: browser login through the hosted UI, with PKCE (S256).

::

    flow = AuthorizationCodeFlow(domain, client_id, "http://127.0.0.1:8765/callback",
                                 user_pool_id=pool_id)
    request = flow.start()                 # request.url: send the browser there
    tokens = flow.finish(request, redirected_to)   # the URL the browser came back to

``finish`` checks ``state`` (constant time), exchanges the code with the PKCE verifier and
redirect URI, and verifies the id token with the pool's keys: ``aud``, ``at_hash`` against the
access token, and ``nonce`` against the one sent. ``refresh``, ``revoke``, ``userinfo`` and
``logout_url`` complete the session's life.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping, Optional
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from requests.auth import HTTPBasicAuth

from .. import _clock
from .._text import seconds_argument, text_argument
from .._tokens import TokenSet
from ..exceptions import TokenAtHashError, WarrantException
from ..verification import CognitoTokenVerifier
from ._endpoints import DomainEndpoints
from ._errors import OAuthError, OAuthStateError
from ._http import (
    DEFAULT_TIMEOUT,
    basic_credentials,
    get_json,
    post_form,
    scope_names,
    to_result,
    token_argument,
)
from ._pkce import authorize_url, new_code_verifier, new_secret_value, s256_challenge


@dataclass(frozen=True)
class AuthorizationRequest:
    """One login in progress: keep it (server side, or in memory) until the redirect comes
    back. ``url`` is where to send the browser; the rest must never reach the browser except
    through that URL."""

    url: str
    state: str = field(repr=False)
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)
    redirect_uri: str = ""


class AuthorizationCodeFlow:
    """The authorization code grant with PKCE for one app client.

    ``redirect_uri`` must be one of the client's ``CallbackURLs`` exactly. ``client_secret``
    only for a confidential client. Id tokens are verified by ``verifier`` (a
    :class:`~pycognito.verification.CognitoTokenVerifier` for this pool and client) or, given
    ``user_pool_id``, by one built for it (AWS's JWKS URL).
    """

    def __init__(self, domain: str, client_id: str, redirect_uri: str, *,
                 scopes: Iterable[str] = ("openid", "email", "profile"),
                 client_secret: Optional[str] = None, user_pool_id: Optional[str] = None,
                 verifier: Optional[CognitoTokenVerifier] = None,
                 session: Optional[requests.Session] = None,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        text_argument(client_id, "client_id")
        if verifier is None:
            if not user_pool_id:
                raise WarrantException("pass user_pool_id or verifier= to verify the id token")
            verifier = CognitoTokenVerifier(user_pool_id, client_id)
        self.endpoints = DomainEndpoints.of(domain)
        self.client_id = client_id
        self.redirect_uri = text_argument(redirect_uri, "redirect_uri")
        self.scopes = scope_names(scopes)
        self.verifier = verifier
        self._secret = text_argument(client_secret, "client_secret", optional=True)
        self._session = session or requests.Session()
        self._timeout = seconds_argument(timeout, "timeout")

    def __repr__(self) -> str:
        return (f"AuthorizationCodeFlow(domain={self.endpoints.base!r}, "
                f"client_id={self.client_id!r}, redirect_uri={self.redirect_uri!r})")

    # -- the login ------------------------------------------------------------------------------

    def start(self, **extra: str) -> AuthorizationRequest:
        """A new login: fresh ``state``, ``nonce`` and PKCE verifier, and the authorize URL.
        ``extra`` adds parameters (``login_hint``, ``lang``, ``identity_provider``...)."""
        state, nonce, verifier = new_secret_value(), new_secret_value(), new_code_verifier()
        url = authorize_url(self.endpoints.authorize, client_id=self.client_id,
                            redirect_uri=self.redirect_uri, scopes=self.scopes, state=state,
                            nonce=nonce, code_challenge=s256_challenge(verifier), extra=extra)
        return AuthorizationRequest(url, state, nonce, verifier, self.redirect_uri)

    def finish(self, request: AuthorizationRequest, redirected_to: str) -> TokenSet:
        """Tokens for the redirect the browser came back with (the full URL, or its query)."""
        query = urlsplit(redirected_to).query if "?" in redirected_to else redirected_to
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        state = params.get("state", "")
        if not hmac.compare_digest(state.encode(), request.state.encode()):
            raise OAuthStateError("state_mismatch", "the redirect is not for this login")
        if "error" in params:
            raise OAuthError(params["error"], params.get("error_description", ""))
        code = params.get("code")
        if not code:
            raise OAuthError("invalid_request", "the redirect carries no code")
        return self.exchange(request, code)

    def exchange(self, request: AuthorizationRequest, code: str) -> TokenSet:
        """Exchange ``code`` (with the request's PKCE verifier) and verify the id token."""
        tokens = self._token_request({
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": request.redirect_uri or self.redirect_uri,
            "code_verifier": request.code_verifier,
        })
        if "openid" in self.scopes:
            claims = self._verify_fresh(tokens)
            if "at_hash" not in claims:  # Cognito always binds the two: refuse a pair it did not
                raise TokenAtHashError("the id token has no at_hash")
            nonce = claims.get("nonce")
            if not isinstance(nonce, str) or not hmac.compare_digest(
                    nonce.encode(), request.nonce.encode()):
                raise OAuthStateError("nonce_mismatch", "the id token is not for this login")
        return tokens

    # -- the session ----------------------------------------------------------------------------

    def refresh(self, refresh_token: str) -> TokenSet:
        """New id and access tokens (the refresh token is kept)."""
        token_argument(refresh_token, "refresh_token")
        tokens = self._token_request({"grant_type": "refresh_token",
                                      "refresh_token": refresh_token})
        if tokens.id_token:
            self._verify_fresh(tokens)
        return tokens if tokens.refresh_token else replace(tokens, refresh_token=refresh_token)

    def revoke(self, refresh_token: str) -> None:
        """Revoke the refresh token and the tokens issued from it (``/oauth2/revoke``)."""
        token_argument(refresh_token, "refresh_token")
        post_form(self._session, self.endpoints.revoke, self._with_client({"token": refresh_token}),
                  basic=self._basic(), timeout=self._timeout)

    def userinfo(self, access_token: str) -> dict[str, Any]:
        """The user's attributes, as ``/oauth2/userInfo`` returns them."""
        token_argument(access_token, "access_token")
        return get_json(self._session, self.endpoints.userinfo, access_token,
                        timeout=self._timeout)

    def logout_url(self, logout_uri: str) -> str:
        """Where to send the browser to end the hosted-UI session (``logout_uri`` must be one
        of the client's ``LogoutURLs`` exactly)."""
        query = urlencode({"client_id": self.client_id, "logout_uri": logout_uri})
        return f"{self.endpoints.logout}?{query}"

    def verify_id_token(self, tokens: TokenSet) -> dict[str, Any]:
        """The id token's verified claims (signature, ``aud``, ``at_hash``...)."""
        return self._verify_id_token(tokens, None)

    def _verify_fresh(self, tokens: TokenSet) -> dict[str, Any]:
        """Tokens just received are judged by Cognito's clock (their ``iat``): ours may be off
        by more than their lifetime."""
        return self._verify_id_token(tokens, tokens.issued_at)

    def _verify_id_token(self, tokens: TokenSet, now: Optional[float]) -> dict[str, Any]:
        if not tokens.id_token:
            raise OAuthError("invalid_response", "no id token (is openid among the scopes?)")
        return self.verifier.verify(tokens.id_token, "id",
                                    access_token=tokens.access_token, now=now)

    # -- internals ------------------------------------------------------------------------------

    def _basic(self) -> Optional[HTTPBasicAuth]:
        return basic_credentials(self.client_id, self._secret) if self._secret else None

    def _with_client(self, data: Mapping[str, str]) -> dict[str, str]:
        return dict(data) if self._secret else {**data, "client_id": self.client_id}

    def _token_request(self, data: Mapping[str, str]) -> TokenSet:
        body = post_form(self._session, self.endpoints.token, self._with_client(data),
                         basic=self._basic(), timeout=self._timeout)
        return TokenSet.from_result(to_result(body), now=_clock.now())
