"""A loopback redirect receiver for command-line tools (RFC 8252, section 7.3).

``with LoopbackRedirect(port=8765) as receiver:`` listens on ``127.0.0.1``; point the browser at
the authorize URL with ``receiver.redirect_uri``; ``receiver.wait(timeout)`` returns the full
URL the browser was redirected to (the code, state or error are in its query). It answers the
browser with a short page saying it may be closed, and serves exactly one redirect.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from typing import Optional
from urllib.parse import urlsplit

from .._text import port_argument
from ._errors import OAuthError

_DONE_PAGE = (b"<!doctype html><html><head><meta charset=\"utf-8\"><title>Signed in</title>"
              b"</head><body><p id=\"done\">You can close this window and return to the "
              b"terminal.</p></body></html>")


class LoopbackRedirect:
    """Receive one OAuth redirect on ``http://127.0.0.1:{port}{path}``."""

    def __init__(self, port: int = 0, path: str = "/callback", host: str = "127.0.0.1") -> None:
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise ValueError("the redirect receiver listens on loopback only")
        if not path.startswith("/"):
            raise ValueError("path must start with /")
        self.host, self.port, self.path = host, port_argument(port), path
        self._server: Optional[HTTPServer] = None
        self._thread: Optional[threading.Thread] = None
        self._received = threading.Event()
        self._url: Optional[str] = None

    @classmethod
    def for_redirect_uri(cls, redirect_uri: str) -> LoopbackRedirect:
        """The receiver for a registered loopback callback URL (``http://127.0.0.1:8765/cb``)."""
        parts = urlsplit(redirect_uri)
        if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost") or (
                not parts.port):
            raise ValueError("a loopback redirect URI is http://127.0.0.1:PORT/path")
        return cls(parts.port, parts.path or "/", parts.hostname)

    @property
    def redirect_uri(self) -> str:
        return f"http://{self.host}:{self.port}{self.path}"

    def start(self) -> LoopbackRedirect:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if urlsplit(self.path).path != receiver.path or receiver._received.is_set():
                    self.send_error(404)
                    return
                receiver._url = f"http://{receiver.host}:{receiver.port}{self.path}"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(_DONE_PAGE)))
                self.end_headers()
                self.wfile.write(_DONE_PAGE)
                receiver._received.set()

            def log_message(self, format: str, *args: object) -> None:
                return None  # the query holds the code: never log it

        server = HTTPServer((self.host, self.port), Handler)
        self.port = int(server.server_address[1])
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True,
                                        name="pycognito-oauth-redirect")
        self._thread.start()
        return self

    def wait(self, timeout: Optional[float] = 300) -> str:
        """The URL the browser was redirected to (``OAuthError`` ``timeout`` if none came)."""
        if not self._received.wait(timeout):
            raise OAuthError("timeout", "no redirect came back from the browser")
        assert self._url is not None
        return self._url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LoopbackRedirect:
        return self.start()

    def __exit__(self, exc_type: Optional[type[BaseException]],
                 exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        self.stop()
