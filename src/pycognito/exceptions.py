"""Exceptions raised by pycognito.

``WarrantException`` is the root of everything the library raises itself. Service errors keep
their botocore types (``botocore.exceptions.ClientError`` and the client's modelled exceptions),
so code that catches ``client.exceptions.NotAuthorizedException`` keeps working.

No exception message ever contains a password, a secret, a code or a token.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional


class WarrantException(Exception):
    """Base class of every exception pycognito raises itself."""


# --------------------------------------------------------------------------------------------
# Authentication challenges
# --------------------------------------------------------------------------------------------


class ChallengeException(WarrantException):
    """Cognito asked for something the flow cannot answer on its own.

    ``get_tokens()`` returns what is needed to answer later, also from a re-created ``Cognito``
    instance: the Cognito response with ``ChallengeName``, ``Session`` and
    ``ChallengeParameters``.
    """

    def __init__(self, message: str, tokens: Optional[Mapping[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self._tokens: dict[str, Any] = dict(tokens or {})

    def get_tokens(self) -> dict[str, Any]:
        """The challenge response (``ChallengeName``, ``Session``, ``ChallengeParameters``)."""
        return self._tokens

    @property
    def challenge_name(self) -> Optional[str]:
        """The Cognito challenge name, such as ``SOFTWARE_TOKEN_MFA``."""
        name = self._tokens.get("ChallengeName")
        return str(name) if name is not None else None

    @property
    def session(self) -> Optional[str]:
        """The challenge session to send with the answer."""
        session = self._tokens.get("Session")
        return str(session) if session is not None else None

    @property
    def challenge_parameters(self) -> dict[str, str]:
        """The challenge parameters Cognito sent."""
        params = self._tokens.get("ChallengeParameters") or {}
        return {str(k): str(v) for k, v in params.items()} if isinstance(params, Mapping) else {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, challenge={self.challenge_name!r})"


class ForceChangePasswordException(ChallengeException):
    """NEW_PASSWORD_REQUIRED: the user must choose a new password."""


class MFAChallengeException(ChallengeException):
    """A multi-factor challenge; answer it with the code the user receives."""


class SMSMFAChallengeException(MFAChallengeException):
    """SMS_MFA: a code was sent by text message."""


class SoftwareTokenMFAChallengeException(MFAChallengeException):
    """SOFTWARE_TOKEN_MFA: a code from the user's authenticator app is needed."""


class EmailOTPChallengeException(MFAChallengeException):
    """EMAIL_OTP: a code was sent by e-mail."""


class SelectMFATypeChallengeException(MFAChallengeException):
    """SELECT_MFA_TYPE: the user must choose one of several enabled MFA methods."""


class MFASetupChallengeException(MFAChallengeException):
    """MFA_SETUP: the pool requires MFA and the user has none set up yet."""


class CustomChallengeException(ChallengeException):
    """CUSTOM_CHALLENGE: a Lambda-defined challenge to answer."""


class SelectChallengeException(ChallengeException):
    """SELECT_CHALLENGE (``USER_AUTH``): choose how to sign in, among ``available_challenges``
    (``PASSWORD``, ``PASSWORD_SRP``, ``EMAIL_OTP``, ``SMS_OTP``, ``WEB_AUTHN``)."""

    @property
    def available_challenges(self) -> list[str]:
        """The first factors Cognito offers this user."""
        return [str(name) for name in self._tokens.get("AvailableChallenges") or []]


class UnsupportedChallengeException(ChallengeException, NotImplementedError):
    """A challenge this flow does not know how to handle; the message names it (also a
    ``NotImplementedError``, which the original raised)."""


# --------------------------------------------------------------------------------------------
# SRP
# --------------------------------------------------------------------------------------------


class SRPError(WarrantException, ValueError):
    """The server's SRP values are unsafe or malformed; no proof was computed from them."""


# --------------------------------------------------------------------------------------------
# Token lifecycle
# --------------------------------------------------------------------------------------------


class TokenRefreshException(WarrantException):
    """Fresh tokens could not be obtained; the message says why (never the token)."""


class LoginRequiredException(TokenRefreshException):
    """There are no usable tokens and no password to log in with."""


class RefreshTokenExpiredException(LoginRequiredException):
    """The refresh token has expired; the user must log in again."""


class RefreshTokenRevokedException(LoginRequiredException):
    """The refresh token was revoked (sign-out, RevokeToken, rotation); log in again."""


# --------------------------------------------------------------------------------------------
# Token verification
# --------------------------------------------------------------------------------------------


class TokenVerificationException(WarrantException):
    """A token failed verification. Subclasses say which check failed.

    Messages say which check failed and what was expected; they never contain the token.
    Catch this class to handle every verification failure alike.
    """


