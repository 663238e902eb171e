"""Cognito's rules for the claims of a signature-verified token.

``iss`` exact; ``exp`` required and ``nbf`` optional, both JSON numbers (not booleans), with a
leeway; ``token_use``; ``aud`` (id token) or ``client_id`` (access token) among the allowed
client ids; optional groups (``cognito:groups``) and scopes (``scope``), any-of; ``at_hash``
when an id token carries it and the access token is at hand. Before any of these, every
standard claim read must have its JSON type (:func:`check_types`), as aws-jwt-verify requires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from ..exceptions import (
    TokenAtHashError,
    TokenAudienceError,
    TokenClaimError,
    TokenExpiredError,
    TokenGroupError,
    TokenIssuerError,
    TokenNotYetValidError,
    TokenScopeError,
    TokenUseError,
    TokenVerifierConfigError,
)

TOKEN_USES = ("id", "access")

#: ``custom_check(header, claims)``: raise (or return ``False``) to reject the token.
CustomCheck = Callable[[Mapping[str, Any], Mapping[str, Any]], object]


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def names(value: Union[str, Iterable[str], None], what: str) -> Optional[tuple[str, ...]]:
    """Normalise ``"a"`` / ``["a", "b"]`` / ``None`` to a tuple of non-empty strings or None."""
    if value is None:
        return None
    try:
        items = (value,) if isinstance(value, str) else tuple(value)
    except TypeError:  # not iterable
        items = ()
    if not items or not all(isinstance(item, str) and item for item in items):
        raise TokenVerifierConfigError(f"{what} must be a non-empty string or list of strings")
    return items


def number(claims: Mapping[str, Any], name: str) -> Optional[float]:
    """The claim as a finite number, ``None`` if absent; a bool or any other type is refused."""
    value = claims.get(name)
    if value is None:
        if name in claims:
            raise TokenClaimError(f"the {name} claim is null")
        return None
    kind = type(value)
    if kind is not int and kind is not float:
        raise TokenClaimError(f"the {name} claim is not a number")
    if kind is float:
        if not math.isfinite(value):
            raise TokenClaimError(f"the {name} claim is not a finite number")
        return float(value)
    try:  # JSON integers are unbounded: 1e400 written out in digits does not fit a float
        return float(value)
    except OverflowError:
        raise TokenClaimError(f"the {name} claim is not a finite number") from None


#: Claims that must be strings when present (``null`` included), as aws-jwt-verify has it for the
#: registered ones; the Cognito ones are those this library reads. Each with the error raised:
#: the one of the check that reads the claim, else :class:`TokenClaimError`.
_STRING_CLAIMS: tuple[tuple[str, type[TokenClaimError]], ...] = (
    ("sub", TokenClaimError), ("jti", TokenClaimError), ("scope", TokenScopeError),
    ("client_id", TokenAudienceError), ("username", TokenClaimError),
    ("cognito:username", TokenClaimError), ("device_key", TokenClaimError),
    ("origin_jti", TokenClaimError), ("event_id", TokenClaimError),
)
_STRING_NAMES = tuple(name for name, _ in _STRING_CLAIMS)
_EMPTY = ("",) * len(_STRING_NAMES)
_ONLY_STR = frozenset({str})
_ABSENT = object()

# A time held by an int this small converts to a float exactly: the usual exp and iat.
_EXACT = 2**53


def check_types(claims: Mapping[str, Any]) -> None:
    """Every standard claim read has its JSON type: the strings above; ``aud`` a string or a
    list of strings; ``cognito:groups`` a list of strings; ``auth_time`` a number.

    Run once per signature-verified token (claims are immutable afterwards).
    """
    get = claims.get
    # One pass in C for the usual token (an absent claim reads as a string here); the loop
    # below only runs to name the claim that is not a string.
    if not _ONLY_STR.issuperset(map(type, map(get, _STRING_NAMES, _EMPTY))):
        for name, error in _STRING_CLAIMS:
            if type(get(name, "")) is not str:
                raise error(f"the {name} claim is not a string")
    aud = get("aud", "")
    if type(aud) is not str and not _strings(aud):
        raise TokenAudienceError("the aud claim is not a string or a list of strings")
    groups = get("cognito:groups", _ABSENT)
    if groups is not _ABSENT and not _strings(groups):
        raise TokenGroupError("the cognito:groups claim is not a list of strings")
    auth_time = get("auth_time", 0)
    if not (type(auth_time) is int and -_EXACT < auth_time < _EXACT):
        number(claims, "auth_time")  # not the usual integer: a float, or the error naming it


def _strings(value: object) -> bool:
    return type(value) is list and _ONLY_STR.issuperset(map(type, value))


def check_issuer(claims: Mapping[str, Any], issuers: frozenset[str]) -> None:
    """``iss`` must be exactly one of ``issuers``."""
    iss = claims.get("iss")
    if iss is None:
        raise TokenIssuerError("the token has no iss claim")
    if type(iss) is not str or iss not in issuers:
        expected = " or ".join(repr(issuer) for issuer in sorted(issuers))
        raise TokenIssuerError(f"the token's issuer {_short(iss)} is not {expected}")


def check_times(claims: Mapping[str, Any], now: float, leeway: float) -> None:
    """``exp`` is required and must be after ``now - leeway``; ``nbf``, if present, must not be
    after ``now + leeway``; ``iat``, if present, must be a number."""
    exp = number(claims, "exp")
    if exp is None:
        raise TokenExpiredError("the token has no exp claim")
    if now >= exp + leeway:
        raise TokenExpiredError("the token has expired")
    nbf = number(claims, "nbf")
    if nbf is not None and now + leeway < nbf:
        raise TokenNotYetValidError("the token is not valid yet (nbf is in the future)")
    number(claims, "iat")


def usual_token_use(
    claims: Mapping[str, Any],
    issuers: frozenset[str],
    now: float,
    leeway: float,
    token_use: Optional[str],
    client_ids: Optional[frozenset[str]],
) -> Optional[str]:
    """The per-request shortcut for :func:`check_issuer`, :func:`check_times`,
    :func:`check_token_use` and :func:`check_client` together: the token's ``token_use`` when
    the usual token passes them all (string ``iss`` and client id, integer ``exp`` not yet
    reached, integer or no ``iat``, no ``nbf``), else ``None``, and the caller runs those four,
    which name what is wrong. It only ever accepts what they accept."""
    get = claims.get
    exp = get("exp")
    iat = get("iat", 0)
    iss = get("iss")
    use = get("token_use")
    if (
        type(exp) is not int
        or not -_EXACT < exp < _EXACT
        or now >= exp + leeway
        or type(iat) is not int
        or not -_EXACT < iat < _EXACT
        or "nbf" in claims
        or type(iss) is not str
        or iss not in issuers
        or (use != "access" and use != "id")
        or (token_use is not None and use != token_use)
    ):
        return None
    if client_ids is not None:
        client = get("aud" if use == "id" else "client_id")
        if type(client) is not str or client not in client_ids:
            return None
    return use  # type: ignore[no-any-return]


def check_token_use(claims: Mapping[str, Any], token_use: Optional[str]) -> str:
    """``token_use`` must be ``id`` or ``access``, and equal ``token_use`` when one is given."""
    use = claims.get("token_use")
    if type(use) is not str or use not in TOKEN_USES:
        raise TokenUseError(f"token_use {_short(use)} is not 'id' or 'access'")
    if token_use is not None and use != token_use:
        raise TokenUseError(f"token_use is {use!r}, expected {token_use!r}")
    return use


def check_client(claims: Mapping[str, Any], use: str, client_ids: Optional[frozenset[str]]) -> None:
    """``aud`` (id) or ``client_id`` (access) must be one of ``client_ids`` (None: not checked)."""
    if client_ids is None:
        return
    name = "aud" if use == "id" else "client_id"
    value = claims.get(name)
    if value is None:
        raise TokenAudienceError(f"the {use} token has no {name} claim")
    if type(value) is not str or value not in client_ids:
        raise TokenAudienceError(f"the token's {name} {_short(value)} is not an allowed client id")


def check_groups(claims: Mapping[str, Any], required: Optional[Sequence[str]]) -> None:
    """At least one of ``required`` must be in ``cognito:groups``."""
    if required is None:
        return
    groups = claims.get("cognito:groups")
    if type(groups) is not list or not any(g in groups for g in required):
        raise TokenGroupError(f"the token is in none of the groups {list(required)!r}")


def check_scopes(claims: Mapping[str, Any], required: Optional[Sequence[str]]) -> None:
    """At least one of ``required`` must be in the space-separated ``scope``."""
    if required is None:
        return
    scope = claims.get("scope")
    if type(scope) is not str:
        raise TokenScopeError(f"the token has none of the scopes {list(required)!r}")
    granted = scope.split(" ")
    if not any(s in granted for s in required):
        raise TokenScopeError(f"the token has none of the scopes {list(required)!r}")


def at_hash(access_token: str) -> str:
    """The ``at_hash`` of an RS256 access token: left half of SHA-256, base64url, no padding."""
    digest = hashlib.sha256(access_token.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest[:16]).rstrip(b"=").decode("ascii")


def check_at_hash(claims: Mapping[str, Any], access_token: Optional[object]) -> None:
    """If the id token carries ``at_hash`` and the access token is given, they must match."""
    if access_token is None or "at_hash" not in claims:
        return
    value = claims["at_hash"]
    if type(value) is not str:
        raise TokenAtHashError("the at_hash claim is not a string")
    if not isinstance(access_token, str) or not access_token.isascii():
        raise TokenAtHashError("the access token to check at_hash against is not an ASCII string")
    if not hmac.compare_digest(value.encode("utf-8"), at_hash(access_token).encode("ascii")):
        raise TokenAtHashError("at_hash does not match the access token")
