"""The verifiers: one pool (:class:`CognitoTokenVerifier`), several pools chosen by ``iss``
(:class:`MultiPoolVerifier`), and the memoised factory the ``Cognito`` facade uses on every
request (:func:`shared_verifier`)."""

from __future__ import annotations

import ast
import enum
import json
import math
import os
import threading
from typing import Any, Callable, Iterable, Mapping, NoReturn, Optional, Sequence, Union

from .. import _clock
from .._environ import getenv
from ..exceptions import (
    JWKSUnavailableError,
    TokenAlgorithmError,
    TokenCustomCheckError,
    TokenIssuerError,
    TokenKidMissingError,
    TokenKidNotFoundError,
    TokenMalformedError,
    TokenSignatureError,
    TokenVerificationException,
    TokenVerifierConfigError,
)
from . import _claims
from ._claims import CustomCheck
from ._jwk import KeySet, PublicKey, parse_jwks
from ._jwks_cache import JwksCache, default_cache
from ._jwt import DEFAULT_MAX_TOKEN_SIZE, ParsedJwt, check_size, parse_jwt

ALGORITHM = "RS256"
ENV_JWKS = "COGNITO_JWKS"
DEFAULT_TOKEN_CACHE_SIZE = 1024
_MAX_KID_LENGTH = 1024
_SCALARS = (str, int, float, bool, type(None))


class _Default(enum.Enum):
    DEFAULT = 0


#: Sentinel for per-call options: "use the verifier's own setting".
DEFAULT = _Default.DEFAULT

Names = Union[str, Sequence[str], None]


def _copy_json(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: _copy_json(v) for k, v in value.items()}
    if kind is list:
        return [_copy_json(v) for v in value]
    return value


def _nested(claims: Mapping[str, Any]) -> tuple[str, ...]:
    """The names of the claims whose values are lists or objects (the ones a copy copies)."""
    return tuple(k for k, v in claims.items() if type(v) not in _SCALARS)


def _copy_claims(claims: Mapping[str, Any], nested: tuple[str, ...]) -> dict[str, Any]:
    """A copy the caller may change without changing ``claims``: the dict copied in C, then
    each value in ``nested`` (see :func:`_nested`) copied through."""
    result = dict(claims)
    try:
        for name in nested:
            result[name] = _copy_json(result[name])
    except RecursionError:  # the JSON parser stops a little deeper than a copy can go
        raise TokenMalformedError("token payload is nested too deeply") from None
    return result


def region_of(user_pool_id: str) -> str:
    """The region part of a pool id (``eu-west-1_AbC`` -> ``eu-west-1``)."""
    region, sep, rest = user_pool_id.partition("_")
    if not sep or not region or not rest:
        raise TokenVerifierConfigError("user_pool_id must look like '<region>_<id>'")
    return region


def cognito_issuer(user_pool_id: str, region: Optional[str] = None) -> str:
    """``https://cognito-idp.{region}.amazonaws.com/{user_pool_id}``."""
    return f"https://cognito-idp.{region or region_of(user_pool_id)}.amazonaws.com/{user_pool_id}"


def multi_region_issuer(user_pool_id: str, region: Optional[str] = None) -> str:
    """The issuer of a multi-Region user pool's tokens:
    ``https://issuer-cognito-idp.{region}.amazonaws.com/{user_pool_id}``."""
    region = region or region_of(user_pool_id)
    return f"https://issuer-cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def jwks_url_for_endpoint(endpoint_url: str, user_pool_id: str) -> str:
    """The JWKS URL of a pool served by another endpoint (such as the local Cognito):
    ``{endpoint_url}/{user_pool_id}/.well-known/jwks.json``."""
    return f"{endpoint_url.rstrip('/')}/{user_pool_id}/.well-known/jwks.json"


