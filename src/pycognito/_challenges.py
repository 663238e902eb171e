"""Challenge decisions: what a Cognito authentication response means for the caller.

Pure logic, no I/O. A response either carries tokens (``AuthenticationResult``) or a challenge;
a challenge nobody can answer automatically becomes a typed exception that carries what is needed
to answer it later (``exc.get_tokens()``: ``ChallengeName``, ``Session``,
``ChallengeParameters``).
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from .exceptions import (
    ChallengeException,
    CustomChallengeException,
    EmailOTPChallengeException,
    ForceChangePasswordException,
    InvalidTypeError,
    MFASetupChallengeException,
    SelectChallengeException,
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
SELECT_CHALLENGE = "SELECT_CHALLENGE"
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
    SELECT_CHALLENGE: (SelectChallengeException, "Choose how to sign in"),
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


# --------------------------------------------------------------------------------------------
# Answering challenges (used by the Cognito facade)
# --------------------------------------------------------------------------------------------

#: Challenges answered with a code, and the response key the code goes in.
CODE_KEYS = {
    SMS_MFA: "SMS_MFA_CODE",
    SMS_OTP: "SMS_OTP_CODE",
    SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE",
    EMAIL_OTP: "EMAIL_OTP_CODE",
}

_MFA_CHOICES = {
    "SMS": "SMS_MFA",
    "SMS_MFA": "SMS_MFA",
    "SOFTWARE_TOKEN": "SOFTWARE_TOKEN_MFA",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA",
    "TOTP": "SOFTWARE_TOKEN_MFA",
    "EMAIL": "EMAIL_OTP",
    "EMAIL_OTP": "EMAIL_OTP",
    "EMAIL_MFA": "EMAIL_OTP",
}


def parse_name_list(value: object) -> list[str]:
    """A challenge parameter holding a list of names: JSON (``["A","B"]``), or the
    ``['A', 'B']`` / ``A,B`` forms some servers send."""
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    if not isinstance(value, str) or not value.strip():
        return []
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [part.strip().strip("\"'") for part in text.split(",") if part.strip().strip("\"'")]


def challenge_parameters(response: Mapping[str, Any]) -> Mapping[str, Any]:
    """A response's ``ChallengeParameters`` (``{}`` if absent); ``InvalidTypeError`` if it is
    not a mapping (as a client that is not boto3 may return), before anything reads it."""
    params = response.get("ChallengeParameters")
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise InvalidTypeError("ChallengeParameters in Cognito's answer must be a mapping, not "
                               f"{type(params).__name__}")
    for name, value in params.items():
        if not (isinstance(name, str) and isinstance(value, str)):
            raise InvalidTypeError("ChallengeParameters in Cognito's answer must map strings to "
                                   f"strings, not {type(name).__name__} to "
                                   f"{type(value).__name__}")
    return params


def challenge_username(pending: Mapping[str, Any]) -> Optional[str]:
    """The username a challenge must be answered with (Cognito's, not the alias typed)."""
    params = challenge_parameters(pending)
    for name in (params.get("USERNAME"), params.get("USER_ID_FOR_SRP"), pending.get("Username")):
        if isinstance(name, str) and name:
            return name
    return None


def required_attributes(pending: Mapping[str, Any]) -> list[str]:
    """The attributes NEW_PASSWORD_REQUIRED wants a value for (without ``userAttributes.``).

    Attributes the user already has (``userAttributes``) and ``sub`` (which nobody can set)
    are left out.
    """
    params = challenge_parameters(pending)
    names = parse_name_list(params.get("requiredAttributes"))
    try:
        present = json.loads(params.get("userAttributes") or "{}")
    except ValueError:
        present = {}
    if not isinstance(present, dict):
        present = {}
    prefix = "userAttributes."
    wanted = [name[len(prefix):] if name.startswith(prefix) else name for name in names]
    return [name for name in wanted if name != "sub" and not present.get(name)]


def mfa_type_answer(choice: str, pending: Mapping[str, Any]) -> str:
    """The ``ANSWER`` to SELECT_MFA_TYPE for ``choice`` (``"SMS"``, ``"SOFTWARE_TOKEN"``,
    ``"EMAIL"`` or a challenge name), spelled as the challenge offered it.

    Raises ``ValueError`` for an unknown choice or one the challenge does not offer.
    """
    wanted = _MFA_CHOICES.get(str(choice).upper())
    if wanted is None:
        raise ValueError("the MFA type must be 'SMS', 'SOFTWARE_TOKEN' or 'EMAIL'")
    params = challenge_parameters(pending)
    offered = parse_name_list(params.get("MFAS_CAN_CHOOSE"))
    if not offered:
        return wanted
    for name in offered:
        if _MFA_CHOICES.get(name.upper()) == wanted:
            return name
    raise ValueError(f"the challenge offers {', '.join(offered)}, not {wanted}")
