"""Cognito rules: signature, algorithm, kid, issuer, audience/client id, token_use, times,
groups, scopes, at_hash, custom check."""

from __future__ import annotations

import base64
import hashlib
import time
from pathlib import Path
from typing import Any, Callable

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from pycognito.exceptions import (
    TokenAlgorithmError,
    TokenAtHashError,
    TokenAudienceError,
    TokenClaimError,
    TokenCustomCheckError,
    TokenExpiredError,
    TokenGroupError,
    TokenIssuerError,
    TokenKidMissingError,
    TokenKidNotFoundError,
    TokenMalformedError,
    TokenNotYetValidError,
    TokenScopeError,
    TokenSignatureError,
    TokenUseError,
    TokenVerificationException,
    TokenVerifierConfigError,
)
from pycognito.verification import CognitoTokenVerifier, at_hash

from .helpers import (
    CLIENT_ID,
    DROP,
    ISSUER,
    OTHER_CLIENT_ID,
    POOL_ID,
    REGION,
    JwksServer,
    access_claims,
    b64url,
    encode_segments,
    id_claims,
    jwk_of,
    mint,
    mint_hs256,
    new_key,
    public_pem,
    sign,
)

Make = Callable[..., CognitoTokenVerifier]


def test_id_and_access_tokens_verify(verifier: CognitoTokenVerifier, key1: Any) -> None:
    id_token = mint(key1, id_claims())
    access_token = mint(key1, access_claims())
    claims = verifier.verify(id_token, "id", access_token=access_token)
    assert claims["cognito:username"] == "alice"
    assert claims["token_use"] == "id"
    assert verifier.verify(access_token, "access")["username"] == "alice"
    assert verifier.verify(access_token)["token_use"] == "access"


def test_defaults_from_pool_id() -> None:
    v = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks={"keys": []})
    assert v.issuer == ISSUER
    assert v.jwks_url == f"{ISSUER}/.well-known/jwks.json"
    v2 = CognitoTokenVerifier("us-east-2_X", CLIENT_ID, issuer="https://idp.example/p")
    assert v2.jwks_url == "https://idp.example/p/.well-known/jwks.json"
    assert "us-east-2" in CognitoTokenVerifier("us-east-2_X", None).issuer


def test_client_id_is_required_and_none_opts_out(make_verifier: Make, key1: Any) -> None:
    with pytest.raises(TypeError):
        CognitoTokenVerifier(POOL_ID)  # type: ignore[call-arg]
    v = make_verifier(None)
    token = mint(key1, access_claims(client_id="anything"))
    assert v.verify(token, "access")["client_id"] == "anything"


def test_returned_claims_are_a_copy(verifier: CognitoTokenVerifier, key1: Any) -> None:
    token = mint(key1, id_claims())
    first = verifier.verify(token, "id", groups="admins")
    first["cognito:groups"].clear()
    first["exp"] = 0
    first["identities"][0]["userId"] = "2"
    second = verifier.verify(token, "id", groups="admins")
    assert second["cognito:groups"] == ["admins", "staff"]
    assert second["identities"][0]["userId"] == "1"


# -- algorithm and signature -----------------------------------------------------------------


def test_alg_none_refused(verifier: CognitoTokenVerifier) -> None:
    for alg in ("none", "None", "NONE"):
        token = encode_segments({"alg": alg, "kid": "k1"}, id_claims()) + "."
        with pytest.raises(TokenMalformedError):  # empty signature segment
            verifier.verify(token)
        token = encode_segments({"alg": alg, "kid": "k1"}, id_claims()) + "." + b64url(b"x")
        with pytest.raises(TokenAlgorithmError):
            verifier.verify(token)


def test_hs256_with_public_key_as_secret_refused(verifier: CognitoTokenVerifier, key1: Any) -> None:
    for secret in (public_pem(key1), public_pem(key1).strip()):
        with pytest.raises(TokenAlgorithmError):
            verifier.verify(mint_hs256(secret, id_claims()), "id")


@pytest.mark.parametrize("alg", ["RS384", "RS512", "PS256", "ES256", "HS256", "rs256", "", None, 1])
def test_other_algorithms_refused(verifier: CognitoTokenVerifier, key1: Any, alg: Any) -> None:
    token = mint(key1, id_claims(), header={"alg": alg, "kid": "k1"})
    with pytest.raises(TokenAlgorithmError):
        verifier.verify(token)


