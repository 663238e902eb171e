"""pycognito: AWS Cognito user pools from Python.

SRP login, MFA and new-password challenges, remembered devices, token verification and refresh,
user and group administration, and ``requests``/``httpx`` auth that keeps tokens fresh.

Importing the package is cheap: boto3 is imported only when a Cognito call needs it.
"""

from __future__ import annotations

from . import srp
from .aws_srp import AWSSRP
from .exceptions import (
    ChallengeException,
    CustomChallengeException,
    EmailOTPChallengeException,
    ForceChangePasswordException,
    MFAChallengeException,
    MFASetupChallengeException,
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
    "CustomChallengeException",
    "EmailOTPChallengeException",
    "ForceChangePasswordException",
    "MFAChallengeException",
    "MFASetupChallengeException",
    "SMSMFAChallengeException",
    "SRPError",
    "SelectMFATypeChallengeException",
    "SoftwareTokenMFAChallengeException",
    "TokenVerificationException",
    "UnsupportedChallengeException",
    "WarrantException",
    "srp",
]
