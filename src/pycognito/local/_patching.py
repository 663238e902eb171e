"""How the local Cognito plugs into moto: class-level patches, installed while a server runs.

moto's server dispatches an action to ``getattr(CognitoIdpResponse, snake_case(action))``; the
operations registered here (``@operation("InitiateAuth")``) replace or add those methods. moto's
Cognito models read the time through module globals (``time``, ``utcnow``), which are pointed
at the server clock, and parse their fixed signing key through ``jwk`` (parsed once here, not
once per pool). Because these are class and module attributes, they affect every use of
moto's Cognito in this process (``mock_aws`` included) until ``uninstall()``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Callable, Optional

from moto.cognitoidp import models as moto_models
from moto.cognitoidp.responses import CognitoIdpResponse
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import camelcase_to_underscores

from ._clock import TimeModuleShim
from ._errors import invalid_parameter
from ._state import STATE


@dataclass
class Request:
    """One Cognito call as a handler sees it."""

    action: str
    params: dict[str, Any]
    response: Any
    original: Optional[Callable[[Any], Any]]

    def text(self, name: str) -> Optional[str]:
        """A string parameter, or ``None``."""
        value = self.params.get(name)
        return value if isinstance(value, str) else None

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise invalid_parameter(f"Missing required parameter {name}")
        return value

    def mapping(self, name: str) -> dict[str, Any]:
        value = self.params.get(name)
        return dict(value) if isinstance(value, dict) else {}

    def call_moto(self, params: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        """Run moto's own implementation (optionally with rewritten parameters)."""
        if self.original is None:
            raise RuntimeError(f"moto has no implementation of {self.action}")
        if params is not None:
            self.response.body = json.dumps(params)
        result = self.original(self.response)
        if isinstance(result, ActionResult) and isinstance(result.result, dict):
            return dict(result.result)
        return {}


Handler = Callable[[Request], Optional[dict[str, Any]]]
HANDLERS: dict[str, Handler] = {}


def operation(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler for Cognito operations (``"InitiateAuth"``, ...)."""

    def register(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = handler
        return handler

    return register


class _CachedKeyImport:
    """``jwk.RSAKey`` whose ``import_key`` parses each key once: moto re-parses (and re-validates,
    ~0.1 s) its fixed signing key for every user pool it creates."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._cache: dict[str, Any] = {}

    def import_key(self, value: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return self._real.import_key(value, *args, **kwargs)
        cache_key = json.dumps(value, sort_keys=True, default=str)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._fast_import(value) or self._real.import_key(value)
        return self._cache[cache_key]

    def _fast_import(self, value: Any) -> Any:
        """Build moto's bundled private JWK without cryptography's slow primality checks."""
        try:
            from cryptography.hazmat.primitives.asymmetric import rsa

            def number(name: str) -> int:
                text = str(value[name])
                return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)),
                                      "big")

            n, e, d = number("n"), number("e"), number("d")
            p, q = rsa.rsa_recover_prime_factors(n, e, d)
            private = rsa.RSAPrivateNumbers(
                p=p, q=q, d=d, dmp1=rsa.rsa_crt_dmp1(d, p), dmq1=rsa.rsa_crt_dmq1(d, q),
                iqmp=rsa.rsa_crt_iqmp(p, q), public_numbers=rsa.RSAPublicNumbers(e, n),
            ).private_key(unsafe_skip_rsa_key_validation=True)
            return self._real(private, value)
        except Exception:  # anything unexpected: let joserfc parse it the normal way
            return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class _JwkModule:
    """Stands in for ``joserfc.jwk`` inside moto's Cognito models."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self.RSAKey = _CachedKeyImport(real.RSAKey)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


_installed = 0
_saved: dict[str, Any] = {}
_MISSING = object()


def _method_for(action: str, handler: Handler, original: Optional[Callable[[Any], Any]]
                ) -> Callable[[Any], Any]:
    def method(self: Any) -> Any:
        try:
            params = json.loads(self.body or "{}")
        except ValueError:
            params = {}
        request = Request(action, params if isinstance(params, dict) else {}, self, original)
        result = handler(request)
        return EmptyResult() if result is None else ActionResult(result)

    method.__name__ = camelcase_to_underscores(action)
    return method


def install() -> None:
    """Apply the patches (idempotent; counted, so nested servers uninstall cleanly)."""
    global _installed
    with STATE.lock:
        _installed += 1
        if _installed > 1:
            return
        # Import the modules whose handlers register themselves.
        from . import _accounts, _auth, _devices, _mfa, _oauth_config, _operations  # noqa: F401

        for action, handler in HANDLERS.items():
            name = camelcase_to_underscores(action)
            current = CognitoIdpResponse.__dict__.get(name, _MISSING)
            _saved[name] = current
            original = None if current is _MISSING else current
            setattr(CognitoIdpResponse, name, _method_for(action, handler, original))
        original_call_action = CognitoIdpResponse.__dict__.get("call_action", _MISSING)
        _saved["call_action"] = original_call_action
        base_call_action = CognitoIdpResponse.call_action

        def call_action(self: Any) -> Any:
            with STATE.lock:
                return base_call_action(self)

        setattr(CognitoIdpResponse, "call_action", call_action)  # noqa: B010
        _saved["models.time"] = getattr(moto_models, "time")  # noqa: B009
        _saved["models.utcnow"] = getattr(moto_models, "utcnow")  # noqa: B009
        setattr(moto_models, "time", TimeModuleShim(STATE.clock))  # noqa: B010
        setattr(moto_models, "utcnow", STATE.clock.utcnow_naive)  # noqa: B010
        _saved["models.jwk"] = getattr(moto_models, "jwk")  # noqa: B009
        setattr(moto_models, "jwk", _JwkModule(_saved["models.jwk"]))  # noqa: B010


def uninstall() -> None:
    """Undo :func:`install` once the last server using it has stopped."""
    global _installed
    with STATE.lock:
        if _installed == 0:
            return
        _installed -= 1
        if _installed:
            return
        setattr(moto_models, "time", _saved.pop("models.time"))  # noqa: B010
        setattr(moto_models, "utcnow", _saved.pop("models.utcnow"))  # noqa: B010
        setattr(moto_models, "jwk", _saved.pop("models.jwk"))  # noqa: B010
        for name, value in list(_saved.items()):
            if value is _MISSING:
                delattr(CognitoIdpResponse, name)
            else:
                setattr(CognitoIdpResponse, name, value)
        _saved.clear()


def installed() -> bool:
    return _installed > 0