def test_jwk_alg_must_match_header(
    server: JwksServer, make_verifier: Make, key1: Any, key2: Any
) -> None:
    server.jwks = {"keys": [jwk_of(key1, "k1", alg="RS512"), jwk_of(key2, "k2", alg=None)]}
    v = make_verifier()
    with pytest.raises(TokenAlgorithmError):
        v.verify(mint(key1, id_claims()))
    assert v.verify(mint(key2, id_claims(), kid="k2"))["aud"] == CLIENT_ID  # no alg: fine


def test_tampered_header_payload_signature(verifier: CognitoTokenVerifier, key1: Any) -> None:
    token = mint(key1, id_claims())
    header, payload, signature = token.split(".")
    forged_payload = b64url(
        encode_segments({}, id_claims(email="mallory@example.com")).split(".")[1].encode()
    )
    cases = [
        # a different header, same payload and signature
        f"{encode_segments({'kid': 'k1', 'alg': 'RS256', 'typ': 'JWT'}, {}).split('.')[0]}"
        f".{payload}.{signature}",
        f"{header}.{encode_segments({}, id_claims(email='m@x')).split('.')[1]}.{signature}",
        f"{header}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}",
        f"{header}.{payload}.{b64url(bytes(256))}",
        f"{header}.{payload}.{b64url(bytes(255))}",
        f"{header}.{payload}.{b64url(sign(key1, b'other'))}",
    ]
    assert forged_payload
    for case in cases:
        with pytest.raises(TokenSignatureError):
            verifier.verify(case)


def test_signature_from_another_key_refused(verifier: CognitoTokenVerifier, key2: Any) -> None:
    with pytest.raises(TokenSignatureError):
        verifier.verify(mint(key2, id_claims(), kid="k1"))


def test_signature_last_char_non_canonical(verifier: CognitoTokenVerifier, key1: Any) -> None:
    token = mint(key1, id_claims())
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = token[-1]
    twin = alphabet[alphabet.index(last) ^ 1]  # same decoded bytes if the low bits are unused
    with pytest.raises((TokenMalformedError, TokenSignatureError)):
        verifier.verify(token[:-1] + twin)


def test_crit_header_refused(verifier: CognitoTokenVerifier, key1: Any) -> None:
    token = mint(key1, id_claims(), header={"alg": "RS256", "kid": "k1", "crit": ["b64"]})
    with pytest.raises(TokenMalformedError):
        verifier.verify(token)
    docs = (Path(__file__).resolve().parents[2] / "docs" / "verification.md").read_text()
    [row] = [line for line in docs.splitlines() if line.startswith("|") and "`crit`" in line]
    assert row.rstrip(" |").endswith("`TokenMalformedError`")  # the table says the same


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("jti", 5), ("scope", 7), ("sub", 1), ("sub", None), ("jti", ["a"]),
        ("client_id", 3), ("username", {"a": 1}), ("origin_jti", True), ("event_id", 2.5),
        ("device_key", 9), ("aud", 5), ("aud", ["ok", 5]), ("aud", None),
        ("cognito:groups", "admins"), ("cognito:groups", ["a", 1]), ("cognito:groups", None),
        ("auth_time", "1"), ("auth_time", True), ("auth_time", None), ("auth_time", 10**400),
        ("iat", "now"),
    ],
)
def test_every_standard_claim_has_its_type(verifier: CognitoTokenVerifier, key1: Any,
                                           claim: str, value: Any) -> None:
    """A validly signed token with a claim of the wrong JSON type is refused, as aws-jwt-verify
    refuses it (``"jti": 5``, ``"scope": 7``...), for every kind of token and whatever the
    verifier is asked to check."""
    make = id_claims if claim in ("aud", "cognito:username") else access_claims
    token = mint(key1, make(**{claim: value}))
    with pytest.raises(TokenClaimError, match=claim):
        verifier.verify(token)
    with pytest.raises(TokenClaimError):  # not only when a check reads it
        verifier.verify(token, groups=None, scopes=None)


