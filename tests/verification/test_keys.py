"""JWKS handling: single-flight fetches, unknown-kid refetch and penalty, rotation, one fetch for
many verifiers, JWKS down/slow/garbage, offline key sets, the shared factory, several pools."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from pycognito.exceptions import (
    JWKSUnavailableError,
    JWKSWaitPeriodError,
    TokenIssuerError,
    TokenKidNotFoundError,
    TokenVerificationException,
)
from pycognito.verification import (
    CognitoTokenVerifier,
    JwksCache,
    MultiPoolVerifier,
    default_cache,
    jwks_url_for_endpoint,
    shared_verifier,
)

from .helpers import (
    CLIENT_ID,
    ISSUER,
    POOL_ID,
    JwksServer,
    access_claims,
    id_claims,
    jwk_of,
    mint,
)

Make = Callable[..., CognitoTokenVerifier]


def test_single_flight(server: JwksServer, cache: JwksCache, key1: Any) -> None:
    gate = threading.Event()
    server.on_request = lambda: gate.wait(2)  # hold the first fetch until all threads wait
    verifiers = [
        CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
        for _ in range(5)
    ]
    token = mint(key1, id_claims())
    results: list[Any] = []
    start = threading.Barrier(40)

    def work(i: int) -> None:
        start.wait()
        try:
            results.append(verifiers[i % 5].verify(token)["sub"])
        except Exception as exc:  # pragma: no cover - reported below
            results.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    gate.set()
    for t in threads:
        t.join(10)
    assert len(results) == 40 and all(isinstance(r, str) for r in results), results
    assert server.requests == 1
    assert cache.fetch_count(server.url()) == 1


def test_single_flight_failure_is_shared(server: JwksServer, cache: JwksCache, key1: Any) -> None:
    server.status = 500
    gate = threading.Event()
    server.on_request = lambda: gate.wait(2)
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
    token = mint(key1, id_claims())
    errors: list[BaseException] = []

    def work() -> None:
        try:
            v.verify(token)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(10)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    gate.set()
    for t in threads:
        t.join(10)
    assert len(errors) == 10
    assert all(isinstance(e, (JWKSUnavailableError, JWKSWaitPeriodError)) for e in errors)
    assert server.requests == 2  # one fetch, retried once


def test_one_fetch_for_many_verifiers_of_one_pool(server: JwksServer, key1: Any) -> None:
    cache = JwksCache()
    token = mint(key1, access_claims())
    for _ in range(1000):
        v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
        v.verify(token, "access")
    assert server.requests == 1


def test_shared_verifier_is_memoised_and_fetches_once(server: JwksServer, key1: Any) -> None:
    url = server.url("/shared/jwks.json")
    token = mint(key1, access_claims())
    first = shared_verifier(POOL_ID, None, CLIENT_ID, jwks_url=url)
    for _ in range(1000):
        v = shared_verifier(POOL_ID, None, CLIENT_ID, jwks_url=url)
        assert v is first
        v.verify(token, "access")
    assert server.requests == 1
    assert shared_verifier(POOL_ID, None, "other", jwks_url=url) is not first
    assert shared_verifier(POOL_ID, None, [CLIENT_ID], jwks_url=url) is not first
    assert first.issuer == ISSUER
    default_cache().clear()


def test_shared_verifier_thread_safe() -> None:
    got: list[CognitoTokenVerifier] = []
    barrier = threading.Barrier(16)

    def work() -> None:
        barrier.wait()
        got.append(shared_verifier("us-east-1_Zz", None, "c", jwks_url="http://127.0.0.1:9/x"))

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(v) for v in got}) == 1


def test_unknown_kid_refetch_then_penalty(server: JwksServer, cache: JwksCache, key1: Any) -> None:
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
    v.verify(mint(key1, id_claims()))
    assert server.requests == 1
    with pytest.raises(TokenKidNotFoundError):
        v.verify(mint(key1, id_claims(), kid="forged-1"))
    assert server.requests == 2  # one refetch
    for i in range(50):  # a flood of forged kids does not reach the endpoint
        with pytest.raises(JWKSWaitPeriodError):
            v.verify(mint(key1, id_claims(), kid=f"forged-{i + 2}"))
    assert server.requests == 2
    assert v.verify(mint(key1, id_claims()))  # known kids keep working meanwhile


def test_penalty_expires(server: JwksServer, key1: Any, key3: Any) -> None:
    now = [1000.0]
    cache = JwksCache(penalty_seconds=10, clock=lambda: now[0])
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
    with pytest.raises(TokenKidNotFoundError):
        v.verify(mint(key3, id_claims(), kid="k3"))
    now[0] += 5
    with pytest.raises(JWKSWaitPeriodError):
        v.verify(mint(key3, id_claims(), kid="k3"))
    server.jwks["keys"].append(jwk_of(key3, "k3"))
    now[0] += 6
    assert v.verify(mint(key3, id_claims(), kid="k3"))
    assert server.requests == 2


def test_key_rotation(server: JwksServer, cache: JwksCache, key1: Any, key3: Any) -> None:
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
    old = mint(key1, id_claims())
    assert v.verify(old)
    server.jwks = {"keys": [jwk_of(key3, "k3")]}  # k1 retired, k3 introduced
    assert v.verify(mint(key3, id_claims(), kid="k3"))
    assert server.requests == 2
    # the retired key is gone, even for a token remembered in the token cache
    with pytest.raises(TokenKidNotFoundError):
        v.verify(old)
    assert server.requests == 3
    with pytest.raises(JWKSWaitPeriodError):
        v.verify(old)


def test_jwks_down(cache: JwksCache, key1: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: connections are refused
    v = CognitoTokenVerifier(
        POOL_ID, CLIENT_ID, jwks_url=f"http://127.0.0.1:{port}/jwks.json", jwks_cache=cache
    )
    with pytest.raises(JWKSUnavailableError):
        v.verify(mint(key1, id_claims()))
    with pytest.raises(JWKSUnavailableError, match="not retried"):  # not hammered
        v.verify(mint(key1, id_claims()))
    with pytest.raises(JWKSUnavailableError):
        v.hydrate()


def test_jwks_slow_times_out_and_retries_once(server: JwksServer, key1: Any) -> None:
    server.delay = 1.5
    cache = JwksCache(timeout=0.3)
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
    started = time.monotonic()
    with pytest.raises(JWKSUnavailableError):
        v.verify(mint(key1, id_claims()))
    assert time.monotonic() - started < 1.4
    time.sleep(0.05)
    assert server.requests == 2


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html>oops</html>",
        b"[]",
        b'{"keys": {}}',
        b'{"nokeys": []}',
        b"\xff\xfe",
        json.dumps({"keys": [{"kty": "RSA"}] * 101}).encode(),
    ],
)
def test_jwks_garbage(server: JwksServer, cache: JwksCache, key1: Any, body: bytes) -> None:
    server.body = body
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
    with pytest.raises(JWKSUnavailableError):
        v.verify(mint(key1, id_claims()))


def test_jwks_without_usable_keys(server: JwksServer, cache: JwksCache, key1: Any) -> None:
    server.jwks = {"keys": []}
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
    with pytest.raises(TokenKidNotFoundError):
        v.verify(mint(key1, id_claims()))


def test_retry_once_then_success(server: JwksServer, cache: JwksCache, key1: Any) -> None:
    calls: list[str] = []
    from pycognito.verification import HttpFetcher

    real = HttpFetcher()

    def flaky(url: str, timeout: float) -> bytes:
        calls.append(url)
        if len(calls) == 1:
            raise OSError("reset")
        return real(url, timeout)

    c = JwksCache(fetcher=flaky)
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=c)
    assert v.verify(mint(key1, id_claims()))
    assert len(calls) == 2 and server.requests == 1


@pytest.mark.parametrize("status", [404, 403, 301])
def test_client_errors_not_retried(
    server: JwksServer, cache: JwksCache, key1: Any, status: int
) -> None:
    server.status = status
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
    with pytest.raises(JWKSUnavailableError):
        v.verify(mint(key1, id_claims()))
    assert server.requests == 1


def test_non_http_urls_refused(cache: JwksCache, key1: Any, tmp_path: Any) -> None:
    path = tmp_path / "jwks.json"
    path.write_text('{"keys": []}')
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=path.as_uri(), jwks_cache=cache)
    with pytest.raises(JWKSUnavailableError):
        v.verify(mint(key1, id_claims()))


def test_hydrate_loads_ahead(server: JwksServer, cache: JwksCache, key1: Any) -> None:
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache)
    v.hydrate()
    assert server.requests == 1
    assert [k["kid"] for k in v.get_jwks()["keys"]] == ["k1", "k2"]
    server.status = 500
    assert v.verify(mint(key1, id_claims()))
    assert server.requests == 1


def test_prewarmed_cache(cache: JwksCache, key1: Any) -> None:
    url = "http://127.0.0.1:9/never-fetched.json"
    cache.add_jwks(url, {"keys": [jwk_of(key1, "k1")]})
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=url, jwks_cache=cache)
    assert v.verify(mint(key1, id_claims()))
    assert cache.fetch_count() == 0


# -- offline key sets ------------------------------------------------------------------------


def test_jwks_in_code_needs_no_network(key1: Any, key2: Any) -> None:
    cache = JwksCache(fetcher=lambda url, timeout: pytest.fail("fetched"))  # type: ignore[arg-type]
    v = CognitoTokenVerifier(
        POOL_ID, CLIENT_ID, jwks={"keys": [jwk_of(key1, "k1")]}, jwks_cache=cache
    )
    v.hydrate()
    assert v.verify(mint(key1, id_claims()))
    with pytest.raises(TokenKidNotFoundError):
        v.verify(mint(key2, id_claims(), kid="k2"))
    assert v.get_jwk("k1")["kid"] == "k1"
    with pytest.raises(JWKSUnavailableError):
        CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks={"nokeys": 1})


def test_cognito_jwks_env(monkeypatch: pytest.MonkeyPatch, key1: Any) -> None:
    url = "http://127.0.0.1:9/unreachable.json"
    monkeypatch.setenv("COGNITO_JWKS", json.dumps({"keys": [jwk_of(key1, "k1")]}))
    v = shared_verifier(POOL_ID, None, CLIENT_ID, jwks_url=url)
    assert v.verify(mint(key1, id_claims()))
    assert default_cache().fetch_count(url) == 0
    # a Python-literal value, as the original library parsed it, still works
    monkeypatch.setenv("COGNITO_JWKS", repr({"keys": [jwk_of(key1, "k1")]}))
    assert shared_verifier(POOL_ID, None, CLIENT_ID, jwks_url=url).verify(mint(key1, id_claims()))
    monkeypatch.setenv("COGNITO_JWKS", "not json")
    with pytest.raises(JWKSUnavailableError):
        shared_verifier(POOL_ID, None, CLIENT_ID, jwks_url=url)


def test_jwks_url_for_endpoint() -> None:
    assert (
        jwks_url_for_endpoint("http://127.0.0.1:5000/", POOL_ID)
        == f"http://127.0.0.1:5000/{POOL_ID}/.well-known/jwks.json"
    )


# -- several pools ---------------------------------------------------------------------------


def test_multi_pool(server: JwksServer, cache: JwksCache, key1: Any, key2: Any) -> None:
    other_pool = "us-east-1_OtherPool"
    other_iss = f"https://cognito-idp.us-east-1.amazonaws.com/{other_pool}"
    other = JwksServer()
    other.jwks = {"keys": [jwk_of(key2, "o1")]}
    try:
        multi = MultiPoolVerifier(
            [
                CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks_url=server.url(), jwks_cache=cache),
                CognitoTokenVerifier(
                    other_pool,
                    "other-client",
                    jwks_url=other.url(),
                    jwks_cache=cache,
                    groups="admins",
                ),
            ]
        )
        assert multi.verify(mint(key1, id_claims()), "id")["iss"] == ISSUER
        multi_region = f"https://issuer-cognito-idp.eu-west-1.amazonaws.com/{POOL_ID}"
        assert multi.verify(mint(key1, id_claims(iss=multi_region)), "id")["iss"] == multi_region
        assert len(multi.verifiers) == 2
        claims = multi.verify(
            mint(key2, access_claims(iss=other_iss, client_id="other-client"), kid="o1"), "access"
        )
        assert claims["iss"] == other_iss
        # pool A's client id is not accepted for pool B, nor B's keys for A's tokens
        with pytest.raises(TokenVerificationException):
            multi.verify(mint(key2, access_claims(iss=other_iss), kid="o1"))
        with pytest.raises(TokenVerificationException):
            multi.verify(mint(key2, id_claims(), kid="o1"))
        with pytest.raises(TokenVerificationException):
            multi.verify(mint(key1, access_claims(iss=other_iss, client_id="other-client")))
        with pytest.raises(TokenIssuerError):
            multi.verify(mint(key1, id_claims(iss="https://evil.example/pool")))
        with pytest.raises(TokenIssuerError):
            multi.verify(mint(key1, id_claims(iss=["x"])))
        multi.hydrate()
        assert len(multi.verifiers) == 2
    finally:
        other.close()


def test_jwks_dribbling_body_hits_the_deadline(key1: Any) -> None:
    """A server that sends its headers and then one byte at a time is cut off by the deadline."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    stop = threading.Event()
    accepted: list[int] = []

    def serve() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(1)
            threading.Thread(target=dribble, args=(conn,), daemon=True).start()

    def dribble(conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                while not stop.is_set():
                    conn.sendall(b" ")
                    time.sleep(0.02)
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        cache = JwksCache(timeout=0.3)
        v = CognitoTokenVerifier(
            POOL_ID, CLIENT_ID, jwks_url=f"http://127.0.0.1:{port}/jwks.json", jwks_cache=cache
        )
        started = time.monotonic()
        with pytest.raises(JWKSUnavailableError):
            v.verify(mint(key1, id_claims()))
        assert time.monotonic() - started < 1.5
        assert len(accepted) == 2  # tried, then retried once
    finally:
        stop.set()
        thread.join(2)
        listener.close()


def test_every_verification_error_lives_in_pycognito_exceptions() -> None:
    """docs/verification.md: "All live in pycognito.exceptions and are re-exported by
    pycognito.verification" (NonRetryableFetchError lived only in verification._fetch)."""
    import importlib
    import inspect
    import pkgutil

    import pycognito.exceptions
    import pycognito.verification

    found = {}
    for info in pkgutil.iter_modules(pycognito.verification.__path__):
        module = importlib.import_module(f"pycognito.verification.{info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Exception):
                found[value.__name__] = value
    exported = {name: getattr(pycognito.verification, name)
                for name in pycognito.verification.__all__}
    found.update({n: v for n, v in exported.items()
                  if inspect.isclass(v) and issubclass(v, Exception)})
    assert "NonRetryableFetchError" in found
    for name, cls in found.items():
        assert cls.__module__ == "pycognito.exceptions", name
        assert getattr(pycognito.exceptions, name) is cls
        assert getattr(pycognito.verification, name) is cls, f"{name} is not re-exported"


def test_documented_defaults() -> None:
    """The figures docs/verification.md states: 3 s fetch timeout, 10 s penalty after a kid
    miss, 2 s after a failed fetch, 256 KiB JWKS bodies, 64 KiB tokens, 1,024 cached tokens."""
    from pycognito.verification import CognitoTokenVerifier, JwksCache
    from pycognito.verification._fetch import MAX_JWKS_BYTES

    cache = JwksCache()
    assert (cache.timeout, cache.penalty_seconds, cache.failure_penalty_seconds) == (3, 10, 2)
    assert MAX_JWKS_BYTES == 256 * 1024
    verifier = CognitoTokenVerifier("eu-west-1_AbCdEf123", "client", jwks_cache=cache)
    assert verifier.max_token_size == 64 * 1024
    assert verifier._token_cache_size == 1024
    docs = (Path(__file__).resolve().parents[2] / "docs" / "verification.md").read_text()
    for phrase in ("gives up after 3 s", "a 10 s **penalty period**", "a 2 s period",
                   "bodies over 256 KiB", "(64 KiB)", "(1,024 tokens per verifier"):
        assert phrase in docs, phrase


def test_a_fetch_made_by_the_caller_follows_the_caches_rules(key1: Any, key2: Any) -> None:
    """fetch_due/fetched/fetch_failed (what an event loop's own fetch reports): the same
    parsing, kid-miss penalty and failure penalty as the cache's own fetches."""
    now = [100.0]
    cache = JwksCache(fetcher=lambda url, timeout: pytest.fail("fetched synchronously"),
                      penalty_seconds=10, failure_penalty_seconds=2, clock=lambda: now[0])
    url = "https://example.test/jwks.json"
    assert cache.fetch_due(url) and cache.fetch_due(url, "k1")
    body = json.dumps({"keys": [jwk_of(key1, "k1")]}).encode()
    assert cache.fetched(url, body, "k1") is True
    assert not cache.fetch_due(url) and not cache.fetch_due(url, "k1")
    assert cache.get_key(url, "k1").kid == "k1" and cache.fetch_count(url) == 1
    assert cache.fetch_due(url, "k2")  # a rotation: due once
    assert cache.fetched(url, body, "k2") is False
    assert not cache.fetch_due(url, "k2")  # then the wait period, as after a kid miss
    with pytest.raises(JWKSWaitPeriodError):
        cache.get_key(url, "k2")  # refused without a fetch
    now[0] += 11
    assert cache.fetch_due(url, "k2")
    with pytest.raises(JWKSUnavailableError, match=r"down.*example\.test"):
        cache.fetch_failed(url, JWKSUnavailableError("down"))
    assert not cache.fetch_due(url, "k2")
    with pytest.raises(JWKSUnavailableError, match="down"):
        cache.get_key(url, "k2")
    assert cache.get_key(url, "k1").kid == "k1"  # known keys keep working meanwhile
    now[0] += 3
    with pytest.raises(JWKSUnavailableError):
        cache.fetched(url, b"not json", "k2")  # a malformed body is a failed fetch
    assert not cache.fetch_due(url, "k2") and cache.fetch_count(url) == 4
    now[0] += 3
    assert cache.fetched(url, json.dumps({"keys": [jwk_of(key2, "k2")]}).encode(), "k2")
    assert cache.get_key(url, "k2").kid == "k2"


def test_the_documented_error_tree() -> None:
    """docs/verification.md's Errors tree is the classes' own: each class under the one the
    tree puts it under, and every verification error in the tree."""
    import re

    import pycognito.exceptions
    import pycognito.verification

    docs = (Path(__file__).resolve().parents[2] / "docs" / "verification.md").read_text()
    block = docs.split("## Errors", 1)[1].split("```")[1]
    root, *lines = [line for line in block.splitlines() if line.strip()]
    parents: dict[str, str] = {}
    branch = root.strip()
    for line in lines:
        top = re.match(r"^[├└]── ([A-Z]\w+)(.*)$", line)
        if top:
            branch, rest = top.group(1), top.group(2)
            parents[branch] = root.strip()
            rest = rest.split("──", 1)[1] if rest.startswith(" ──") else ""
        else:
            rest = line
        for child in re.finditer(r"([A-Z]\w+)(?: \(── ([A-Z]\w+)\))?", rest):
            parents[child.group(1)] = branch
            if child.group(2):
                parents[child.group(2)] = child.group(1)
    for child, parent in parents.items():
        cls = getattr(pycognito.exceptions, child)
        assert getattr(pycognito.exceptions, parent) in cls.__bases__, (child, parent)
    assert issubclass(pycognito.exceptions.TokenVerifierConfigError, ValueError)
    documented = set(parents) | {root.strip()}
    exported = {name for name in pycognito.verification.__all__
                if name.endswith(("Error", "Exception"))}
    assert exported == documented
