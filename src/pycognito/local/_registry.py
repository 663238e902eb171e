"""Which handler answers which Cognito operation: ``@operation("InitiateAuth")`` registers one.

Handler modules register themselves when imported; :func:`handlers` imports every module of
this package once, so a new handler module needs no list to be added to. An operation without
a handler is answered by moto's own implementation (``_moto.forward``), unchanged.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ._errors import invalid_parameter


@dataclass
class Request:
    """One Cognito call as a handler sees it."""

    action: str
    params: dict[str, Any]
    #: The WSGI environ of the HTTP request (moto reads the region and account from it).
    environ: dict[str, Any] = field(default_factory=dict, repr=False)

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
        """Run moto's own implementation of this operation (optionally with other parameters)
        and return its answer; its errors are raised as :class:`~._errors.CognitoError`."""
        from ._moto import call

        body = json.dumps(self.params if params is None else params).encode()
        return call(self.action, body, self.environ)


Handler = Callable[[Request], Optional[dict[str, Any]]]
HANDLERS: dict[str, Handler] = {}

_loaded = False
_load_lock = threading.Lock()


def operation(*names: str) -> Callable[[Handler], Handler]:
    """Register a handler for Cognito operations (``"InitiateAuth"``, ...)."""

    def register(handler: Handler) -> Handler:
        for name in names:
            if name in HANDLERS and HANDLERS[name] is not handler:
                raise RuntimeError(f"two handlers for {name}")
            HANDLERS[name] = handler
        return handler

    return register


def handlers() -> dict[str, Handler]:
    """Every registered handler (importing each module of this package the first time)."""
    global _loaded
    if not _loaded:
        with _load_lock:
            if not _loaded:
                package = importlib.import_module(str(__package__))
                for module in pkgutil.iter_modules(package.__path__, f"{__package__}."):
                    importlib.import_module(module.name)
                _loaded = True
    return HANDLERS

