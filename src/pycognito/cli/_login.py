"""``pycognito login``: SRP login with every challenge answered at the terminal.

The password is read by a hidden prompt only. NEW_PASSWORD_REQUIRED, SMS/e-mail codes, TOTP,
SELECT_MFA_TYPE and MFA_SETUP (an authenticator app) are answered interactively; a new
device is confirmed and remembered when asked, so the next login can skip MFA.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from typing import Any, Mapping, Optional

from .. import srp
from .._challenges import (
    CODE_KEYS,
    DEVICE_SRP_AUTH,
    EMAIL_OTP,
    MFA_SETUP,
    NEW_PASSWORD_REQUIRED,
    SELECT_MFA_TYPE,
    SMS_MFA,
    SMS_OTP,
    SOFTWARE_TOKEN_MFA,
    challenge_username,
    mfa_type_answer,
    parse_name_list,
    required_attributes,
    strip_metadata,
)
from .._token_lifecycle import TokenSet
from ..aws_srp import AWSSRP
from ..exceptions import ChallengeException
from ..totp import otpauth_uri
from ._config import (
    ENV_USERNAME,
    Connection,
    SessionFile,
    add_connection_flags,
    add_token_file_flag,
    resolve_connection,
    token_file,
)
from ._errors import CliError
from ._io import Terminal
from ._qr import qr_text
from ._session import expiry_text, tokens_json

MAX_ROUNDS = 10
MAX_ATTEMPTS = 3

_MFA_LABELS = {
    SMS_MFA: "text message (SMS)",
    SOFTWARE_TOKEN_MFA: "authenticator app (TOTP)",
    EMAIL_OTP: "e-mail",
    "EMAIL_MFA": "e-mail",
}


def add_parser(commands: Any) -> None:
    """Register ``login``."""
    parser = commands.add_parser(
        "login",
        help="log in with SRP (password by hidden prompt), answering MFA and other challenges",
        description="Log in with SRP. The password is always read from a hidden prompt (or one "
                    "line of stdin when it is not a terminal). New-password, SMS, e-mail and "
                    "authenticator-app challenges and MFA set-up are answered interactively. "
                    "Tokens are saved to the token file (0600) for the next command, or "
                    "printed with --json.",
    )
    parser.add_argument("-u", "--username", help=f"username or alias (env {ENV_USERNAME}; "
                                                 "prompted if missing)")
    add_connection_flags(parser)
    add_token_file_flag(parser)
    parser.add_argument("--json", action="store_true",
                        help="print the tokens as JSON on stdout")
    parser.add_argument("--no-save", action="store_true",
                        help="do not write the token file (use with --json)")
    parser.add_argument("--remember-device", action=argparse.BooleanOptionalAction,
                        default=None,
                        help="remember this device so later logins skip MFA "
                             "(default: ask when the pool offers it)")
    parser.add_argument("--device-name", metavar="NAME",
                        help="name of the remembered device (default: pycognito on <host>)")
    parser.add_argument("--mfa", choices=("sms", "totp", "email"),
                        help="MFA method to choose when Cognito asks which one")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, terminal: Terminal) -> int:
    """Log in; save and/or print the tokens."""
    store = SessionFile(token_file(args))
    connection = resolve_connection(args, terminal)
    username = args.username or os.environ.get(ENV_USERNAME) or terminal.ask("Username")
    if not username:
        raise CliError("no username given")
    password = terminal.secret("Password")
    if not password:
        raise CliError("no password given")
    boto = connection.boto_client()
    device = store.device(connection.user_pool_id, username)
    response, flow = _authenticate(terminal, connection, boto, store, username, password,
                                   device, args)
    result = response["AuthenticationResult"]
    tokens = TokenSet.from_result(result)
    real_username = _claim(tokens.access_token, "username") or username
    device_key = _claim(tokens.access_token, "device_key") or (device or {}).get("device_key")

    new_device = result.get("NewDeviceMetadata")
    if new_device and args.remember_device is not False:
        remembered = _remember_device(terminal, response, args, flow)
        if remembered is not None:
            device_key = remembered["device_key"]
            if not args.no_save:
                store.remember_device(connection.user_pool_id, [username, real_username],
                                      remembered)

    if not args.no_save:
        whole = store.read()
        whole.update({
            "tokens": tokens.to_dict(),
            "clock_offset": tokens.issued_at - time.time(),
            "session": {**connection.to_json(), "username": real_username,
                        "device_key": device_key},
        })
        store.write(whole)
    if args.json:
        print(tokens_json(tokens))
    else:
        where = f"tokens saved to {store.path}" if not args.no_save else "tokens not saved"
        print(f"Logged in as {real_username}; {where} "
              f"(expire {expiry_text(tokens.expires_at - tokens.issued_at)}).")
    return 0


def _claim(token: str, name: str) -> Optional[str]:
    from ._session import peek_claims

    value = peek_claims(token).get(name)
    return value if isinstance(value, str) and value else None


def _authenticate(
    terminal: Terminal,
    connection: Connection,
    boto: Any,
    store: SessionFile,
    username: str,
    password: str,
    device: Optional[dict[str, str]],
    args: argparse.Namespace,
) -> tuple[dict[str, Any], AWSSRP]:
    flow = AWSSRP(username, password, connection.user_pool_id, connection.client_id,
                  client=boto, client_secret=connection.client_secret,
                  device_key=device["device_key"] if device else None,
                  device_group_key=device["device_group_key"] if device else None,
                  device_password=device["device_password"] if device else None)
    try:
        return flow.authenticate_user(), flow
    except ChallengeException as exc:
        answerer = Challenges(terminal, connection, boto, username,
                              (device or {}).get("device_key"), args)
        return answerer.answer(exc.get_tokens()), flow
    except Exception as exc:
        if device is None or not _device_refused(exc):
            raise
    terminal.say("The remembered device is no longer known to Cognito; "
                 "logging in without it.")
    store.forget_device(connection.user_pool_id, device["device_key"])
    return _authenticate(terminal, connection, boto, store, username, password, None, args)


def _device_refused(exc: BaseException) -> bool:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    error = response.get("Error") or {}
    code, message = str(error.get("Code") or ""), str(error.get("Message") or "").lower()
    return code in ("ResourceNotFoundException", "NotAuthorizedException") and "device" in message


def _remember_device(
    terminal: Terminal, response: Mapping[str, Any], args: argparse.Namespace, flow: AWSSRP
) -> Optional[dict[str, str]]:
    """Confirm the new device (and mark it remembered) when asked to; return the triple."""
    want = args.remember_device
    if want is None:
        want = terminal.confirm("Remember this device (later logins skip MFA)?")
    if not want:
        return None
    name = args.device_name or f"pycognito on {platform.node() or platform.system() or 'Python'}"
    confirmed, device_password = flow.confirm_device(response, device_name=name)
    result = response["AuthenticationResult"]
    metadata = result["NewDeviceMetadata"]
    if confirmed.get("UserConfirmationNecessary"):
        flow.update_device_status(True, result["AccessToken"], metadata["DeviceKey"])
    terminal.say(f"Device remembered as {name!r}.")
    return {
        "device_key": str(metadata["DeviceKey"]),
        "device_group_key": str(metadata["DeviceGroupKey"]),
        "device_password": device_password,
    }


class Challenges:
    """Answers Cognito's challenges at the terminal until tokens arrive."""

    def __init__(self, terminal: Terminal, connection: Connection, boto: Any, username: str,
                 device_key: Optional[str], args: argparse.Namespace) -> None:
        self.terminal = terminal
        self.connection = connection
        self.boto = boto
        self.username = username
        self.device_key = device_key
        self.mfa_choice: Optional[str] = getattr(args, "mfa", None)
        self.device_name: Optional[str] = getattr(args, "device_name", None)

    def answer(self, pending: Mapping[str, Any]) -> dict[str, Any]:
        """Answer ``pending`` and every challenge after it; return the response with tokens."""
        current = dict(pending)
        for _ in range(MAX_ROUNDS):
            response = self._answer_one(current)
            if response.get("AuthenticationResult"):
                return response
            current = strip_metadata(response)
        raise CliError("Cognito kept asking for more challenges; giving up")

    # -- one challenge ----------------------------------------------------------------------

    def _answer_one(self, pending: dict[str, Any]) -> dict[str, Any]:
        name = str(pending.get("ChallengeName") or "")
        if name == NEW_PASSWORD_REQUIRED:
            return self._respond(name, pending, self._new_password(pending))
        if name in CODE_KEYS:
            return self._with_code(name, pending)
        if name == SELECT_MFA_TYPE:
            return self._respond(name, pending, {"ANSWER": self._select_mfa(pending)})
        if name == MFA_SETUP:
            return self._mfa_setup(pending)
        if name == DEVICE_SRP_AUTH:
            raise CliError("Cognito asked for the remembered device after MFA, which it should "
                           "not; log in again")
        raise CliError(f"Cognito asked for the {name or 'unknown'} challenge, which the command "
                       "line cannot answer")

    def _respond(self, name: str, pending: Mapping[str, Any], answers: Mapping[str, str],
                 session: Optional[str] = None) -> dict[str, Any]:
        username = challenge_username(pending) or self.username
        responses = {"USERNAME": username, **answers}
        if self.connection.client_secret:
            responses["SECRET_HASH"] = srp.secret_hash(
                username, self.connection.client_id, self.connection.client_secret
            )
        if self.device_key:
            responses["DEVICE_KEY"] = self.device_key
        kwargs: dict[str, Any] = {}
        session = session or pending.get("Session")
        if session:
            kwargs["Session"] = session
        response = self.boto.respond_to_auth_challenge(
            ClientId=self.connection.client_id, ChallengeName=name,
            ChallengeResponses=responses, **kwargs
        )
        return dict(response)

    def _new_password(self, pending: Mapping[str, Any]) -> dict[str, str]:
        self.terminal.say("Cognito requires a new password for this account.")
        for _ in range(MAX_ATTEMPTS):
            first = self.terminal.secret("New password")
            second = self.terminal.secret("New password (again)")
            if first and first == second:
                break
            self.terminal.say("The passwords differ (or are empty); try again.")
        else:
            raise CliError("the new passwords did not match")
        answers = {"NEW_PASSWORD": first}
        for attribute in required_attributes(pending):
            value = self.terminal.ask(f"Value for the required attribute {attribute}")
            if not value:
                raise CliError(f"Cognito requires a value for {attribute}")
            answers[f"userAttributes.{attribute}"] = value
        return answers

    def _with_code(self, name: str, pending: Mapping[str, Any]) -> dict[str, Any]:
        params = pending.get("ChallengeParameters") or {}
        where = params.get("CODE_DELIVERY_DESTINATION")
        if name == SOFTWARE_TOKEN_MFA:
            prompt = "Code from your authenticator app"
        elif name in (SMS_MFA, SMS_OTP):
            prompt = f"Code sent by text message{f' to {where}' if where else ''}"
        else:
            prompt = f"Code sent by e-mail{f' to {where}' if where else ''}"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            code = "".join(self.terminal.ask(prompt).split())
            try:
                return self._respond(name, pending, {CODE_KEYS[name]: code})
            except Exception as exc:
                if attempt == MAX_ATTEMPTS or _error_code(exc) != "CodeMismatchException":
                    raise
                self.terminal.say("Wrong code; try again.")
        raise CliError("wrong code")  # pragma: no cover - the loop returns or raises

    def _select_mfa(self, pending: Mapping[str, Any]) -> str:
        if self.mfa_choice:
            return mfa_type_answer(self.mfa_choice.upper().replace("TOTP", "SOFTWARE_TOKEN"),
                                   pending)
        offered = parse_name_list((pending.get("ChallengeParameters") or {}).get(
            "MFAS_CAN_CHOOSE"))
        if not offered:
            raise CliError("Cognito asked to choose an MFA method but offered none")
        if len(offered) == 1:
            return offered[0]
        self.terminal.say("Choose how to receive the MFA code:")
        return self.terminal.choose("Method", offered,
                                    [_MFA_LABELS.get(name, name) for name in offered])

    def _mfa_setup(self, pending: Mapping[str, Any]) -> dict[str, Any]:
        params = pending.get("ChallengeParameters") or {}
        offered = parse_name_list(params.get("MFAS_CAN_SETUP"))
        if SOFTWARE_TOKEN_MFA not in offered:
            # SMS and e-mail MFA are "set up" by giving the user a phone number or e-mail
            # address, which needs an access token (or an administrator), not this challenge.
            raise CliError("the pool requires MFA but this user has no way to receive codes: "
                           "add a phone number or e-mail address to the account (an "
                           "administrator can), then log in again")
        self.terminal.say("This user pool requires MFA: set up an authenticator app now.")
        return self._totp_setup(pending)

    def _totp_setup(self, pending: Mapping[str, Any]) -> dict[str, Any]:
        associated = self.boto.associate_software_token(Session=pending.get("Session"))
        secret = str(associated["SecretCode"])
        session = associated.get("Session") or pending.get("Session")
        account = challenge_username(pending) or self.username
        uri = otpauth_uri(secret, account, issuer="Cognito")
        # The user's own new secret, shown to them on purpose so that their app can take it.
        self.terminal.say("Scan this QR code with your authenticator app, or enter the key.")
        picture = qr_text(uri)
        if picture:
            self.terminal.say(picture)
        self.terminal.say(f"Key: {secret}")
        for attempt in range(1, MAX_ATTEMPTS + 1):
            code = "".join(self.terminal.ask("Code from your authenticator app").split())
            try:
                verified = self.boto.verify_software_token(
                    Session=session, UserCode=code,
                    FriendlyDeviceName=self.device_name or "pycognito",
                )
            except Exception as exc:
                wrong = _error_code(exc) in ("CodeMismatchException",
                                             "EnableSoftwareTokenMFAException")
                if attempt == MAX_ATTEMPTS or not wrong:
                    raise
                self.terminal.say("Wrong code; try again.")
                continue
            if verified.get("Status") == "SUCCESS":
                session = verified.get("Session") or session
                break
            if attempt == MAX_ATTEMPTS:
                raise CliError("the authenticator app's code was not accepted")
            self.terminal.say("Wrong code; try again.")
        return self._respond(MFA_SETUP, pending, {}, session=session)


def _error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Code") or "")
    return ""


def json_dump(value: Any) -> str:
    """Pretty JSON for stdout."""
    return json.dumps(value, indent=2, sort_keys=True, default=str)