def parse_jwks_text(text: str) -> dict[str, Any]:
    """Parse a JWKS given as text: JSON, or (as the original pycognito accepted) a Python
    literal. Raise :class:`JWKSUnavailableError` if it is not an object with a ``keys`` list."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise JWKSUnavailableError(f"{ENV_JWKS} is not a JSON object") from None
    if not isinstance(value, dict) or not isinstance(value.get("keys"), list):
        raise JWKSUnavailableError('the JWKS must be a JSON object with a "keys" list')
    return value


def jwks_from_env() -> Optional[dict[str, Any]]:
    """The JWKS in the ``COGNITO_JWKS`` environment variable, or ``None`` if it is unset/empty."""
    text = os.environ.get(ENV_JWKS)
    if not text or not text.strip():
        return None
    return parse_jwks_text(text)


class _Verified:
    """A signature-verified token in the token cache (claims are re-checked on every hit)."""

    __slots__ = ("claims", "header", "key", "nested")

    def __init__(self, key: PublicKey, header: dict[str, Any], claims: dict[str, Any]) -> None:
        self.key = key
        self.header = header
        self.claims = claims
        #: The claims a copy handed out must copy (computed once: hits only copy these).
        self.nested = _nested(claims)


def _unnamed_failure(exc: Exception) -> TokenVerificationException:
    """What ``verify`` raises instead of any exception that is not a
    :class:`TokenVerificationException` (both verify methods catch it with a plain ``try``,
    which costs nothing until something is raised; a context manager costs two calls per
    request)."""
    return TokenVerificationException(f"token verification failed ({type(exc).__name__})")


class CognitoTokenVerifier:
    """Verify id and access tokens of one Cognito user pool.

    ``client_id`` is required: one id, a list of ids, or ``None`` to deliberately skip the
    client check. Keys come from ``jwks`` (a JWKS mapping: no network at all) or from
    ``jwks_url`` (default ``{issuer}/.well-known/jwks.json``) through ``jwks_cache`` (default:
    the process-wide cache). ``groups``/``scopes`` (any-of) and ``custom_check(header, claims)``
    are optional. Signature-verified tokens are remembered in a bounded per-verifier cache of
    ``token_cache_size`` entries; every claim (``exp`` and ``nbf`` included) is re-checked on
    every call. :meth:`verify` raises only :class:`TokenVerificationException` subclasses.
    ``clock`` (seconds since the epoch) defaults to the library's wall clock.
    """

    def __init__(
        self,
        user_pool_id: str,
        client_id: Union[str, Sequence[str], None],
        *,
        region: Optional[str] = None,
        issuer: Optional[str] = None,
        jwks_url: Optional[str] = None,
        jwks: Optional[Mapping[str, Any]] = None,
        leeway: float = 0,
        groups: Names = None,
        scopes: Names = None,
        custom_check: Optional[CustomCheck] = None,
        jwks_cache: Optional[JwksCache] = None,
        max_token_size: int = DEFAULT_MAX_TOKEN_SIZE,
        token_cache_size: int = DEFAULT_TOKEN_CACHE_SIZE,
        clock: Optional[Callable[[], float]] = None,
    ) -> None:
        if not isinstance(user_pool_id, str) or not user_pool_id:
            raise TokenVerifierConfigError("user_pool_id must be a non-empty string")
        if issuer is None:
            issuer = cognito_issuer(user_pool_id, region)
            issuers = frozenset({issuer, multi_region_issuer(user_pool_id, region)})
        elif not isinstance(issuer, str) or not issuer:
            raise TokenVerifierConfigError("issuer must be a non-empty string")
        else:
            issuers = frozenset({issuer})
        if isinstance(leeway, bool) or not isinstance(leeway, (int, float)):
            raise TokenVerifierConfigError("leeway must be a number of seconds")
        if not math.isfinite(leeway) or leeway < 0:
            raise TokenVerifierConfigError("leeway must be a finite number >= 0")
        if custom_check is not None and not callable(custom_check):
            raise TokenVerifierConfigError("custom_check must be callable")
        client_ids = _claims.names(client_id, "client_id")
        self.user_pool_id = user_pool_id
        self.issuer = issuer
        #: Every ``iss`` accepted: by default the pool's regional issuer and its multi-Region
        #: one (as aws-jwt-verify); only ``issuer`` when it is given explicitly.
        self.issuers = issuers
        self.jwks_url = jwks_url or f"{issuer.rstrip('/')}/.well-known/jwks.json"
        self.client_ids: Optional[frozenset[str]] = (
            frozenset(client_ids) if client_ids is not None else None
        )
        self.leeway = float(leeway)
        self.groups = _claims.names(groups, "groups")
        self.scopes = _claims.names(scopes, "scopes")
        self.custom_check = custom_check
        self.max_token_size = int(max_token_size)
        self._static: Optional[KeySet] = parse_jwks(jwks) if jwks is not None else None
        self._cache = jwks_cache if jwks_cache is not None else default_cache()
        self._token_cache_size = max(0, int(token_cache_size))
        self._tokens: dict[str, _Verified] = {}
        self._tokens_lock = threading.Lock()
        self._clock = clock

    def __repr__(self) -> str:
        source = "static JWKS" if self._static is not None else self.jwks_url
        return (
            f"{type(self).__name__}(issuer={self.issuer!r}, keys={source!r}, "
            f"client_ids={sorted(self.client_ids) if self.client_ids is not None else None!r})"
        )

    # -- keys ------------------------------------------------------------------------------

    def hydrate(self) -> None:
        """Load the pool's keys now (ahead of the first request); a no-op for a static JWKS."""
        if self._static is None:
            self._cache.refresh(self.jwks_url)

    def keys_loaded(self) -> bool:
        """Whether verifying needs no fetch first (static keys, or the pool's keys cached)."""
        return self._static is not None or self._cache.cached(self.jwks_url) is not None

    def fetch_due(self, kid: Optional[str] = None) -> bool:
        """Whether verifying a token whose header names ``kid`` (``None``: any token) would
        fetch the pool's keys first: none cached, or ``kid`` not among them (a key rotation),
        outside the cache's wait period. A caller that fetches by itself (an event loop) then
        calls :meth:`add_fetched_jwks` or :meth:`fetch_failed`, and verifying fetches nothing.
        """
        return self._static is None and self._cache.fetch_due(self.jwks_url, kid)

    def add_fetched_jwks(self, body: bytes, kid: Optional[str] = None) -> bool:
        """Use ``body``, the pool's JWKS fetched by the caller (an async client, say), as if
        this verifier had fetched it (the same parsing, limits and counting). Return whether
        ``kid`` is in it; if it is not, the keys are not fetched again for ``kid`` until the
        cache's wait period is over, as after the verifier's own refetch."""
        if self._static is not None:
            return kid is None or kid in self._static.keys
        return self._cache.fetched(self.jwks_url, body, kid)

    def fetch_failed(self, error: JWKSUnavailableError) -> NoReturn:
        """Record the caller's failed fetch of the pool's keys (the cache's short wait period,
        as for its own failures) and raise ``error`` naming the JWKS URL."""
        self._cache.fetch_failed(self.jwks_url, error)

    def get_jwks(self) -> dict[str, Any]:
        """The usable keys of the pool's JWKS, as ``{"keys": [jwk, ...]}`` (fetched if needed)."""
        keyset = self._static if self._static is not None else self._cache.keyset(self.jwks_url)
        return {"keys": [dict(jwk) for jwk in keyset.document["keys"]]}

    def loaded_jwks(self) -> Optional[dict[str, Any]]:
        """The keys :meth:`get_jwks` would return if they are already loaded, else ``None``
        (never fetches)."""
        keyset = self._static if self._static is not None else self._cache.cached(self.jwks_url)
        if keyset is None:
            return None
        return {"keys": [dict(jwk) for jwk in keyset.document["keys"]]}

    def get_jwk(self, kid: str) -> dict[str, Any]:
        """The JWK with ``kid`` (refetching once for an unknown kid, like a token would)."""
        return dict(self._key(kid).jwk)

    def _key(self, kid: str) -> PublicKey:
        if self._static is not None:
            key = self._static.keys.get(kid)
            if key is None:
                raise TokenKidNotFoundError("the token's kid is not in the configured key set")
            return key
        return self._cache.get_key(self.jwks_url, kid)

    def _is_current(self, key: PublicKey) -> bool:
        if self._static is not None:
            return True
        return self._cache.peek(self.jwks_url, key.kid) is key

    # -- verification ----------------------------------------------------------------------

    def verify(
        self,
        token: str,
        token_use: Optional[str] = None,
        *,
        access_token: Optional[str] = None,
        groups: Union[Names, _Default] = DEFAULT,
        scopes: Union[Names, _Default] = DEFAULT,
        now: Optional[float] = None,
    ) -> dict[str, Any]:
        """Verify ``token`` and return its claims.

        ``token_use`` is ``"id"``, ``"access"`` or ``None`` (either). ``access_token``: check the
        id token's ``at_hash`` against it. ``groups``/``scopes`` override the verifier's.
        ``now`` (seconds since the epoch): judge ``exp``/``nbf`` at that time instead of the
        verifier's clock (the facade passes Cognito's clock for tokens it has just received).
        """
        if now is not None and (
            isinstance(now, bool) or not isinstance(now, (int, float)) or not math.isfinite(now)
        ):
            raise TokenVerifierConfigError("now must be a finite number of seconds or None")
        try:
            return self._verify(token, None, token_use, access_token, groups, scopes, now)
        except TokenVerificationException:
            raise
        except Exception as exc:
            raise _unnamed_failure(exc) from None

    def _verify(
        self,
        token: object,
        parsed: Optional[ParsedJwt],
        token_use: Optional[str],
        access_token: Optional[str],
        groups: Union[Names, _Default],
        scopes: Union[Names, _Default],
        now: Optional[float] = None,
    ) -> dict[str, Any]:
        if token_use is not None and token_use not in _claims.TOKEN_USES:
            raise TokenVerifierConfigError("token_use must be 'id', 'access' or None")
        if type(token) is str and len(token) <= self.max_token_size:
            text = token
        else:
            text = check_size(token, self.max_token_size)
        caching = self._token_cache_size > 0
        hit = self._tokens.get(text) if caching else None
        fresh = hit is None or not self._is_current(hit.key)
        if hit is not None and not fresh:
            header, claims = hit.header, hit.claims
        else:
            if parsed is None:
                parsed = parse_jwt(text)
            key = self._check_signature(parsed)
            header, claims = parsed.header, parsed.payload
            _claims.check_types(claims)
            hit = _Verified(key, header, claims) if caching else None
        # Claims kept in (or taken from) the token cache are handed out as copies; without the
        # cache, the freshly parsed claims are the caller's own.
        result = self._check_claims(
            header, claims, token_use, access_token, groups, scopes, now,
            nested=hit.nested if hit is not None else None,
        )
        if fresh and hit is not None:
            self._remember(text, hit)
        return result

    def _check_signature(self, parsed: ParsedJwt) -> PublicKey:
        header = parsed.header
        alg = header.get("alg")
        if alg != ALGORITHM or type(alg) is not str:
            raise TokenAlgorithmError(f"the token's alg must be {ALGORITHM}")
        if "crit" in header:
            raise TokenMalformedError("critical header parameters are not supported")
        kid = header.get("kid")
        if type(kid) is not str or not kid or len(kid) > _MAX_KID_LENGTH:
            raise TokenKidMissingError("the token's header has no usable kid")
        static = self._static
        key = static.keys.get(kid) if static is not None else None
        if key is None:
            key = self._key(kid)  # fetched keys, or the error naming the missing kid
        if key.alg is not None and key.alg != alg:
            raise TokenAlgorithmError(f"the key named by the token is for {key.alg!r}, not {alg}")
        if not key.verifies_rs256(parsed.signature, parsed.signing_input):
            raise TokenSignatureError("the token's signature is invalid")
        return key

    def _check_claims(
        self,
        header: dict[str, Any],
        claims: dict[str, Any],
        token_use: Optional[str],
        access_token: Optional[str],
        groups: Union[Names, _Default],
        scopes: Union[Names, _Default],
        now: Optional[float] = None,
        *,
        nested: Optional[tuple[str, ...]],
    ) -> dict[str, Any]:
        """Check the claims; return them, or a copy (:func:`_copy_claims`) unless ``nested``
        is ``None``."""
        if now is None:
            now = (self._clock or _clock.now)()
        use = _claims.usual_token_use(
            claims, self.issuers, now, self.leeway, token_use, self.client_ids
        )
        if use is None:
            _claims.check_issuer(claims, self.issuers)
            _claims.check_times(claims, now, self.leeway)
            use = _claims.check_token_use(claims, token_use)
            _claims.check_client(claims, use, self.client_ids)
        required = self.groups if groups is DEFAULT else _claims.names(groups, "groups")
        if required is not None:
            _claims.check_groups(claims, required)
        required = self.scopes if scopes is DEFAULT else _claims.names(scopes, "scopes")
        if required is not None:
            _claims.check_scopes(claims, required)
        if use == "id":
            _claims.check_at_hash(claims, access_token)
        result = _copy_claims(claims, nested) if nested is not None else claims
        if self.custom_check is not None:
            self._run_custom_check(dict(header), result)
        return result

    def _run_custom_check(self, header: dict[str, Any], claims: dict[str, Any]) -> None:
        try:
            outcome = self.custom_check(header, claims)  # type: ignore[misc]
        except TokenVerificationException:
            raise
        except Exception as exc:
            # The message names the error type only; the caller's exception is chained.
            raise TokenCustomCheckError(
                f"the custom check rejected the token ({type(exc).__name__})"
            ) from exc
        if outcome is False:
            raise TokenCustomCheckError("the custom check rejected the token")

    def _remember(self, token: str, verified: _Verified) -> None:
        with self._tokens_lock:
            tokens = self._tokens
            while len(tokens) >= self._token_cache_size:
                del tokens[next(iter(tokens))]
            tokens[token] = verified

    def clear_token_cache(self) -> None:
        """Forget the remembered signature-verified tokens."""
        with self._tokens_lock:
            self._tokens.clear()


