"""``pycognito demo``: the library end to end against the embedded local Cognito.

Starts :class:`pycognito.local.LocalCognito` on 127.0.0.1, creates a user pool (optional TOTP
MFA, device tracking, an app client with a secret) and walks one user through the library's
public API, printing one line per step with its time::

    ok  1  start the local Cognito            181 ms  http://127.0.0.1:40123
    ...

Each step checks that Cognito and the library behaved (a refused old refresh token is a pass,
an accepted one a failure); the first step that does not behave stops the demo with exit
status 1. Nothing but loopback is used. The user is a throwaway one: the demo deliberately
shows its confirmation code and its TOTP set-up URI, never its password.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional, TextIO

from ._refusals import credentials_refused, service_error

__all__ = ["add_arguments", "run"]

USERNAME = "ada"
EMAIL = "ada@example.com"
PASSWORD = "Demo-Passw0rd!1"  # the throwaway demo user's; never printed
NEW_PASSWORD = "Demo-Passw0rd!2"
WRONG_PASSWORD = "Not-the-passw0rd!3"
ISSUER = "pycognito demo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's flags."""
    parser.add_argument("--no-qr", action="store_true",
                        help="do not draw the TOTP QR code in the terminal")
    parser.add_argument("--light", action="store_true",
                        help="draw the QR code for a light terminal background")


class StepFailed(Exception):
    """A step did not behave; the message says how."""


def _one_line(exc: BaseException) -> str:
    """What went wrong, in one line: Cognito's message and code, or the exception's type and
    message (neither ever holds a password, a secret or a token)."""
    code, message = service_error(exc)
    if code:
        return f"{message.strip()} [{code}]"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _refused(exc: BaseException) -> bool:
    """Whether Cognito refused the credentials (its NotAuthorizedException, or the library's
    typed "log in again" exception that wraps it)."""
    from .exceptions import LoginRequiredException

    return isinstance(exc, LoginRequiredException) or credentials_refused(exc)


# -- the protected service -------------------------------------------------------------------


class ProtectedService:
    """A tiny HTTP API on loopback: ``GET /hello`` needs a valid access token of the pool.

    It verifies the ``Authorization: Bearer`` token with the library's verifier (keys from the
    local Cognito's JWKS URL) and answers 200 with the caller's username, or 401.
    """

    def __init__(self, user_pool_id: str, client_id: str, jwks_url: str) -> None:
        from .verification import CognitoTokenVerifier

        self.verifier = CognitoTokenVerifier(user_pool_id, client_id, jwks_url=jwks_url)
        self.requests = 0
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                service.requests += 1
                status, body = service.answer(self.path, self.headers.get("Authorization"))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if status == 401:
                    self.send_header("WWW-Authenticate", 'Bearer error="invalid_token"')
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the demo prints its own lines

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="pycognito-demo-api", daemon=True)

    @property
    def url(self) -> str:
        port = int(self._server.server_address[1])
        return f"http://127.0.0.1:{port}/hello"

    def answer(self, path: str, authorization: Optional[str]) -> tuple[int, dict[str, Any]]:
        """(status, JSON body) for a request."""
        from .exceptions import TokenVerificationException

        if path != "/hello":
            return 404, {"error": "not found"}
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return 401, {"error": "a bearer token is required"}
        try:
            claims = self.verifier.verify(token.strip(), "access")
        except TokenVerificationException as exc:
            return 401, {"error": str(exc)}
        return 200, {"hello": claims.get("username"), "sub": claims.get("sub")}

    def start(self) -> ProtectedService:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# -- the journey -----------------------------------------------------------------------------


