"""This library and its peers side by side, in one run, on the same inputs.

Verification: one Cognito-shaped access token (RS256, 2048-bit key, compact JSON as Cognito
writes it), the same token and key for everyone, keys built once (no fetch anywhere), each
checking the signature, ``exp``, ``iss``, ``token_use`` and ``client_id``:
ours with and without the verified-token cache (without it, also with binascii's base64
decoder in place of the ``fast`` extra's pybase64), PyJWT, joserfc, authlib, python-jose, and
aws-jwt-verify's ``verifySync`` (node). CPU time, microseconds per token, median of batches.
The floor is the raw RSA check (``cryptography``'s ``verify`` on the pre-split token).

SRP: the client side of one USER_SRP_AUTH login against the same challenge, with a scripted
in-memory Cognito so that no I/O is timed: ours (gmpy2 and plain ints), the original pycognito
(PyPI 2024.5.1, in its own process) and amazon-cognito-identity-js's
``CognitoUser.authenticateUser`` (node). CPU time, milliseconds per login. The floor is the three
exponentiations a login cannot avoid, the cheapest way this library computes them with gmpy2:
``A = g^a`` and ``g^x`` (fixed base) and ``S = (B - k g^x)^(a + u x)``, whose exponent has about
1,025 bits.

Each figure is measured in every round; the table gives the median over rounds and the range
(lowest to highest round median); ratios are taken within each round, then the median. In
Python, each verifier takes turns with the floor, batch by batch, and its ratio to the floor is
to the floor measured meanwhile; node's rows are divided by the round's floor.

Run ``make bench-peers`` (``make bench-peers-deps`` installs the peers: bench-only packages from
bench/requirements-peers.txt, the original package into bench/.peers/original, and the npm
packages pinned by bench/peers_js/package-lock.json). ``BENCH_ROUNDS`` sets the rounds (5).
``bench/peers.py --readme < output`` puts a run's output into README.md's Performance section.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Optional

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from _scripted import ScriptedCognito
from _srp_work import cpu_ms, make_challenge, unavoidable
from pycognito import srp
from pycognito.aws_srp import AWSSRP
from pycognito.verification import CognitoTokenVerifier, _jwt, cognito_issuer
from verify import b64url, jwk  # bench/verify.py: the same JWK and base64url helpers

HERE = Path(__file__).resolve().parent
ORIGINAL = HERE / ".peers" / "original"
NODE_DIR = HERE / "peers_js"

POOL_ID = "us-east-1_BenchPeers"
CLIENT_ID = "3n4benchpeers0client0id0ab"
ISSUER = cognito_issuer(POOL_ID)
KID = "bench-access-kid"
USERNAME = "bench-user"
PASSWORD = "Correct-Horse-Battery-9"

VERIFY_BATCHES, VERIFY_BATCH = 120, 20
SRP_REPEAT, PLAIN_SRP_REPEAT, PEER_SRP_REPEAT = 30, 8, 8


def compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def make_token(key: rsa.RSAPrivateKey) -> str:
    now = int(time.time())
    claims = {  # the members of a Cognito access token, in Cognito's order
        "sub": "0b6a1e2c-1111-4222-8333-444455556666",
        "cognito:groups": ["staff"],
        "iss": ISSUER,
        "client_id": CLIENT_ID,
        "origin_jti": "5a9c33e0-0d7e-4b7e-9a57-58b7f0c1a2d3",
        "event_id": "e3c1b7d6-3f7a-4b71-8a0e-2f0f2b9d9c11",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": now,
        "exp": now + 3600,
        "iat": now,
        "jti": "9f1c2b3a-4d5e-4f60-8172-93a4b5c6d7e8",
        "username": USERNAME,
    }
    signing_input = f"{b64url(compact({'kid': KID, 'alg': 'RS256'}))}.{b64url(compact(claims))}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


def make_jwks(key: rsa.RSAPrivateKey) -> dict[str, Any]:
    return {"keys": [jwk(key, KID)]}


# -- verification ------------------------------------------------------------------------------


def expect_access(claims: Any) -> None:
    if claims["token_use"] != "access" or claims["client_id"] != CLIENT_ID:
        raise AssertionError("wrong claims")


def verify_cases(token: str, jwks: dict[str, Any], key: rsa.RSAPrivateKey) -> dict[str, Any]:
    """name -> a callable verifying ``token`` once, or the reason it is unavailable."""
    jwk = jwks["keys"][0]
    public = key.public_key()
    head, body, sig = token.split(".")
    signing_input = f"{head}.{body}".encode()
    signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()
    cases: dict[str, Any] = {
        "floor": lambda: public.verify(signature, signing_input, pkcs1, sha256),
    }
    no_cache = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks=jwks, token_cache_size=0)
    cached = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks=jwks)
    cases["ours, cache off"] = lambda: no_cache.verify(token, "access")
    cases["ours, cache on"] = lambda: cached.verify(token, "access")
    if _jwt.BASE64_DECODER != "binascii":  # the same without the fast extra's pybase64
        fast = _jwt._a2b

        def binascii_base64() -> None:
            _jwt._a2b = binascii.a2b_base64
            try:
                no_cache.verify(token, "access")
            finally:
                _jwt._a2b = fast

        cases["ours, cache off, binascii"] = binascii_base64

    try:
        import jwt

        def pyjwt() -> None:
            claims = jwt.decode(
                token,
                public,
                algorithms=["RS256"],
                issuer=ISSUER,
                options={"require": ["exp", "iss"]},
            )
            expect_access(claims)

        cases[f"PyJWT {jwt.__version__}"] = pyjwt
    except ImportError as exc:
        cases["PyJWT"] = f"not installed ({exc.name})"

    try:
        from joserfc import __version__ as joserfc_version
        from joserfc import jwt as joserfc_jwt
        from joserfc.jwk import RSAKey

        joserfc_key = RSAKey.import_key(jwk)
        registry = joserfc_jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": ISSUER},
            exp={"essential": True},
            token_use={"essential": True, "value": "access"},
            client_id={"essential": True, "value": CLIENT_ID},
        )

        def joserfc() -> None:
            decoded = joserfc_jwt.decode(token, joserfc_key, algorithms=["RS256"])
            registry.validate(decoded.claims)

        cases[f"joserfc {joserfc_version}"] = joserfc
    except ImportError as exc:
        cases["joserfc"] = f"not installed ({exc.name})"

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # authlib.jose announces its move to joserfc
            from authlib import __version__ as authlib_version
            from authlib.jose import JsonWebKey, JsonWebToken

        authlib_key = JsonWebKey.import_key(jwk)
        authlib_jwt = JsonWebToken(["RS256"])
        options = {
            "iss": {"essential": True, "value": ISSUER},
            "exp": {"essential": True},
            "token_use": {"essential": True, "value": "access"},
            "client_id": {"essential": True, "value": CLIENT_ID},
        }

        def authlib() -> None:
            claims = authlib_jwt.decode(token, authlib_key, claims_options=options)
            claims.validate()

        cases[f"authlib {authlib_version}"] = authlib
    except ImportError as exc:
        cases["authlib"] = f"not installed ({exc.name})"

    try:
        from importlib.metadata import version

        from jose import jwk as jose_jwk
        from jose import jwt as jose_jwt

        jose_key = jose_jwk.construct(jwk, "RS256")

        def python_jose() -> None:
            claims = jose_jwt.decode(token, jose_key, algorithms=["RS256"], issuer=ISSUER)
            expect_access(claims)

        cases[f"python-jose {version('python-jose')}"] = python_jose
    except ImportError as exc:
        cases["python-jose"] = f"not installed ({exc.name})"

    for case in cases.values():
        if callable(case):
            case()  # each must accept the token before it is timed
    return cases


def batch_us(fn: Callable[[], object]) -> float:
    """The mean CPU time of one call over a batch, in microseconds. CPU time, not wall time:
    on a busy machine a batch that loses the processor would count other processes' time."""
    start = time.thread_time_ns()
    for _ in range(VERIFY_BATCH):
        fn()
    return (time.thread_time_ns() - start) / VERIFY_BATCH / 1000


