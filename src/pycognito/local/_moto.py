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
from functools import lru_cache
from typing import Any, Callable, ClassVar, Optional, Tuple

from moto.cognitoidp import models as moto_models
from moto.cognitoidp.models import UserStatus, cognitoidp_backends
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.cognitoidp.utils import flatten_attrs
from moto.core.exceptions import ServiceException
from moto.core.exceptions import _RESTError as RestError
from moto.core.request import Request as MotoRequest
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import camelcase_to_underscores, method_names_from_class
from moto.utilities.utils import get_partition
from werkzeug.datastructures import ImmutableMultiDict

from ._errors import CognitoError, resource_not_found
from ._shapes import Writer, answer_writer, epoch_seconds

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
    "json_default",
    "json_object",
    "our_request",
    "pool_name",
    "remove_hooks",
    "reset_backends",
]


# -- forwarding to moto's own implementation ----------------------------------------------------


class _ServerRequest(MotoRequest):
    """A request as moto's server hands it to a response class.

    For the JSON protocol (cognito-idp, cognito-identity) the parts moto's ``setup_class``
    reads are given as they are known here instead of through werkzeug's general parsing (the
    body as sent; no form fields or files, since a JSON body is neither; the URL from the
    ``Host`` header and the path): about a sixth of a cheap call's time. Form-encoded requests
    (sts) keep werkzeug's parsing.
    """

    from_wsgi_server = True

    def __init__(self, environ: dict[str, Any], body: bytes) -> None:
        super().__init__(environ)
        self._body = body
        self._json = "json" in str(environ.get("CONTENT_TYPE", ""))

    @property
    def data(self) -> bytes:
        return self._body if self._json else bytes(super().data)

    @property
    def form(self) -> Any:
        return _NO_FIELDS if self._json else super().form

    @property
    def files(self) -> Any:
        return _NO_FIELDS if self._json else super().files

    @property
    def raw_url(self) -> str:
        if not self._json:
            return str(super().raw_url)
        env = self.environ
        host = env.get("HTTP_HOST") or f"{env.get('SERVER_NAME')}:{env.get('SERVER_PORT')}"
        query = env.get("QUERY_STRING")
        return f"{env.get('wsgi.url_scheme', 'http')}://{host}{self.raw_path}" + (
            f"?{query}" if query else "")


_NO_FIELDS: Any = ImmutableMultiDict()


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


@lru_cache(maxsize=1024)
def implements(service: str, operation: str) -> bool:
    """Whether moto's response class for ``service`` has ``operation``."""
    return callable(getattr(_response_class(service), camelcase_to_underscores(operation), None))


def _with_body(environ: dict[str, Any], body: bytes) -> dict[str, Any]:
    env = dict(environ)
    env["wsgi.input"] = io.BytesIO(body)
    env["CONTENT_LENGTH"] = str(len(body))
    return env


def forward(environ: dict[str, Any], body: bytes, service: str = "cognito-idp",
            params: Optional[dict[str, Any]] = None) -> Tuple[int, dict[str, str], bytes]:
    """Answer a request with moto's own response class for ``service`` (``cognito-idp``,
    ``cognito-identity`` or ``sts``), unpatched: status, headers, body.

    For cognito-idp, the operation's method of ``CognitoIdpResponse`` is called directly (set
    up by :class:`_JsonCognitoResponse`) and its result written as AWS writes it by the
    operation's answer writer (``_shapes``; moto's generic ``call_action`` inspects the class
    and interprets botocore's output shapes on every call: ~10x the cost of the operation).
    Other results and services go through moto's own serialiser. ``params``: the cognito-idp
    body already parsed (else it is parsed here).
    """
    env = _with_body(environ, body)
    if service != "cognito-idp":
        status, headers, content = _response_class(service).dispatch(_ServerRequest(env, body))
        return _bytes_reply(status, headers, content)
    try:
        response, result, action = _run_cognito(env, params)
        if _is_plain(result):
            return 200, {"Content-Type": "application/x-amz-json-1.1"}, _answer_json(
                result, answer_writer("cognito-idp", action))
        if isinstance(result, ActionResult):
            status, headers, content = response.serialized(result)
        else:
            status, headers, content = response._transform_response({}, result)
    except Exception as error:
        mapped = cognito_error(error)
        if mapped is None:
            raise
        payload = {"__type": mapped.cognito_code, "message": mapped.message}
        return mapped.status, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(
            payload).encode()
    return _bytes_reply(status, headers, content)


def call(action: str, body: bytes, environ: dict[str, Any]) -> dict[str, Any]:
    """moto's answer to a cognito-idp ``action`` with this JSON body, as a dict; its error as a
    :class:`CognitoError`."""
    env = _with_body(environ, body)
    env["HTTP_X_AMZ_TARGET"] = f"AWSCognitoIdentityProviderService.{action}"
    try:
        response, result, _ = _run_cognito(env)
    except Exception as error:
        mapped = cognito_error(error)
        if mapped is None:
            raise
        raise mapped from None
    if _is_plain(result):
        answer = _plain_result(result)
    else:
        _, _, content = response.serialized(result)
        answer = json.loads(content or b"{}")
    return answer if isinstance(answer, dict) else {}


