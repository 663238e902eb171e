"""Everything the local Cognito uses of moto, in one module (tests/local/test_moto_surface.py
pins it, so a moto upgrade that changes any of it fails there first).

* **Models:** moto's pools, app clients and users, found whichever account or region holds
  them. Most Cognito operations carry no credentials (InitiateAuth, SignUp, ...), so the region
  in the request does not identify the backend; the pool id, client id or token does.
* **Forwarding:** an operation the local Cognito has no handler for is answered by moto's own
  ``CognitoIdpResponse``, unpatched (:func:`forward`, :func:`call`).
* **Hooks:** the one thing that cannot be done from outside: moto's models read the time
  through module globals (``utcnow``), and parse a fixed signing key for every pool they create
  (~0.1-1 s each, through ``jwk``). While a server runs, both are pointed at the server clock and
  at a parse-once key, **only for requests the local Cognito is answering** (a thread-local
  scope, :func:`our_request`): ``mock_aws`` in the same process sees moto exactly as shipped.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Callable, ClassVar, Optional, Tuple

from moto.cognitoidp import models as moto_models
from moto.cognitoidp.models import UserStatus, cognitoidp_backends
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.cognitoidp.utils import flatten_attrs
from moto.core.exceptions import ServiceException
from moto.core.exceptions import _RESTError as RestError
from moto.core.request import Request as MotoRequest
from moto.core.utils import camelcase_to_underscores

from ._errors import CognitoError, resource_not_found

# moto's model classes are untyped; these aliases document what a value is.
Backend = Any
Pool = Any
Client = Any
User = Any

__all__ = [
    "Backend",
    "Client",
    "Pool",
    "User",
    "UserStatus",
    "attributes_of",
    "call",
    "cognito_error",
    "find_client",
    "find_pool",
    "find_user",
    "forward",
    "install_hooks",
    "iter_backends",
    "iter_identity_pools",
    "iter_pools",
    "our_request",
    "pool_name",
    "remove_hooks",
    "reset_backends",
]


# -- forwarding to moto's own implementation ----------------------------------------------------


class _ServerRequest(MotoRequest):
    """A request as moto's server hands it to a response class."""

    from_wsgi_server = True


def _response_class(service: str) -> Any:
    if service == "cognito-idp":
        return CognitoIdpResponse
    if service == "cognito-identity":
        from moto.cognitoidentity.responses import CognitoIdentityResponse

        return CognitoIdentityResponse
    if service == "sts":
        from moto.sts.responses import TokenResponse

        return TokenResponse
    raise ValueError(f"moto does not answer {service} here")


def implements(service: str, operation: str) -> bool:
    """Whether moto's response class for ``service`` has ``operation``."""
    return callable(getattr(_response_class(service), camelcase_to_underscores(operation), None))


def forward(environ: dict[str, Any], body: bytes, service: str = "cognito-idp"
            ) -> Tuple[int, dict[str, str], bytes]:
    """Answer a request with moto's own response class for ``service`` (``cognito-idp``,
    ``cognito-identity`` or ``sts``), unpatched: status, headers, body."""
    env = dict(environ)
    env["wsgi.input"] = io.BytesIO(body)
    env["CONTENT_LENGTH"] = str(len(body))
    status, headers, content = _response_class(service).dispatch(_ServerRequest(env))
    if isinstance(content, str):
        content = content.encode()
    return int(status), {str(k): str(v) for k, v in dict(headers).items()}, bytes(content)


def call(action: str, body: bytes, environ: dict[str, Any]) -> dict[str, Any]:
    """moto's answer to ``action`` with this JSON body; its error as a :class:`CognitoError`."""
    env = dict(environ)
    env["HTTP_X_AMZ_TARGET"] = f"AWSCognitoIdentityProviderService.{action}"
    status, _, content = forward(env, body)
    try:
        answer = json.loads(content or b"{}")
    except ValueError:
        answer = {}
    if status != 200:
        answer = answer if isinstance(answer, dict) else {}
        code = str(answer.get("__type") or "InternalErrorException").split("#")[-1]
        raise CognitoError(code, str(answer.get("message") or answer.get("Message") or ""),
                           status)
    return answer if isinstance(answer, dict) else {}


def cognito_error(error: BaseException) -> Optional[CognitoError]:
    """A moto exception raised by its models, as the Cognito error it stands for."""
    if isinstance(error, RestError):
        return CognitoError(str(error.error_type), str(error.message), int(error.code))
    if isinstance(error, ServiceException):
        return CognitoError(str(error.code), str(error.message))
    return None


# -- the hooks: moto's time and key parsing, only inside the local Cognito's requests ----------

_models: Any = moto_models  # moto's module, typed loosely: the hooks replace two of its globals
_scope = threading.local()
_hooks_lock = threading.Lock()
_hook_users = 0
_saved: dict[str, Any] = {}


def _inside() -> bool:
    return bool(getattr(_scope, "active", False))


@contextmanager
def our_request() -> Iterator[None]:
    """Run moto's models on the server clock (and the parse-once key) in this thread."""
    outer = _inside()
    _scope.active = True
    try:
        yield
    finally:
        _scope.active = outer