def paired_us(
    cases: dict[str, Callable[[], object]], floor: Callable[[], object]
) -> dict[str, tuple[float, float]]:
    """Per case, ``(median per call, the floor's median meanwhile)``: each case takes turns
    with the floor batch by batch, so that the two see the same machine load and neither
    runs right after another library."""
    result = {}
    for name, fn in cases.items():
        for _ in range(VERIFY_BATCH * 5):
            fn()
            floor()
        mine, floors = [], []
        for _ in range(VERIFY_BATCHES):
            floors.append(batch_us(floor))
            mine.append(batch_us(fn))
        result[name] = (statistics.median(mine), statistics.median(floors))
    return result


# -- SRP ---------------------------------------------------------------------------------------


def our_srp(challenge: dict[str, str]) -> dict[str, float]:
    client = ScriptedCognito(challenge)

    def login() -> None:
        AWSSRP(USERNAME, PASSWORD, POOL_ID, CLIENT_ID, client=client).authenticate_user()

    results: dict[str, float] = {}
    previous = srp.backend_name()
    try:
        if "gmpy2" in srp.available_backends():
            srp.use_backend("gmpy2")
            floor, s_alone, bits = unavoidable(challenge, POOL_ID, USERNAME, PASSWORD)
            cases = {"floor": floor, "S alone": s_alone, "ours, gmpy2": login}
            results.update(cpu_ms(cases, SRP_REPEAT), _exponent_bits=bits)
        srp.use_backend("python")
        results.update(cpu_ms({"ours, plain ints": login}, PLAIN_SRP_REPEAT))
    finally:
        srp.use_backend(previous)
    return results