def _bytes_reply(status: Any, headers: Any, content: Any) -> Tuple[int, dict[str, str], bytes]:
    if isinstance(content, str):
        content = content.encode()
    return int(status), {str(k): str(v) for k, v in dict(headers).items()}, bytes(content)


_COGNITO_METHODS: set[str] = set()
_ACTION_TYPES = (ActionResult, EmptyResult)
_METHOD_NAMES: dict[str, str] = {}


class _JsonCognitoResponse(CognitoIdpResponse):
    """moto's ``CognitoIdpResponse`` for one JSON request, set up from what is already known.

    moto's ``setup_class`` serves every protocol (forms, files, query strings, compressed
    bodies); a cognito-idp request is JSON, and its handlers read only the body, the parameters,
    the region and the account. Those are set here, the region and account by moto's own
    methods; the parameters are the body parsed once, which ``_get_param`` reads (moto parses
    the body again for each parameter). About a quarter of a cheap call's time.
    """

    def __init__(self, request: _ServerRequest, body: bytes, params: dict[str, Any]) -> None:
        super().__init__()
        self._params = params
        self.is_werkzeug_request = True
        self.normalized_request = request
        self.raw_body = body
        self.body = body.decode("utf-8")
        self.querystring = {}
        self.data = self.querystring
        self.uri_match = {}
        self.method = "POST"
        self.headers = request.headers
        self.response_headers = {"server": "amazon.com"}
        self.region = self.get_region_from_url(request, request.raw_url)
        self.partition = get_partition(self.region)
        self.access_key = self.get_access_key()
        self.current_account = self.get_current_account()
        from moto.iam.models import mark_account_as_visited  # as setup_class imports it

        mark_account_as_visited(account_id=self.current_account, access_key=self.access_key,
                                service=str(self.service_name), region=self.region)

    def _get_param(self, param_name: str, if_none: Any = None) -> Any:
        return self._params.get(param_name, if_none)


def _run_cognito(env: dict[str, Any], params: Optional[dict[str, Any]] = None
                 ) -> Tuple[Any, Any, str]:
    """moto's ``CognitoIdpResponse`` set up for this request, what its method returned, and
    the operation's name."""
    if not _COGNITO_METHODS:
        _COGNITO_METHODS.update(method_names_from_class(CognitoIdpResponse))
    body = env["wsgi.input"].getvalue()
    if params is None:
        params = json_object(body)
    action = str(env.get("HTTP_X_AMZ_TARGET") or "").rsplit(".", 1)[-1]
    name = _METHOD_NAMES.get(action)
    if name is None:
        name = camelcase_to_underscores(action)
        if name not in _COGNITO_METHODS:
            raise CognitoError("UnsupportedOperationException",
                               f"The local Cognito does not implement {action}.")
        _METHOD_NAMES[action] = name
    response = _JsonCognitoResponse(_ServerRequest(env, body), body, params)
    return response, getattr(response, name)(), action


def json_object(body: bytes) -> dict[str, Any]:
    """A cognito-idp request body, parsed (empty: ``{}``); ``SerializationException`` for
    anything but a JSON object."""
    try:
        params = json.loads(body or b"{}")
    except ValueError:
        raise CognitoError("SerializationException",
                           "The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise CognitoError("SerializationException", "The request body must be a JSON object.")
    return params


def _is_plain(result: Any) -> bool:
    return result is None or type(result) in _ACTION_TYPES


def _plain_result(result: Any) -> Any:
    """An operation's plain answer: ``{}`` for none (EmptyResult, or a method returning None)."""
    value = None if result is None else plain(result.result)
    return {} if value is None else value


def _answer_json(result: Any, writer: Writer) -> bytes:
    """An operation's plain answer as AWS writes it (see :func:`answer_writer`): ``{}`` for
    none."""
    value = None if result is None else result.result
    return b"{}" if value is None else _ENCODER.encode(writer(value)).encode()


def json_default(value: Any) -> Any:
    """``json``'s ``default`` for moto's values: a datetime as epoch seconds (see :func:`plain`);
    anything else is not JSON."""
    if isinstance(value, datetime):
        return epoch_seconds(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


_ENCODER = json.JSONEncoder(separators=(",", ":"), default=json_default)


def plain(value: Any) -> Any:
    """A moto result as AWS's JSON protocol writes it: no ``None`` members, timestamps as
    epoch seconds (moto keeps naive UTC datetimes)."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict or isinstance(value, dict):  # scalars inline: most members are
        return {str(k): v if type(v) in _SCALARS else plain(v)
                for k, v in value.items() if v is not None}
    if kind is list or isinstance(value, (list, tuple)):
        return [v if type(v) in _SCALARS else plain(v) for v in value]
    if isinstance(value, datetime):
        return epoch_seconds(value)
    return value


_SCALARS = frozenset((str, int, float, bool))


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
