"""Device tracking over HTTP: NewDeviceMetadata, ConfirmDevice, device SRP verified for real,
remembered devices skipping MFA, device-bound refresh tokens, and the device operations."""

from __future__ import annotations

from typing import Any, Optional

import jwt
import pytest
from botocore.exceptions import ClientError

from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import SoftwareTokenMFAChallengeException
from pycognito.local import LocalCognito

from ..conftest import PoolFactory, PoolInfo, UserFactory, UserInfo
from .helpers import SrpClient, error_of

OPT_IN = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}


def _srp(idp: Any, pool: PoolInfo, user: UserInfo, device: Optional[AWSSRP] = None) -> AWSSRP:
    if device is None:
        return AWSSRP(user.username, user.password, pool.pool_id, pool.client_id, client=idp,
                      client_secret=pool.client_secret)
    return AWSSRP(user.username, user.password, pool.pool_id, pool.client_id, client=idp,
                  client_secret=pool.client_secret, device_key=device.device_key,
                  device_group_key=device.device_group_key,
                  device_password=device.device_password)


def _register(idp: Any, pool: PoolInfo, user: UserInfo) -> tuple[AWSSRP, dict[str, Any]]:
    """Log in, confirm the new device; return the device-aware client and the tokens."""
    srp = _srp(idp, pool, user)
    tokens = srp.authenticate_user()
    srp.confirm_device(tokens, device_name="laptop")
    return srp, tokens["AuthenticationResult"]


def test_device_login_is_verified(local: LocalCognito, cognito_idp: Any,
                                  make_pool: PoolFactory, make_user: UserFactory) -> None:
    pool = make_pool(device_tracking=True, client_secret=True)
    user = make_user(pool)
    first = _srp(cognito_idp, pool, user).authenticate_user()
    metadata = first["AuthenticationResult"]["NewDeviceMetadata"]
    assert metadata["DeviceKey"].startswith("us-east-1_") and metadata["DeviceGroupKey"]
    device, _ = _register(cognito_idp, pool, user)
    result = _srp(cognito_idp, pool, user, device).authenticate_user()["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    claims = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    assert claims["device_key"] == device.device_key
    challenges = [c.challenge_name for c in local.calls("RespondToAuthChallenge")]
    assert challenges[-3:] == ["PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"]


def test_wrong_device_password_is_refused(cognito_idp: Any, make_pool: PoolFactory,
                                          make_user: UserFactory) -> None:
    pool = make_pool(device_tracking=True)
    user = make_user(pool)
    device, _ = _register(cognito_idp, pool, user)
    impostor = AWSSRP(user.username, user.password, pool.pool_id, pool.client_id,
                      client=cognito_idp, device_key=device.device_key,
                      device_group_key=device.device_group_key,
                      device_password="bm90IHRoZSBkZXZpY2UgcGFzc3dvcmQ=")
    with pytest.raises(ClientError) as excinfo:
        impostor.authenticate_user()
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")
    assert excinfo.value.operation_name == "RespondToAuthChallenge"


def test_device_srp_needs_secret_hash_and_a_known_device(cognito_idp: Any,
                                                         make_pool: PoolFactory,
                                                         make_user: UserFactory) -> None:
    pool = make_pool(device_tracking=True, client_secret=True)
    user = make_user(pool)
    device, _ = _register(cognito_idp, pool, user)
    login = cognito_idp.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": user.password,
                        "SECRET_HASH": pool.secret_hash("alice") or "",
                        "DEVICE_KEY": device.device_key or ""})
    assert login["ChallengeName"] == "DEVICE_SRP_AUTH"
    base = {"USERNAME": "alice", "DEVICE_KEY": device.device_key or "", "SRP_A": "0a1b2c"}
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.respond_to_auth_challenge(ClientId=pool.client_id,
                                              ChallengeName="DEVICE_SRP_AUTH",
                                              Session=login["Session"], ChallengeResponses=base)
    assert error_of(excinfo)[1].startswith("Unable to verify secret hash")
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.respond_to_auth_challenge(
            ClientId=pool.client_id, ChallengeName="DEVICE_SRP_AUTH", Session=login["Session"],
            ChallengeResponses={**base, "DEVICE_KEY": "us-east-1_unknown",
                                "SECRET_HASH": pool.secret_hash("alice") or ""})
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize("configuration", ["always", "opt_in"])
def test_remembered_device_skips_mfa(local: LocalCognito, cognito_idp: Any,
                                     make_pool: PoolFactory, make_user: UserFactory,
                                     configuration: str) -> None:
    pool = make_pool(device_tracking=True if configuration == "always" else OPT_IN,
                     mfa="OPTIONAL")
    user = make_user(pool)
    token = cognito_idp.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": user.password},
    )["AuthenticationResult"]["AccessToken"]
    secret = cognito_idp.associate_software_token(AccessToken=token)["SecretCode"]
    cognito_idp.verify_software_token(AccessToken=token, UserCode=local.totp_code(secret))

    srp = _srp(cognito_idp, pool, user)
    with pytest.raises(SoftwareTokenMFAChallengeException) as raised:
        srp.authenticate_user()
    answered = cognito_idp.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=raised.value.session,
        ChallengeResponses={"USERNAME": "alice",
                            "SOFTWARE_TOKEN_MFA_CODE": local.totp_code(secret)})
    confirmed, _ = srp.confirm_device(answered, device_name="phone")
    assert confirmed["UserConfirmationNecessary"] is (configuration == "opt_in")
    access = answered["AuthenticationResult"]["AccessToken"]
    if configuration == "opt_in":
        with pytest.raises(SoftwareTokenMFAChallengeException):
            _srp(cognito_idp, pool, user, srp).authenticate_user()
        cognito_idp.update_device_status(AccessToken=access, DeviceKey=srp.device_key,
                                         DeviceRememberedStatus="remembered")
    result = _srp(cognito_idp, pool, user, srp).authenticate_user()
    assert "AccessToken" in result["AuthenticationResult"]
    srp.update_device_status(False, access, srp.device_key or "")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        _srp(cognito_idp, pool, user, srp).authenticate_user()