class _ScopedClock:
    """``utcnow`` for moto's models: the server clock inside our requests, real time outside."""

    def __init__(self, real: Callable[[], datetime], ours: Callable[[], datetime]) -> None:
        self._real, self._ours = real, ours

    def __call__(self) -> datetime:
        return self._ours() if _inside() else self._real()


class _LazyKey:
    """moto's fixed pool key, parsed on first use (the local Cognito signs with its own keys,
    so moto's is parsed only if one of moto's own token operations ever runs)."""

    _parsed: ClassVar[dict[str, Any]] = {}
    _lock = threading.Lock()

    def __init__(self, real_import: Callable[[Any], Any], value: Any) -> None:
        self._import, self._value = real_import, value

    def __getattr__(self, name: str) -> Any:
        cache_key = json.dumps(self._value, sort_keys=True, default=str)
        with _LazyKey._lock:
            if cache_key not in _LazyKey._parsed:
                _LazyKey._parsed[cache_key] = self._import(self._value)
        return getattr(_LazyKey._parsed[cache_key], name)


class _ScopedKeyImport:
    def __init__(self, real: Any) -> None:
        self._real = real

    def import_key(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if _inside() and not args and not kwargs:
            return _LazyKey(self._real.import_key, value)
        return self._real.import_key(value, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _ScopedJwk:
    """Stands in for ``joserfc.jwk`` in moto's Cognito models."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.RSAKey = _ScopedKeyImport(real.RSAKey)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def install_hooks(utcnow: Callable[[], datetime]) -> None:
    """Point moto's model time at ``utcnow`` (inside :func:`our_request` only); counted."""
    global _hook_users
    with _hooks_lock:
        _hook_users += 1
        if _hook_users > 1:
            return
        _saved["utcnow"] = _models.utcnow
        _saved["jwk"] = _models.jwk
        _models.utcnow = _ScopedClock(_saved["utcnow"], utcnow)
        _models.jwk = _ScopedJwk(_saved["jwk"])


def remove_hooks() -> None:
    """Undo :func:`install_hooks` once its last user has gone."""
    global _hook_users
    with _hooks_lock:
        if _hook_users == 0:
            return
        _hook_users -= 1
        if _hook_users:
            return
        _models.utcnow = _saved.pop("utcnow")
        _models.jwk = _saved.pop("jwk")


def hooks_installed() -> bool:
    return _hook_users > 0


# -- the models ---------------------------------------------------------------------------------


def iter_backends() -> Iterator[Backend]:
    """Every Cognito backend moto has created (all accounts, all regions)."""
    for account in list(cognitoidp_backends.values()):
        for region, backend in list(account.items()):
            if region != "global":
                yield backend


def iter_pools() -> Iterator[Pool]:
    for backend in iter_backends():
        yield from list(backend.user_pools.values())


def find_pool(pool_id: str) -> Pool:
    """The pool with this id; ``ResourceNotFoundException`` when there is none."""
    for backend in iter_backends():
        pool = backend.user_pools.get(pool_id)
        if pool is not None:
            return pool
    raise resource_not_found(f"User pool {pool_id} does not exist.")


def find_client(client_id: str, pool_id: Optional[str] = None) -> Tuple[Pool, Client]:
    """The pool and app client for ``client_id`` (optionally required to be in ``pool_id``)."""
    if isinstance(client_id, str) and client_id:
        for pool in iter_pools():
            client = pool.clients.get(client_id)
            if client is not None and (pool_id is None or pool.id == pool_id):
                return pool, client
    raise resource_not_found(f"User pool client {client_id} does not exist.")


def attributes_of(user: User) -> dict[str, str]:
    """A user's attributes as a flat ``{name: value}`` dict."""
    return dict(flatten_attrs(user.attributes))


def find_user(pool: Pool, name: Optional[str]) -> Optional[User]:
    """Resolve a sign-in name: internal username, username attribute, or verified alias."""
    if not isinstance(name, str) or not name:
        return None
    user = pool._get_user(name)
    if user is not None:
        return user
    lowered = name.lower()
    for candidate in pool.users.values():
        if candidate.username.lower() == lowered and not pool.extended_config.get(
            "UsernameConfiguration", {}
        ).get("CaseSensitive", True):
            return candidate
    aliases = pool.extended_config.get("AliasAttributes") or []
    for candidate in pool.users.values():
        attrs = attributes_of(candidate)
        for alias in aliases:
            if attrs.get(alias) != name:
                continue
            if alias == "preferred_username" or attrs.get(f"{alias}_verified") == "true":
                return candidate
    return None


def pool_name(pool_id: str) -> str:
    """The SRP identity prefix: the part of the pool id after ``_``."""
    return pool_id.split("_", 1)[1]


def iter_identity_pools() -> Iterator[Any]:
    """Every identity pool moto keeps (cognito-identity; all accounts, all regions)."""
    from moto.cognitoidentity.models import cognitoidentity_backends

    for account in list(cognitoidentity_backends.values()):
        for backend in list(account.values()):
            yield from list(backend.identity_pools.values())


def reset_backends() -> None:
    """Empty the backends the local Cognito serves (cognito-idp, cognito-identity, sts)."""
    from moto.cognitoidentity.models import cognitoidentity_backends
    from moto.sts.models import sts_backends

    served: tuple[Any, ...] = (cognitoidp_backends, cognitoidentity_backends, sts_backends)
    for backends in served:
        for account in list(backends.values()):
            account.reset()