def test_well_typed_optional_claims_pass(verifier: CognitoTokenVerifier, key1: Any) -> None:
    token = mint(key1, access_claims(**{"cognito:groups": ["a", "b"], "auth_time": 1,
                                        "aud": ["x", "y"], "device_key": "d"}))
    assert verifier.verify(token)["cognito:groups"] == ["a", "b"]
    for auth_time in (1.5, 2**60, -1):  # any finite number, not only the usual integer
        assert verifier.verify(mint(key1, access_claims(auth_time=auth_time)))["auth_time"]


def test_jku_x5u_jwk_headers_never_used(
    server: JwksServer, verifier: CognitoTokenVerifier, key1: Any, key3: Any
) -> None:
    other = JwksServer()
    try:
        other.jwks = {"keys": [jwk_of(key3, "k1")]}
        header = {
            "alg": "RS256",
            "kid": "k1",
            "jku": other.url(),
            "x5u": other.url("/cert.pem"),
            "jwk": jwk_of(key3, "k1"),
        }
        with pytest.raises(TokenSignatureError):
            verifier.verify(mint(key3, id_claims(), header=header))
        assert other.requests == 0
        header["kid"] = "evil"
        with pytest.raises(TokenKidNotFoundError):
            verifier.verify(mint(key3, id_claims(), header=header))
        assert other.requests == 0
    finally:
        other.close()


# -- kid -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kid", [None, "", 1, ["k1"], {"k": 1}, True, "k" * 2000])
def test_missing_or_bad_kid(verifier: CognitoTokenVerifier, key1: Any, kid: Any) -> None:
    header = {"alg": "RS256"} if kid is None else {"alg": "RS256", "kid": kid}
    with pytest.raises(TokenKidMissingError):
        verifier.verify(mint(key1, id_claims(), header=header))


def test_unknown_kid(verifier: CognitoTokenVerifier, key1: Any) -> None:
    with pytest.raises(TokenKidNotFoundError):
        verifier.verify(mint(key1, id_claims(), kid="nope"))


def test_weak_and_non_rsa_keys_ignored(server: JwksServer, make_verifier: Make) -> None:
    small = new_key(1024)
    good = new_key()
    server.jwks = {
        "keys": [
            jwk_of(small, "small"),
            {"kty": "oct", "kid": "hmac", "k": b64url(b"secret"), "alg": "HS256"},
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
            jwk_of(good, "enc", use="enc"),
            jwk_of(good, "ops", key_ops=["encrypt"]),
            jwk_of(good, "priv", d="AQAB"),
            jwk_of(good, "bad-n", n="!!!"),
            jwk_of(good, "even-e", e=b64url(b"\x02")),
            "not an object",
            jwk_of(good, "good"),
        ]
    }
    v = make_verifier()
    assert [k["kid"] for k in v.get_jwks()["keys"]] == ["good"]
    with pytest.raises(TokenKidNotFoundError):
        v.verify(mint(small, id_claims(), kid="small"))
    with pytest.raises(TokenAlgorithmError):
        v.verify(mint_hs256(b"secret", id_claims(), kid="hmac"))
    assert v.verify(mint(good, id_claims(), kid="good"))["sub"]
    assert v.get_jwk("good")["kid"] == "good"


# -- issuer ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iss",
    [
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtherPool",
        "https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_TestPool1",
        "http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1",
        ISSUER + "/",
        ISSUER.upper(),
        "",
        None,
        ["" + ISSUER],
        DROP,
    ],
)
def test_wrong_issuer(verifier: CognitoTokenVerifier, key1: Any, iss: Any) -> None:
    with pytest.raises(TokenIssuerError):
        verifier.verify(mint(key1, id_claims(iss=iss)))


MULTI_REGION_ISSUER = f"https://issuer-cognito-idp.{REGION}.amazonaws.com/{POOL_ID}"


def test_multi_region_issuer_is_accepted_by_default(
    verifier: CognitoTokenVerifier, key1: Any
) -> None:
    assert verifier.issuers == {ISSUER, MULTI_REGION_ISSUER}
    assert verifier.verify(mint(key1, id_claims(iss=MULTI_REGION_ISSUER)))["iss"] == (
        MULTI_REGION_ISSUER
    )
    for wrong in (
        "https://issuer-cognito-idp.us-east-1.amazonaws.com/eu-west-1_TestPool1",
        "https://issuer-cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtherPool",
    ):
        with pytest.raises(TokenIssuerError):
            verifier.verify(mint(key1, id_claims(iss=wrong)))


