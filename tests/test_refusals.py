"""``pycognito._refusals``: the one place Cognito's refusals are recognised.

The messages below are the ones Cognito (and the local Cognito) send; where only the message
tells two refusals apart, this pins the words matched."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from pycognito._refusals import (
    credentials_refused,
    device_unknown,
    error_code,
    identity_pool_missing,
    needs_rotation,
    provider_not_allowed,
    refresh_token_dead,
    refresh_token_expired,
    role_mapping_denied,
    secret_hash_refused,
    wrong_password,
)


def _refused(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "InitiateAuth")


def test_codes_decide() -> None:
    assert error_code(_refused("NotAuthorizedException", "x")) == "NotAuthorizedException"
    assert error_code(ValueError("NotAuthorizedException")) == ""
    assert credentials_refused(_refused("NotAuthorizedException", "Incorrect username"))
    assert not credentials_refused(_refused("UserNotFoundException", "not authorized"))
    for code in ("NotAuthorizedException", "RefreshTokenReuseException",
                 "UserNotFoundException", "PasswordResetRequiredException",
                 "UserNotConfirmedException"):
        assert refresh_token_dead(_refused(code, ""))
    for code in ("TooManyRequestsException", "InternalErrorException", ""):
        assert not refresh_token_dead(_refused(code, "Refresh Token has expired"))
    assert not refresh_token_dead(OSError("network down"))


@pytest.mark.parametrize(
    ("message", "rotation", "expired"),
    [
        ("Refresh token rotation is enabled for this app client; use "
         "GetTokensFromRefreshToken", True, False),
        ("Refresh Token has expired", False, True),
        ("Refresh Token has been revoked", False, False),
        ("Invalid Refresh Token", False, False),
    ],
)
def test_the_words_matched_where_only_the_message_tells(message: str, rotation: bool,
                                                        expired: bool) -> None:
    error = _refused("NotAuthorizedException", message)
    assert needs_rotation(error) is rotation
    assert refresh_token_expired(error) is expired
    other = _refused("InvalidParameterException", message)  # the words alone decide nothing
    assert not needs_rotation(other) and not refresh_token_expired(other)


def test_device_unknown() -> None:
    assert device_unknown(_refused("ResourceNotFoundException", "Device does not exist."))
    assert device_unknown(_refused("NotAuthorizedException", "Invalid device key given."))
    assert not device_unknown(_refused("NotAuthorizedException", "Incorrect username or password."))
    assert not device_unknown(_refused("InvalidParameterException", "device"))


@pytest.mark.parametrize(
    ("code", "message", "missing", "mapping", "provider"),
    [
        ("ResourceNotFoundException", "IdentityPool 'eu-west-1:x' not found.", True, False, False),
        ("ResourceNotFoundException", "Identity pool eu-west-1:x does not exist", True, False,
         False),
        ("ResourceNotFoundException", "Identity 'eu-west-1:x' not found.", False, False, False),
        ("NotAuthorizedException", "The ambiguous role mapping rules for: p denied this request.",
         False, True, False),
        ("NotAuthorizedException", "Token is not from a supported provider of this identity "
         "pool.", False, False, True),
        ("NotAuthorizedException", "Invalid login token. Issuer doesn't match providerName",
         False, False, True),
        ("NotAuthorizedException", "Logins don't match. Please include at least one valid "
         "login for this identity or identity pool.", False, False, True),
        ("NotAuthorizedException", "Invalid login token. Token expired", False, False, False),
        ("InvalidParameterException", "IdentityPool role mapping: supported provider", False,
         False, False),
    ],
)
def test_identity_pool_refusals(code: str, message: str, missing: bool, mapping: bool,
                                provider: bool) -> None:
    error = _refused(code, message)
    assert identity_pool_missing(error) is missing
    assert role_mapping_denied(error) is mapping
    assert provider_not_allowed(error) is provider


def test_why_a_login_was_refused() -> None:
    wrong = _refused("NotAuthorizedException", "Incorrect username or password.")
    secret = _refused("NotAuthorizedException", "Unable to verify secret hash for client abc")
    missing = _refused("NotAuthorizedException", "Client abc is configured with secret but "
                                                 "SECRET_HASH was not received")
    assert wrong_password(wrong) and not secret_hash_refused(wrong)
    assert secret_hash_refused(secret) and secret_hash_refused(missing)
    assert not wrong_password(secret)
    for other in (_refused("UserNotFoundException", "Incorrect username or password."),
                  _refused("InvalidParameterException", "secret hash"),
                  _refused("NotAuthorizedException", "Refresh Token has expired")):
        assert not wrong_password(other) and not secret_hash_refused(other)
