"""The server half of SRP (``pycognito.local._srp``) against AWS's known answers.

Each public vector case carries the server's ``b`` and the verifier: the local server must
reproduce ``SRP_B``, derive the same verifier from the password (users) or from ConfirmDevice's
DeviceSecretVerifierConfig (devices), accept the signature AWS's own client computed, and refuse
it with any single byte changed.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from pycognito import srp
from pycognito.local import _srp as server

from .. import vectors


def _challenge(case: dict[str, Any]) -> server.SrpChallenge:
    inputs, side = case["inputs"], case["server_side"]
    if case["flow"] == "user_srp":
        prefix = case["intermediate"]["srp_identity_prefix"]
        identity = inputs["challenge_parameters"]["USER_ID_FOR_SRP"]
        big_a = int(case["outputs"]["SRP_A"], 16)
    else:
        prefix, identity = inputs["device_group_key"], inputs["device_key"]
        big_a = int(case["outputs"]["device_srp_auth"]["ChallengeResponses"]["SRP_A"], 16)
    return server.SrpChallenge(
        small_b=int(side["small_b_hex"], 16),
        big_a=big_a,
        verifier=int(side["verifier_hex"], 16),
        prefix=prefix,
        identity=identity,
        secret_block=inputs["challenge_parameters"]["SECRET_BLOCK"],
    )


def _claim(case: dict[str, Any]) -> dict[str, str]:
    outputs = case["outputs"]
    request = (outputs["respond_to_auth_challenge"] if case["flow"] == "user_srp"
               else outputs["device_password_verifier"])
    return request["ChallengeResponses"]  # type: ignore[no-any-return]


@pytest.fixture(params=srp.available_backends())
def backend(request: pytest.FixtureRequest) -> Any:
    previous = srp.backend_name()
    srp.use_backend(request.param)
    yield request.param
    srp.use_backend(previous)


@pytest.mark.parametrize("case", vectors.case_params())
def test_server_reproduces_srp_b(case: dict[str, Any], backend: str) -> None:
    challenge = _challenge(case)
    assert int(challenge.srp_b_hex, 16) == int(case["inputs"]["challenge_parameters"]["SRP_B"], 16)
    assert challenge.srp_b_hex == format(int(challenge.srp_b_hex, 16), "x")  # no padding


@pytest.mark.parametrize("case", vectors.case_params("user_srp"))
def test_server_derives_the_user_verifier_from_the_password(case: dict[str, Any]) -> None:
    inputs = case["inputs"]
    verifier = server.password_verifier(
        salt_hex=inputs["challenge_parameters"]["SALT"],
        prefix=case["intermediate"]["srp_identity_prefix"],
        identity=inputs["challenge_parameters"]["USER_ID_FOR_SRP"],
        password=inputs["password"],
    )
    assert verifier == int(case["server_side"]["verifier_hex"], 16)


@pytest.mark.parametrize("case", vectors.case_params("device_srp"))
def test_server_reads_the_device_verifier_from_confirm_device(case: dict[str, Any]) -> None:
    config = case["outputs"]["confirm_device"]["DeviceSecretVerifierConfig"]
    verifier, salt_hex = server.device_verifier(config["PasswordVerifier"], config["Salt"])
    assert verifier == int(case["server_side"]["verifier_hex"], 16)
    assert int(salt_hex, 16) == int(case["inputs"]["challenge_parameters"]["SALT"], 16)


@pytest.mark.parametrize("case", vectors.case_params())
def test_server_accepts_aws_signature_and_refuses_any_changed_byte(
    case: dict[str, Any], backend: str
) -> None:
    challenge = _challenge(case)
    claim = _claim(case)
    block, stamp = claim["PASSWORD_CLAIM_SECRET_BLOCK"], claim["TIMESTAMP"]
    signature = claim["PASSWORD_CLAIM_SIGNATURE"]
    assert server.expected_signature(challenge, block, stamp) == signature
    assert server.claim_is_valid(challenge, secret_block=block, timestamp=stamp,
                                 signature=signature)
    raw = base64.b64decode(signature)
    for index in (0, len(raw) // 2, len(raw) - 1):
        tampered = bytearray(raw)
        tampered[index] ^= 0x01
        assert not server.claim_is_valid(
            challenge, secret_block=block, timestamp=stamp,
            signature=base64.b64encode(bytes(tampered)).decode())
    other_block = bytearray(base64.b64decode(block))
    other_block[3] ^= 0x80
    assert not server.claim_is_valid(challenge,
                                     secret_block=base64.b64encode(bytes(other_block)).decode(),
                                     timestamp=stamp, signature=signature)
    assert not server.claim_is_valid(challenge, secret_block=block,
                                     timestamp=stamp.replace("UTC", "GMT"), signature=signature)


def test_a_wrong_verifier_is_refused() -> None:
    case = vectors.cases("user_srp")[0]
    challenge = _challenge(case)
    challenge.verifier += 1
    claim = _claim(case)
    assert not server.claim_is_valid(challenge, secret_block=claim["PASSWORD_CLAIM_SECRET_BLOCK"],
                                     timestamp=claim["TIMESTAMP"],
                                     signature=claim["PASSWORD_CLAIM_SIGNATURE"])


@pytest.mark.parametrize("value", ["0", "", "zz", srp.pad_hex(srp.N), format(2 * srp.N, "x"), None,
                                   "-5", "+5", "0x5", "5_0", "5 5", "\u0665"])
def test_unusable_srp_a_is_refused(value: Any) -> None:
    assert server.parse_srp_a(value) is None


def test_srp_a_is_read_as_cognito_sends_it() -> None:
    assert server.parse_srp_a("00ab") == 0xAB
    assert server.parse_srp_a(" AB\n") == 0xAB  # surrounding whitespace, as srp.parse_hex


def test_challenges_are_random_and_hide_b() -> None:
    one = server.start(big_a=5, verifier=7, prefix="p", identity="i")
    two = server.start(big_a=5, verifier=7, prefix="p", identity="i")
    assert one.small_b != two.small_b and one.secret_block != two.secret_block
    assert len(base64.b64decode(one.secret_block)) >= 1000
    assert str(one.small_b) not in repr(one)


@pytest.mark.parametrize("stamp", vectors.load()["timestamp_vectors"], ids=lambda s: s["iso_utc"])
def test_timestamps_from_the_vectors_parse(stamp: dict[str, Any]) -> None:
    assert server.parse_timestamp(stamp["TIMESTAMP"]) == stamp["epoch_ms"] // 1000


@pytest.mark.parametrize("text", [
    "Tue Nov 03 01:02:03 UTC 2026",   # zero-padded day
    "Wed Nov 3 01:02:03 UTC 2026",    # wrong weekday
    "Tue Nov 3 1:02:03 UTC 2026",     # unpadded hour
    "Tue Nov 3 01:02:03 GMT 2026",
    "Tue Feb 30 01:02:03 UTC 2026",
    "",
])
def test_malformed_timestamps_are_refused(text: str) -> None:
    assert server.parse_timestamp(text) is None


def test_timestamp_window() -> None:
    moment = 1_793_667_723.0  # Tue Nov 3 01:02:03 UTC 2026
    stamp = "Tue Nov 3 01:02:03 UTC 2026"
    assert server.timestamp_is_fresh(stamp, moment + server.TIMESTAMP_TOLERANCE)
    assert not server.timestamp_is_fresh(stamp, moment + server.TIMESTAMP_TOLERANCE + 1)
    assert not server.timestamp_is_fresh(stamp, moment - server.TIMESTAMP_TOLERANCE - 1)


def test_salts_have_no_leading_zero_and_128_bits() -> None:
    for _ in range(50):
        salt = server.new_salt_hex()
        assert salt[0] != "0" and 31 <= len(salt) <= 32