def test_an_explicit_issuer_is_the_only_one(
    make_verifier: Callable[..., CognitoTokenVerifier], key1: Any
) -> None:
    v = make_verifier(issuer=ISSUER)
    assert v.verify(mint(key1, id_claims()))["iss"] == ISSUER
    with pytest.raises(TokenIssuerError):
        v.verify(mint(key1, id_claims(iss=MULTI_REGION_ISSUER)))


def test_issuer_and_jwks_url_are_separate(server: JwksServer, cache: Any, key1: Any) -> None:
    v = CognitoTokenVerifier(
        POOL_ID, CLIENT_ID, jwks_url=server.url("/elsewhere/jwks.json"), jwks_cache=cache
    )
    assert v.issuer == ISSUER
    assert v.verify(mint(key1, id_claims()))["iss"] == ISSUER
    assert server.paths == ["/elsewhere/jwks.json"]


# -- audience / client id / token_use --------------------------------------------------------


@pytest.mark.parametrize("aud", [OTHER_CLIENT_ID, "", None, DROP, [CLIENT_ID], 1])
def test_wrong_or_missing_audience(verifier: CognitoTokenVerifier, key1: Any, aud: Any) -> None:
    with pytest.raises(TokenAudienceError):
        verifier.verify(mint(key1, id_claims(aud=aud)), "id")


def test_access_token_of_other_client_refused(verifier: CognitoTokenVerifier, key1: Any) -> None:
    with pytest.raises(TokenAudienceError):
        verifier.verify(mint(key1, access_claims(client_id=OTHER_CLIENT_ID)), "access")
    with pytest.raises(TokenAudienceError):
        verifier.verify(mint(key1, access_claims(client_id=DROP)), "access")
    # an "aud" claim does not stand in for client_id on an access token
    with pytest.raises(TokenAudienceError):
        verifier.verify(mint(key1, access_claims(client_id=DROP, aud=CLIENT_ID)), "access")


def test_several_client_ids(make_verifier: Make, key1: Any) -> None:
    v = make_verifier([CLIENT_ID, OTHER_CLIENT_ID])
    assert v.verify(mint(key1, access_claims(client_id=OTHER_CLIENT_ID)), "access")
    assert v.verify(mint(key1, id_claims(aud=OTHER_CLIENT_ID)), "id")
    with pytest.raises(TokenAudienceError):
        v.verify(mint(key1, id_claims(aud="third")), "id")
    with pytest.raises(TokenVerifierConfigError):
        make_verifier([])
    with pytest.raises(TokenVerifierConfigError):
        make_verifier("")


def test_id_and_access_swapped(verifier: CognitoTokenVerifier, key1: Any) -> None:
    with pytest.raises(TokenUseError):
        verifier.verify(mint(key1, id_claims()), "access")
    with pytest.raises(TokenUseError):
        verifier.verify(mint(key1, access_claims()), "id")


@pytest.mark.parametrize("use", ["refresh", "ID", "", None, DROP, ["id"], 1])
def test_bad_token_use(verifier: CognitoTokenVerifier, key1: Any, use: Any) -> None:
    with pytest.raises(TokenUseError):
        verifier.verify(mint(key1, id_claims(token_use=use)))


def test_bad_token_use_argument(verifier: CognitoTokenVerifier, key1: Any) -> None:
    with pytest.raises(TokenVerifierConfigError):
        verifier.verify(mint(key1, id_claims()), "refresh")


# -- time ------------------------------------------------------------------------------------


def test_expired_and_leeway(make_verifier: Make, key1: Any) -> None:
    now = int(time.time())
    token = mint(key1, id_claims(exp=now - 5))
    with pytest.raises(TokenExpiredError):
        make_verifier().verify(token)
    assert make_verifier(leeway=60).verify(token)
    with pytest.raises(TokenExpiredError):
        make_verifier(leeway=60).verify(mint(key1, id_claims(exp=now - 120)))


def test_now_judges_times_at_that_moment(verifier: CognitoTokenVerifier, key1: Any) -> None:
    now = int(time.time())
    token = mint(key1, id_claims(iat=now - 900, exp=now - 600))  # 5-minute token, 10 min ago
    with pytest.raises(TokenExpiredError):
        verifier.verify(token)
    assert verifier.verify(token, now=now - 840)["exp"] == now - 600
    with pytest.raises(TokenExpiredError):
        verifier.verify(token, now=now - 600)
    with pytest.raises(TokenNotYetValidError):
        verifier.verify(mint(key1, id_claims(nbf=now + 30)), now=now)
    for bad in (float("nan"), float("inf"), True, "1"):
        with pytest.raises(TokenVerifierConfigError, match="now"):
            verifier.verify(token, now=bad)  # type: ignore[arg-type]