def test_refresh_with_device_tracking_needs_the_device_key(cognito_idp: Any,
                                                           make_pool: PoolFactory,
                                                           make_user: UserFactory) -> None:
    pool = make_pool(device_tracking=True)
    user = make_user(pool)
    device, tokens = _register(cognito_idp, pool, user)

    def refresh(token: str, device_key: Optional[str]) -> Any:
        params = {"REFRESH_TOKEN": token, **({"DEVICE_KEY": device_key} if device_key else {})}
        return cognito_idp.initiate_auth(ClientId=pool.client_id,
                                         AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=params)

    with pytest.raises(ClientError) as excinfo:
        refresh(tokens["RefreshToken"], None)
    assert error_of(excinfo) == ("NotAuthorizedException", "Invalid Refresh Token.")
    assert "AccessToken" in refresh(tokens["RefreshToken"], device.device_key)[
        "AuthenticationResult"]
    # A device that was never confirmed cannot refresh either.
    unconfirmed = _srp(cognito_idp, pool, user).authenticate_user()["AuthenticationResult"]
    with pytest.raises(ClientError) as excinfo:
        refresh(unconfirmed["RefreshToken"], unconfirmed["NewDeviceMetadata"]["DeviceKey"])
    assert error_of(excinfo) == ("NotAuthorizedException", "Invalid Refresh Token.")
    # Forgetting the device ends its refresh tokens.
    device.forget_device(tokens["AccessToken"], device.device_key or "")
    with pytest.raises(ClientError) as excinfo:
        refresh(tokens["RefreshToken"], tokens.get("NewDeviceMetadata", {}).get("DeviceKey"))
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_device_operations_and_admin_forms(cognito_idp: Any, make_pool: PoolFactory,
                                           make_user: UserFactory) -> None:
    pool = make_pool(device_tracking=OPT_IN)
    user = make_user(pool)
    device, tokens = _register(cognito_idp, pool, user)
    access, key = tokens["AccessToken"], device.device_key
    [listed] = cognito_idp.list_devices(AccessToken=access)["Devices"]
    attributes = {a["Name"]: a["Value"] for a in listed["DeviceAttributes"]}
    assert listed["DeviceKey"] == key and attributes["device_name"] == "laptop"
    assert attributes["dev:device_remembered_status"] == "not_remembered"
    cognito_idp.admin_update_device_status(UserPoolId=pool.pool_id, Username="alice",
                                           DeviceKey=key, DeviceRememberedStatus="remembered")
    got = cognito_idp.get_device(AccessToken=access, DeviceKey=key)["Device"]
    assert {"Name": "dev:device_remembered_status", "Value": "remembered"} in got[
        "DeviceAttributes"]
    assert cognito_idp.admin_get_device(UserPoolId=pool.pool_id, Username="alice",
                                        DeviceKey=key)["Device"]["DeviceKey"] == key
    assert len(cognito_idp.admin_list_devices(UserPoolId=pool.pool_id,
                                              Username="alice")["Devices"]) == 1
    make_user(pool, "bob")
    with pytest.raises(ClientError) as excinfo:  # bob cannot see alice's device
        cognito_idp.admin_get_device(UserPoolId=pool.pool_id, Username="bob", DeviceKey=key)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.update_device_status(AccessToken=access, DeviceKey=key,
                                          DeviceRememberedStatus="maybe")
    assert error_of(excinfo)[0] in ("InvalidParameterException", "ParamValidationError")
    cognito_idp.admin_forget_device(UserPoolId=pool.pool_id, Username="alice", DeviceKey=key)
    assert cognito_idp.list_devices(AccessToken=access)["Devices"] == []
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.get_device(AccessToken=access, DeviceKey=key)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    # A forgotten device key is refused as AWS refuses it; AWSSRP forgets the device values
    # and logs in again without them, as AWS's clients do
    stale = _srp(cognito_idp, pool, user, device)
    again = stale.authenticate_user()["AuthenticationResult"]
    assert again["NewDeviceMetadata"]["DeviceKey"] != key
    assert stale.forgotten_device_key == key and stale.device_key is None