class Journey:
    """The demo's steps, run in order; state is kept on the instance."""

    def __init__(self, out: TextIO, *, qr: bool = True, light: bool = False) -> None:
        self.out = out
        self.qr = qr
        self.light = light
        self.number = 0
        self.started = time.perf_counter()
        self.local: Any = None
        self.service: Optional[ProtectedService] = None
        self.pool_id = self.client_id = self.client_secret = ""
        self.totp_secret = ""
        self.last_totp_step = -1
        self.device: dict[str, str] = {}
        self.user: Any = None
        self.password = PASSWORD
        self.sign_up_code = ""
        self._details: list[str] = []

    # -- output -----------------------------------------------------------------------------

    def print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def detail(self, text: str) -> None:
        """Indented lines shown under the current step's line."""
        self._details.extend(text.splitlines())

    def step(self, title: str, action: Callable[[], str]) -> None:
        """Run one step: print ``ok``/``FAIL``, its number, title, time and result."""
        self.number += 1
        self._details = []
        begun = time.perf_counter()
        try:
            result = action()
        except StepFailed as exc:
            self._line("FAIL", title, begun, str(exc))
            raise
        except Exception as exc:
            self._line("FAIL", title, begun, _one_line(exc))
            raise StepFailed(str(exc)) from exc
        self._line("ok", title, begun, result)

    def _line(self, mark: str, title: str, begun: float, result: str) -> None:
        ms = (time.perf_counter() - begun) * 1000
        self.print(f"{mark:<5}{self.number:>2}  {title:<34}{ms:>6.0f} ms  {result}")
        for line in self._details:
            self.print(f"{'':<9}{line}")
        self._details = []

    # -- helpers ----------------------------------------------------------------------------

    def cognito(self, **kwargs: Any) -> Any:
        """A ``Cognito`` for the demo's pool and app client (with its secret). The local
        Cognito's test credentials are given, so boto3 looks for none (its search ends at the
        instance metadata address when nothing is configured: not loopback)."""
        from . import Cognito

        return Cognito(
            self.pool_id,
            self.client_id,
            client_secret=self.client_secret,
            boto3_client_kwargs={"endpoint_url": self.local.endpoint_url,
                                 "aws_access_key_id": "testing",
                                 "aws_secret_access_key": "testing"},
            **kwargs,
        )

    def totp_now(self) -> str:
        """The authenticator app's code. A code is good once: if this 30-second step's code
        was used already, take the next step's (Cognito accepts one step of drift)."""
        from .totp import totp_code

        moment = time.time()
        step = int(moment // 30)
        if step <= self.last_totp_step:
            step = self.last_totp_step + 1
        self.last_totp_step = step
        return totp_code(self.totp_secret, step * 30)

    # -- steps ------------------------------------------------------------------------------

    def start_local(self) -> str:
        from .local import LocalCognito

        self.local = LocalCognito(host="127.0.0.1", port=0).start()
        return f"{self.local.endpoint_url} (loopback only)"

    def create_pool(self) -> str:
        admin = self.local.client()
        pool = admin.create_user_pool(
            PoolName="pycognito-demo",
            AutoVerifiedAttributes=["email"],
            Schema=[{"Name": "team", "AttributeDataType": "String", "Mutable": True}],
            DeviceConfiguration={"ChallengeRequiredOnNewDevice": True,
                                 "DeviceOnlyRememberedOnUserPrompt": True},
        )["UserPool"]
        self.pool_id = pool["Id"]
        admin.set_user_pool_mfa_config(
            UserPoolId=self.pool_id, MfaConfiguration="OPTIONAL",
            SoftwareTokenMfaConfiguration={"Enabled": True},
        )
        client = admin.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="demo-app", GenerateSecret=True,
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]
        self.client_id, self.client_secret = client["ClientId"], client["ClientSecret"]
        return (f"{self.pool_id}: optional TOTP MFA, device tracking, "
                f"client {self.client_id} with a secret")

    def sign_up(self) -> str:
        pool = self.cognito()
        pool.set_base_attributes(email=EMAIL, given_name="Ada")
        pool.add_custom_attributes(team="engines")
        response = pool.register(USERNAME, self.password)
        if response.get("UserConfirmed"):
            raise StepFailed("the user was confirmed without a code")
        where = (response.get("CodeDeliveryDetails") or {}).get("Destination", "?")
        return f"{USERNAME} signed up (email, given_name, custom:team); code sent to {where}"

    def read_outbox(self) -> str:
        messages = self.local.messages(user_pool_id=self.pool_id, username=USERNAME,
                                       kind="sign_up")
        if not messages:
            raise StepFailed("no sign-up code in the outbox")
        self.sign_up_code = messages[-1].code
        return (f"code {self.sign_up_code} for {messages[-1].destination} "
                f"(GET {self.local.endpoint_url}/_local/messages)")

    def confirm(self) -> str:
        self.cognito().confirm_sign_up(self.sign_up_code, username=USERNAME)
        return "ConfirmSignUp accepted the code"

    def login(self) -> str:
        user = self.cognito(username=USERNAME)
        user.authenticate(password=self.password)
        self.user = user
        return (f"USER_SRP_AUTH: id, access and refresh tokens "
                f"(expire in {user.expires_in} s)")

    def verify(self) -> str:
        self.user.verify_tokens()
        ident, access = self.user.id_claims, self.user.access_claims
        self.detail(f"id token:     sub={ident['sub']}  email={ident.get('email')}  "
                    f"custom:team={ident.get('custom:team')}  aud={ident['aud']}")
        self.detail(f"access token: username={access.get('username')}  "
                    f"client_id={access.get('client_id')}  scope={access.get('scope')}")
        self.detail(f"issuer:       {ident['iss']}")
        return "RS256 signature, iss, exp, token_use, aud/client_id and at_hash checked"

    def profile(self) -> str:
        before = self.user.get_user()
        self.user.update_profile({"given_name": "Augusta Ada"})
        after = self.user.get_user()
        if after.given_name != "Augusta Ada":
            raise StepFailed("the profile update did not stick")
        return (f"given_name {before.given_name!r} -> {after.given_name!r}; "
                f"email {after.email} (verified: {after.email_verified})")

    def setup_totp(self) -> str:
        from .cli._qr import qr_text
        from .totp import otpauth_uri

        self.totp_secret = self.user.associate_software_token()
        uri = otpauth_uri(self.totp_secret, EMAIL, ISSUER)
        self.detail(f"otpauth URI (the demo user's, shown on purpose): {uri}")
        if self.qr:
            picture = qr_text(uri, invert=self.light)
            if picture:
                self.detail(picture)
        if not self.user.verify_software_token(self.totp_now(), "demo phone"):
            raise StepFailed("VerifySoftwareToken refused the authenticator code")
        self.user.set_user_mfa_preference(False, True, preferred="SOFTWARE_TOKEN")
        return "authenticator app registered; TOTP MFA preferred"

    def mfa_login(self) -> str:
        from .exceptions import SoftwareTokenMFAChallengeException

        self.user.logout()
        user = self.cognito(username=USERNAME)
        try:
            user.authenticate(password=self.password)
        except SoftwareTokenMFAChallengeException:
            user.respond_to_software_token_mfa_challenge(self.totp_now())
        else:
            raise StepFailed("the login was not challenged for TOTP")
        self.user = user
        return "logged out, logged in: SOFTWARE_TOKEN_MFA answered with the app's code"

    def remember_device(self) -> str:
        self.device = self.user.remember_device("demo laptop")
        return f"device {self.device['device_key']} confirmed and remembered"

    def device_login(self) -> str:
        from .exceptions import MFAChallengeException

        user = self.cognito(username=USERNAME, **self.device)
        try:
            user.authenticate(password=self.password)
        except MFAChallengeException as exc:
            raise StepFailed(f"MFA was asked despite the remembered device "
                             f"({exc.challenge_name})") from None
        device = (user.access_claims or {}).get("device_key")
        self.user = user
        return f"no MFA asked: DEVICE_SRP_AUTH proved the device (token device_key={device})"

    def call_api(self) -> str:
        import requests

        from .utils import RequestsSrpAuth
        from .verification import jwks_url_for_endpoint

        self.service = ProtectedService(
            self.pool_id, self.client_id,
            jwks_url_for_endpoint(self.local.endpoint_url, self.pool_id),
        ).start()
        with requests.Session() as http:
            http.trust_env = False  # loopback only, whatever proxy the environment sets
            anonymous = http.get(self.service.url, timeout=5)
            if anonymous.status_code != 401:
                raise StepFailed(f"the API answered {anonymous.status_code} without a token")
            response = http.get(self.service.url, auth=RequestsSrpAuth(cognito=self.user),
                                timeout=5)
        if response.status_code != 200:
            raise StepFailed(f"the API answered {response.status_code}: {response.text[:80]}")
        return (f"GET {self.service.url}: 401 without a token, 200 with RequestsSrpAuth "
                f"-> {response.json()}")

    def refresh(self) -> str:
        old_access = self.user.access_token
        old_jti = (self.user.access_claims or {}).get("jti")
        self.user.renew_access_token()
        claims = self.user.access_claims or {}
        if self.user.access_token == old_access or claims.get("jti") == old_jti:
            raise StepFailed("the refresh returned the same access token")
        return (f"REFRESH_TOKEN_AUTH: new, verified id and access tokens "
                f"(jti {str(old_jti)[:8]}... -> {str(claims.get('jti'))[:8]}...); "
                "same refresh token")

    def change_password(self) -> str:
        self.user.change_password(self.password, NEW_PASSWORD)
        self.password = NEW_PASSWORD
        check = self.cognito(username=USERNAME, **self.device)
        check.authenticate(password=self.password)
        return "ChangePassword accepted; SRP login with the new password works"

    def sign_out_everywhere(self) -> str:
        old_refresh, old_access = self.user.refresh_token, self.user.access_token
        self.user.logout()
        stale = self.cognito(username=USERNAME, access_token=old_access,
                             refresh_token=old_refresh, **self.device)
        try:
            stale.renew_access_token()
        except Exception as exc:
            if not _refused(exc):
                raise
            return f"GlobalSignOut; the old refresh token is refused: {_one_line(exc)}"
        raise StepFailed("the old refresh token still works after GlobalSignOut")

    def wrong_password(self) -> str:
        try:
            self.cognito(username=USERNAME).authenticate(password=WRONG_PASSWORD)
        except Exception as exc:
            if not _refused(exc):
                raise
            return f"refused: {_one_line(exc)}"
        raise StepFailed("a wrong password was accepted")

    # -- all of it --------------------------------------------------------------------------

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        return [
            ("start the local Cognito", self.start_local),
            ("create pool and app client", self.create_pool),
            ("sign up with attributes", self.sign_up),
            ("read the code from the outbox", self.read_outbox),
            ("confirm the sign-up", self.confirm),
            ("SRP login", self.login),
            ("verify the tokens", self.verify),
            ("read and update the profile", self.profile),
            ("set up TOTP MFA", self.setup_totp),
            ("log out, log in with TOTP", self.mfa_login),
            ("remember this device", self.remember_device),
            ("log in again on the device", self.device_login),
            ("call an API with RequestsSrpAuth", self.call_api),
            ("refresh the tokens", self.refresh),
            ("change the password", self.change_password),
            ("sign out everywhere", self.sign_out_everywhere),
            ("log in with a wrong password", self.wrong_password),
        ]

    def run(self) -> int:
        self.print("pycognito demo: the library end to end on the embedded local Cognito")
        self.print()
        try:
            for title, action in self.steps():
                self.step(title, action)
        except StepFailed:
            self.print()
            self.print(f"demo FAILED at step {self.number} "
                       f"after {time.perf_counter() - self.started:.1f} s")
            return 1
        finally:
            self.close()
        self.print()
        self.print(f"demo finished: {self.number} steps ok in "
                   f"{time.perf_counter() - self.started:.1f} s")
        return 0

    def close(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service = None
        if self.local is not None:
            self.local.stop()
            self.local = None


def run(args: Optional[argparse.Namespace] = None, out: Optional[TextIO] = None) -> int:
    """Run the demo; 0 when every step behaved, 1 otherwise."""
    missing = [name for name in ("moto", "requests") if not _importable(name)]
    if missing:
        print(f"pycognito demo: needs the 'local' extra ({', '.join(missing)} missing): "
              "pip install 'pycognito[local,demo]'", file=sys.stderr)
        return 1
    journey = Journey(
        out if out is not None else sys.stdout,
        qr=not getattr(args, "no_qr", False),
        light=bool(getattr(args, "light", False)),
    )
    return journey.run()


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