def test_expired_token_in_cache_is_rechecked(
    verifier: CognitoTokenVerifier, key1: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = mint(key1, id_claims(exp=int(time.time()) + 100))
    assert verifier.verify(token)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 200)
    with pytest.raises(TokenExpiredError):
        verifier.verify(token)


def test_the_verified_token_cache_is_bounded(make_verifier: Make, key1: Any) -> None:
    """README: the cache holds at most ``token_cache_size`` tokens (1,024 by default), the
    oldest forgotten first."""
    verifier = make_verifier(token_cache_size=3)
    tokens = [mint(key1, id_claims(jti=f"token-{n}")) for n in range(5)]
    for token in tokens:
        verifier.verify(token)
    assert list(verifier._tokens) == tokens[2:]


def test_not_yet_valid(make_verifier: Make, key1: Any) -> None:
    now = int(time.time())
    token = mint(key1, id_claims(nbf=now + 30))
    with pytest.raises(TokenNotYetValidError):
        make_verifier().verify(token)
    assert make_verifier(leeway=60).verify(token)
    # iat in the near future (server clock behind Cognito's) is not a failure
    assert make_verifier().verify(mint(key1, id_claims(iat=now + 30)))


@pytest.mark.parametrize("exp", [True, False, "9999999999", None, [1], {"a": 1}])
def test_exp_not_a_number(verifier: CognitoTokenVerifier, key1: Any, exp: Any) -> None:
    with pytest.raises(TokenClaimError):
        verifier.verify(mint(key1, id_claims(exp=exp)))


def test_exp_overflowing_to_infinity(verifier: CognitoTokenVerifier, key1: Any) -> None:
    raw = encode_segments({}, id_claims(exp=12345)).split(".")[1]
    payload = base64.urlsafe_b64decode(raw + "==").replace(b"12345", b"1e400")
    with pytest.raises(TokenClaimError):
        verifier.verify(mint(key1, payload))


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
def test_integer_too_large_for_a_float(
    verifier: CognitoTokenVerifier, key1: Any, claim: str
) -> None:
    # JSON integers are unbounded; float(10**400) raised OverflowError, which escaped the claim
    # checks and surfaced as the bare base class instead of a TokenClaimError.
    with pytest.raises(TokenClaimError, match=claim):
        verifier.verify(mint(key1, id_claims(**{claim: 10**400})))


def test_missing_exp(verifier: CognitoTokenVerifier, key1: Any) -> None:
    with pytest.raises(TokenExpiredError):
        verifier.verify(mint(key1, id_claims(exp=DROP)))


@pytest.mark.parametrize("claim", ["nbf", "iat"])
@pytest.mark.parametrize("value", [True, "1", [], None])
def test_nbf_iat_not_numbers(
    verifier: CognitoTokenVerifier, key1: Any, claim: str, value: Any
) -> None:
    with pytest.raises(TokenClaimError):
        verifier.verify(mint(key1, id_claims(**{claim: value})))


def test_float_exp_accepted(verifier: CognitoTokenVerifier, key1: Any) -> None:
    assert verifier.verify(mint(key1, id_claims(exp=time.time() + 100.5)))


def test_non_finite_numbers_refused(verifier: CognitoTokenVerifier, key1: Any) -> None:
    payload = encode_segments({}, id_claims()).split(".")[1]
    raw = base64.urlsafe_b64decode(payload + "==").replace(b'"exp": ', b'"exp": Infinity, "x": ')
    with pytest.raises(TokenMalformedError):
        verifier.verify(mint(key1, raw))


# -- groups / scopes / custom ----------------------------------------------------------------


