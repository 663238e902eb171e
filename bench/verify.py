"""Benchmark: the cost of verifying a Cognito id + access token pair.

(a) build a ``pycognito.Cognito`` from stored tokens and call ``verify_tokens()`` (warm caches);
(b) verify both tokens again on the same ``CognitoTokenVerifier``;
(c) two bare ``jwt.decode`` calls (PyJWT) with a pre-built key, checking audience and issuer;
(d) two raw RSA-2048 PKCS#1 v1.5 / SHA-256 signature checks (``cryptography``).

Targets: (b) <= 1.3x (c), (a) <= 1.6x (c). Also counts JWKS fetches for 1,000 verifier and
``Cognito`` instances of one pool served from a loopback JWKS server (target: 1).
Medians of many rounds, all in one run, no network but loopback.
"""

from __future__ import annotations

import base64
import json
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pycognito.verification import (
    CognitoTokenVerifier,
    JwksCache,
    cognito_issuer,
    default_cache,
    shared_verifier,
)

REGION = "eu-west-1"
POOL_ID = "eu-west-1_BenchPool"
CLIENT_ID = "benchclient0123456789abcd"
ISSUER = cognito_issuer(POOL_ID)
AWS_JWKS_URL = f"{ISSUER}/.well-known/jwks.json"
ROUNDS = 301
BATCH = 20


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(key: rsa.RSAPrivateKey, kid: str, claims: dict[str, Any]) -> str:
    head = b64url(json.dumps({"kid": kid, "alg": "RS256"}).encode())
    body = b64url(json.dumps(claims).encode())
    sig = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64url(sig)}"


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, str]:
    nums = key.public_key().public_numbers()
    return {
        "kid": kid,
        "alg": "RS256",
        "kty": "RSA",
        "use": "sig",
        "e": b64url(nums.e.to_bytes(3, "big")),
        "n": b64url(nums.n.to_bytes(256, "big")),
    }


def tokens(id_key: rsa.RSAPrivateKey, access_key: rsa.RSAPrivateKey) -> tuple[str, str]:
    now = int(time.time())
    common = {
        "sub": "0b6a1e2c-1111-4222-8333-444455556666",
        "iss": ISSUER,
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "origin_jti": "f" * 36,
        "jti": "e" * 36,
        "event_id": "d" * 36,
        "cognito:groups": ["staff"],
    }
    id_token = mint(
        id_key,
        "id-kid",
        {
            **common,
            "aud": CLIENT_ID,
            "token_use": "id",
            "cognito:username": "alice",
            "email": "alice@example.com",
            "email_verified": True,
        },
    )
    access_token = mint(
        access_key,
        "access-kid",
        {
            **common,
            "client_id": CLIENT_ID,
            "token_use": "access",
            "username": "alice",
            "scope": "aws.cognito.signin.user.admin",
        },
    )
    return id_token, access_token


def per_call_us(fn: Callable[[], object], rounds: int = ROUNDS, batch: int = BATCH) -> float:
    """Median over ``rounds`` of the mean time of ``batch`` calls, in microseconds."""
    for _ in range(batch * 5):
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter_ns() - start) / batch / 1000)
    return statistics.median(samples)


