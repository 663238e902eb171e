"""pycognito: AWS Cognito user pools from Python.

SRP login, MFA and new-password challenges, remembered devices, token verification and refresh,
user and group administration, and ``requests``/``httpx`` auth that keeps tokens fresh.

Importing the package is cheap: boto3 is imported only when a Cognito call needs it.
"""

from __future__ import annotations

from typing import Any

from . import srp
from ._attributes import camel_to_snake, cognito_to_dict, dict_to_cognito, snake_to_camel
from ._cognito import Cognito
from ._models import GroupObj, UserObj
from .aws_srp import AWSSRP
from .exceptions import (
    ChallengeException,
    CustomChallengeException,
    EmailOTPChallengeException,
    ForceChangePasswordException,
    MFAChallengeException,
    MFASetupChallengeException,
    SelectChallengeException,
    SelectMFATypeChallengeException,
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
    SRPError,
    TokenVerificationException,
    UnsupportedChallengeException,
    WarrantException,
)

__all__ = [
    "AWSSRP",
    "ChallengeException",
    "Cognito",
    "CustomChallengeException",
    "EmailOTPChallengeException",
    "ForceChangePasswordException",
    "GroupObj",
    "MFAChallengeException",
    "MFASetupChallengeException",
    "SMSMFAChallengeException",
    "SRPError",
    "SelectChallengeException",
    "SelectMFATypeChallengeException",
    "SoftwareTokenMFAChallengeException",
    "TokenVerificationException",
    "UnsupportedChallengeException",
    "UserObj",
    "WarrantException",
    "camel_to_snake",
    "cognito_to_dict",
    "dict_to_cognito",
    "snake_to_camel",
    "srp",
]


def __getattr__(name: str) -> Any:
    # The original imported PyJWT here, and its users' suites patch "pycognito.__init__.jwt...":
    # resolve that name on demand, so that importing the package stays cheap.
    if name == "jwt":
        import jwt

        return jwt
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