class TokenMalformedError(TokenVerificationException):
    """The token is not a well-formed JWS: segments, base64url, JSON objects, claim types."""


class TokenTooLargeError(TokenMalformedError):
    """The token is longer than the verifier accepts; it was refused before any parsing."""


class TokenAlgorithmError(TokenVerificationException):
    """The header's ``alg`` is not RS256, or does not match the ``alg`` of the key it names."""


class TokenSignatureError(TokenVerificationException):
    """The signature does not verify with the key named by the token's ``kid``."""


class TokenKeyError(TokenVerificationException):
    """No usable key could be found for the token (base of the key-lookup failures)."""


class TokenKidMissingError(TokenKeyError):
    """The token's header has no usable ``kid``."""


class TokenKidNotFoundError(TokenKeyError):
    """The ``kid`` is not in the pool's key set, even after refetching it."""


class JWKSUnavailableError(TokenKeyError):
    """The key set could not be fetched or is not a valid JWKS (down, too slow, garbage)."""


class NonRetryableFetchError(JWKSUnavailableError):
    """A fetch failure that retrying will not fix (a 4xx status, a URL we refuse)."""


class JWKSWaitPeriodError(TokenKeyError):
    """The key set is in its penalty period after a miss or a failed fetch; it was not refetched."""


class TokenClaimError(TokenVerificationException):
    """A claim failed its check (base of the claim failures; raised itself for ill-typed claims)."""


class TokenIssuerError(TokenClaimError):
    """``iss`` is missing or is not the expected issuer (or no configured pool has it)."""


class TokenExpiredError(TokenClaimError):
    """``exp`` is missing or has passed (beyond the leeway)."""


class TokenNotYetValidError(TokenClaimError):
    """``nbf`` is still in the future (beyond the leeway)."""


class TokenUseError(TokenClaimError):
    """``token_use`` is missing or is not the expected one (``id`` or ``access``)."""


class TokenAudienceError(TokenClaimError):
    """``aud`` (id token) or ``client_id`` (access token) is missing or not an allowed client id."""


class TokenGroupError(TokenClaimError):
    """``cognito:groups`` has none of the required groups."""


class TokenScopeError(TokenClaimError):
    """``scope`` has none of the required scopes."""


class TokenAtHashError(TokenClaimError):
    """The id token's ``at_hash`` does not match the access token it came with."""


class TokenCustomCheckError(TokenClaimError):
    """The caller's own check rejected the token."""


class TokenVerifierConfigError(TokenVerificationException, ValueError):
    """The verifier was configured or called with invalid arguments."""


# --------------------------------------------------------------------------------------------
# Cognito facade: bad input, raised before any network call (issue 5)
# --------------------------------------------------------------------------------------------


class MissingValueError(WarrantException, ValueError):
    """Something the call needs is not set (a username, a token, a pending challenge).

    ``missing`` names it, e.g. ``"username"`` or ``"access_token"``.
    """

    def __init__(self, message: str, missing: str = "") -> None:
        super().__init__(message)
        self.missing = missing


class InvalidValueError(WarrantException, ValueError):
    """An argument has the right type but a value the call cannot use."""


class InvalidTypeError(WarrantException, TypeError):
    """An argument has the wrong type."""


# --------------------------------------------------------------------------------------------
# Identity pools: AWS credentials for the user (issue 16)
# --------------------------------------------------------------------------------------------


class IdentityPoolError(WarrantException):
    """AWS credentials could not be obtained from the identity pool; the message says why.

    ``code`` is Cognito's error code when Cognito refused (the botocore error is the
    ``__cause__``).
    """

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class IdentityPoolNotFoundError(IdentityPoolError):
    """There is no identity pool with this id (in its region, for this endpoint)."""


class IdentityProviderNotAllowedError(IdentityPoolError):
    """The identity pool does not list this user pool and app client as a provider."""


class RoleMappingDeniedError(IdentityPoolError):
    """The identity pool's role mapping gives this user no role (``Deny`` resolution)."""


class IdentityPoolConfigurationError(IdentityPoolError):
    """The identity pool has no role to give (no authenticated role, or an unusable one)."""


class InvalidTextError(InvalidValueError):
    """A string argument cannot be encoded as UTF-8 (it holds a lone surrogate, as Python makes
    from bytes that are not UTF-8). ``argument`` names it; its value is never in the message."""

    def __init__(self, argument: str) -> None:
        super().__init__(f"{argument} is not valid text: it holds a lone surrogate (often from "
                         "input that was not UTF-8)")
        self.argument = argument
