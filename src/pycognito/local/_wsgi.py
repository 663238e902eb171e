"""The HTTP server: HTTP/1.1 with keep-alive, handing each request to a WSGI app.

werkzeug's development server closes the connection after every response, so each call of a
client pays a TCP handshake and a new thread; AWS's clients keep their connections open. This
server keeps them open, one thread per connection, and binds without a reverse-DNS lookup
(``HTTPServer.server_bind`` stalls for seconds on machines without a resolver). Responses are
small, so the app's body is gathered and always sent with its ``Content-Length``.
"""

from __future__ import annotations

import io
import json
import re
import socket
import socketserver
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Optional

from ._validation import MAX_BODY_BYTES

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Request bodies larger than this are refused before they are read (413): the front door's cap.
MAX_BODY = MAX_BODY_BYTES

#: After a refusal whose body was left unread, how long and how much of it is read and dropped
#: before the connection closes (a lingering close, RFC 9112 section 9.6).
LINGER_SECONDS = 2.0
LINGER_BYTES = 16 * MAX_BODY


#: Header fields a request may have, and the longest line (431 beyond, as ``http.server``).
MAX_HEADERS = 100
MAX_LINE = 65536
_LATER_VERSION = re.compile(r"HTTP/[2-9]\.\d+\Z")


class _Headers:
    """A request's header fields in order; :meth:`get` ignores case and gives the first of
    repeated fields (as ``email.message.Message`` does)."""

    __slots__ = ("_fields", "_first")

    def __init__(self, fields: list[tuple[str, str]]) -> None:
        self._fields = fields
        self._first: dict[str, str] = {}
        for name, value in fields:
            self._first.setdefault(name.lower(), value)

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        return self._first.get(name.lower(), default)

    def __getitem__(self, name: str) -> Optional[str]:
        return self._first.get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._first

    def items(self) -> list[tuple[str, str]]:
        return list(self._fields)


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP server for one WSGI app."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, app: WSGIApp) -> None:
        self.app = app
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # a response waits for no ACK of the one before
    wbufsize = 64 * 1024  # headers and body leave in one write (flushed after each request)
    server_version = "pycognito-local"
    sys_version = ""
    server: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def parse_request(self) -> bool:
        """The request line and header fields (``http.server``'s rules, its status codes).

        ``http.server`` reads the fields with the ``email`` package, a tenth of the time of a
        cheap call here; they are read line by line instead: at most :data:`MAX_HEADERS`
        fields of at most :data:`MAX_LINE` bytes (431 beyond), each ``name: value`` with no
        space in the name and no folded continuation line (400).
        """
        self.command = None  # type: ignore[assignment]
        self.request_version = "HTTP/1.0"  # a refusal still starts with a status line
        self.close_connection = True
        line = str(getattr(self, "raw_requestline", b""), "iso-8859-1").rstrip("\r\n")
        self.requestline = line
        words = line.split()
        if not words:
            return False
        if len(words) != 3:
            self.send_error(400, f"Bad request syntax ({line!r})")
            return False
        command, path, version = words
        if version not in ("HTTP/1.0", "HTTP/1.1"):
            self.send_error(505 if _LATER_VERSION.match(version) else 400,
                            f"Bad request version ({version!r})")
            return False
        self.command, self.request_version = command, version
        self.path = "/" + path.lstrip("/") if path.startswith("//") else path
        self.close_connection = version == "HTTP/1.0"
        fields: list[tuple[str, str]] = []
        while True:
            raw = self.rfile.readline(MAX_LINE + 1)
            if len(raw) > MAX_LINE:
                self.send_error(431, "Line too long")
                return False
            if raw in (b"\r\n", b"\n", b""):
                break
            if len(fields) == MAX_HEADERS:
                self.send_error(431, "Too many headers")
                return False
            text = raw.decode("iso-8859-1").rstrip("\r\n")
            name, colon, value = text.partition(":")
            if not colon or not name or name != name.strip() or " " in name or "\t" in name:
                self.send_error(400, "Bad header line")
                return False
            fields.append((name, value.strip(" \t")))
        headers = self.headers = _Headers(fields)  # type: ignore[assignment]
        connection = str(headers.get("Connection", "")).lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        expect = str(headers.get("Expect", "")).lower()
        if expect == "100-continue" and version == "HTTP/1.1":
            return bool(self.handle_expect_100())
        return True

    def _serve(self) -> None:
        length_text = self.headers.get("Content-Length") or "0"
        if self.headers.get("Transfer-Encoding") or not length_text.isdigit():
            self._fail(411, "LengthRequiredException", "A Content-Length is required.")
            return
        length = int(length_text)
        if length > MAX_BODY:
            self._fail(413, "RequestEntityTooLargeException",
                       f"The request body is larger than {MAX_BODY} bytes.")
            return
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "RAW_URI": self.path,
            "SERVER_NAME": self.server.server_name,
            "SERVER_PORT": str(self.server.server_port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "CONTENT_LENGTH": str(length),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH" and "_" not in name:  # X_Foo cannot pose as X-Foo
                environ[f"HTTP_{key}"] = value
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
            started[:] = [status, headers]
            return lambda data: None

        result = self.server.app(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = started
        code, _, reason = str(status).partition(" ")
        self.send_response_only(int(code), reason)
        for name, value in headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def send_error(self, code: int, message: Optional[str] = None,
                   explain: Optional[str] = None) -> None:
        """``http.server``'s refusal of a request head (400, 414, 431, 505: the rest of the
        request is left unread), then a lingering close, so that the client reads it."""
        super().send_error(code, message, explain)
        self.wfile.flush()
        self._linger()

    def _fail(self, code: int, error_type: str, message: str) -> None:
        """An AWS-style JSON error, and the connection closed (the body was not read)."""
        body = json.dumps({"__type": error_type, "message": message}).encode()
        self.send_response_only(code)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("x-amzn-ErrorType", error_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True
        self._linger()

    def _linger(self) -> None:
        """Drop what the client is still sending, for a bounded time, before closing.

        Closing a socket with unread input makes the kernel answer with a reset, which can
        reach the client while it is still sending the body and before it has read the
        refusal: it would see a broken pipe instead of the 4xx.
        """
        sock = self.connection
        try:
            sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_SECONDS
            dropped = 0
            while dropped < LINGER_BYTES:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                sock.settimeout(left)
                chunk = sock.recv(64 * 1024)
                if not chunk:
                    break
                dropped += len(chunk)
        except OSError:  # reset or timed out: nothing more to do for this connection
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _serve

