"""The pure SRP primitives against AWS's own client (known answers), on every backend."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from shutil import which
from typing import Any

import pytest

from pycognito import srp
from pycognito.exceptions import SRPError

from . import vectors


@pytest.fixture(params=srp.available_backends(), autouse=True)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run every test on each big-integer backend (gmpy2 when installed, and plain ints)."""
    previous = srp.backend_name()
    srp.use_backend(request.param)
    yield request.param
    srp.use_backend(previous)


def test_both_backends_are_exercised_when_gmpy2_is_installed() -> None:
    pytest.importorskip("gmpy2")
    assert srp.available_backends() == ["gmpy2", "python"]


def test_constants() -> None:
    constants = vectors.load()["constants"]
    assert srp.N == int(constants["N_hex"], 16)
    assert srp.G == int(constants["g_hex"], 16)
    assert srp.K == int(constants["k_hex"], 16)
    assert srp.pad_hex(srp.N) == constants["N_padhex"]
    assert srp.pad_hex(srp.G) == constants["g_padhex"]
    assert (srp.HKDF_INFO + b"\x01").hex() == constants["hkdf_info_block_hex"]


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, "00"),
        (0x7F, "7f"),
        (0x80, "0080"),
        (0x8, "08"),
        (0xFFF, "0fff"),
        (0x7FFF, "7fff"),
        (-1, "ff"),
        (-128, "80"),
        (-129, "ff7f"),
        (-32768, "8000"),
        (-32769, "ff7fff"),
    ],
)
def test_pad_hex(value: int, encoded: str) -> None:
    assert srp.pad_hex(value) == encoded
    assert int.from_bytes(bytes.fromhex(encoded), "big", signed=True) == value


@pytest.mark.parametrize("stamp", vectors.load()["timestamp_vectors"], ids=lambda s: s["iso_utc"])
def test_timestamp(stamp: dict[str, Any]) -> None:
    moment = datetime.fromtimestamp(stamp["epoch_ms"] / 1000, timezone.utc)
    assert srp.timestamp(moment) == stamp["TIMESTAMP"]
    # An aware time in another zone is the same instant.
    assert srp.timestamp(moment.astimezone(timezone(timedelta(hours=-7)))) == stamp["TIMESTAMP"]
    # A naive time is taken to be UTC.
    assert srp.timestamp(moment.replace(tzinfo=None)) == stamp["TIMESTAMP"]


def _compile_german_locale(tmp_path: Path) -> Path:
    if which("localedef") is None:
        pytest.skip("localedef is not installed")
    target = tmp_path / "de_DE.UTF-8"
    result = subprocess.run(
        ["localedef", "-i", "de_DE", "-f", "UTF-8", str(target)], capture_output=True, check=False
    )
    if not target.exists():
        pytest.skip(f"cannot build a German locale: {result.stderr.decode(errors='replace')}")
    return tmp_path


