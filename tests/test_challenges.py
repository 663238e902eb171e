"""``pycognito._challenges``: what an authentication response means (pure, every branch)."""

from __future__ import annotations

from typing import Any

import pytest

from pycognito._challenges import (
    challenge_error,
    challenge_username,
    mfa_type_answer,
    parse_name_list,
    required_attributes,
    strip_metadata,
    tokens_or_raise,
)
from pycognito.exceptions import (
    CustomChallengeException,
    EmailOTPChallengeException,
    ForceChangePasswordException,
    MFASetupChallengeException,
    SelectMFATypeChallengeException,
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
    UnsupportedChallengeException,
)


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ('["SMS_MFA","SOFTWARE_TOKEN_MFA"]', ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]),
        ("['SMS_MFA', 'EMAIL_OTP']", ["SMS_MFA", "EMAIL_OTP"]),
        ("SMS_MFA,SOFTWARE_TOKEN_MFA", ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]),
        (" SMS_MFA , ", ["SMS_MFA"]),
        ("[]", []),
        ('[""]', []),
        ("", []),
        ("   ", []),
        (None, []),
        (42, []),
        (["A", "B"], ["A", "B"]),
        (("A",), ["A"]),
    ],
)
def test_parse_name_list_reads_every_format(value: object, names: list[str]) -> None:
    assert parse_name_list(value) == names


def test_strip_metadata_and_tokens_or_raise() -> None:
    response = {"AuthenticationResult": {"AccessToken": "a"}, "ResponseMetadata": {"x": 1}}
    assert strip_metadata(response) == {"AuthenticationResult": {"AccessToken": "a"}}
    assert tokens_or_raise(response) is response
    with pytest.raises(SoftwareTokenMFAChallengeException):
        tokens_or_raise({"ChallengeName": "SOFTWARE_TOKEN_MFA", "AuthenticationResult": None})


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("NEW_PASSWORD_REQUIRED", ForceChangePasswordException),
        ("SMS_MFA", SMSMFAChallengeException),
        ("SMS_OTP", SMSMFAChallengeException),
        ("SOFTWARE_TOKEN_MFA", SoftwareTokenMFAChallengeException),
        ("EMAIL_OTP", EmailOTPChallengeException),
        ("SELECT_MFA_TYPE", SelectMFATypeChallengeException),
        ("MFA_SETUP", MFASetupChallengeException),
        ("CUSTOM_CHALLENGE", CustomChallengeException),
        ("WEB_AUTHN", UnsupportedChallengeException),
    ],
)
def test_challenge_error_is_typed_and_carries_the_challenge(name: str, cls: type) -> None:
    response = {"ChallengeName": name, "Session": "s", "ResponseMetadata": {"RequestId": "r"}}
    error = challenge_error(response)
    assert type(error) is cls
    assert error.get_tokens() == {"ChallengeName": name, "Session": "s"}
    assert error.challenge_name == name


def test_neither_tokens_nor_challenge() -> None:
    error = challenge_error({})
    assert type(error) is UnsupportedChallengeException
    assert "neither tokens nor a challenge" in str(error)


@pytest.mark.parametrize(
    ("pending", "name"),
    [
        ({"ChallengeParameters": {"USERNAME": "u1", "USER_ID_FOR_SRP": "u2"}, "Username": "u3"},
         "u1"),
        ({"ChallengeParameters": {"USER_ID_FOR_SRP": "u2"}, "Username": "u3"}, "u2"),
        ({"ChallengeParameters": {"USERNAME": ""}, "Username": "u3"}, "u3"),
        ({"ChallengeParameters": None, "Username": 5}, None),
        ({}, None),
    ],
)
def test_challenge_username_prefers_cognitos_name(pending: dict[str, Any],
                                                  name: object) -> None:
    assert challenge_username(pending) == name


@pytest.mark.parametrize(
    ("params", "wanted"),
    [
        ({"requiredAttributes": '["userAttributes.email","userAttributes.sub"]'}, ["email"]),
        ({"requiredAttributes": "['userAttributes.name', 'phone_number']"},
         ["name", "phone_number"]),
        ({"requiredAttributes": "userAttributes.email,userAttributes.name",
          "userAttributes": '{"email": "a@b.c"}'}, ["name"]),
        ({"requiredAttributes": "email", "userAttributes": "not json"}, ["email"]),
        ({"requiredAttributes": "email", "userAttributes": '["email"]'}, ["email"]),
        ({"requiredAttributes": "email", "userAttributes": '{"email": ""}'}, ["email"]),
        ({}, []),
    ],
)
def test_required_attributes(params: dict[str, str], wanted: list[str]) -> None:
    assert required_attributes({"ChallengeParameters": params}) == wanted


def test_mfa_type_answer() -> None:
    offered = {"ChallengeParameters": {"MFAS_CAN_CHOOSE": "['SMS_MFA', 'SOFTWARE_TOKEN_MFA']"}}
    assert mfa_type_answer("totp", offered) == "SOFTWARE_TOKEN_MFA"
    assert mfa_type_answer("SMS", offered) == "SMS_MFA"
    assert mfa_type_answer("EMAIL", {}) == "EMAIL_OTP"  # nothing offered: Cognito's name
    with pytest.raises(ValueError, match="offers SMS_MFA, SOFTWARE_TOKEN_MFA, not EMAIL_OTP"):
        mfa_type_answer("EMAIL", offered)
    with pytest.raises(ValueError, match="must be"):
        mfa_type_answer("PIGEON", offered)