def test_confirm_device_checks_its_input(cognito_idp: Any, make_pool: PoolFactory,
                                         make_user: UserFactory) -> None:
    pool = make_pool(device_tracking=True)
    user = make_user(pool)
    tokens = _srp(cognito_idp, pool, user).authenticate_user()["AuthenticationResult"]
    key = tokens["NewDeviceMetadata"]["DeviceKey"]
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.confirm_device(AccessToken=tokens["AccessToken"], DeviceKey=key,
                                   DeviceSecretVerifierConfig={"PasswordVerifier": "!!",
                                                               "Salt": "AA=="})
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.confirm_device(AccessToken=tokens["AccessToken"],
                                   DeviceKey="us-east-1_00000000-0000-0000-0000-000000000000",
                                   DeviceSecretVerifierConfig={"PasswordVerifier": "AQI=",
                                                               "Salt": "AQI="})
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_list_devices_pages_and_refuses_a_bad_pagination_token(
        cognito_idp: Any, make_pool: PoolFactory, make_user: UserFactory) -> None:
    pool = make_pool(device_tracking=OPT_IN)
    user = make_user(pool)
    _, tokens = _register(cognito_idp, pool, user)
    _register(cognito_idp, pool, user)
    access = tokens["AccessToken"]
    first = cognito_idp.list_devices(AccessToken=access, Limit=1)
    assert len(first["Devices"]) == 1
    second = cognito_idp.list_devices(AccessToken=access, Limit=1,
                                      PaginationToken=first["PaginationToken"])
    assert len(second["Devices"]) == 1 and "PaginationToken" not in second
    assert second["Devices"][0]["DeviceKey"] != first["Devices"][0]["DeviceKey"]
    for token in ("abc", "-1", "\u0661"):  # was an HTTP 500 (int() raised in the handler)
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.list_devices(AccessToken=access, PaginationToken=token)
        assert error_of(excinfo)[0] == "InvalidParameterException"
        with pytest.raises(ClientError) as excinfo:
            cognito_idp.admin_list_devices(UserPoolId=pool.pool_id, Username="alice",
                                           PaginationToken=token)
        assert error_of(excinfo)[0] == "InvalidParameterException"


def _mfa_user_with_device(local: LocalCognito, idp: Any, pool: PoolInfo,
                          user: UserInfo) -> tuple[AWSSRP, str]:
    """A TOTP user with a confirmed device (not remembered in an opt-in pool)."""
    token = idp.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
                              AuthParameters={"USERNAME": "alice", "PASSWORD": user.password},
                              )["AuthenticationResult"]["AccessToken"]
    secret = idp.associate_software_token(AccessToken=token)["SecretCode"]
    idp.verify_software_token(AccessToken=token, UserCode=local.totp_code(secret))
    idp.set_user_mfa_preference(AccessToken=token, SoftwareTokenMfaSettings={
        "Enabled": True, "PreferredMfa": True})
    srp = _srp(idp, pool, user)
    with pytest.raises(SoftwareTokenMFAChallengeException) as raised:
        srp.authenticate_user()
    answered = idp.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=raised.value.session,
        ChallengeResponses={"USERNAME": "alice",
                            "SOFTWARE_TOKEN_MFA_CODE": local.totp_code(secret)})
    srp.confirm_device(answered, device_name="phone")
    return srp, secret


