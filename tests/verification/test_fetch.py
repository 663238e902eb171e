"""The JWKS fetch: through ``requests`` (tools that intercept it and proxy settings apply), and a
whole-request deadline that holds however slowly the server answers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests_mock
import responses

from pycognito.exceptions import JWKSUnavailableError
from pycognito.verification import CognitoTokenVerifier, HttpFetcher, JwksCache

from .helpers import CLIENT_ID, POOL_ID, DrippingServer, JwksServer, id_claims, jwk_of, mint

AWS_JWKS = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}/.well-known/jwks.json"


@pytest.fixture
def dripping() -> Iterator[DrippingServer]:
    server = DrippingServer()
    yield server
    server.close()


def _verifier(url: str, timeout: float = 0.4) -> CognitoTokenVerifier:
    return CognitoTokenVerifier(
        POOL_ID, CLIENT_ID, jwks_url=url, jwks_cache=JwksCache(timeout=timeout, retries=1)
    )


def test_a_dripping_server_cannot_hold_verify_past_the_deadline(
    dripping: DrippingServer, key1: Any
) -> None:
    verifier = _verifier(dripping.url)
    token = mint(key1, id_claims())
    outcomes: list[tuple[float, BaseException]] = []
    first = time.monotonic()

    def verify(delay: float) -> None:
        time.sleep(delay)
        try:
            verifier.verify(token)
        except BaseException as exc:
            outcomes.append((time.monotonic() - first, exc))

    # four threads at once, then two that arrive during the first and the second attempt
    threads = [threading.Thread(target=verify, args=(delay,), daemon=True)
               for delay in (0, 0, 0, 0, 0.2, 0.6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=8)
    assert not any(thread.is_alive() for thread in threads), "verify() outlived its deadline"
    assert len(outcomes) == 6
    for ended, exc in outcomes:  # all end with the two attempts of 0.4 s (slack for a busy
        assert isinstance(exc, JWKSUnavailableError)  # machine); the server alone would hold
        assert ended < 2.5  # them for ever
    assert dripping.accepted == 2  # the late threads waited for the fetch under way
    deadline = time.monotonic() + 5
    while dripping.closed < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert dripping.closed == 2, "the abandoned fetches kept their connections open"


def test_requests_mock_intercepts_the_fetch(key1: Any) -> None:
    body = json.dumps({"keys": [jwk_of(key1, "k1")]})
    with requests_mock.Mocker() as mocker:
        mocker.get(AWS_JWKS, text=body)
        assert _verifier(AWS_JWKS).verify(mint(key1, id_claims()))["sub"]
        assert mocker.call_count == 1


@responses.activate
def test_responses_intercepts_the_fetch(key1: Any) -> None:
    responses.get(AWS_JWKS, json={"keys": [jwk_of(key1, "k1")]})
    assert _verifier(AWS_JWKS).verify(mint(key1, id_claims()))["sub"]
    assert len(responses.calls) == 1


def test_proxy_variables_apply(
    server: JwksServer, monkeypatch: pytest.MonkeyPatch, key1: Any
) -> None:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.base)  # the loopback server plays the proxy
    url = f"http://jwks.example.invalid/{POOL_ID}/.well-known/jwks.json"
    assert _verifier(url).verify(mint(key1, id_claims()))["sub"]
    assert server.paths == [url]  # a proxy receives the absolute URL


def test_redirects_are_not_followed_and_big_bodies_refused(server: JwksServer) -> None:
    with requests_mock.Mocker(real_http=True) as mocker:
        mocker.get("http://jwks.example.invalid/moved", status_code=302,
                   headers={"Location": server.url()})
        with pytest.raises(JWKSUnavailableError, match="302"):
            HttpFetcher()("http://jwks.example.invalid/moved", 1.0)
    assert server.requests == 0
    server.body = b" " * 2048
    with pytest.raises(JWKSUnavailableError, match="too large"):
        HttpFetcher(max_bytes=1024)(server.url(), 1.0)


def _self_signed(tmp_path: Any) -> tuple[str, str]:
    """A certificate for 127.0.0.1 and its key, as PEM files: (cert, key)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    from .helpers import new_key as rsa_key

    key = rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pycognito test CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(
            "127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_requests_ca_bundle_applies(
    server: JwksServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, key1: Any
) -> None:
    import ssl

    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    url = server.url().replace("http://", "https://")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    with pytest.raises(JWKSUnavailableError, match="SSLError"):  # not trusted by default
        HttpFetcher()(url, 2.0)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
    assert _verifier(url, timeout=2.0).verify(mint(key1, id_claims()))["sub"]
