"""The HTTP side: moto's WSGI app behind a thin front that adds ``/_local/*`` and the call log.

``GET /_local/messages`` (filters: ``user_pool_id``, ``username``, ``kind``, ``destination``)
returns the outbox as JSON, oldest first. Also: ``GET /_local/calls`` (filter ``operation``),
``POST /_local/reset`` and ``POST /_local/clock`` with ``{"advance": seconds}``. The pool
domains' OAuth endpoints (``/domain/{domain}/...``, ``/{pool_id}/.well-known/openid-configuration``)
are served by ``_oauth_endpoints``.
"""

from __future__ import annotations

import io
import json
from email.utils import formatdate
from typing import Any, Callable, Iterable, Optional
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import MotoRequestHandler

from ._calls import call_from_request
from ._federation import answer as federation_answer
from ._oauth_endpoints import route as oauth_route
from ._state import STATE, LocalState

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class QuietRequestHandler(MotoRequestHandler):
    """moto's request handler without one log line per request."""

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        return None

    def send_response(self, code: int, message: Optional[str] = None) -> None:
        """As the standard handler, without its own ``Date``: the app sends the server clock's."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Server", self.version_string())


class LocalApp:
    """WSGI front: ``/_local/*`` here, everything else to moto (recording Cognito calls)."""

    def __init__(self, moto_app: WSGIApp, state: LocalState = STATE) -> None:
        self._moto_app = moto_app
        self._state = state

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or ""
        if path.startswith("/_local/") or path == "/_local":
            return self._local(environ, start_response, path)
        oauth_app = oauth_route(path)  # the pool domains' OAuth endpoints, by path
        if oauth_app is not None:
            return oauth_app(environ, self._dated(start_response))
        body = _read_body(environ)
        reply = federation_answer(environ, body, self._state)  # cognito-identity, sts
        if reply is not None:
            return _reply(self._dated(start_response), reply.status, reply.content_type,
                          reply.body)
        target = environ.get("HTTP_X_AMZ_TARGET") or ""
        if target:
            call = call_from_request(target, body, self._state.clock.now())
            if call is not None:
                with self._state.lock:
                    self._state.calls.add(call)
        return self._moto_app(environ, self._dated(start_response))

    def _dated(self, start_response: StartResponse) -> StartResponse:
        """Send the server clock (moved by ``advance_clock``) as the HTTP ``Date``, as a real
        server whose clock reads that time would."""
        clock = self._state.clock

        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            headers = [(k, v) for k, v in headers if k.lower() != "date"]
            headers.append(("Date", formatdate(clock.time(), usegmt=True)))
            return start_response(status, headers, *exc_info)

        return start

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
                if path == "/_local/reset" and method == "POST":
                    from ._server import reset_everything

                    reset_everything()
                    return _json(start_response, 200, {"reset": True})
                if path == "/_local/clock" and method in ("GET", "POST"):
                    if method == "POST":
                        payload = json.loads(_read_body(environ) or b"{}")
                        state.clock.advance(float(payload.get("advance", 0)))
                    return _json(start_response, 200, {"offset": state.clock.offset,
                                                       "now": state.clock.time()})
        except (ValueError, TypeError, AttributeError) as error:
            return _json(start_response, 400, {"error": str(error)})
        return _json(start_response, 404, {"error": f"no such local endpoint: {method} {path}"})


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back for the next reader."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    body = stream.read(length) if (stream is not None and length > 0) else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _json(start_response: StartResponse, status: int, payload: Any,
          headers: Optional[list[tuple[str, str]]] = None) -> list[bytes]:
    return _reply(start_response, status, "application/json", json.dumps(payload).encode(),
                  headers)


def _reply(start_response: StartResponse, status: int, content_type: str, body: bytes,
           headers: Optional[list[tuple[str, str]]] = None) -> list[bytes]:
    reason = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found"}.get(status, "OK")
    start_response(f"{status} {reason}", [("Content-Type", content_type),
                                          ("Content-Length", str(len(body))), *(headers or [])])
    return [body]
