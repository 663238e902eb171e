"""``LocalCognito``: start, stop and reset the embedded Cognito (moto's server, in this process)."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any, Optional

from .._text import port_argument, text_argument
from ..exceptions import InvalidValueError
from . import _moto
from ._calls import Call
from ._codes import Message
from ._lambdas import Invocation, LambdaHandler
from ._state import STATE
from ._totp import totp_from_secret
from ._wsgi import LoopbackServer

_running_lock = threading.Lock()
_running: Optional[LocalCognito] = None


def reset_everything() -> None:
    """Empty moto's Cognito backends and every local store (clock back to real time)."""
    with STATE.lock:
        _moto.reset_backends()
        STATE.reset()


class AddressUnavailableError(OSError):
    """``LocalCognito.start()`` cannot listen on ``host``:``port`` (in use, unknown host, not
    an address of this machine). The message is one line naming the address and the reason."""

    def __init__(self, host: str, port: int, cause: OSError) -> None:
        reason = cause.strerror or str(cause) or type(cause).__name__
        super().__init__(cause.errno, f"cannot listen on {host}:{port}: {reason}")
        self.host, self.port = host, port

    def __str__(self) -> str:
        return str(self.strerror)


class LocalCognito:
    """A Cognito user-pool endpoint on loopback, for tests and demos.

    ``with LocalCognito() as local:`` starts it; ``local.endpoint_url`` is what boto3 needs
    (``endpoint_url=``). It binds only ``host`` (127.0.0.1 unless asked otherwise), on ``port``
    (0: any free port). One server runs per process at a time, because moto's state is
    process-wide.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if not text_argument(host, "host"):
            raise InvalidValueError("host must not be empty (127.0.0.1 is the default)")
        self.host = host
        self.port = port_argument(port)
        self._server: Optional[LoopbackServer] = None
        self._thread: Optional[threading.Thread] = None
        #: Seconds ``start()`` took, up to the first answered Cognito request.
        self.startup_seconds: Optional[float] = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> LocalCognito:
        """Start serving (returns once the first Cognito request has been answered)."""
        global _running
        started = time.perf_counter()
        with _running_lock:
            if self._server is not None:
                return self
            if _running is not None:
                raise RuntimeError("a LocalCognito is already running in this process; "
                                   "stop it first (moto's state is process-wide)")
            from ._http import LocalApp

            _moto.install_hooks(STATE.clock.utcnow_naive)
            server: Optional[LoopbackServer] = None
            try:
                app = LocalApp()
                try:
                    server = LoopbackServer(self.host, self.port, app)
                except OSError as error:  # busy port, unknown host, address not ours
                    raise AddressUnavailableError(self.host, self.port, error) from error
                reset_everything()
                _warm_up(app)
                thread = threading.Thread(target=server.serve_forever,
                                          name="pycognito-local", daemon=True)
                thread.start()
            except BaseException:  # leave nothing behind: no open socket, no hooks
                if server is not None:
                    server.server_close()
                _moto.remove_hooks()
                raise
            self._server, self._thread = server, thread
            self.port = int(server.server_address[1])
            _running = self
        self.startup_seconds = time.perf_counter() - started
        return self

    def stop(self) -> None:
        """Stop serving and remove the clock hook from moto (the data stays until a reset)."""
        global _running
        with _running_lock:
            server, thread = self._server, self._thread
            if server is None:
                return
            server.shutdown()
            server.server_close()
            if thread is not None:
                thread.join(timeout=5)
            self._server = self._thread = None
            _moto.remove_hooks()
            _running = None

    def __enter__(self) -> LocalCognito:
        return self.start()

    def __exit__(self, exc_type: Optional[type[BaseException]],
                 exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def endpoint_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._server is None:
            raise RuntimeError("LocalCognito is not running; call start() or use `with`")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def domain_url(self, domain: str) -> str:
        """Base URL of a user pool domain (``CreateUserPoolDomain``) on this server: where
        ``/oauth2/token``, ``/oauth2/authorize``, ``/login``... are served."""
        return f"{self.endpoint_url}/domain/{domain}"

    # -- test support -----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every pool, user, token, code, message and call; clock back to real time."""
        reset_everything()

    def messages(self, *, user_pool_id: Optional[str] = None, username: Optional[str] = None,
                 kind: Optional[str] = None, destination: Optional[str] = None) -> list[Message]:
        """Messages "sent" (codes, temporary passwords), oldest first, filtered.

        ``kind`` is one of ``sign_up``, ``forgot_password``, ``attribute_verification``,
        ``sms_mfa``, ``email_mfa``, ``sms_otp``, ``email_otp``, ``admin_create_user``;
        ``username`` matches the internal username or the destination (e-mail, phone).
        """
        with STATE.lock:
            return STATE.outbox.select(user_pool_id=user_pool_id, username=username,
                                       kind=kind, destination=destination)

    def last_code(self, *, user_pool_id: Optional[str] = None, username: Optional[str] = None,
                  kind: Optional[str] = None) -> str:
        """The code of the newest matching message (``LookupError`` if there is none)."""
        found = self.messages(user_pool_id=user_pool_id, username=username, kind=kind)
        if not found:
            raise LookupError("no message matches")
        return found[-1].code

    def calls(self, operation: Optional[str] = None, *, user_pool_id: Optional[str] = None,
              client_id: Optional[str] = None, auth_flow: Optional[str] = None) -> list[Call]:
        """Cognito operations received since the last reset/clear, oldest first, filtered."""
        with STATE.lock:
            return STATE.calls.select(operation=operation, user_pool_id=user_pool_id,
                                      client_id=client_id, auth_flow=auth_flow)

    def clear_calls(self) -> None:
        """Empty the call log (nothing else)."""
        with STATE.lock:
            STATE.calls.clear()

    def register_lambda(self, function_arn: str, handler: LambdaHandler) -> None:
        """Answer the Lambda function ``function_arn`` with ``handler(event, context)``.

        A pool whose ``LambdaConfig`` names this ARN calls it as Cognito calls its triggers.
        Registrations survive :meth:`reset` (they are code, not data).
        """
        with STATE.lock:
            STATE.lambdas.register(function_arn, handler)

    def unregister_lambda(self, function_arn: str) -> None:
        """Forget the handler of ``function_arn`` (calling it is then UnexpectedLambdaException)."""
        with STATE.lock:
            STATE.lambdas.unregister(function_arn)

    def lambda_invocations(self, *, trigger_source: Optional[str] = None,
                           function_arn: Optional[str] = None) -> list[Invocation]:
        """Trigger calls since the last reset, oldest first: each ``.event`` as the handler got
        it, ``.response`` as it answered, ``.error`` if it failed."""
        with STATE.lock:
            return STATE.lambdas.select(trigger_source=trigger_source, function_arn=function_arn)

    def advance_clock(self, seconds: float) -> None:
        """Move the server's clock: token iat/exp, code, session and refresh-token expiry."""
        STATE.clock.advance(seconds)

    @property
    def clock_offset(self) -> float:
        """Seconds the server's clock is ahead of real time."""
        return STATE.clock.offset

    def now(self) -> float:
        """The server's current time (seconds since the epoch)."""
        return STATE.clock.time()

    def totp_code(self, secret: str, *, steps: int = 0) -> str:
        """The authenticator-app code for ``secret`` at the server's time (+ ``steps`` x 30 s)."""
        return totp_from_secret(secret, STATE.clock.time() + 30 * steps)

    def client(self, region_name: str = "us-east-1", *, service_name: str = "cognito-idp",
               **kwargs: Any) -> Any:
        """A boto3 client for this server: retries off, dummy credentials.

        ``service_name`` is ``cognito-idp`` (default), ``cognito-identity`` or ``sts``.
        """
        import boto3
        from botocore.config import Config

        kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))
        kwargs.setdefault("aws_access_key_id", "testing")
        kwargs.setdefault("aws_secret_access_key", "testing")
        return boto3.client(service_name, region_name=region_name,
                            endpoint_url=self.endpoint_url, **kwargs)

    def __repr__(self) -> str:
        where = self.endpoint_url if self._server is not None else "stopped"
        return f"LocalCognito({where})"


def _warm_up(app: Any) -> None:
    """Load every handler and moto's Cognito response path now, not on the first call."""
    from io import BytesIO

    from ._registry import handlers

    handlers()
    body = b'{"MaxResults": 1}'
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/", "QUERY_STRING": "", "SERVER_NAME": "localhost",
        "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": BytesIO(body),
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/x-amz-json-1.1",
        "HTTP_HOST": "localhost",
        "HTTP_X_AMZ_TARGET": "AWSCognitoIdentityProviderService.ListUserPools",
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/"
                              "cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
    }
    statuses: list[str] = []
    b"".join(app(environ, lambda status, headers, *_: statuses.append(status)))
    if not statuses or not statuses[0].startswith("200"):
        raise RuntimeError(f"the local Cognito failed its first request: {statuses}")
    with STATE.lock:
        STATE.calls.clear()