class MultiPoolVerifier:
    """Verify tokens of several pools (or several configurations) in one verifier: the token's
    ``iss`` chooses the :class:`CognitoTokenVerifier` that checks it."""

    def __init__(self, verifiers: Iterable[CognitoTokenVerifier]) -> None:
        self._by_issuer: dict[str, CognitoTokenVerifier] = {}
        for verifier in verifiers:
            if not isinstance(verifier, CognitoTokenVerifier):
                raise TokenVerifierConfigError("MultiPoolVerifier takes CognitoTokenVerifiers")
            for issuer in verifier.issuers:
                if issuer in self._by_issuer:
                    raise TokenVerifierConfigError(f"two verifiers for issuer {issuer!r}")
                self._by_issuer[issuer] = verifier
        if not self._by_issuer:
            raise TokenVerifierConfigError("MultiPoolVerifier needs at least one verifier")
        self.max_token_size = max(v.max_token_size for v in self._by_issuer.values())

    def __repr__(self) -> str:
        return f"MultiPoolVerifier(issuers={sorted(self._by_issuer)!r})"

    @property
    def verifiers(self) -> list[CognitoTokenVerifier]:
        """The verifiers, each once."""
        return list({id(v): v for v in self._by_issuer.values()}.values())

    def verifier_for(self, issuer: str) -> CognitoTokenVerifier:
        """The verifier of ``issuer``; :class:`TokenIssuerError` if there is none."""
        verifier = self._by_issuer.get(issuer) if type(issuer) is str else None
        if verifier is None:
            raise TokenIssuerError("the token's issuer is not one of the configured pools")
        return verifier

    def hydrate(self) -> None:
        """Load the keys of every pool."""
        for verifier in self.verifiers:
            verifier.hydrate()

    def verify(
        self,
        token: str,
        token_use: Optional[str] = None,
        *,
        access_token: Optional[str] = None,
        groups: Union[Names, _Default] = DEFAULT,
        scopes: Union[Names, _Default] = DEFAULT,
    ) -> dict[str, Any]:
        """Verify ``token`` with the verifier of its (unverified) ``iss``; see
        :meth:`CognitoTokenVerifier.verify`."""
        try:
            text = check_size(token, self.max_token_size)
            parsed = parse_jwt(text)
            verifier = self.verifier_for(parsed.payload.get("iss"))  # type: ignore[arg-type]
            return verifier._verify(text, parsed, token_use, access_token, groups, scopes)
        except TokenVerificationException:
            raise
        except Exception as exc:
            raise _unnamed_failure(exc) from None