def test_groups(make_verifier: Make, key1: Any) -> None:
    token = mint(key1, id_claims())
    assert make_verifier(groups="admins").verify(token)
    assert make_verifier(groups=["nobody", "staff"]).verify(token)
    with pytest.raises(TokenGroupError):
        make_verifier(groups=["nobody"]).verify(token)
    with pytest.raises(TokenGroupError):
        make_verifier(groups="admins").verify(mint(key1, id_claims(**{"cognito:groups": DROP})))
    with pytest.raises(TokenGroupError):
        make_verifier(groups="admins").verify(mint(key1, id_claims(**{"cognito:groups": "admins"})))
    v = make_verifier(groups="nobody")
    assert v.verify(token, groups=None)
    assert v.verify(token, groups=["staff"])
    with pytest.raises(TokenGroupError):
        v.verify(token)


def test_scopes(make_verifier: Make, key1: Any) -> None:
    token = mint(key1, access_claims())
    assert make_verifier(scopes="openid").verify(token, "access")
    assert make_verifier(scopes=["x", "email"]).verify(token, "access")
    with pytest.raises(TokenScopeError):
        make_verifier(scopes="open").verify(token, "access")  # no substring matches
    with pytest.raises(TokenScopeError):
        make_verifier(scopes="openid").verify(mint(key1, access_claims(scope=DROP)))
    with pytest.raises(TokenScopeError):
        make_verifier(scopes="openid").verify(mint(key1, access_claims(scope=["openid"])))
    assert make_verifier().verify(token, scopes="email")
    with pytest.raises(TokenScopeError):
        make_verifier().verify(token, scopes=["admin"])


def test_custom_check(make_verifier: Make, key1: Any) -> None:
    token = mint(key1, id_claims())
    seen: list[Any] = []

    def check(header: Any, claims: Any) -> None:
        seen.append((header["kid"], claims["email"]))

    assert make_verifier(custom_check=check).verify(token)
    assert seen == [("k1", "alice@example.com")]
    with pytest.raises(TokenCustomCheckError):
        make_verifier(custom_check=lambda h, c: False).verify(token)

    def boom(header: Any, claims: Any) -> None:
        raise KeyError("email_verified")

    with pytest.raises(TokenCustomCheckError) as info:
        make_verifier(custom_check=boom).verify(token)
    assert isinstance(info.value.__cause__, KeyError)

    def own(header: Any, claims: Any) -> None:
        raise TokenGroupError("not allowed")

    with pytest.raises(TokenGroupError):
        make_verifier(custom_check=own).verify(token)


# -- at_hash ---------------------------------------------------------------------------------


def test_at_hash_helper() -> None:
    digest = hashlib.sha256(b"abc.def.ghi").digest()[:16]
    assert at_hash("abc.def.ghi") == base64.urlsafe_b64encode(digest).decode().rstrip("=")


def test_at_hash(verifier: CognitoTokenVerifier, key1: Any) -> None:
    access = mint(key1, access_claims())
    other = mint(key1, access_claims(jti="other"))
    id_token = mint(key1, id_claims(at_hash=at_hash(access)))
    assert verifier.verify(id_token, "id", access_token=access)
    assert verifier.verify(id_token, "id")  # no access token at hand: not checked
    with pytest.raises(TokenAtHashError):
        verifier.verify(id_token, "id", access_token=other)
    with pytest.raises(TokenAtHashError):
        verifier.verify(id_token, "id", access_token="é")
    with pytest.raises(TokenAtHashError):
        verifier.verify(mint(key1, id_claims(at_hash=123)), "id", access_token=access)
    # an id token without at_hash (InitiateAuth tokens) passes with the access token at hand
    assert verifier.verify(mint(key1, id_claims()), "id", access_token=access)


# -- messages --------------------------------------------------------------------------------


def test_messages_and_reprs_never_contain_the_token(
    verifier: CognitoTokenVerifier, key1: rsa.RSAPrivateKey
) -> None:
    good = mint(key1, id_claims())
    header, payload, signature = good.split(".")
    cases = [
        good + "x",
        f"{header}.{payload}.{signature[::-1]}",
        mint(key1, id_claims(exp=1)),
        mint(key1, id_claims(aud="x")),
        mint(key1, id_claims(), kid="zz"),
        good.replace(".", "..", 1),
    ]
    for case in cases:
        with pytest.raises(TokenVerificationException) as info:
            verifier.verify(case, "access", access_token=case)
        text = f"{info.value!s} {info.value!r}"
        for part in case.split("."):
            if len(part) > 12:
                assert part not in text
    assert good not in repr(verifier)
