"""Verification of Cognito id and access tokens.

Strict (RS256 pinned, exact ``iss``, ``token_use``, client ids, ``exp``/``nbf`` with leeway,
groups, scopes, ``at_hash``, a custom check) and cheap: keys are fetched once per process per
JWKS URL and parsed once, and a bounded cache remembers signature-verified tokens (claims are
re-checked every time). Every failure raises a ``TokenVerificationException`` subclass that
names the check; nothing else escapes ``verify``.
"""

from __future__ import annotations

from ..exceptions import (
    JWKSUnavailableError,
    JWKSWaitPeriodError,
    NonRetryableFetchError,
    TokenAlgorithmError,
    TokenAtHashError,
    TokenAudienceError,
    TokenClaimError,
    TokenCustomCheckError,
    TokenExpiredError,
    TokenGroupError,
    TokenIssuerError,
    TokenKeyError,
    TokenKidMissingError,
    TokenKidNotFoundError,
    TokenMalformedError,
    TokenNotYetValidError,
    TokenScopeError,
    TokenSignatureError,
    TokenTooLargeError,
    TokenUseError,
    TokenVerificationException,
    TokenVerifierConfigError,
)
from ._claims import CustomCheck, at_hash
from ._fetch import Fetcher, HttpFetcher
from ._jwk import KeySet, PublicKey, parse_jwks
from ._jwks_cache import JwksCache, default_cache
from ._jwt import DEFAULT_MAX_TOKEN_SIZE, unverified_claims
from ._verifier import (
    DEFAULT,
    ENV_JWKS,
    CognitoTokenVerifier,
    MultiPoolVerifier,
    clear_shared_verifiers,
    cognito_issuer,
    jwks_from_env,
    jwks_url_for_endpoint,
    multi_region_issuer,
    parse_jwks_text,
    shared_verifier,
)

__all__ = [
    "DEFAULT",
    "DEFAULT_MAX_TOKEN_SIZE",
    "ENV_JWKS",
    "CognitoTokenVerifier",
    "CustomCheck",
    "Fetcher",
    "HttpFetcher",
    "JWKSUnavailableError",
    "JWKSWaitPeriodError",
    "JwksCache",
    "KeySet",
    "MultiPoolVerifier",
    "NonRetryableFetchError",
    "PublicKey",
    "TokenAlgorithmError",
    "TokenAtHashError",
    "TokenAudienceError",
    "TokenClaimError",
    "TokenCustomCheckError",
    "TokenExpiredError",
    "TokenGroupError",
    "TokenIssuerError",
    "TokenKeyError",
    "TokenKidMissingError",
    "TokenKidNotFoundError",
    "TokenMalformedError",
    "TokenNotYetValidError",
    "TokenScopeError",
    "TokenSignatureError",
    "TokenTooLargeError",
    "TokenUseError",
    "TokenVerificationException",
    "TokenVerifierConfigError",
    "at_hash",
    "clear_shared_verifiers",
    "cognito_issuer",
    "multi_region_issuer",
    "default_cache",
    "jwks_from_env",
    "jwks_url_for_endpoint",
    "parse_jwks",
    "parse_jwks_text",
    "shared_verifier",
    "unverified_claims",
]
