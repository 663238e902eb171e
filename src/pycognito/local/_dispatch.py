"""The dispatcher: each AWS request goes to the service it names.

``SERVICES`` lists the services this endpoint answers, one entry each: Cognito user pools
(``X-Amz-Target: AWSCognitoIdentityProviderService.*``), identity pools
(``AWSCognitoIdentityService.*``) and STS (a form-encoded ``Action``). For user pools, an
operation with a registered handler (``_registry``) is answered by it, reading and changing
moto's models through ``_moto``; for identity pools and STS, ``_federation`` answers what it
implements. Everything else goes to moto's own response class for the service, unpatched.
Every call runs under the state lock, with moto's models on the server clock
(``_moto.our_request``).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Optional, Tuple
from urllib.parse import parse_qs

from . import _federation, _moto
from ._errors import CognitoError
from ._registry import Request, handlers
from ._state import STATE
from ._sts import StsError
from ._triggers import request_metadata

#: status, headers, body
Reply = Tuple[int, list[tuple[str, str]], bytes]
JSON_11 = "application/x-amz-json-1.1"
_log = logging.getLogger("pycognito.local")


@dataclass(frozen=True)
class Service:
    """One AWS service this endpoint answers.

    ``operation(target, body, environ)`` names the operation a request asks of this service
    (``None``: not this service); ``answer(operation, body, environ)`` answers it.
    """

    name: str
    operation: Callable[[str, bytes, dict[str, Any]], Optional[str]]
    answer: Callable[[str, bytes, dict[str, Any]], Reply]


def by_target(prefix: str) -> Callable[[str, bytes, dict[str, Any]], Optional[str]]:
    """``Service.operation`` for AWS JSON services: the ``X-Amz-Target`` after ``prefix``."""

    def operation(target: str, body: bytes, environ: dict[str, Any]) -> Optional[str]:
        return target[len(prefix):] or None if target.startswith(prefix) else None

    return operation


def json_reply(status: int, payload: Any) -> Reply:
    body = json.dumps(payload, separators=(",", ":"), default=_moto.json_default).encode()
    return status, [("Content-Type", JSON_11), ("x-amzn-RequestId", str(uuid.uuid4()))], body


def error_reply(error: CognitoError) -> Reply:
    status, headers, body = json_reply(error.status,
                                       {"__type": error.cognito_code, "message": error.message})
    return status, [*headers, ("x-amzn-ErrorType", error.cognito_code)], body


#: Where the front door (``_validation``) leaves a JSON body it has parsed: ``(body, value)``.
PARSED_JSON = "pycognito.local.parsed_json"


def parsed_json(environ: dict[str, Any], body: bytes) -> Any:
    """The value of this JSON ``body`` if the front door has parsed it, else ``None``."""
    parsed = environ.get(PARSED_JSON)
    return parsed[1] if parsed is not None and parsed[0] == body else None


def answer_cognito(action: str, body: bytes, environ: dict[str, Any]) -> Reply:
    """A Cognito user-pool operation: our handler, or moto's own implementation."""
    params = parsed_json(environ, body)
    if not isinstance(params, dict):  # not parsed by the front door (or not an object)
        try:
            params = _moto.json_object(body)
        except CognitoError as error:
            return error_reply(error)
    handler = handlers().get(action)
    with STATE.lock, _moto.our_request(), request_metadata(params):
        try:
            if handler is None:
                return _moto_reply(environ, body, "cognito-idp", params)
            result = handler(Request(action, params, environ))
            return json_reply(200, {} if result is None else result)
        except CognitoError as error:
            return error_reply(error)
        except Exception as error:  # moto's own errors, raised by its models
            mapped = _moto.cognito_error(error)
            if mapped is None:
                raise
            return error_reply(mapped)


_HOP_HEADERS = {"date", "server", "content-length", "connection", "transfer-encoding"}


def _moto_reply(environ: dict[str, Any], body: bytes, service: str,
                params: Optional[dict[str, Any]] = None) -> Reply:
    status, headers, content = _moto.forward(environ, body, service, params)
    return status, [(k, v) for k, v in headers.items() if k.lower() not in _HOP_HEADERS], content


def _federated(service: str) -> Callable[[str, bytes, dict[str, Any]], Reply]:
    """Identity pools and STS: ``_federation`` answers what it implements, moto the rest."""

    def answer(operation: str, body: bytes, environ: dict[str, Any]) -> Reply:
        reply = _federation.answer(environ, body, STATE)
        if reply is not None:
            return reply.status, [("Content-Type", reply.content_type)], reply.body
        with STATE.lock, _moto.our_request():
            return _moto_reply(environ, body, service)

    return answer


COGNITO_IDP = Service("cognito-idp", by_target("AWSCognitoIdentityProviderService."),
                      answer_cognito)
COGNITO_IDENTITY = Service("cognito-identity", by_target(_federation.IDENTITY_TARGET),
                           _federated("cognito-identity"))
STS = Service("sts", _federation.sts_operation, _federated("sts"))

#: The services this endpoint answers.
SERVICES: list[Service] = [COGNITO_IDP, COGNITO_IDENTITY, STS]


def service_for(target: str, body: bytes = b"", environ: Optional[dict[str, Any]] = None
                ) -> Optional[tuple[Service, str]]:
    """The service and operation a request names (``None`` when none here)."""
    for service in SERVICES:
        operation = service.operation(target, body, environ or {})
        if operation:
            return service, operation
    return None


def dispatch(target: str, body: bytes, environ: dict[str, Any]) -> Reply:
    """Answer one AWS request; one no service here answers is refused with HTTP 400."""
    found = service_for(target, body, environ)
    if found is None:
        refusal = CognitoError("UnknownOperationException",
                               "This endpoint does not serve that operation.")
        if not target and "Action" in parse_qs(body.decode("utf-8", "replace")):
            # a query-protocol call (IAM, an unsigned AssumeRoleWithSAML...): its client reads XML
            xml = StsError(refusal.cognito_code, refusal.message).to_xml().encode()
            return refusal.status, [("Content-Type", "text/xml")], xml
        return error_reply(refusal)
    service, action = found
    try:
        return service.answer(action, body, environ)
    except Exception:  # a bug here or in moto: the client gets AWS's 500, the server goes on
        _log.exception("the local Cognito failed to answer %s", target)
        return error_reply(CognitoError("InternalErrorException", "Internal server error.", 500))


def implements(service: str, operation: str) -> bool:
    """Whether this endpoint answers ``operation``: a handler here, or moto's implementation
    (the front door refuses the others with a 400 rather than let moto fail)."""
    ours: dict[str, Any] = {"cognito-idp": handlers(),
                            "cognito-identity": _federation.IDENTITY_OPERATIONS,
                            "sts": _federation.STS_OPERATIONS}
    if operation in ours.get(service, {}):
        return True
    if operation in _federation.NOT_SERVED.get(service, ()):
        return False
    return _moto.implements(service, operation)
