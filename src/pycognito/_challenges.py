"""Challenge decisions: what a Cognito authentication response means for the caller.

Pure logic, no I/O. A response either carries tokens (``AuthenticationResult``) or a challenge;
a challenge nobody can answer automatically becomes a typed exception that carries what is needed
to answer it later (``exc.get_tokens()``: ``ChallengeName``, ``Session``,
``ChallengeParameters``).
"""

from __future__ import annotations

from typing import Any, Mapping

from .exceptions import (
    ChallengeException,
    CustomChallengeException,
    EmailOTPChallengeException,
    ForceChangePasswordException,
    MFASetupChallengeException,
    SelectMFATypeChallengeException,
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
    UnsupportedChallengeException,
)

NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"
SMS_MFA = "SMS_MFA"
SMS_OTP = "SMS_OTP"
SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"
EMAIL_OTP = "EMAIL_OTP"
SELECT_MFA_TYPE = "SELECT_MFA_TYPE"
MFA_SETUP = "MFA_SETUP"
CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
PASSWORD_VERIFIER = "PASSWORD_VERIFIER"
DEVICE_SRP_AUTH = "DEVICE_SRP_AUTH"
DEVICE_PASSWORD_VERIFIER = "DEVICE_PASSWORD_VERIFIER"

_TYPED: dict[str, tuple[type[ChallengeException], str]] = {
    NEW_PASSWORD_REQUIRED: (ForceChangePasswordException, "Change password before authenticating"),
    SMS_MFA: (SMSMFAChallengeException, "Do SMS MFA"),
    SMS_OTP: (SMSMFAChallengeException, "Enter the code sent by SMS"),
    SOFTWARE_TOKEN_MFA: (SoftwareTokenMFAChallengeException, "Do Software Token MFA"),
    EMAIL_OTP: (EmailOTPChallengeException, "Enter the code sent by e-mail"),
    SELECT_MFA_TYPE: (SelectMFATypeChallengeException, "Select an MFA type"),
    MFA_SETUP: (MFASetupChallengeException, "Set up MFA before authenticating"),
    CUSTOM_CHALLENGE: (CustomChallengeException, "Answer the custom challenge"),
}


def strip_metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    """The response without botocore's ``ResponseMetadata``."""
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def challenge_error(response: Mapping[str, Any]) -> ChallengeException:
    """The typed exception for a challenge response (it names the challenge)."""
    name = response.get("ChallengeName")
    tokens = strip_metadata(response)
    if name in _TYPED:
        cls, message = _TYPED[str(name)]
        return cls(message, tokens)
    if name:
        return UnsupportedChallengeException(
            f"Cognito asked for the {name} challenge, which this flow cannot answer", tokens
        )
    return UnsupportedChallengeException("Cognito returned neither tokens nor a challenge", tokens)


def tokens_or_raise(response: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return ``response`` if it carries tokens; otherwise raise its challenge exception."""
    if response.get("AuthenticationResult"):
        return response
    raise challenge_error(response)
