"""``pycognito._signin``: the sign-in engine as a pure state machine (no Cognito, no I/O).

A scripted prover stands in for the SRP arithmetic (tested against AWS's vectors in
``test_aws_srp``); these tests pin which call the engine asks for after each answer.
"""

from __future__ import annotations

import base64
from typing import Any, Mapping, Optional

import pytest

from pycognito import srp
from pycognito._signin import (
    AppClient,
    Call,
    ChoiceSignIn,
    CustomSignIn,
    SignIn,
    device_registration,
    refresh_call,
    rotating_refresh_call,
    run,
)
from pycognito.exceptions import (
    CustomChallengeException,
    SelectChallengeException,
    SoftwareTokenMFAChallengeException,
    UnsupportedChallengeException,
)

APP = AppClient("eu-west-1_Pool", "client", "secret")
TOKENS = {"AuthenticationResult": {"AccessToken": "a"}, "ResponseMetadata": {"RequestId": "r"}}


class Prover:
    """Records what the engine asks of it and answers with recognisable values."""

    def __init__(self) -> None:
        self.clock_offset = 0.0
        self.asked: list[str] = []

    def get_auth_params(self) -> dict[str, str]:
        self.asked.append("start")
        return {"USERNAME": "typed", "SRP_A": "abc"}

    def process_challenge(
        self, challenge_parameters: Mapping[str, str],
        request_parameters: Optional[Mapping[str, str]] = None,
    ) -> dict[str, str]:
        assert request_parameters == {"USERNAME": "typed", "SRP_A": "abc"}
        self.asked.append("password")
        return {"USERNAME": challenge_parameters["USERNAME"], "PASSWORD_CLAIM_SIGNATURE": "p"}

    def device_auth_params(self, username: str) -> dict[str, str]:
        self.asked.append(f"device-start:{username}")
        return {"USERNAME": username, "DEVICE_KEY": "dk", "SRP_A": "def"}

    def process_device_challenge(self, challenge_parameters: Mapping[str, str]) -> dict[str, str]:
        self.asked.append("device")
        return {"USERNAME": "real", "PASSWORD_CLAIM_SIGNATURE": "d", "DEVICE_KEY": "dk"}


def _challenge(name: str, session: str = "s", **params: str) -> dict[str, Any]:
    return {"ChallengeName": name, "Session": session, "ChallengeParameters": params}


def test_start_adds_username_secret_hash_device_key_and_metadata() -> None:
    flow = SignIn(APP, "bob", auth_flow="CUSTOM_AUTH", device_key="dk",
                  client_metadata={"k": "v"})
    call = flow.start({})
    assert call == Call("initiate_auth", {
        "AuthFlow": "CUSTOM_AUTH",
        "AuthParameters": {"USERNAME": "bob", "DEVICE_KEY": "dk",
                           "SECRET_HASH": srp.secret_hash("bob", "client", "secret")},
        "ClientId": "client",
        "ClientMetadata": {"k": "v"},
    })
    assert "secret" not in repr(call) and "SECRET_HASH" not in repr(call)


def test_admin_flows_use_the_admin_api_throughout() -> None:
    flow = SignIn(AppClient("eu-west-1_Pool", "client"), "bob",
                  auth_flow="ADMIN_USER_PASSWORD_AUTH")
    call = flow.start({"PASSWORD": "pw"})
    assert call.operation == "admin_initiate_auth"
    assert call.params["UserPoolId"] == "eu-west-1_Pool"
    assert "SECRET_HASH" not in call.params["AuthParameters"]
    with pytest.raises(SoftwareTokenMFAChallengeException) as raised:
        flow.receive(_challenge("SOFTWARE_TOKEN_MFA", USERNAME="bob-real"))
    pending = raised.value.get_tokens()
    assert pending["AuthFlow"] == "ADMIN_USER_PASSWORD_AUTH" and pending["Username"] == "bob"
    again = SignIn(AppClient("eu-west-1_Pool", "client"), None, auth_flow=pending["AuthFlow"])
    answer = again.answer(pending, {"SOFTWARE_TOKEN_MFA_CODE": "123456"})
    assert answer == Call("admin_respond_to_auth_challenge", {
        "UserPoolId": "eu-west-1_Pool",
        "ClientId": "client",
        "ChallengeName": "SOFTWARE_TOKEN_MFA",
        "ChallengeResponses": {"USERNAME": "bob-real", "SOFTWARE_TOKEN_MFA_CODE": "123456"},
        "Session": "s",
    })


