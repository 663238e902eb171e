"""The robustness sweep's requests, generated from botocore's service models (cognito-idp and
cognito-identity, the JSON services the local server answers).

For every operation: one well-typed request with every parameter filled in (real pool, client,
user and token where the name asks for one), one with the required parameters only, then for
every parameter path (members of structures, list items, map values) the same request with a
value of each wrong JSON type; for every string path a lone surrogate and a value one character
over the model's bound. Plus garbage targets, bodies and paths, the server's own ``/_local``
endpoints and a pool domain's OAuth and login pages. Each probe is one HTTP request.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Iterator, Optional

import botocore.session

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
#: The local server's cap for strings the model leaves unbounded (see local/_validation.py).
UNBOUNDED_STRING = 131072

_SESSION = botocore.session.get_session()
MODEL = _SESSION.get_service_model("cognito-idp")
#: (target prefix, model) of every JSON service swept.
SERVICES = ((TARGET_PREFIX, MODEL),
            ("AWSCognitoIdentityService.", _SESSION.get_service_model("cognito-identity")))


@dataclass(frozen=True)
class Probe:
    """One request of the sweep."""

    what: str
    body: bytes
    target: Optional[str] = TARGET_PREFIX
    method: str = "POST"
    path: str = "/"
    headers: tuple[tuple[str, str], ...] = ()


_WRONG: dict[str, tuple[Any, ...]] = {
    "string": (1, 1.5, True, [], {}),
    "integer": ("1", 1.5, True, [], {}, 2**70),
    "long": ("1", 1.5, True, [], 2**70),
    "boolean": ("true", 1, [], {}),
    "double": ("1", True, []),
    "float": ("1", True, []),
    "timestamp": ("yesterday", True, [], {}),
    "blob": (1, [], "not base64!"),
    "list": ("x", 1, {}, True, [None]),
    "map": ("x", 1, [], True, {"k": None}),
    "structure": ("x", 1, [], True),
}


def sample(shape: Any, known: dict[str, Any], name: str = "", depth: int = 0,
           full: bool = True) -> Any:
    """A well-typed value for ``shape`` (``known`` supplies real ids by member name)."""
    if name in known:
        return known[name]
    kind = shape.type_name
    if kind == "structure":
        names = shape.members if full and depth < 6 else shape.required_members
        return {member: sample(shape.members[member], known, member, depth + 1, full)
                for member in names}
    if kind == "list":
        return [sample(shape.member, known, name, depth + 1, full)]
    if kind == "map":
        return {"key": sample(shape.value, known, name, depth + 1, full)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return "x" * max(1, int(shape.metadata.get("min", 1)))
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if kind == "boolean":
        return True
    if kind in ("double", "float", "timestamp"):
        return 1.0
    if kind == "blob":
        return "eA=="
    raise AssertionError(f"unknown shape type {kind}")



def paths(value: Any, shape: Any, prefix: str = "") -> Iterator[tuple[str, Any, list[Any]]]:
    """``(path, shape, keys)`` for every place in ``value`` (keys lead there from the top)."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                yield from _below(value[name], member, f"{prefix}.{name}".lstrip("."), [name])
    elif kind == "list" and value:
        yield from _below(value[0], shape.member, f"{prefix}[0]", [0])
    elif kind == "map" and value:
        key = next(iter(value))
        yield from _below(value[key], shape.value, f"{prefix}.{key}", [key])


def _below(value: Any, shape: Any, path: str, keys: list[Any]
           ) -> Iterator[tuple[str, Any, list[Any]]]:
    yield path, shape, keys
    for sub_path, sub_shape, sub_keys in paths(value, shape, path):
        yield sub_path, sub_shape, keys + sub_keys


def replaced(request: dict[str, Any], keys: list[Any], value: Any) -> dict[str, Any]:
    copied = copy.deepcopy(request)
    holder = copied
    for key in keys[:-1]:
        holder = holder[key]
    holder[keys[-1]] = value
    return copied


def _body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def operation_probes(known: dict[str, Any]) -> Iterator[Probe]:
    """The generated probes for every operation of the models."""
    for prefix, model in SERVICES:
        yield from _probes_of(prefix, model, known)


def _probes_of(prefix: str, model: Any, known: dict[str, Any]) -> Iterator[Probe]:
    for operation in model.operation_names:
        shape = model.operation_model(operation).input_shape
        target = prefix + operation
        if shape is None:
            yield Probe(f"{operation} (no input)", b"{}", target)
            continue
        full = sample(shape, known)
        yield Probe(f"{operation} all parameters", _body(full), target)
        yield Probe(f"{operation} required parameters",
                    _body(sample(shape, known, full=False)), target)
        yield Probe(f"{operation} unknown pool, client, user and token",
                    _body(sample(shape, {})), target)
        yield Probe(f"{operation} required parameters, unknown ids",
                    _body(sample(shape, {}, full=False)), target)
        for path, member, keys in paths(full, shape):
            for wrong in _WRONG[member.type_name]:
                yield Probe(f"{operation} {path}={type(wrong).__name__}",
                            _body(replaced(full, keys, wrong)), target)
            if member.type_name == "string":
                limit = int(member.metadata.get("max", UNBOUNDED_STRING))
                for label, text in (("lone surrogate", "a\udcff"),
                                    ("oversized", "x" * (limit + 1))):
                    yield Probe(f"{operation} {path} {label}",
                                _body(replaced(full, keys, text)), target)


