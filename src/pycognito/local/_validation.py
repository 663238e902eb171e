"""The local Cognito's front door: every request is checked here before a handler or moto sees it.

A request that real Cognito would refuse gets a 4xx with an AWS-style JSON error
(``{"__type": ..., "message": ...}``) instead of reaching code that was never meant to see it:

* only the services the dispatcher lists (``_dispatch.SERVICES``) are served; an operation not
  in the service's model is ``UnknownOperationException``, one the server does not implement
  ``UnsupportedOperationException``;
* the body is at most :data:`MAX_BODY_BYTES`, UTF-8, a JSON object without ``NaN``
  (``SerializationException`` otherwise, also for absurd nesting);
* the parameters are checked against the operation's input shape in botocore's service model:
  JSON types (``SerializationException``), required members, string and list sizes, integer
  ranges and text that is not Unicode (lone surrogates) (``InvalidParameterException``).

Query-protocol services (STS: a form-encoded ``Action=...`` body, no target) are checked for
a known action, UTF-8 and the required parameters; errors are XML there.

Messages name the parameter, never its value (it may be a password or a token).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import math
import re
import uuid
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from ._dispatch import PARSED_JSON, implements, service_for
from ._shapes import service_model

#: Largest request body accepted (bytes); larger ones get HTTP 413 before being read.
MAX_BODY_BYTES = 1 << 20
#: Length cap for strings the model leaves unbounded (the largest bound the model uses itself).
MAX_STRING_LENGTH = 131072
_INT_RANGE = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_MAX_DEPTH = 32


@dataclass(frozen=True)
class Refusal:
    """The error response for a refused request."""

    status: int
    code: str
    message: str
    xml: bool = False  # query protocol: an XML ErrorResponse

    def headers(self) -> list[tuple[str, str]]:
        content_type = "text/xml" if self.xml else "application/x-amz-json-1.1"
        return [("Content-Type", content_type), ("x-amzn-ErrorType", self.code)]

    def body(self) -> bytes:
        if self.xml:
            return (f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
                    f"<Type>Sender</Type><Code>{escape(self.code)}</Code><Message>"
                    f"{escape(self.message)}</Message></Error><RequestId>{uuid.uuid4()}"
                    f"</RequestId></ErrorResponse>").encode()
        return json.dumps({"__type": self.code, "message": self.message}).encode()


class _Invalid(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_request(environ: dict[str, Any]) -> Optional[Refusal]:
    """``None`` when the request may go on to the dispatcher; else the error to answer with.

    Reads the body (at most :data:`MAX_BODY_BYTES`) and puts it back for the next reader
    (an empty one when it was too large).
    A request no service here answers is left to the dispatcher, which refuses it.
    """
    body = _read_body(environ)
    if isinstance(body, Refusal):
        return body
    target = environ.get("HTTP_X_AMZ_TARGET") or ""
    found = service_for(target, body, environ)
    if found is None:
        return None
    service, operation = found[0].name, found[1]
    model = service_model(service)
    query = model.metadata.get("protocol") == "query"
    refusal = (_check_query(model, operation, body) if query
               else _check_json(model, operation, body, environ))
    if refusal is None and not implements(service, operation):
        refusal = Refusal(400, "UnsupportedOperationException",
                          f"The local Cognito does not implement {_printable(operation)}.")
    if refusal is not None and query:
        return Refusal(refusal.status, refusal.code, refusal.message, xml=True)
    return refusal


def _check_json(model: Any, operation: str, body: bytes,
                environ: dict[str, Any]) -> Optional[Refusal]:
    if operation not in model.operation_names:
        return Refusal(400, "UnknownOperationException",
                       f"Unknown operation in X-Amz-Target: {_printable(operation)}")
    if environ.get("REQUEST_METHOD") != "POST":
        return Refusal(400, "SerializationException", f"{operation} must be sent with POST.")
    signed_for = _signing_service(environ.get("HTTP_AUTHORIZATION"))
    if signed_for is not None and signed_for != model.signing_name:
        return Refusal(400, "InvalidSignatureException",
                       f"The request is signed for another service than {model.signing_name}.")
    try:
        params = _parse(body)
        _check_shape(params, model.operation_model(operation).input_shape, "", 0)
    except _Invalid as invalid:
        return Refusal(400, invalid.code, invalid.message)
    environ[PARSED_JSON] = (body, params)  # the dispatcher and the call log read it
    return None


def _check_query(model: Any, operation: str, body: bytes) -> Optional[Refusal]:
    """A query-protocol (STS) request: a known ``Action``, UTF-8, the required parameters."""
    if operation not in model.operation_names:
        return Refusal(400, "InvalidAction", f"Unknown action: {_printable(operation)}")
    try:
        form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return Refusal(400, "MalformedInput", "The request body is not UTF-8.")
    if not all(_is_unicode(name) and all(_is_unicode(value) for value in values)
               for name, values in form.items()):
        return Refusal(400, "MalformedInput", "A parameter is not valid Unicode text.")
    shape = model.operation_model(operation).input_shape
    for name in shape.required_members if shape is not None else ():
        if not form.get(name):
            return Refusal(400, "MissingParameter",
                           f"The request must contain the parameter {name}.")
    return None


def _read_body(environ: dict[str, Any]) -> bytes | Refusal:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return Refusal(400, "SerializationException", "Content-Length is not a number.")
    if length < 0:
        return Refusal(400, "SerializationException", "Content-Length is negative.")
    if length > MAX_BODY_BYTES:  # left unread; later readers see an empty body
        environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(), "0"
        return Refusal(413, "RequestEntityTooLargeException",
                       f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    stream = environ.get("wsgi.input")
    body = stream.read(length) if (stream is not None and length) else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return bytes(body)


def _parse(body: bytes) -> Any:
    if not body.strip():
        return {}
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _Invalid("SerializationException", "The request body is not UTF-8.") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise _Invalid("SerializationException", "The request body is nested too deeply.") from None
    except ValueError:
        raise _Invalid("SerializationException", "The request body is not valid JSON.") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _check_shape(value: Any, shape: Any, path: str, depth: int) -> None:
    """Raise :class:`_Invalid` for the first place where ``value`` does not fit ``shape``."""
    if depth > _MAX_DEPTH:
        raise _Invalid("SerializationException", "The request is nested too deeply.")
    kind = shape.type_name
    where = path or "the request"
    if kind == "structure":
        if not isinstance(value, dict):
            raise _Invalid("SerializationException", f"{where} must be a JSON object.")
        for name in shape.required_members:
            if value.get(name) is None:
                raise _constraint(_join(path, name), "must not be null")
        for name, member in shape.members.items():
            if value.get(name) is not None:
                _check_shape(value[name], member, _join(path, name), depth + 1)
    elif kind == "list":
        if not isinstance(value, list):
            raise _Invalid("SerializationException", f"{where} must be a JSON array.")
        _check_size(len(value), shape, path, "have length")
        for index, item in enumerate(value):
            if item is None:
                raise _constraint(f"{path}[{index}]", "must not be null")
            _check_shape(item, shape.member, f"{path}[{index}]", depth + 1)
    elif kind == "map":
        if not isinstance(value, dict):
            raise _Invalid("SerializationException", f"{where} must be a JSON object.")
        _check_size(len(value), shape, path, "have length")
        for key, item in value.items():
            _check_shape(key, shape.key, f"{path} (a key)", depth + 1)
            # A null value is an absent one: amazon-cognito-identity-js sends DEVICE_KEY: null
            # with every refresh and with its answer after "Device does not exist.", and AWS
            # accepts both (tests/js_oracle).
            if item is not None:
                _check_shape(item, shape.value, f"{path}.{_printable(key)}", depth + 1)
    elif kind == "string":
        _check_string(value, shape, where)
    elif kind == "blob":
        _check_blob(value, shape, where)
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise _Invalid("SerializationException", f"{where} must be a boolean.")
    elif kind in _INT_RANGE:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Invalid("SerializationException", f"{where} must be an integer.")
        low, high = _INT_RANGE[kind]
        if not low <= value <= high:
            raise _constraint(where, f"must be between {low} and {high}")
        _check_size(value, shape, where, "be")
    elif kind in ("double", "float", "timestamp"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Invalid("SerializationException", f"{where} must be a number.")
        if not math.isfinite(value):
            raise _constraint(where, "must be a finite number")


def _check_string(value: Any, shape: Any, where: str) -> None:
    if not isinstance(value, str):
        raise _Invalid("SerializationException", f"{where} must be a string.")
    limit = shape.metadata.get("max", MAX_STRING_LENGTH)
    if len(value) > limit:
        raise _constraint(where, f"have length less than or equal to {limit}")
    if not _is_unicode(value):
        raise _constraint(where, "be valid Unicode text (it holds a lone surrogate)")


def _check_blob(value: Any, shape: Any, where: str) -> None:
    if not isinstance(value, str):
        raise _Invalid("SerializationException", f"{where} must be a base64 string.")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _Invalid("SerializationException", f"{where} is not valid base64.") from None
    _check_size(len(data), shape, where, "have length")


def _check_size(size: int, shape: Any, where: str, what: str) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if high is not None and size > high:
        raise _constraint(where, f"{what} less than or equal to {high}")
    if low is not None and what == "be" and size < low:
        raise _constraint(where, f"{what} greater than or equal to {low}")


def _constraint(where: str, rule: str) -> _Invalid:
    text = rule if rule.startswith("must") else f"must {rule}"
    return _Invalid("InvalidParameterException",
                    f"1 validation error detected: Value at '{where}' failed to satisfy "
                    f"constraint: Member {text}")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: Any) -> str:
    """A client-supplied name, safe to echo: short, ASCII, no control characters."""
    if isinstance(text, str) and len(text) <= 64 and text.isascii() and text.isprintable():
        return text  # the usual case, as it is
    clean = str(text).encode("ascii", "backslashreplace").decode("ascii")
    clean = "".join(ch if ch.isprintable() else "?" for ch in clean)
    return clean if len(clean) <= 64 else clean[:61] + "..."


def _signing_service(authorization: Optional[str]) -> Optional[str]:
    """The service named in a SigV4 ``Authorization`` credential scope, if any."""
    if not authorization:
        return None
    match = re.search(r"Credential=[^/,\s]*/[^/,\s]*/[^/,\s]*/([^/,\s]*)/", authorization)
    return match.group(1) if match else ""
