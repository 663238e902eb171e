"""The original package's public names that code imports or reads, restored.

``pycognito.aws_srp``'s helpers, constants and re-exported exceptions; ``Cognito.pool_jwk`` and
``pool_domain_url``; ``pycognito.camel_to_snake``/``snake_to_camel``; ``RequestsSrpAuth``'s
attributes. Where the original computed something, the expected values come from first
principles (hashlib, hmac, RFC 3526) or from :mod:`pycognito.srp`, never from the helper itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Callable

import pytest
import requests
import requests_mock

import pycognito
from pycognito import Cognito, srp
from pycognito.exceptions import (
    ForceChangePasswordException,
    InvalidValueError,
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
)
from pycognito.utils import RequestsSrpAuth, TokenType

from ..conftest import PoolInfo, UserInfo
from ..facade.conftest import client_kwargs
from ..verification.helpers import id_claims, jwk_of, mint, new_key

# -- pycognito.aws_srp ---------------------------------------------------------------------


def test_the_aws_srp_module_names_are_importable() -> None:
    from pycognito import aws_srp

    assert aws_srp.ForceChangePasswordException is ForceChangePasswordException
    assert aws_srp.SMSMFAChallengeException is SMSMFAChallengeException
    assert aws_srp.SoftwareTokenMFAChallengeException is SoftwareTokenMFAChallengeException
    prime = int(aws_srp.N_HEX, 16)  # RFC 3526's 3072-bit safe prime: 2^3072 - 2^3008 - 1 + ...
    assert prime.bit_length() == 3072 and pow(2, prime - 1, prime) == 1
    assert pow(2, (prime - 1) // 2 - 1, (prime - 1) // 2) == 1
    assert len(aws_srp.N_HEX) == 768 and aws_srp.N_HEX.startswith("FFFFFFFFFFFFFFFFC90FDAA2")
    assert aws_srp.N_HEX.endswith("FFFFFFFFFFFFFFFF")
    assert aws_srp.G_HEX == "2"
    assert aws_srp.INFO_BITS == bytearray(b"Caldera Derived Key")
    assert aws_srp.WEEKDAY_NAMES[0] == "Mon" and len(aws_srp.WEEKDAY_NAMES) == 7
    assert aws_srp.MONTH_NAMES[11] == "Dec" and len(aws_srp.MONTH_NAMES) == 12


def test_the_aws_srp_helpers_compute_what_the_original_did() -> None:
    from pycognito.aws_srp import (
        calculate_u,
        compute_hkdf,
        get_random,
        hash_sha256,
        hex_hash,
        hex_to_long,
        long_to_hex,
        pad_hex,
    )

    assert hash_sha256(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert hex_hash("00ff") == hashlib.sha256(b"\x00\xff").hexdigest()
    assert hex_to_long("ff") == 255 and long_to_hex(255) == "ff"
    # odd length -> "0"; a first digit of 8 or more -> "00"; strings keep their digits
    for value, padded in [(0x8, "08"), (0x80, "0080"), (0xFFF, "0fff"), (0x7F, "7f")]:
        assert pad_hex(value) == padded
    assert pad_hex("0001") == "0001" and pad_hex("abc") == "0abc" and pad_hex("FF") == "00FF"
    assert pad_hex(-1) == "ff"  # fixed: the original returned "-1", which no hash accepts
    ikm, salt = b"input key", b"salt"
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    assert compute_hkdf(ikm, salt) == hmac.new(
        prk, b"Caldera Derived Key\x01", hashlib.sha256
    ).digest()[:16]
    big_a, big_b = 0x80, 0x1234
    expected_u = int(hashlib.sha256(bytes.fromhex("0080" + "1234")).hexdigest(), 16)
    assert calculate_u(big_a, big_b) == expected_u
    draws = {get_random(16) for _ in range(8)}
    assert len(draws) == 8 and all(0 <= d < 2**128 for d in draws)


def test_awssrp_keeps_the_group_attributes() -> None:
    """The original's instances carried ``big_n``, ``g`` and ``k``; code doing its own SRP
    steps reads them."""
    from pycognito.aws_srp import AWSSRP, G_HEX, N_HEX, hex_hash, hex_to_long

    aws = AWSSRP(None, None, "us-east-1_Compat", "client", pool_region="us-east-1")
    assert (aws.big_n, aws.g) == (hex_to_long(N_HEX), hex_to_long(G_HEX))
    assert aws.k == hex_to_long(hex_hash("00" + N_HEX + "0" + G_HEX))
    assert aws.large_a_value == pow(aws.g, aws.small_a_value, aws.big_n)


def test_generate_hash_device_makes_a_verifier_for_its_password() -> None:
    from pycognito.aws_srp import generate_hash_device

    password, config = generate_hash_device("group-key", "device-key")
    assert len(base64.b64decode(password)) == 40
    salt = base64.b64decode(config["Salt"])
    # the verifier is g^x for x = H(salt | H(group + key + ":" + password))
    x = srp.calculate_x(int.from_bytes(salt, "big"), "group-key", "device-key", password)
    assert int.from_bytes(base64.b64decode(config["PasswordVerifier"]), "big") == pow(
        2, x, srp.N
    )
    assert generate_hash_device("group-key", "device-key")[0] != password


# -- pycognito ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("camel", "snake"),
    [("UserPoolId", "user_pool_id"), ("camelCase", "camel_case"), ("ABTest", "ab_test")],
)
def test_camel_to_snake(camel: str, snake: str) -> None:
    assert pycognito.camel_to_snake(camel) == snake


@pytest.mark.parametrize(
    ("snake", "camel"), [("user_pool_id", "UserPoolId"), ("token", "Token")]
)
def test_snake_to_camel(snake: str, camel: str) -> None:
    assert pycognito.snake_to_camel(snake) == camel


# -- Cognito.pool_jwk and pool_domain_url --------------------------------------------------


def test_pool_jwk_set_by_the_user_verifies_without_fetching(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ..verification.helpers import CLIENT_ID, POOL_ID

    key = new_key()
    token = mint(key, id_claims())
    user = Cognito(POOL_ID, CLIENT_ID)
    assert user.pool_jwk is None  # nothing loaded yet, and reading does not fetch
    user.pool_jwk = {"keys": [jwk_of(key, "k1")]}
    with requests_mock.Mocker() as mocker:  # any HTTP request would fail the test
        user.verify_token(token, "id_token", "id")
        assert not mocker.called
    assert user.id_claims is not None and user.id_claims["aud"] == CLIENT_ID
    assert user.pool_jwk == {"keys": [jwk_of(key, "k1")]}
    assert user.get_keys()["keys"][0]["kid"] == "k1"
    with pytest.raises(InvalidValueError):
        user.pool_jwk = {"nokeys": []}


def test_pool_jwk_shows_the_keys_once_loaded(pool: PoolInfo) -> None:
    user = Cognito(pool.pool_id, pool.client_id, boto3_client_kwargs=client_kwargs(pool))
    keys = user.get_keys()
    assert user.pool_jwk == keys and keys["keys"]


def test_pool_domain_url_is_the_endpoint_and_moves_the_key_fetch(
    pool: PoolInfo, make_user: Callable[..., UserInfo]
) -> None:
    user = Cognito(pool.pool_id, pool.client_id, boto3_client_kwargs=client_kwargs(pool))
    assert user.pool_domain_url == pool.endpoint_url
    assert user.user_pool_url == f"{pool.endpoint_url}/{pool.pool_id}"
    elsewhere = Cognito(pool.pool_id, pool.client_id)
    assert elsewhere.pool_domain_url is None
    elsewhere.pool_domain_url = pool.endpoint_url  # keys from the local server, client unchanged
    assert elsewhere.user_pool_url == f"{pool.endpoint_url}/{pool.pool_id}"
    assert elsewhere.get_keys() == user.get_keys()


# -- RequestsSrpAuth -----------------------------------------------------------------------


def test_requests_srp_auth_attributes(pool: PoolInfo, make_user: Callable[..., UserInfo]) -> None:
    alice = make_user(pool, "alice")
    cognito = Cognito(pool.pool_id, pool.client_id, username="alice",
                      client_secret=pool.client_secret, boto3_client_kwargs=client_kwargs(pool))
    auth = RequestsSrpAuth(cognito=cognito, password=alice.password, http_header="X-Token",
                           http_header_prefix="", auth_token_type=TokenType.ID_TOKEN)
    assert auth.cognito_client is cognito and auth.username == "alice"
    for bound in ("cognito_client", "username"):  # README: read-only, bound to that instance
        with pytest.raises(AttributeError):
            setattr(auth, bound, None)
    assert (auth.http_header, auth.http_header_prefix) == ("X-Token", "")
    assert auth.token_type is TokenType.ID_TOKEN
    with requests_mock.Mocker(real_http=True) as mocker:
        mocker.get("http://api.example.invalid/", text="ok")
        requests.get("http://api.example.invalid/", auth=auth, timeout=10)
        assert mocker.last_request.headers["X-Token"] == auth.cognito_client.id_token
    assert auth.cognito_client.access_token  # as the original's users read it
    auth.http_header, auth.http_header_prefix = "Authorization", "Bearer "
    auth.token_type = TokenType.ACCESS_TOKEN
    prepared = auth(requests.Request("GET", "http://api.example.invalid/").prepare())
    assert prepared.headers["Authorization"] == f"Bearer {cognito.access_token}"