# -- the peers in other processes --------------------------------------------------------------


def run_json(command: list[str], payload: dict[str, Any], cwd: Path) -> Any:
    done = subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        command, input=json.dumps(payload), capture_output=True, text=True, cwd=cwd, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout)


def node_peers(token: str, jwks: dict[str, Any], challenge: dict[str, str]) -> Any:
    payload = {
        "token": token,
        "jwks": jwks,
        "kid": KID,
        "pool_id": POOL_ID,
        "client_id": CLIENT_ID,
        "verify": {"rounds": VERIFY_BATCHES, "batch": VERIFY_BATCH},
        "srp": srp_input(challenge),
    }
    # --single-threaded: V8's background work (GC, compilation) runs on the main thread, so
    # process.cpuUsage() is the work of the call alone, as Python's thread time is.
    return run_json(["node", "--single-threaded", "peers.cjs"], payload, NODE_DIR)


def srp_input(challenge: dict[str, str]) -> dict[str, Any]:
    return {
        "pool_id": POOL_ID,
        "client_id": CLIENT_ID,
        "username": USERNAME,
        "password": PASSWORD,
        "challenge": challenge,
        "repeat": PEER_SRP_REPEAT,
    }


def original_srp(challenge: dict[str, str]) -> Any:
    command = [sys.executable, "-S", str(HERE / "peers_original.py"), str(ORIGINAL)]
    return run_json(command, srp_input(challenge), HERE)


# -- the table ---------------------------------------------------------------------------------

WIDTH = 64