def test_srp_login_then_tokens() -> None:
    prover = Prover()
    flow = SignIn(APP, "typed", auth_flow="USER_SRP_AUTH", prover=prover)
    first = flow.start_srp()
    assert first.params["AuthParameters"] == {"USERNAME": "typed", "SRP_A": "abc"}
    second = flow.receive(_challenge("PASSWORD_VERIFIER", "s1", USERNAME="real"))
    assert isinstance(second, Call) and second.operation == "respond_to_auth_challenge"
    assert second.params["ChallengeResponses"] == {"USERNAME": "real",
                                                   "PASSWORD_CLAIM_SIGNATURE": "p"}
    assert second.params["Session"] == "s1"
    assert flow.username == "real"
    assert flow.receive(TOKENS) == {"AuthenticationResult": {"AccessToken": "a"}}
    assert prover.asked == ["start", "password"]


def test_start_srp_needs_a_prover() -> None:
    with pytest.raises(ValueError, match="prover"):
        SignIn(APP, "bob", auth_flow="USER_SRP_AUTH").start_srp()


def test_password_verifier_outside_an_srp_start_is_not_answered() -> None:
    flow = SignIn(APP, "bob", auth_flow="CUSTOM_AUTH", prover=Prover())
    flow.start({})
    with pytest.raises(UnsupportedChallengeException) as raised:
        flow.receive(_challenge("PASSWORD_VERIFIER"))
    assert raised.value.get_tokens()["AuthFlow"] == "CUSTOM_AUTH"


