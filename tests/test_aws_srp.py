"""``AWSSRP`` sends exactly the requests AWS's own client sends (known answers).

A real boto3 client with botocore's ``Stubber`` plays Cognito: each expected request is checked
parameter by parameter against the vector (and against the service model), and each answer is
the case's challenge. The random source and the clock are fixed to the case's values.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
from collections.abc import Iterator
from typing import Any
from unittest import mock

import boto3
import pytest
from botocore.stub import ANY, Stubber

from pycognito import srp
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import (
    ForceChangePasswordException,
    MFASetupChallengeException,
    MissingValueError,
    SoftwareTokenMFAChallengeException,
    SRPError,
    UnsupportedChallengeException,
)

from . import vectors

TOKENS = {
    "AuthenticationResult": {
        "AccessToken": "access",
        "IdToken": "id",
        "RefreshToken": "refresh",
        "ExpiresIn": 3600,
        "TokenType": "Bearer",
    }
}


@pytest.fixture(params=srp.available_backends())
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    previous = srp.backend_name()
    srp.use_backend(request.param)
    yield request.param
    srp.use_backend(previous)


def _client(region: str = "us-east-1") -> Any:
    return boto3.client(
        "cognito-idp",
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _srp(case: dict[str, Any], client: Any, random: vectors.ScriptedRandom, **extra: Any) -> AWSSRP:
    inputs = case["inputs"]
    return AWSSRP(
        username=inputs["username"],
        password=inputs.get("password", "unused-password"),
        pool_id=inputs["user_pool_id"],
        client_id=inputs["client_id"],
        client=client,
        client_secret=inputs["client_secret"],
        random_source=random,
        clock=lambda: vectors.moment(case),
        **extra,
    )


def _challenge(case: dict[str, Any], **params: str) -> dict[str, Any]:
    """The case's PASSWORD_VERIFIER challenge (``params`` override its parameters)."""
    return {
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {**case["inputs"]["challenge_parameters"], **params},
    }


@pytest.mark.parametrize("case", vectors.case_params("user_srp"))
def test_user_srp_requests(case: dict[str, Any], backend: str) -> None:
    client = _client()
    random = vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"])
    with Stubber(client) as stub:
        stub.add_response(
            "initiate_auth",
            _challenge(case),
            expected_params=case["outputs"]["initiate_auth"],
        )
        stub.add_response(
            "respond_to_auth_challenge",
            TOKENS,
            expected_params=case["outputs"]["respond_to_auth_challenge"],
        )
        result = _srp(case, client, random).authenticate_user()
        stub.assert_no_pending_responses()
    assert result["AuthenticationResult"]["AccessToken"] == "access"
    assert random.exhausted