def fmt(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def span(values: list[float]) -> str:
    low, high = fmt(min(values)), fmt(max(values))
    return low if low == high else f"{low}\N{EN DASH}{high}"


def table(
    title: str,
    rows: dict[str, list[float]],
    labels: dict[str, str],
    ours: str,
    to_floor: Optional[dict[str, list[float]]] = None,
) -> dict[str, list[float]]:
    """Print one section: per row, the median and range of its round medians, and the median
    of its per-round ratios to ours and to the floor (``to_floor``, or taken from the floor
    row of each round); return the per-round ratios to the floor."""
    if to_floor is None:
        to_floor = {n: [v / f for v, f in zip(vs, rows["floor"])] for n, vs in rows.items()}
    first = [name for name in ("floor", "S alone", ours) if name in rows]
    rest = sorted((n for n in rows if n not in first), key=lambda n: statistics.median(rows[n]))
    print(f"\n**{title}**\n")
    print(f"| {'':<{WIDTH}} | median | range (rounds) | vs ours | vs floor |")
    print(f"|{'-' * (WIDTH + 2)}|-------:|---------------:|--------:|---------:|")
    for name in first + rest:
        values = rows[name]
        vs_ours = [v / o for v, o in zip(to_floor[name], to_floor[ours])]
        print(
            f"| {labels.get(name, name):<{WIDTH}} | {fmt(statistics.median(values)):>6} "
            f"| {span(values):>14} | {statistics.median(vs_ours):6.2f}x "
            f"| {statistics.median(to_floor[name]):7.2f}x |"
        )
    return to_floor


def main() -> int:
    if "--readme" in sys.argv[1:]:
        return write_readme()
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    key = rsa.generate_private_key(65537, 2048)
    jwks = make_jwks(key)
    token = make_token(key)
    challenge = make_challenge(POOL_ID, USERNAME, PASSWORD)
    cases = verify_cases(token, jwks, key)
    notes = {name: why for name, why in cases.items() if not callable(why)}
    timed = {name: fn for name, fn in cases.items() if callable(fn)}

    verify: dict[str, list[float]] = {}
    verify_floor: dict[str, list[float]] = {}  # each round's ratio to the floor
    login: dict[str, list[float]] = {}
    versions: dict[str, str] = {}
    bits = 0
    floor = timed.pop("floor")
    for _ in range(rounds):
        paired = paired_us(timed, floor)
        floor_now = statistics.median(floor_value for _, floor_value in paired.values())
        verify.setdefault("floor", []).append(floor_now)
        verify_floor.setdefault("floor", []).append(1.0)
        for name, (value, floor_value) in paired.items():
            verify.setdefault(name, []).append(value)
            verify_floor.setdefault(name, []).append(value / floor_value)
        for name, value in our_srp(challenge).items():
            if name == "_exponent_bits":
                bits = int(value)
            else:
                login.setdefault(name, []).append(value)
        try:
            node = node_peers(token, jwks, challenge)
        except (OSError, RuntimeError, ValueError) as exc:
            notes["node peers"] = f"not run ({exc}); run make bench-peers-deps"
        else:
            versions.update(node["versions"], node=node["node"])
            for name, samples in (
                ("aws-jwt-verify", node["aws_jwt_verify"]),
                ("node crypto.verify", node["node_crypto_verify"]),
            ):
                value = statistics.median(samples)
                verify.setdefault(name, []).append(value)
                verify_floor.setdefault(name, []).append(value / floor_now)
            login.setdefault("amazon-cognito-identity-js", []).append(
                statistics.median(node["amazon_cognito_identity_js"])
            )
        try:
            original = original_srp(challenge)
        except (OSError, RuntimeError, ValueError) as exc:
            notes["original pycognito"] = f"not run ({exc}); run make bench-peers-deps"
        else:
            versions["original"] = original["version"]
            login.setdefault("original", []).append(original["median"])

    print(
        f"Python {sys.version.split()[0]}, node {versions.get('node', 'n/a')}, "
        f"{os.cpu_count()} CPUs; {rounds} rounds, each measuring every row "
        "(each Python verifier in turns with the floor); ratios within a round, then the median"
    )
    v = table(
        "Verify one Cognito access token (µs of CPU per token)",
        verify,
        {
            "floor": "floor: raw RSA-2048 signature check (cryptography)",
            "ours, cache off": f"**ours, verified-token cache off** ({_jwt.BASE64_DECODER})",
            "ours, cache off, binascii": "ours, cache off, without the fast extra (binascii)",
            "ours, cache on": "ours, verified-token cache on (the same token again)",
            "aws-jwt-verify": f"aws-jwt-verify {versions.get('aws-jwt-verify', '')} verifySync "
            "(node)",
            "node crypto.verify": "node crypto.verify alone (aws-jwt-verify's floor)",
        },
        "ours, cache off",
        verify_floor,
    )
    s = table(
        "One SRP login, client side (ms of CPU per login)",
        login,
        {
            "floor": f"floor: g^a, g^x (fixed base) and S ({bits}-bit exponent), gmpy2",
            "S alone": f"S alone: one 3072-bit modexp, {bits}-bit exponent, gmpy2",
            "ours, gmpy2": "**ours, gmpy2**",
            "ours, plain ints": "ours, plain Python ints",
            "original": f"original pycognito {versions.get('original', '')} (PyPI)",
            "amazon-cognito-identity-js": "amazon-cognito-identity-js "
            f"{versions.get('amazon-cognito-identity-js', '')} (node)",
        },
        "ours, gmpy2",
    )
    for name, why in notes.items():
        print(f"{name}: {why}")

    def spread(ratios: list[float]) -> str:
        low, mid, high = min(ratios), statistics.median(ratios), max(ratios)
        return f"{mid:.2f}x (rounds: {low:.2f}x to {high:.2f}x)"

    print("\nTargets:")
    print(f"- verify with the cache off, at most 1.5x the floor: {spread(v['ours, cache off'])}")
    if "ours, cache off, binascii" in v:
        print(f"  (without the fast extra: {spread(v['ours, cache off, binascii'])})")
    if "aws-jwt-verify" in verify:
        ours_vs_aws = [
            o / a for o, a in zip(verify_floor["ours, cache off"], verify_floor["aws-jwt-verify"])
        ]
        print(f"- verify with the cache off, faster than aws-jwt-verify: {spread(ours_vs_aws)}")
    if "ours, gmpy2" in s:
        print(f"- one SRP login (gmpy2), at most 1.3x the floor: {spread(s['ours, gmpy2'])}")
    return 0


BEGIN, END = "<!-- peers.py output: begin -->", "<!-- peers.py output: end -->"


def write_readme() -> int:
    """``peers.py --readme < output``: put a run's output (read on stdin) into README.md's
    Performance section, between the two markers, as it was printed."""
    readme = HERE.parent / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    lines = [line for line in sys.stdin.read().splitlines() if not line.startswith("Python ")]
    readme.write_text(f"{text[:start]}\n{chr(10).join(lines).strip()}\n\n{text[end:]}", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