class CountingJwksServer:
    """A loopback JWKS server that counts GET requests."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        body = json.dumps(jwks).encode()
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def load_cognito() -> tuple[Optional[Any], str]:
    try:
        from pycognito import Cognito  # type: ignore[attr-defined]
    except Exception as exc:  # the facade is written elsewhere; the bench must still run
        return None, f"pycognito.Cognito not importable ({type(exc).__name__})"
    return Cognito, ""


def main() -> int:
    id_key, access_key = (
        rsa.generate_private_key(65537, 2048),
        rsa.generate_private_key(65537, 2048),
    )
    jwks = {"keys": [jwk(id_key, "id-kid"), jwk(access_key, "access-kid")]}
    id_token, access_token = tokens(id_key, access_key)
    # Warm the process-wide cache for the pool's AWS JWKS URL: nothing is fetched below.
    default_cache().add_jwks(AWS_JWKS_URL, jwks)

    # (b) one verifier, verified again and again (token cache on: the default).
    verifier = shared_verifier(POOL_ID, None, CLIENT_ID)

    def run_b() -> None:
        verifier.verify(id_token, "id", access_token=access_token)
        verifier.verify(access_token, "access")

    cold = CognitoTokenVerifier(POOL_ID, CLIENT_ID, token_cache_size=0)

    def run_b_nocache() -> None:
        cold.verify(id_token, "id", access_token=access_token)
        cold.verify(access_token, "access")

    # (c) PyJWT with pre-built keys, audience and issuer checks.
    id_pub, access_pub = id_key.public_key(), access_key.public_key()

    def run_c() -> None:
        jwt.decode(id_token, id_pub, algorithms=["RS256"], audience=CLIENT_ID, issuer=ISSUER)
        jwt.decode(access_token, access_pub, algorithms=["RS256"], issuer=ISSUER)

    # (d) raw RSA checks on pre-split inputs.
    def split(token: str) -> tuple[bytes, bytes]:
        head, body, sig = token.split(".")
        return f"{head}.{body}".encode(), base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))

    (id_in, id_sig), (ac_in, ac_sig) = split(id_token), split(access_token)
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

    def run_d() -> None:
        id_pub.verify(id_sig, id_in, pkcs1, sha256)
        access_pub.verify(ac_sig, ac_in, pkcs1, sha256)

    # (a) the facade, built per request from stored tokens.
    cognito_cls, why = load_cognito()
    run_a: Optional[Callable[[], None]] = None
    if cognito_cls is not None:

        def run_a_impl() -> None:
            user = cognito_cls(
                POOL_ID,
                CLIENT_ID,
                id_token=id_token,
                access_token=access_token,
                refresh_token="r" * 40,
            )
            user.verify_tokens()

        try:
            run_a_impl()
            run_a = run_a_impl
        except Exception as exc:
            why = f"Cognito(...).verify_tokens() failed: {type(exc).__name__}: {exc}"[:160]

    results: dict[str, Optional[float]] = {
        "c": per_call_us(run_c),
        "d": per_call_us(run_d),
        "b": per_call_us(run_b),
        "b0": per_call_us(run_b_nocache),
        "a": per_call_us(run_a) if run_a is not None else None,
    }
    c = results["c"]
    assert c is not None
    rows = [
        ("a", "Cognito(stored tokens) + verify_tokens(), warm caches"),
        ("b", "same verifier, both tokens again (token cache hit)"),
        ("b0", "same verifier, token cache off (full parse + 2 RSA)"),
        ("c", "2x jwt.decode, pre-built key, aud+iss checks (PyJWT)"),
        ("d", "2x raw RSA-2048 verify (cryptography)"),
    ]
    print(
        f"Python {sys.version.split()[0]}, PyJWT {jwt.__version__}; median of {ROUNDS} rounds "
        f"x {BATCH} calls, per id+access pair"
    )
    print(f"{'case':<5} {'what':<55} {'us/pair':>9} {'vs (c)':>7} {'target':>7}")
    targets = {"a": 1.6, "b": 1.3}
    for name, label in rows:
        value = results[name]
        target = f"<={targets[name]}x" if name in targets else ""
        if value is None:
            print(f"({name:<2}) {label:<55} {'n/a':>9} {'n/a':>7} {target:>7}")
        else:
            print(f"({name:<2}) {label:<55} {value:9.1f} {value / c:6.2f}x {target:>7}")
    if run_a is None:
        print(f"     (a) n/a: {why}")
    print(
        "Note: (a) and (b) use the verifier's token cache of signature-verified tokens: bounded\n"
        "(1,024 per verifier), keyed by the full token string, one cache per verifier\n"
        "configuration; on every hit all claims (exp/nbf included) are checked again and the key\n"
        "must still be in the JWKS. (b0) is the same verifier with the cache off."
    )

    # JWKS fetches for 1,000 instances of one pool.
    server = CountingJwksServer(jwks)
    try:
        cache = JwksCache()
        url = f"{server.base}/{POOL_ID}/.well-known/jwks.json"
        for _ in range(1000):
            v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=url, jwks_cache=cache)
            v.verify(id_token, "id")
            v.verify(access_token, "access")
        verifier_fetches = server.requests
        print(
            f"JWKS fetches for 1,000 CognitoTokenVerifier instances of one pool: "
            f"{verifier_fetches} (target 1)"
        )
        if cognito_cls is not None and run_a is not None:
            before = server.requests
            failure = ""
            try:
                for _ in range(1000):
                    user = cognito_cls(
                        POOL_ID,
                        CLIENT_ID,
                        id_token=id_token,
                        access_token=access_token,
                        boto3_client_kwargs={"endpoint_url": server.base},
                    )
                    user.verify_tokens()
            except Exception as exc:
                failure = f" (stopped: {type(exc).__name__}: {exc})"[:160]
            print(
                f"JWKS fetches for 1,000 Cognito instances (endpoint_url on loopback): "
                f"{server.requests - before} (target 1){failure}"
            )
        else:
            print("JWKS fetches for 1,000 Cognito instances: n/a (facade not available)")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