@pytest.mark.parametrize("case", vectors.case_params("user_srp")[:1])
def test_a_login_computes_each_power_once(
    case: dict[str, Any], backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # g^a is sent as SRP_A and reused for u; g^x and S are computed once each: three in all.
    arith = srp._arith()
    calls: list[str] = []
    pow_g, pow_any = arith.pow_g, arith.pow
    monkeypatch.setattr(arith, "pow_g", lambda e: calls.append("g") or pow_g(e))
    monkeypatch.setattr(arith, "pow", lambda b, e: calls.append("S") or pow_any(b, e))
    client = _client()
    random = vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"])
    with Stubber(client) as stub:
        stub.add_response(
            "initiate_auth", _challenge(case), expected_params=case["outputs"]["initiate_auth"]
        )
        stub.add_response(
            "respond_to_auth_challenge",
            TOKENS,
            expected_params=case["outputs"]["respond_to_auth_challenge"],
        )
        _srp(case, client, random).authenticate_user()
    assert calls == ["g", "g", "S"]
    calls.clear()
    aws = _srp(case, _client(), vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"]))
    aws.get_auth_params()
    answer = aws.process_challenge(case["inputs"]["challenge_parameters"])
    assert calls == ["g", "g", "S"]
    expected = case["outputs"]["respond_to_auth_challenge"]["ChallengeResponses"]
    assert answer["PASSWORD_CLAIM_SIGNATURE"] == expected["PASSWORD_CLAIM_SIGNATURE"]


@pytest.mark.parametrize("case", vectors.case_params("user_srp"))
def test_wrong_password_changes_the_signature(case: dict[str, Any]) -> None:
    client = _client()
    wrong = copy.deepcopy(case)
    wrong["inputs"]["password"] += "x"
    random = vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"])
    expected = case["outputs"]["respond_to_auth_challenge"]
    with Stubber(client) as stub:
        stub.add_response(
            "initiate_auth",
            _challenge(case),
            expected_params=case["outputs"]["initiate_auth"],
        )
        stub.add_response("respond_to_auth_challenge", TOKENS, expected_params=expected)
        with pytest.raises(Exception, match="PASSWORD_CLAIM_SIGNATURE"):
            _srp(wrong, client, random).authenticate_user()


@pytest.mark.parametrize("case", vectors.case_params("device_srp"))
def test_confirm_device_then_device_srp(case: dict[str, Any], backend: str) -> None:
    inputs = case["inputs"]
    outputs = case["outputs"]
    user_case = vectors.cases("user_srp")[0]
    client = _client()
    random = vectors.ScriptedRandom(
        inputs["device_password_random_hex"],
        inputs["device_salt_random_hex"],
        user_case["inputs"]["small_a_random_hex"],  # the user-SRP step before the device step
        inputs["small_a_random_hex"],
    )
    login = {
        "AuthenticationResult": {
            **TOKENS["AuthenticationResult"],
            "NewDeviceMetadata": {
                "DeviceKey": inputs["device_key"],
                "DeviceGroupKey": inputs["device_group_key"],
            },
        }
    }
    user_challenge = {
        **user_case["inputs"]["challenge_parameters"],
        "USERNAME": inputs["username"],
        "USER_ID_FOR_SRP": inputs["username"],
    }
    device_auth = {"USERNAME": inputs["username"], "DEVICE_KEY": inputs["device_key"]}
    with Stubber(client) as stub:
        stub.add_response(
            "confirm_device",
            {"UserConfirmationNecessary": False},
            expected_params={
                **outputs["confirm_device"],
                "AccessToken": "access",
                "DeviceName": ANY,
            },
        )
        stub.add_response(
            "initiate_auth",
            {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": user_challenge},
            expected_params={
                "AuthFlow": "USER_SRP_AUTH",
                "ClientId": inputs["client_id"],
                "AuthParameters": {
                    "USERNAME": inputs["username"],
                    "SRP_A": user_case["outputs"]["SRP_A"],
                    "DEVICE_KEY": inputs["device_key"],
                    **(
                        {
                            "SECRET_HASH": srp.secret_hash(
                                inputs["username"], inputs["client_id"], inputs["client_secret"]
                            )
                        }
                        if inputs["client_secret"]
                        else {}
                    ),
                },
            },
        )
        stub.add_response(
            "respond_to_auth_challenge",
            {"ChallengeName": "DEVICE_SRP_AUTH", "ChallengeParameters": device_auth},
            expected_params={
                "ClientId": inputs["client_id"],
                "ChallengeName": "PASSWORD_VERIFIER",
                "ChallengeResponses": ANY,
            },
        )
        stub.add_response(
            "respond_to_auth_challenge",
            {
                "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
                "ChallengeParameters": inputs["challenge_parameters"],
            },
            expected_params=outputs["device_srp_auth"],
        )
        stub.add_response(
            "respond_to_auth_challenge", TOKENS, expected_params=outputs["device_password_verifier"]
        )
        aws = _srp(case, client, random)
        _, device_password = aws.confirm_device(login)
        assert device_password == outputs["device_password"]
        assert aws.device_key == inputs["device_key"]
        assert device_password not in repr(aws)
        result = aws.authenticate_user()
        stub.assert_no_pending_responses()
    assert result["AuthenticationResult"]["IdToken"] == "id"
    assert random.exhausted


def test_sessions_and_client_metadata_are_threaded_through() -> None:
    case = vectors.cases("user_srp")[0]
    client = _client()
    random = vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"])
    expected_answer = {
        **case["outputs"]["respond_to_auth_challenge"],
        "Session": "session-1-abcdefghijklmnopqrstuvwxyz",
        "ClientMetadata": {"source": "test"},
    }
    with Stubber(client) as stub:
        stub.add_response(
            "initiate_auth",
            {
                "ChallengeName": "PASSWORD_VERIFIER",
                "Session": "session-1-abcdefghijklmnopqrstuvwxyz",
                "ChallengeParameters": case["inputs"]["challenge_parameters"],
            },
            expected_params={
                **case["outputs"]["initiate_auth"],
                "ClientMetadata": {"source": "test"},
            },
        )
        stub.add_response("respond_to_auth_challenge", TOKENS, expected_params=expected_answer)
        _srp(case, client, random).authenticate_user(client_metadata={"source": "test"})


def test_constructor_does_no_work_and_refuses_bad_arguments() -> None:
    def no_randomness(size: int) -> bytes:
        raise AssertionError("the constructor must not draw randomness")

    aws = AWSSRP(
        "bob",
        "pw",
        "us-east-1_Pool",
        "client",
        pool_region="us-east-1",
        random_source=no_randomness,
    )
    assert "pw" not in repr(aws)
    with pytest.raises(ValueError, match="not both"):
        AWSSRP("bob", "pw", "us-east-1_Pool", "client", pool_region="us-east-1", client=_client())
    with pytest.raises(ValueError, match="together"):
        AWSSRP("bob", "pw", "us-east-1_Pool", "client", device_key="k")
    with pytest.raises(ValueError, match="together"):
        AWSSRP("bob", "pw", "us-east-1_Pool", "client", device_key="k", device_group_key="g")
    bad: list[tuple[tuple[Any, ...], dict[str, Any], str]] = [
        (("bob", b"pw", "us-east-1_Pool", "client"), {}, "password"),
        ((1, "pw", "us-east-1_Pool", "client"), {}, "username"),
        (("bob", "pw", "us-east-1_Pool", "client"), {"client_secret": 42}, "client_secret"),
    ]
    for args, kwargs, name in bad:
        with pytest.raises(TypeError, match=name) as raised:
            AWSSRP(*args, **kwargs)
        assert "b'pw'" not in str(raised.value) and "42" not in str(raised.value)
    with pytest.raises(ValueError, match="client_id"):
        AWSSRP("bob", "pw", "us-east-1_Pool", "")


@pytest.mark.parametrize("missing", ["username", "password", "pool_id", "client_id"])
def test_values_left_none_are_refused_when_a_login_needs_them(missing: str) -> None:
    """The original's users build ``AWSSRP(None, None, ...)`` for its helpers (or patch the
    steps that use the values); a login names the missing value at the step that needs it: the
    username and client id before anything is sent, the password and pool id before the
    challenge is answered (a None password is never signed)."""
    case = vectors.cases("user_srp")[0]
    values = {"username": "bob", "password": "pw", "pool_id": "us-east-1_Pool",
              "client_id": "client", missing: None}
    aws = AWSSRP(**values, client=_client())
    assert AWSSRP.get_cognito_formatted_timestamp(vectors.moment(case))
    with Stubber(aws.client) as stub, pytest.raises(MissingValueError, match=missing) as raised:
        if missing in ("password", "pool_id"):
            stub.add_response("initiate_auth", _challenge(case))
        aws.authenticate_user()  # no answer to the challenge is stubbed: it must not be sent
    assert raised.value.missing == missing


def test_a_none_password_is_refused_before_signing() -> None:
    case = vectors.cases("user_srp")[0]
    client = _client()
    aws = _srp(case, client, vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"]))
    aws._password = None
    aws.get_auth_params()
    with pytest.raises(MissingValueError, match="password"):
        aws.process_challenge(_challenge(case)["ChallengeParameters"])
    helpers = AWSSRP()  # everything left None: the published helpers still work
    assert helpers.get_secret_hash("bob", "client", "secret") == srp.secret_hash(
        "bob", "client", "secret"
    )


def _run_challenge(answer: dict[str, Any]) -> AWSSRP:
    case = vectors.cases("user_srp")[0]
    client = _client()
    random = vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"])
    aws = _srp(case, client, random)
    with Stubber(client) as stub:
        stub.add_response(
            "initiate_auth",
            _challenge(case),
        )
        stub.add_response("respond_to_auth_challenge", answer)
        aws.authenticate_user()
    return aws


@pytest.mark.parametrize(
    ("name", "exception"),
    [
        ("SOFTWARE_TOKEN_MFA", SoftwareTokenMFAChallengeException),
        ("NEW_PASSWORD_REQUIRED", ForceChangePasswordException),
        ("MFA_SETUP", MFASetupChallengeException),
        ("SOME_FUTURE_CHALLENGE", UnsupportedChallengeException),
    ],
)
def test_other_challenges_raise_typed_exceptions(name: str, exception: type[Exception]) -> None:
    answer = {
        "ChallengeName": name,
        "Session": "session-abcdefghijklmnopqrstuvwxyz",
        "ChallengeParameters": {"USERNAME": "u"},
    }
    with pytest.raises(exception) as raised:
        _run_challenge(answer)
    error: Any = raised.value
    assert error.get_tokens()["Session"] == "session-abcdefghijklmnopqrstuvwxyz"
    assert error.challenge_name == name
    if exception is UnsupportedChallengeException:
        assert name in str(error)


def test_device_challenge_without_device_credentials_is_a_clear_error() -> None:
    answer = {
        "ChallengeName": "DEVICE_SRP_AUTH",
        "Session": "session-abcdefghijklmnopqrstuvwxyz",
        "ChallengeParameters": {},
    }
    with pytest.raises(UnsupportedChallengeException, match="DEVICE_SRP_AUTH"):
        _run_challenge(answer)


def test_empty_answer_is_not_a_key_error() -> None:
    with pytest.raises(UnsupportedChallengeException, match="neither tokens nor a challenge"):
        _run_challenge({})


def test_new_password_challenge_reuses_the_pending_session() -> None:
    case = vectors.cases("user_srp")[0]
    client = _client()
    random = vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"])
    aws = _srp(case, client, random)
    with Stubber(client) as stub:
        stub.add_response(
            "initiate_auth",
            _challenge(case),
        )
        stub.add_response(
            "respond_to_auth_challenge",
            {
                "ChallengeName": "NEW_PASSWORD_REQUIRED",
                "Session": "np-session-abcdefghijklmnopqrstuvwxyz",
                "ChallengeParameters": {"USERNAME": "alice", "requiredAttributes": "[]"},
            },
        )
        stub.add_response(
            "respond_to_auth_challenge",
            TOKENS,
            expected_params={
                "ClientId": case["inputs"]["client_id"],
                "ChallengeName": "NEW_PASSWORD_REQUIRED",
                "Session": "np-session-abcdefghijklmnopqrstuvwxyz",
                "ChallengeResponses": {
                    "USERNAME": "alice",
                    "NEW_PASSWORD": "New-Passw0rd!",
                    "userAttributes.name": "Alice",
                },
            },
        )
        with pytest.raises(ForceChangePasswordException):
            aws.authenticate_user()
        result = aws.set_new_password_challenge("New-Passw0rd!", user_attributes={"name": "Alice"})
        stub.assert_no_pending_responses()
    assert result["AuthenticationResult"]["RefreshToken"] == "refresh"


def test_unsafe_server_b_is_refused_before_answering() -> None:
    case = vectors.cases("user_srp")[0]
    client = _client()
    random = vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"])
    params = {**case["inputs"]["challenge_parameters"], "SRP_B": format(srp.N, "x")}
    with Stubber(client) as stub:
        stub.add_response(
            "initiate_auth", {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": params}
        )
        with pytest.raises(SRPError):
            _srp(case, client, random).authenticate_user()
        stub.assert_no_pending_responses()  # nothing else was sent


def test_update_device_status_and_forget_device_use_the_boto3_client() -> None:
    client = _client()
    aws = AWSSRP(
        "bob",
        "pw",
        "us-east-1_Pool",
        "client",
        client=client,
        device_key="dk",
        device_group_key="gk",
        device_password="dp",
    )
    with Stubber(client) as stub:
        stub.add_response(
            "update_device_status",
            {},
            expected_params={
                "AccessToken": "at",
                "DeviceKey": "dk",
                "DeviceRememberedStatus": "not_remembered",
            },
        )
        stub.add_response(
            "forget_device", {}, expected_params={"AccessToken": "at", "DeviceKey": "dk"}
        )
        aws.update_device_status(False, "at", "dk")
        with pytest.raises(TypeError):
            aws.update_device_status("yes", "at", "dk")  # type: ignore[arg-type]
        aws.forget_device("at", "dk")
    assert aws.device_key is None and aws.device_password is None


@pytest.mark.parametrize("missing", ["SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP"])
def test_incomplete_password_verifier_is_a_named_error(missing: str) -> None:
    case = vectors.cases("user_srp")[0]
    params = dict(case["inputs"]["challenge_parameters"])
    del params[missing]
    if missing == "USER_ID_FOR_SRP":
        params.pop("USERNAME", None)
    client = _client()
    random = vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"])
    with Stubber(client) as stub:
        stub.add_response(
            "initiate_auth", {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": params}
        )
        with pytest.raises(UnsupportedChallengeException, match="PASSWORD_VERIFIER") as raised:
            _srp(case, client, random).authenticate_user()
        stub.assert_no_pending_responses()
    assert raised.value.challenge_name == "PASSWORD_VERIFIER"


@pytest.mark.parametrize("case", vectors.case_params("user_srp"))
def test_the_restored_steps_compute_the_vectors_answer(case: dict[str, Any]) -> None:
    """``generate_random_small_a``/``calculate_a``/``get_password_authentication_key`` are the
    published steps: the HMAC of their key is the vector's signature."""
    random = vectors.ScriptedRandom(case["inputs"]["small_a_random_hex"])
    aws = _srp(case, _client(), random)
    params = aws.get_auth_params()
    assert params == case["outputs"]["initiate_auth"]["AuthParameters"]
    assert aws.calculate_a() == aws.large_a_value == srp.calculate_a(aws.small_a_value)
    challenge = case["inputs"]["challenge_parameters"]
    key = aws.get_password_authentication_key(
        challenge["USER_ID_FOR_SRP"], case["inputs"]["password"],
        int(challenge["SRP_B"], 16), challenge["SALT"],
    )
    expected = case["outputs"]["respond_to_auth_challenge"]["ChallengeResponses"]
    message = (case["inputs"]["user_pool_id"].split("_", 1)[1] + challenge["USER_ID_FOR_SRP"]
               ).encode() + base64.b64decode(challenge["SECRET_BLOCK"]) + expected[
                   "TIMESTAMP"].encode()
    signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    assert signature == expected["PASSWORD_CLAIM_SIGNATURE"]
    assert aws.process_challenge(challenge, params) == expected


def test_authenticate_user_goes_through_its_public_steps() -> None:
    """A subclass or a patch of ``get_auth_params``/``process_challenge`` is what a login uses."""
    case = vectors.cases("user_srp")[0]
    client = _client()
    seen: list[str] = []

    class Spy(AWSSRP):
        def get_auth_params(self) -> dict[str, str]:
            seen.append("get_auth_params")
            return super().get_auth_params()

    aws = Spy(case["inputs"]["username"], "pw", case["inputs"]["user_pool_id"],
              case["inputs"]["client_id"], client=client)
    forged = {"USERNAME": "alice", "PASSWORD_CLAIM_SIGNATURE": "forged"}
    with Stubber(client) as stub, mock.patch.object(
        AWSSRP, "process_challenge", return_value=forged
    ) as patched:
        stub.add_response("initiate_auth", _challenge(case))
        stub.add_response("respond_to_auth_challenge", TOKENS, expected_params={
            "ClientId": case["inputs"]["client_id"],
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeResponses": forged,
        })
        assert aws.authenticate_user()["AuthenticationResult"]["AccessToken"] == "access"
    assert seen == ["get_auth_params"]
    (parameters, request), _ = patched.call_args
    assert parameters == case["inputs"]["challenge_parameters"]
    assert request["USERNAME"] == case["inputs"]["username"] and "SRP_A" in request



def test_each_login_draws_its_own_private_value() -> None:
    """README migration: the private value is drawn when a login starts, fresh for each login,
    so two logins of one ``AWSSRP`` never share it (the original drew it once, in the
    constructor)."""
    case = vectors.cases("user_srp")[0]
    client = _client()
    sent: list[str] = []
    client.meta.events.register(
        "before-parameter-build.cognito-idp.InitiateAuth",
        lambda params, **_: sent.append(params["AuthParameters"]["SRP_A"]))
    aws = AWSSRP(case["inputs"]["username"], "pw", case["inputs"]["user_pool_id"],
                 case["inputs"]["client_id"], client=client)
    with Stubber(client) as stub, mock.patch.object(
        AWSSRP, "process_challenge", return_value={"USERNAME": "alice"}
    ):
        for _ in range(2):
            stub.add_response("initiate_auth", _challenge(case))
            stub.add_response("respond_to_auth_challenge", TOKENS)
            aws.authenticate_user()
    assert len(sent) == 2 and sent[0] != sent[1]


def test_the_private_value_is_128_bytes_from_the_operating_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """README, Security choices: SRP's random ``a`` is 128 bytes from ``os.urandom``."""
    import os

    drawn: list[int] = []
    real = os.urandom

    def urandom(size: int) -> bytes:
        drawn.append(size)
        return real(size)

    monkeypatch.setattr(os, "urandom", urandom)
    AWSSRP("bob", "pw", "us-east-1_Pool", "client", client=_client()).get_auth_params()
    assert drawn == [128]
