"""The HTTP side: a WSGI app in front of the dispatcher, with ``/_local/*`` and the JWKS.

``GET /_local/messages`` (filters: ``user_pool_id``, ``username``, ``kind``, ``destination``)
returns the outbox as JSON, oldest first. Also: ``GET /_local/calls`` (filter ``operation``),
``GET /_local/lambda-invocations`` (filters ``trigger_source``, ``function_arn``),
``POST /_local/reset`` and ``POST /_local/clock`` with ``{"advance": seconds}``. Each pool's
keys are at ``GET /{pool_id}/.well-known/jwks.json``. The pool domains' OAuth endpoints
(``/domain/{domain}/...``, ``/{pool_id}/.well-known/openid-configuration``) are served by
``_oauth_endpoints``. Every other request is an AWS API call, answered by ``_dispatch``.
"""

from __future__ import annotations

import json
import re
from email.utils import formatdate
from typing import Any, Callable, Iterable, Optional
from urllib.parse import parse_qs

from ._calls import call_from_request
from ._dispatch import dispatch, parsed_json
from ._errors import CognitoError
from ._moto import find_pool
from ._oauth_endpoints import route as oauth_route
from ._state import STATE, LocalState
from ._validation import check_request

StartResponse = Callable[..., Any]
_JWKS_PATH = re.compile(r"^/([\w-]+_[0-9A-Za-z]+)/\.well-known/jwks\.json$")
_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            413: "Request Entity Too Large", 500: "Internal Server Error"}


class LocalApp:
    """WSGI app: ``/_local/*``, the pools' JWKS, and AWS JSON calls (recorded in the call log)."""

    def __init__(self, state: LocalState = STATE) -> None:
        self._state = state
        self._date = (-1, "")  # the last Date header, and its second of the server clock

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or ""
        if path.startswith("/_local/") or path == "/_local":
            return self._local(environ, start_response, path)
        jwks = _JWKS_PATH.match(path)
        if jwks is not None and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._jwks(start_response, jwks.group(1))
        oauth_app = oauth_route(path)  # the pool domains' OAuth endpoints, by path
        if oauth_app is not None:
            return oauth_app(environ, self._dated(start_response))
        refusal = check_request(environ)  # malformed or unknown: a 4xx before anything sees it
        target = environ.get("HTTP_X_AMZ_TARGET") or ""
        body = _read_body(environ)
        call = call_from_request(target, body, self._state.clock.now(),
                                 parsed_json(environ, body))
        if call is not None:
            with self._state.lock:
                self._state.calls.add(call)
        if refusal is not None:
            return self._send(start_response, refusal.status, refusal.headers(), refusal.body())
        self._state.prune_if_due()  # expired sessions, codes and tokens: memory stays bounded
        status, headers, content = dispatch(target, body, environ)
        return self._send(start_response, status, headers, content)

    def _send(self, start_response: StartResponse, status: int, headers: list[tuple[str, str]],
              body: bytes) -> list[bytes]:
        self._dated(start_response)(f"{status} {_REASONS.get(status, 'Unknown')}",
                                    [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _dated(self, start_response: StartResponse) -> StartResponse:
        """Send the server clock (moved by ``advance_clock``) as the HTTP ``Date``, as a real
        server whose clock reads that time would."""
        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            headers = [(k, v) for k, v in headers if k.lower() != "date"]
            headers.append(("Date", self._http_date()))
            return start_response(status, headers, *exc_info)

        return start

    def _http_date(self) -> str:
        """The server clock as an HTTP date (written once per second of it)."""
        now = self._state.clock.time()
        second, text = self._date
        if int(now) != second:
            second, text = int(now), formatdate(now, usegmt=True)
            self._date = (second, text)
        return text

    def _jwks(self, start_response: StartResponse, pool_id: str) -> list[bytes]:
        with self._state.lock:
            try:
                find_pool(pool_id)
            except CognitoError as error:
                return _json(start_response, 404, {"message": error.message})
            keys = self._state.tokens.keys.jwks(pool_id)
        return _json(start_response, 200, keys)

    def _local(self, environ: dict[str, Any], start_response: StartResponse,
               path: str) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        state = self._state
        try:
            with state.lock:
                if path == "/_local/messages" and method == "GET":
                    messages = state.outbox.select(
                        user_pool_id=query.get("user_pool_id"),
                        username=query.get("username"),
                        kind=query.get("kind"),
                        destination=query.get("destination"),
                    )
                    return _json(start_response, 200, [m.to_json() for m in messages])
                if path == "/_local/calls" and method == "GET":
                    calls = state.calls.select(operation=query.get("operation"),
                                               user_pool_id=query.get("user_pool_id"),
                                               client_id=query.get("client_id"),
                                               auth_flow=query.get("auth_flow"))
                    return _json(start_response, 200, [c.to_json() for c in calls])
                if path == "/_local/lambda-invocations" and method == "GET":
                    invocations = state.lambdas.select(trigger_source=query.get("trigger_source"),
                                                       function_arn=query.get("function_arn"))
                    return _json(start_response, 200, [i.to_json() for i in invocations])
                if path == "/_local/reset" and method == "POST":
                    from ._server import reset_everything

                    reset_everything()
                    return _json(start_response, 200, {"reset": True})
                if path == "/_local/clock" and method in ("GET", "POST"):
                    if method == "POST":
                        state.clock.advance(_advance(_read_body(environ)))
                    return _json(start_response, 200, {"offset": state.clock.offset,
                                                       "now": state.clock.time()})
        except (ValueError, TypeError, AttributeError) as error:
            return _json(start_response, 400, {"error": str(error)})
        return _json(start_response, 404, {"error": f"no such local endpoint: {method} {path}"})


def _advance(body: bytes) -> float:
    """The seconds a ``POST /_local/clock`` body asks to move the clock by (0 when absent);
    ``ValueError`` for anything but a JSON object whose ``advance`` is a number."""
    try:
        payload = json.loads(body or b"{}")
    except RecursionError:
        raise ValueError("the body is not a JSON object (nested too deeply)") from None
    if not isinstance(payload, dict):
        raise ValueError('the body must be a JSON object like {"advance": 60}')
    seconds = payload.get("advance", 0)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ValueError("advance must be a number of seconds")
    return seconds


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request body (as long as ``Content-Length`` says)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    return stream.read(length) if (stream is not None and length > 0) else b""


def _json(start_response: StartResponse, status: int, payload: Any,
          headers: Optional[list[tuple[str, str]]] = None) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(f"{status} {_REASONS.get(status, 'Unknown')}",
                   [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                    *(headers or [])])
    return [body]