@pytest.mark.parametrize("session_of", ["device_challenge", "mfa_step"])
def test_mfa_comes_before_the_device_as_on_aws(local: LocalCognito, cognito_idp: Any,
                                               make_pool: PoolFactory, make_user: UserFactory,
                                               session_of: str) -> None:
    pool = make_pool(device_tracking=OPT_IN, mfa="OPTIONAL")
    user = make_user(pool)
    device, secret = _mfa_user_with_device(local, cognito_idp, pool, user)
    client = SrpClient(cognito_idp, pool, "alice", user.password)
    challenge = client.start()
    step = client.respond(challenge, client.responses(challenge, DEVICE_KEY=device.device_key))
    assert step["ChallengeName"] == "SOFTWARE_TOKEN_MFA"  # AWS asks MFA first
    after_mfa = cognito_idp.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=step["Session"],
        ChallengeResponses={"USERNAME": "alice", "DEVICE_KEY": device.device_key or "",
                            "SOFTWARE_TOKEN_MFA_CODE": local.totp_code(secret)})
    assert after_mfa["ChallengeName"] == "DEVICE_SRP_AUTH" and "AuthenticationResult" not in \
        after_mfa
    # AWS's JS client answers with the MFA step's session; AWS (and we) accept it
    session = after_mfa["Session"] if session_of == "device_challenge" else step["Session"]
    device_step = cognito_idp.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="DEVICE_SRP_AUTH", Session=session,
        ChallengeResponses=device.device_auth_params("alice"))
    assert device_step["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    done = cognito_idp.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="DEVICE_PASSWORD_VERIFIER",
        Session=device_step["Session"],
        ChallengeResponses=device.process_device_challenge(device_step["ChallengeParameters"]))
    claims = jwt.decode(done["AuthenticationResult"]["AccessToken"],
                        options={"verify_signature": False})
    assert claims["device_key"] == device.device_key
    # the MFA session leads to that one DEVICE_SRP_AUTH only
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.respond_to_auth_challenge(
            ClientId=pool.client_id, ChallengeName="DEVICE_SRP_AUTH", Session=step["Session"],
            ChallengeResponses=device.device_auth_params("alice"))
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_an_unknown_device_key_is_refused_before_the_session_is_used(
        cognito_idp: Any, make_pool: PoolFactory, make_user: UserFactory) -> None:
    pool = make_pool(device_tracking=True)
    user = make_user(pool)
    client = SrpClient(cognito_idp, pool, "alice", user.password)
    challenge = client.start()
    answer = client.responses(challenge, DEVICE_KEY="us-east-1_00000000-0000-0000-0000-0000000")
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, answer)
    assert error_of(excinfo) == ("ResourceNotFoundException", "Device does not exist.")
    del answer["DEVICE_KEY"]  # what AWS's clients do: forget the key, answer again
    result = client.respond(challenge, answer)["AuthenticationResult"]
    assert result["NewDeviceMetadata"]["DeviceKey"]
    with pytest.raises(ClientError) as excinfo:  # now the session is used up
        client.respond(challenge, answer)
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_a_wrong_proof_with_an_unknown_device_key_uses_the_session_up(
        cognito_idp: Any, make_pool: PoolFactory, make_user: UserFactory) -> None:
    pool = make_pool(device_tracking=True)
    user = make_user(pool)
    client = SrpClient(cognito_idp, pool, "alice", user.password)
    challenge = client.start()
    wrong = client.responses(challenge, password="Not-The-Password-1!", DEVICE_KEY="nope")
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, wrong)
    assert error_of(excinfo) == ("NotAuthorizedException", "Incorrect username or password.")
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, client.responses(challenge))
    assert error_of(excinfo)[0] == "NotAuthorizedException"


def test_a_null_device_key_in_the_answer_means_no_device(
        local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory,
        make_user: UserFactory) -> None:
    """amazon-cognito-identity-js sends the key with InitiateAuth, and after the refusal answers
    again with "DEVICE_KEY": null (boto3 cannot send a null, hence raw HTTP)."""
    import json
    import urllib.request

    pool = make_pool(device_tracking=True)
    user = make_user(pool)
    client = SrpClient(cognito_idp, pool, "alice", user.password)
    challenge = client.start(DEVICE_KEY="us-east-1_gone")
    answer: dict[str, Any] = client.responses(challenge, DEVICE_KEY="us-east-1_gone")
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, answer)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    answer["DEVICE_KEY"] = None
    body = json.dumps({"ClientId": pool.client_id, "ChallengeName": "PASSWORD_VERIFIER",
                       "Session": challenge["Session"], "ChallengeResponses": answer}).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback
        local.endpoint_url, data=body, method="POST", headers={
            "X-Amz-Target": "AWSCognitoIdentityProviderService.RespondToAuthChallenge",
            "Content-Type": "application/x-amz-json-1.1"})
    with urllib.request.urlopen(request, timeout=5) as reply:  # noqa: S310
        assert json.load(reply)["AuthenticationResult"]["NewDeviceMetadata"]["DeviceKey"]