def garbage_probes() -> Iterator[Probe]:
    """Targets, bodies and paths no client should send."""
    listing = TARGET_PREFIX + "ListUserPools"
    for target in ("garbage", "AWSCognitoIdentityProviderService", TARGET_PREFIX,
                   TARGET_PREFIX + "NoSuchOperation", TARGET_PREFIX + "ListUserPools.Extra",
                   "DynamoDB_20120810.ListTables", "AmazonS3.ListBuckets",
                   "AWSSecurityTokenServiceV20110615.GetCallerIdentity", "." * 5000,
                   TARGET_PREFIX + "listuserpools"):
        yield Probe(f"target {target[:40]!r}", b'{"MaxResults": 1}', target)
    bodies = (
        ("empty", b""), ("null", b"null"), ("array", b"[]"), ("number", b"1"),
        ("string", b'"x"'), ("deep arrays", b"[" * 100_000),
        ("deep objects", b'{"a":' * 50_000), ("not UTF-8", b"\xff\xfe\x00"),
        ("NUL bytes", b"\x00" * 64), ("NaN", b'{"MaxResults": NaN}'),
        ("Infinity", b'{"MaxResults": Infinity}'),
        ("huge number", b'{"MaxResults": 1' + b"0" * 5000 + b"}"),
        ("float", b'{"MaxResults": 1e999}'), ("truncated", b'{"MaxResults": 1'),
        ("escaped surrogate", b'{"NextToken": "\\ud800"}'),
        ("trailing junk", b'{"MaxResults": 1}x'),
        ("over the body cap", b'{"NextToken": "' + b"x" * (1 << 20) + b'", "MaxResults": 1}'),
    )
    for label, body in bodies:
        yield Probe(f"body {label}", body, listing)
    # the server's own endpoints (a clock request moves nothing: each is refused or moves 0)
    for label, body in (*bodies, ("integer beyond floats", b'{"advance": 1' + b"0" * 400 + b"}"),
                        ("advance a string", b'{"advance": "1"}'), ("advance null",
                        b'{"advance": null}'), ("advance a list", b'{"advance": [1]}')):
        yield Probe(f"/_local/clock body {label}", body, None, path="/_local/clock")
    for query in ("user_pool_id=%ff%fe", "username=%ED%A0%80", "kind=" + "x" * 10000,
                  "operation=&operation=x", "a=%"):
        for endpoint in ("messages", "calls", "lambda-invocations"):
            yield Probe(f"/_local/{endpoint}?{query[:20]}", b"", None, method="GET",
                        path=f"/_local/{endpoint}?{query}")
    yield Probe("content-length not a number", b"{}", listing,
                headers=(("Content-Length", "ten"),))
    yield Probe("signed for S3", b'{"MaxResults": 1}', listing, headers=(
        ("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/"
                          "aws4_request, SignedHeaders=host, Signature=0"),))
    yield Probe("unparsable signature", b'{"MaxResults": 1}', listing,
                headers=(("Authorization", "AWS garbage"),))
    yield Probe("GET with a target", b"", listing, method="GET")
    for method, path in (("GET", "/"), ("POST", "/"), ("GET", "/?list-type=2"),
                         ("POST", "/moto-api/reset"), ("GET", "/moto-api/data.json"),
                         ("GET", "/favicon.ico"), ("GET", "/latest/meta-data/"),
                         ("GET", "/nope/.well-known/nope"), ("PUT", "/bucket/key")):
        yield Probe(f"{method} {path} without a target", b"", None, method=method, path=path)
    yield Probe("STS form post", b"Action=GetCallerIdentity&Version=2011-06-15", None,
                headers=(("Content-Type", "application/x-www-form-urlencoded"),))


#: A pool domain's endpoints (OAuth 2.0 and the hosted login pages).
DOMAIN_PATHS = ("/oauth2/token", "/oauth2/authorize", "/oauth2/userInfo", "/oauth2/revoke",
                "/login", "/logout", "/signup", "/mfa", "/forgotPassword",
                "/confirmForgotPassword", "/oauth2/idpresponse", "/nope")


def domain_probes(known: dict[str, Any]) -> Iterator[Probe]:
    """Malformed queries, form bodies and credentials at a pool domain's endpoints
    (``known``: ``DomainPath``, the domain's path on the server, and ``WebClientId``)."""
    base, client = known["DomainPath"], known["WebClientId"]
    queries = ("", f"?client_id={client}&response_type=code&redirect_uri=http://127.0.0.1:8765/"
               "callback&scope=openid&code_challenge=%ff&code_challenge_method=S256",
               "?client_id=%ED%A0%80&response_type=code", "?%", "?state=" + "x" * 100_000)
    bodies = (b"", b"grant_type=authorization_code&code=%ED%A0%80&client_id=" + client.encode(),
              b"grant_type=refresh_token&refresh_token=%ff%fe&client_id=" + client.encode(),
              b"username=%ED%A0%80&password=%ff", b"\xff\xfe\x00", b"[" * 100_000,
              b"a=" + b"%" * 5000)
    credentials = ((), (("Authorization", "Basic %ff"),), (("Authorization", "Basic Og=="),),
                   (("Authorization", "Bearer a.b.c"),))
    for path in DOMAIN_PATHS:
        for query in queries:
            for headers in credentials:
                yield Probe(f"GET {path}{query[:30]} {headers}", b"", None, method="GET",
                            path=base + path + query, headers=headers)
            for body in bodies:
                yield Probe(f"POST {path}{query[:30]} {body[:30]!r}", body, None,
                            path=base + path + query, headers=(
                                ("Content-Type", "application/x-www-form-urlencoded"),))


def all_probes(known: dict[str, Any]) -> list[Probe]:
    domain = list(domain_probes(known)) if "DomainPath" in known else []
    return [*operation_probes(known), *garbage_probes(), *domain]