def test_device_challenges_in_any_order_after_mfa() -> None:
    """MFA first, then the device exchange: the order is Cognito's, not assumed."""
    prover = Prover()
    flow = SignIn(APP, "typed", auth_flow="USER_SRP_AUTH", prover=prover, device_key="dk")
    flow.start_srp()
    flow.receive(_challenge("PASSWORD_VERIFIER", USERNAME="real"))
    with pytest.raises(SoftwareTokenMFAChallengeException) as raised:
        flow.receive(_challenge("SOFTWARE_TOKEN_MFA", "s2", USERNAME="real"))
    pending = raised.value.get_tokens()
    assert pending["Username"] == "real" and pending["AuthFlow"] == "USER_SRP_AUTH"
    answer = flow.answer(pending, {"SOFTWARE_TOKEN_MFA_CODE": "123456"})
    assert answer.params["ChallengeResponses"]["DEVICE_KEY"] == "dk"
    assert "SECRET_HASH" in answer.params["ChallengeResponses"]
    start = flow.receive(_challenge("DEVICE_SRP_AUTH", "s3", USERNAME="real"))
    assert isinstance(start, Call)
    assert start.params["ChallengeName"] == "DEVICE_SRP_AUTH"
    assert start.params["Session"] == "s3"
    proof = flow.receive(_challenge("DEVICE_PASSWORD_VERIFIER", "s4"))
    assert isinstance(proof, Call) and proof.params["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    assert flow.receive(TOKENS)["AuthenticationResult"] == {"AccessToken": "a"}
    assert prover.asked == ["start", "password", "device-start:real", "device"]


def test_device_challenge_without_a_device_is_a_clear_error() -> None:
    flow = SignIn(APP, "bob", auth_flow="USER_SRP_AUTH", prover=Prover())
    flow.start_srp()
    with pytest.raises(UnsupportedChallengeException, match="device_password") as raised:
        flow.receive(_challenge("DEVICE_SRP_AUTH"))
    assert raised.value.get_tokens()["ChallengeName"] == "DEVICE_SRP_AUTH"


def test_out_of_order_or_repeated_challenges_are_raised_not_looped() -> None:
    flow = SignIn(APP, "bob", auth_flow="USER_SRP_AUTH", prover=Prover(), device_key="dk")
    flow.start_srp()
    with pytest.raises(UnsupportedChallengeException, match="DEVICE_PASSWORD_VERIFIER"):
        flow.receive(_challenge("DEVICE_PASSWORD_VERIFIER"))
    flow.receive(_challenge("PASSWORD_VERIFIER", USERNAME="bob"))
    with pytest.raises(UnsupportedChallengeException, match="PASSWORD_VERIFIER"):
        flow.receive(_challenge("PASSWORD_VERIFIER", USERNAME="bob"))


def test_the_clock_offset_comes_from_the_first_answer() -> None:
    prover = Prover()
    flow = SignIn(APP, "bob", auth_flow="USER_SRP_AUTH", prover=prover)
    flow.start_srp()
    dated = {**_challenge("PASSWORD_VERIFIER", USERNAME="bob"),
             "ResponseMetadata": {"HTTPHeaders": {"date": "Mon, 01 Jan 2001 00:00:00 GMT"}}}
    flow.receive(dated)
    assert prover.clock_offset < -3600 * 24 * 365  # Cognito's clock is far behind ours


def test_run_drives_a_client() -> None:
    class Client:
        def __init__(self) -> None:
            self.calls: list[str] = []

        def initiate_auth(self, **kwargs: Any) -> dict[str, Any]:
            self.calls.append("initiate_auth")
            return _challenge("PASSWORD_VERIFIER", USERNAME="real")

        def respond_to_auth_challenge(self, **kwargs: Any) -> dict[str, Any]:
            self.calls.append(kwargs["ChallengeName"])
            return TOKENS

    client = Client()
    flow = SignIn(APP, "typed", auth_flow="USER_SRP_AUTH", prover=Prover())
    assert run(flow, flow.start_srp(), client)["AuthenticationResult"] == {"AccessToken": "a"}
    assert client.calls == ["initiate_auth", "PASSWORD_VERIFIER"]


def test_refresh_calls() -> None:
    call = refresh_call(APP, "r", "bob", "dk")
    assert call.operation == "initiate_auth"
    assert call.params["AuthParameters"] == {
        "REFRESH_TOKEN": "r", "DEVICE_KEY": "dk",
        "SECRET_HASH": srp.secret_hash("bob", "client", "secret"),
    }
    with pytest.raises(ValueError, match="username"):
        refresh_call(APP, "r", None, None)
    plain = refresh_call(AppClient("eu-west-1_Pool", "client"), "r", None, None)
    assert plain.params["AuthParameters"] == {"REFRESH_TOKEN": "r"}
    assert rotating_refresh_call(APP, "r", "dk") == Call("get_tokens_from_refresh_token", {
        "ClientId": "client", "RefreshToken": "r", "ClientSecret": "secret", "DeviceKey": "dk"})


def test_device_registration() -> None:
    drawn: list[int] = []

    def random(size: int) -> bytes:
        drawn.append(size)
        return bytes(range(size))

    call, password = device_registration("access", {"DeviceKey": "k", "DeviceGroupKey": "g"},
                                         "my phone", random)
    assert drawn == [40, 16]
    assert password == base64.b64encode(bytes(range(40))).decode()
    assert call.operation == "confirm_device"
    assert call.params["DeviceSecretVerifierConfig"] == srp.device_verifier(
        device_group_key="g", device_key="k", device_password=password, salt=bytes(range(16)))
    assert call.params["DeviceName"] == "my phone" and call.params["AccessToken"] == "access"
    with pytest.raises(ValueError, match="NewDeviceMetadata"):
        device_registration("access", {"DeviceKey": "k"}, "x", random)


# -- CUSTOM_AUTH and USER_AUTH --------------------------------------------------------------


class AnyRequestProver(Prover):
    """A prover that does not pin the first call's parameters."""

    def process_challenge(
        self, challenge_parameters: Mapping[str, str],
        request_parameters: Optional[Mapping[str, str]] = None,
    ) -> dict[str, str]:
        self.asked.append("password")
        return {"USERNAME": challenge_parameters["USERNAME"], "PASSWORD_CLAIM_SIGNATURE": "p"}


def test_custom_auth_starting_with_srp_answers_the_verifier_then_raises_custom() -> None:
    prover = AnyRequestProver()
    flow = CustomSignIn(AppClient("eu-west-1_Pool", "client"), "typed", prover=prover)
    first = flow.start_custom(with_srp=True)
    assert first.params["AuthFlow"] == "CUSTOM_AUTH"
    assert first.params["AuthParameters"] == {"USERNAME": "typed", "SRP_A": "abc",
                                              "CHALLENGE_NAME": "SRP_A"}
    second = flow.receive(_challenge("PASSWORD_VERIFIER", USERNAME="real"))
    assert isinstance(second, Call) and second.params["ChallengeName"] == "PASSWORD_VERIFIER"
    with pytest.raises(CustomChallengeException) as raised:
        flow.receive(_challenge("CUSTOM_CHALLENGE", "s2", USERNAME="real", question="2+2"))
    assert raised.value.get_tokens()["AuthFlow"] == "CUSTOM_AUTH"
    assert raised.value.challenge_parameters["question"] == "2+2"
    assert prover.asked == ["start", "password"]


def test_custom_auth_without_srp_needs_no_prover() -> None:
    flow = CustomSignIn(AppClient("eu-west-1_Pool", "client"), "bob")
    assert flow.start_custom().params["AuthParameters"] == {"USERNAME": "bob"}
    with pytest.raises(ValueError, match="prover"):
        flow.start_custom(with_srp=True)


def test_user_auth_preferences_and_select_challenge() -> None:
    app = AppClient("eu-west-1_Pool", "client")
    assert ChoiceSignIn(app, "bob").start_choice().params["AuthParameters"] == {"USERNAME": "bob"}
    password = ChoiceSignIn(app, "bob").start_choice("PASSWORD", "pw")
    assert password.params["AuthParameters"] == {"USERNAME": "bob", "PASSWORD": "pw",
                                                 "PREFERRED_CHALLENGE": "PASSWORD"}
    flow = ChoiceSignIn(app, "bob")
    with pytest.raises(SelectChallengeException) as raised:
        flow.receive({**_challenge("SELECT_CHALLENGE", USERNAME="bob"),
                      "AvailableChallenges": ["PASSWORD", "EMAIL_OTP"]})
    assert raised.value.available_challenges == ["PASSWORD", "EMAIL_OTP"]
    pending = raised.value.get_tokens()
    assert pending["AuthFlow"] == "USER_AUTH"
    chosen = ChoiceSignIn(app, None).select(pending, "EMAIL_OTP")
    assert chosen.params["ChallengeName"] == "SELECT_CHALLENGE"
    assert chosen.params["ChallengeResponses"] == {"USERNAME": "bob", "ANSWER": "EMAIL_OTP"}
    with pytest.raises(ValueError, match="WEB_AUTHN"):
        flow.select(pending, "WEB_AUTHN")
    with pytest.raises(ValueError, match="password"):
        flow.select(pending, "PASSWORD")


def test_user_auth_password_srp_is_answered_by_the_prover() -> None:
    prover = AnyRequestProver()
    flow = ChoiceSignIn(AppClient("eu-west-1_Pool", "client"), "bob", prover=prover)
    pending = {**_challenge("SELECT_CHALLENGE", USERNAME="bob"), "AuthFlow": "USER_AUTH"}
    chosen = flow.select(pending, "PASSWORD_SRP")
    assert chosen.params["ChallengeResponses"] == {"USERNAME": "bob", "ANSWER": "PASSWORD_SRP",
                                                   "SRP_A": "abc"}
    verifier = flow.receive(_challenge("PASSWORD_VERIFIER", USERNAME="bob"))
    assert isinstance(verifier, Call) and verifier.params["ChallengeName"] == "PASSWORD_VERIFIER"
    assert flow.receive(TOKENS) == {"AuthenticationResult": {"AccessToken": "a"}}
