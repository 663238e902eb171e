"""Test helpers for token verification: RSA keys, JWKs, token minting and a loopback JWKS server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

REGION = "eu-west-1"
POOL_ID = "eu-west-1_TestPool1"
CLIENT_ID = "client1abcdefghijklmnop"
OTHER_CLIENT_ID = "client2abcdefghijklmnop"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def int_b64(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def jwk_of(key: rsa.RSAPrivateKey, kid: str, **extra: Any) -> dict[str, Any]:
    numbers = key.public_key().public_numbers()
    jwk: dict[str, Any] = {
        "kty": "RSA",
        "kid": kid,
        "alg": "RS256",
        "use": "sig",
        "n": int_b64(numbers.n),
        "e": int_b64(numbers.e),
    }
    jwk.update(extra)
    return {k: v for k, v in jwk.items() if v is not None}


def sign(key: rsa.RSAPrivateKey, signing_input: bytes) -> bytes:
    return key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())


def encode_segments(header: Any, payload: Any) -> str:
    """base64url(JSON(header)) + "." + base64url(JSON(payload)); bytes are taken as-is."""

    def seg(value: Any) -> str:
        raw = value if isinstance(value, bytes) else json.dumps(value).encode()
        return b64url(raw)

    return f"{seg(header)}.{seg(payload)}"


def mint(
    key: rsa.RSAPrivateKey,
    payload: Any,
    *,
    kid: Optional[str] = "k1",
    alg: str = "RS256",
    header: Optional[dict[str, Any]] = None,
) -> str:
    """An RS256 token signed with ``key`` (header and payload may be anything JSON, or bytes)."""
    if header is None:
        header = {"kid": kid, "alg": alg}
        if kid is None:
            del header["kid"]
    signing_input = encode_segments(header, payload)
    return f"{signing_input}.{b64url(sign(key, signing_input.encode()))}"


def mint_hs256(secret: bytes, payload: Any, kid: str = "k1") -> str:
    signing_input = encode_segments({"kid": kid, "alg": "HS256"}, payload)
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(mac)}"


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def id_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "6c5e2f7e-0000-4000-8000-000000000001",
        "aud": CLIENT_ID,
        "iss": ISSUER,
        "token_use": "id",
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
        "cognito:username": "alice",
        "cognito:groups": ["admins", "staff"],
        "email": "alice@example.com",
        "identities": [{"providerName": "Google", "userId": "1"}],
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not _DROP}


def access_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "6c5e2f7e-0000-4000-8000-000000000001",
        "client_id": CLIENT_ID,
        "iss": ISSUER,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin openid email",
        "auth_time": now,
        "iat": now,
        "exp": now + 3600,
        "username": "alice",
        "cognito:groups": ["admins", "staff"],
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not _DROP}


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


#: Pass as a claim override to remove the claim.
_DROP: Any = _Drop()
DROP = _DROP


class JwksServer:
    """A loopback HTTP server that serves a JWKS and counts requests.

    Set ``jwks`` (a dict), or ``body`` (raw bytes), ``status``, ``delay`` (seconds before
    answering) and ``on_request`` (called before answering) to simulate failures.
    """

    def __init__(self) -> None:
        self.jwks: dict[str, Any] = {"keys": []}
        self.body: Optional[bytes] = None
        self.status = 200
        self.delay = 0.0
        self.requests = 0
        self.paths: list[str] = []
        self.on_request: Optional[Callable[[], None]] = None
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with server._lock:
                    server.requests += 1
                    server.paths.append(self.path)
                if server.on_request is not None:
                    server.on_request()
                if server.delay:
                    time.sleep(server.delay)
                body = server.body if server.body is not None else json.dumps(server.jwks).encode()
                try:
                    self.send_response(server.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def url(self, path: str = f"/{POOL_ID}/.well-known/jwks.json") -> str:
        return f"{self.base}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class DrippingServer:
    """Answers every request with a status line and then one header byte every ``interval``
    seconds, forever (with ``body=True``: whole headers announcing a long JSON body, then one
    byte of it every ``interval``); records when each connection was closed by the client."""

    def __init__(self, interval: float = 0.05, *, body: bool = False) -> None:
        self.interval = interval
        self.accepted = 0
        self.closed = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.url = f"{self.base}/jwks.json"
        self._start = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       b"Content-Length: 1000000\r\n\r\n{" if body
                       else b"HTTP/1.1 200 OK\r\nX-Slow: ")
        self._drop = b" " if body else b"a"
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(self._start)
                while not self._stop.is_set():
                    time.sleep(self.interval)
                    conn.sendall(self._drop)
            except OSError:  # the client shut the connection down
                self.closed += 1

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
