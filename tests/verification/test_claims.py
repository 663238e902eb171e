"""The per-request shortcut of the claim checks never accepts what the checks themselves refuse."""

from __future__ import annotations

import random
from typing import Any, Optional

import pytest

from pycognito.exceptions import TokenVerificationException
from pycognito.verification import _claims

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool"
ISSUERS = frozenset({ISSUER, ISSUER.replace("cognito-idp", "issuer-cognito-idp")})
CLIENTS = frozenset({"client-a", "client-b"})
NOW = 1_800_000_000.0
_MISSING = object()

_VALUES: dict[str, list[Any]] = {
    "iss": [ISSUER, ISSUER + "/", "", None, 1, [ISSUER], {"a": 1}, True],
    "exp": [NOW + 60, int(NOW) + 60, int(NOW), int(NOW) - 1, int(NOW) + 1, 2**53, 2**53 - 1,
            -(2**53), 10**400, -(10**400), True, False, "9999999999", None, NOW + 0.5,
            float("inf"), float("nan"), [1]],
    "iat": [int(NOW) - 10, NOW - 10, 10**400, 2**60, True, "1", None, [], float("nan")],
    "nbf": [int(NOW) - 10, int(NOW) + 100, True, "1", None],
    "token_use": ["access", "id", "refresh", "", None, 1, ["access"], {"access": 1}],
    "client_id": ["client-a", "client-c", "", None, 1, ["client-a"], {"x": 1}],
    "aud": ["client-b", "client-c", None, ["client-b"], 2],
}


def _four_checks(
    claims: dict[str, Any], leeway: float, token_use: Optional[str], clients: Any
) -> Optional[str]:
    try:
        _claims.check_issuer(claims, ISSUERS)
        _claims.check_times(claims, NOW, leeway)
        use = _claims.check_token_use(claims, token_use)
        _claims.check_client(claims, use, clients)
    except TokenVerificationException:
        return None
    return use


@pytest.mark.parametrize("seed", range(4))
def test_usual_token_use_agrees_with_the_checks(seed: int) -> None:
    rng = random.Random(seed)
    shortcut_taken = 0
    for _ in range(5000):
        claims = {
            name: value
            for name, values in _VALUES.items()
            if (value := rng.choice([*values, _MISSING, _MISSING])) is not _MISSING
        }
        if rng.random() < 0.5:  # most tokens look right: keep the shortcut busy
            claims.update(iss=ISSUER, exp=int(NOW) + 300, iat=int(NOW), client_id="client-a",
                          aud="client-b", token_use=rng.choice(["id", "access"]))
            claims.pop("nbf", None)
            claims[rng.choice(list(_VALUES))] = rng.choice(_VALUES[rng.choice(list(_VALUES))])
        leeway = rng.choice([0.0, 5.0, 3600.0])
        token_use = rng.choice([None, "id", "access"])
        clients = rng.choice([None, CLIENTS])
        expected = _four_checks(claims, leeway, token_use, clients)
        got = _claims.usual_token_use(claims, ISSUERS, NOW, leeway, token_use, clients)
        # The shortcut may decline (None) a token the checks accept, never the other way round.
        assert got is None or got == expected, claims
        shortcut_taken += got is not None
    assert shortcut_taken > 300


def test_usual_token_use_takes_a_cognito_token() -> None:
    claims = {"iss": ISSUER, "exp": int(NOW) + 60, "iat": int(NOW), "token_use": "access",
              "client_id": "client-a"}
    assert _claims.usual_token_use(claims, ISSUERS, NOW, 0.0, "access", CLIENTS) == "access"
    assert _claims.usual_token_use(claims, ISSUERS, NOW + 60, 0.0, None, CLIENTS) is None
    assert _claims.usual_token_use(claims, ISSUERS, NOW + 60, 1.0, None, CLIENTS) == "access"