# -- the memoised factory used by the Cognito facade -----------------------------------------

_SHARED: dict[tuple[Any, ...], CognitoTokenVerifier] = {}
_SHARED_LOCK = threading.Lock()
_SHARED_MAX = 256


def shared_verifier(
    user_pool_id: str,
    region: Optional[str],
    client_id: Union[str, Sequence[str], None],
    jwks_url: Optional[str] = None,
    *,
    issuer: Optional[str] = None,
) -> CognitoTokenVerifier:
    """The process-wide verifier for this configuration (the same object for the same
    arguments, thread-safe), so building a ``Cognito`` per request costs nothing and keys are
    fetched once per process. Honours ``COGNITO_JWKS`` (read on every call; parsed once per
    value): when set, its keys are used and nothing is fetched."""
    env = getenv(ENV_JWKS) or None
    ids = client_id if client_id is None or isinstance(client_id, str) else tuple(client_id)
    memo_key = (user_pool_id, region, ids, jwks_url, issuer, env)
    verifier = _SHARED.get(memo_key)
    if verifier is not None:
        return verifier
    with _SHARED_LOCK:
        verifier = _SHARED.get(memo_key)
        if verifier is None:
            jwks = parse_jwks_text(env) if env and env.strip() else None
            verifier = CognitoTokenVerifier(
                user_pool_id, client_id, region=region, issuer=issuer, jwks_url=jwks_url, jwks=jwks
            )
            while len(_SHARED) >= _SHARED_MAX:
                del _SHARED[next(iter(_SHARED))]
            _SHARED[memo_key] = verifier
    return verifier


def clear_shared_verifiers() -> None:
    """Forget the memoised verifiers (tests)."""
    with _SHARED_LOCK:
        _SHARED.clear()