def test_timestamp_ignores_a_non_english_lc_time(tmp_path: Path) -> None:
    locpath = _compile_german_locale(tmp_path)
    script = textwrap.dedent(
        """
        import locale, time
        from datetime import datetime, timezone
        locale.setlocale(locale.LC_ALL, "")
        assert time.strftime("%a", time.gmtime(0)) == "Do", "the German locale is not active"
        from pycognito import srp
        from pycognito.aws_srp import AWSSRP
        moment = datetime(2026, 11, 3, 1, 2, 3, tzinfo=timezone.utc)
        print(srp.timestamp(moment))
        print(AWSSRP.get_cognito_formatted_timestamp(moment))
        """
    )
    env = {**os.environ, "LOCPATH": str(locpath), "LC_ALL": "de_DE.UTF-8"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines() == ["Tue Nov 3 01:02:03 UTC 2026"] * 2


@pytest.mark.parametrize(
    "entry", vectors.load()["secret_hash_vectors"], ids=lambda e: e["username"]
)
def test_secret_hash(entry: dict[str, Any]) -> None:
    assert (
        srp.secret_hash(entry["username"], entry["client_id"], entry["client_secret"])
        == entry["SECRET_HASH"]
    )


def _auth_intermediates(case: dict[str, Any]) -> dict[str, Any]:
    inter: dict[str, Any] = case["intermediate"]
    return inter["device_auth"] if case["flow"] == "device_srp" else inter


def _identity(case: dict[str, Any]) -> tuple[str, str, str]:
    inputs = case["inputs"]
    if case["flow"] == "device_srp":
        return inputs["device_group_key"], inputs["device_key"], vectors.device_password(case)
    params = inputs["challenge_parameters"]
    return inputs["user_pool_id"].split("_", 1)[1], params["USER_ID_FOR_SRP"], inputs["password"]


@pytest.mark.parametrize("case", vectors.case_params())
def test_intermediates(case: dict[str, Any]) -> None:
    inter = _auth_intermediates(case)
    params = case["inputs"]["challenge_parameters"]
    prefix, identity, password = _identity(case)
    small_a = vectors.small_a(case)
    big_a = srp.calculate_a(small_a)
    big_b = srp.parse_hex(params["SRP_B"])
    salt = srp.parse_hex(params["SALT"])

    assert inter["srp_identity_prefix"] == prefix
    assert format(big_a, "x") == inter["A_hex"]
    assert srp.pad_hex(big_a) == inter["A_padhex"]
    assert srp.pad_hex(big_b) == inter["B_padhex"]
    assert srp.pad_hex(salt) == inter["salt_padhex"]
    u = srp.calculate_u(big_a, big_b)
    assert format(u, "064x") == inter["u_hash_hex"]
    assert srp.pad_hex(u) == inter["u_padhex"]
    identity_string = f"{prefix}{identity}:{password}".encode()
    assert identity_string.hex() == inter["identity_string_utf8_hex"]
    assert srp.hex_hash(identity_string.hex()) == inter["identity_hash_hex"]
    x = srp.calculate_x(salt, prefix, identity, password)
    assert format(x, "x") == inter["x_hex"].lstrip("0")
    assert format(srp.verifier(x), "x") == inter["g_pow_x_hex"].lstrip("0")

    inputs = {"small_a": small_a, "big_b": big_b, "salt": salt, "identity_prefix": prefix,
              "identity": identity, "password": password}
    session = srp.client_session_key(**inputs)  # type: ignore[arg-type]
    assert session.u == u and session.x == x
    given_a = srp.client_session_key(**inputs, big_a=big_a)  # type: ignore[arg-type]
    assert given_a.key == session.key and given_a.shared_secret == session.shared_secret
    assert format(session.shared_secret, "x") == inter["S_hex"].lstrip("0")
    assert srp.pad_hex(session.shared_secret) == inter["S_padhex"]
    assert session.key.hex() == inter["hkdf_key_hex"]
    assert "redacted" in repr(session) and inter["hkdf_key_hex"] not in repr(session)

    message = (
        prefix.encode()
        + identity.encode()
        + __import__("base64").b64decode(params["SECRET_BLOCK"])
        + case["outputs"]["TIMESTAMP"].encode()
    )
    assert message.hex() == inter["signature_message_hex"]
    for name, size in inter["padded_lengths_bytes"].items():
        value = {"A": big_a, "B": big_b, "salt": salt, "u": u, "S": session.shared_secret}[name]
        assert len(bytes.fromhex(srp.pad_hex(value))) == size, name


@pytest.mark.parametrize("case", vectors.case_params())
def test_claim_signature(case: dict[str, Any]) -> None:
    inputs = case["inputs"]
    params = inputs["challenge_parameters"]
    stamp = srp.timestamp(vectors.moment(case))
    assert stamp == case["outputs"]["TIMESTAMP"]
    common = {
        "small_a": vectors.small_a(case),
        "srp_b": params["SRP_B"],
        "salt": params["SALT"],
        "secret_block": params["SECRET_BLOCK"],
        "timestamp": stamp,
    }
    if case["flow"] == "device_srp":
        claim = srp.device_claim(
            device_group_key=inputs["device_group_key"],
            device_key=inputs["device_key"],
            device_password=vectors.device_password(case),
            **common,
        )
        wrong = srp.device_claim(
            device_group_key=inputs["device_group_key"],
            device_key=inputs["device_key"],
            device_password=vectors.device_password(case) + "x",
            **common,
        )
    else:
        claim = srp.password_claim(
            pool_id=inputs["user_pool_id"],
            user_id_for_srp=params["USER_ID_FOR_SRP"],
            password=inputs["password"],
            **common,
        )
        wrong = srp.password_claim(
            pool_id=inputs["user_pool_id"],
            user_id_for_srp=params["USER_ID_FOR_SRP"],
            password=inputs["password"] + "!",
            **common,
        )
    assert claim == case["outputs"]["PASSWORD_CLAIM_SIGNATURE"]
    assert wrong != claim


@pytest.mark.parametrize("case", vectors.case_params("device_srp"))
def test_device_verifier(case: dict[str, Any]) -> None:
    inputs = case["inputs"]
    expected = case["intermediate"]["confirm_device"]
    password = vectors.device_password(case)
    assert password == expected["device_password"] == case["outputs"]["device_password"]
    config = srp.device_verifier(
        device_group_key=inputs["device_group_key"],
        device_key=inputs["device_key"],
        device_password=password,
        salt=bytes.fromhex(inputs["device_salt_random_hex"]),
    )
    assert config == case["outputs"]["confirm_device"]["DeviceSecretVerifierConfig"]


@pytest.mark.parametrize("case", vectors.case_params())
def test_server_side_reproduces_b_and_accepts_the_claim(case: dict[str, Any]) -> None:
    params = case["inputs"]["challenge_parameters"]
    small_b = int(case["server_side"]["small_b_hex"], 16)
    verifier = int(case["server_side"]["verifier_hex"], 16)
    assert srp.server_b(small_b=small_b, verifier_value=verifier) == int(params["SRP_B"], 16)
    big_a = int(case["outputs"]["SRP_A"], 16)
    server = srp.server_session_key(small_b=small_b, big_a=big_a, verifier_value=verifier)
    assert server.key.hex() == _auth_intermediates(case)["hkdf_key_hex"]


@pytest.mark.parametrize("bad_b", [0, srp.N, 2 * srp.N])
def test_refuses_b_that_is_zero_mod_n(bad_b: int) -> None:
    with pytest.raises(SRPError, match="SRP_B"):
        srp.password_claim(
            pool_id="us-east-1_Pool",
            user_id_for_srp="alice",
            password="pw",
            small_a=12345,
            srp_b=format(bad_b, "x"),
            salt="0a",
            secret_block="AAAA",
            timestamp="Tue Nov 3 01:02:03 UTC 2026",
        )
    assert issubclass(SRPError, ValueError)


def test_refuses_u_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    # No B with H(A|B) == 0 can be found, so force the hash result to exercise the guard.
    monkeypatch.setattr(srp, "calculate_u", lambda big_a, big_b: 0)
    with pytest.raises(SRPError, match="u is zero"):
        srp.client_session_key(
            small_a=3, big_b=5, salt=1, identity_prefix="p", identity="i", password="pw"
        )


@pytest.mark.parametrize(
    "field", [{"srp_b": "xyz"}, {"salt": ""}, {"salt": "-"}, {"secret_block": 5}]
)
def test_malformed_inputs_are_clear_value_errors(field: dict[str, str]) -> None:
    arguments = {
        "pool_id": "us-east-1_Pool",
        "user_id_for_srp": "alice",
        "password": "pw",
        "small_a": 12345,
        "srp_b": "abcdef",
        "salt": "0a",
        "secret_block": "AAAA",
        "timestamp": "Tue Nov 3 01:02:03 UTC 2026",
        **field,
    }
    with pytest.raises(SRPError):
        srp.password_claim(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("block", "signed"),
    [
        ("0f9a5fc2-63b1-4a8e-9f0e-4c2d1b7a8e31", "0f9a5fc263b14a8e9f0e4c2d1b7a8e31"),  # moto
        ("not base64!", None),
    ],
)
def test_any_secret_block_string_is_signed(block: str, signed: str | None) -> None:
    """The block is opaque to the client: a string that is not strict base64 is signed as the
    original client signed it (decoded leniently, else as its UTF-8 bytes)."""
    import base64

    def claim(secret_block: str) -> str:
        return srp.password_claim(
            pool_id="us-east-1_Pool", user_id_for_srp="alice", password="pw", small_a=12345,
            srp_b="abcdef", salt="0a", secret_block=secret_block,
            timestamp="Tue Nov 3 01:02:03 UTC 2026",
        )

    same_bytes = base64.b64decode(signed) if signed is not None else block.encode()
    assert claim(block) == claim(base64.b64encode(same_bytes).decode())
    assert claim(block) != claim("AAAA")


@pytest.mark.parametrize("big_a", [0, -1, srp.N, srp.N + 2])
def test_refuses_out_of_range_big_a(big_a: int) -> None:
    with pytest.raises(SRPError, match="SRP_A"):
        srp.client_session_key(
            small_a=3, big_b=5, salt=1, identity_prefix="p", identity="i", password="pw",
            big_a=big_a,
        )


def test_refuses_out_of_range_a() -> None:
    with pytest.raises(SRPError):
        srp.calculate_a(0)
    with pytest.raises(SRPError):
        srp.calculate_a(srp.N)


def test_fixed_base_table_matches_plain_pow() -> None:
    for exponent in (1, 2, 15, 16, 17, 2**1024 - 1, 2**1024, 2**1300 + 12345):
        assert srp.calculate_a(exponent % srp.N or 1) == pow(2, exponent % srp.N or 1, srp.N)
