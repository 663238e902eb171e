"""``pycognito login``: SRP login with every challenge answered at the terminal.

The login is the library's: ``Cognito.authenticate`` (``--password-auth``: USER_PASSWORD_AUTH;
``--otp email|sms``: USER_AUTH with a one-time code, no password) or ``custom_authenticate``
(``--custom``) and, for each challenge it raises, the matching ``respond_to_*`` method; a
custom challenge is prompted with its public parameters. The password is read by a hidden
prompt only.
NEW_PASSWORD_REQUIRED, SMS/e-mail codes, TOTP, SELECT_MFA_TYPE and MFA_SETUP (an authenticator
app) are answered interactively; a new device is confirmed and remembered when asked, so the
next login can skip MFA.
"""

from __future__ import annotations

import argparse
import os
import platform
from typing import Any, Callable, Mapping, Optional

from .._challenges import (
    SOFTWARE_TOKEN_MFA,
    challenge_username,
    parse_name_list,
    required_attributes,
)
from .._clients import service_error
from .._cognito import Cognito
from .._refusals import device_unknown
from .._tokens import peek_claims, token_username
from ..exceptions import (
    ChallengeException,
    CustomChallengeException,
    EmailOTPChallengeException,
    ForceChangePasswordException,
    InvalidValueError,
    MFASetupChallengeException,
    MissingValueError,
    SelectChallengeException,
    SelectMFATypeChallengeException,
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
)
from ..totp import otpauth_uri
from . import _browser_login
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
from ._session import report_login

MAX_ROUNDS = 10
MAX_ATTEMPTS = 3

#: ``--otp`` choices and the USER_AUTH first factor each asks for.
_OTP = {"email": "EMAIL_OTP", "sms": "SMS_OTP"}

_MFA_LABELS = {
    "SMS_MFA": "text message (SMS)",
    "SOFTWARE_TOKEN_MFA": "authenticator app (TOTP)",
    "EMAIL_OTP": "e-mail",
    "EMAIL_MFA": "e-mail",
}

#: Cognito's answers to a wrong code (EnableSoftwareTokenMFAException: during MFA set-up).
_WRONG_CODE = frozenset({"CodeMismatchException", "EnableSoftwareTokenMFAException"})


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
    flows = parser.add_mutually_exclusive_group()
    flows.add_argument("--otp", choices=sorted(_OTP),
                       help="sign in without a password, with a code sent by e-mail or text "
                            "message (USER_AUTH)")
    flows.add_argument("--password-auth", action="store_true",
                       help="send the password itself (USER_PASSWORD_AUTH) instead of an SRP "
                            "proof")
    flows.add_argument("--custom", action="store_true",
                       help="answer the pool's custom challenges (CUSTOM_AUTH), each shown "
                            "with its parameters")
    _browser_login.add_flags(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, terminal: Terminal) -> int:
    """Log in; save and/or print the tokens."""
    if args.browser:
        return _browser_login.run(args, terminal)
    store = SessionFile(token_file(args))
    connection = resolve_connection(args, terminal)
    username = args.username or os.environ.get(ENV_USERNAME) or terminal.ask("Username")
    if not username:
        raise CliError("no username given")
    password = None
    if not (getattr(args, "otp", None) or getattr(args, "custom", False)):
        password = terminal.secret("Password")
        if not password:
            raise CliError("no password given")
    device = store.device(connection.user_pool_id, username)
    cognito = _log_in(terminal, connection, store, username, password, device, args)
    tokens = cognito.token_lifecycle.tokens
    assert tokens is not None, "a successful login stores tokens"
    real_username = token_username(tokens.access_token, tokens.id_token) or username

    if cognito.new_device is not None and args.remember_device is not False:
        remembered = _remember_device(terminal, cognito, args)
        if remembered is not None and not args.no_save:
            store.remember_device(connection.user_pool_id, [username, real_username],
                                  remembered)
    device_key = peek_claims(tokens.access_token).get("device_key") or cognito.device_key

    if not args.no_save:
        cognito.token_lifecycle.attach_storage(store)  # writes "tokens" and "clock_offset"
        store.save_session({**connection.to_json(), "username": real_username,
                            "device_key": device_key})
    report_login(tokens, real_username, as_json=args.json,
                 saved_to=None if args.no_save else store.path)
    return 0


def _log_in(
    terminal: Terminal,
    connection: Connection,
    store: SessionFile,
    username: str,
    password: Optional[str],
    device: Optional[dict[str, str]],
    args: argparse.Namespace,
) -> Cognito:
    """The login (with the remembered device, if any) and every challenge after it."""
    cognito = connection.cognito(username, device)
    try:
        _start(cognito, password, args)
    except ChallengeException as exc:
        Challenges(terminal, cognito, password, args).answer(exc)
    except Exception as exc:
        if device is None or not device_unknown(exc):
            raise
        terminal.say("The remembered device is no longer known to Cognito; "
                     "logging in without it.")
        store.forget_device(connection.user_pool_id, device["device_key"])
        return _log_in(terminal, connection, store, username, password, None, args)
    forgotten = cognito.forgotten_device_key  # an SRP login went on without it by itself
    if forgotten:
        terminal.say("The remembered device is no longer known to Cognito; "
                     "logged in without it.")
        store.forget_device(connection.user_pool_id, forgotten)
    return cognito


def _start(cognito: Cognito, password: Optional[str], args: argparse.Namespace) -> None:
    """The first call of the login the flags ask for."""
    otp = getattr(args, "otp", None)
    if otp:
        cognito.authenticate(flow="USER_AUTH", preferred_challenge=_OTP[otp])
    elif getattr(args, "custom", False):
        cognito.custom_authenticate()
    elif getattr(args, "password_auth", False):
        cognito.authenticate(password, flow="USER_PASSWORD_AUTH")
    else:
        cognito.authenticate(password)


def _remember_device(
    terminal: Terminal, cognito: Cognito, args: argparse.Namespace
) -> Optional[dict[str, str]]:
    """Confirm the new device (and mark it remembered) when asked to; return the triple."""
    want = args.remember_device
    if want is None:
        want = terminal.confirm("Remember this device (later logins skip MFA)?")
    if not want:
        return None
    name = args.device_name or f"pycognito on {platform.node() or platform.system() or 'Python'}"
    remembered = cognito.remember_device(name)
    terminal.say(f"Device remembered as {name!r}.")
    return remembered


class Challenges:
    """Answers the challenges a login raised, at the terminal, with the facade's
    ``respond_to_*`` methods, until tokens arrive."""

    def __init__(self, terminal: Terminal, cognito: Cognito, password: Optional[str],
                 args: argparse.Namespace) -> None:
        self.terminal = terminal
        self.cognito = cognito
        self.password = password
        self.mfa_choice: Optional[str] = getattr(args, "mfa", None)
        self.device_name: Optional[str] = getattr(args, "device_name", None)

    def answer(self, challenge: ChallengeException) -> None:
        """Answer ``challenge`` and every challenge after it."""
        for _ in range(MAX_ROUNDS):
            try:
                self._answer_one(challenge)
            except ChallengeException as following:
                challenge = following
            else:
                return
        raise CliError("Cognito kept asking for more challenges; giving up")

    # -- one challenge ----------------------------------------------------------------------

    def _answer_one(self, challenge: ChallengeException) -> None:
        cognito = self.cognito
        where = challenge.challenge_parameters.get("CODE_DELIVERY_DESTINATION")
        to = f" to {where}" if where else ""
        if isinstance(challenge, ForceChangePasswordException):
            self._new_password(challenge.get_tokens())
        elif isinstance(challenge, SoftwareTokenMFAChallengeException):
            self._ask_code("Code from your authenticator app",
                           cognito.respond_to_software_token_mfa_challenge)
        elif isinstance(challenge, SMSMFAChallengeException):
            self._ask_code(f"Code sent by text message{to}", cognito.respond_to_sms_mfa_challenge)
        elif isinstance(challenge, EmailOTPChallengeException):
            self._ask_code(f"Code sent by e-mail{to}", cognito.respond_to_email_otp_challenge)
        elif isinstance(challenge, SelectMFATypeChallengeException):
            cognito.respond_to_select_mfa_type_challenge(self._select_mfa(challenge))
        elif isinstance(challenge, MFASetupChallengeException):
            self._mfa_setup(challenge)
        elif isinstance(challenge, CustomChallengeException):
            for name, value in challenge.challenge_parameters.items():
                if name != "USERNAME":
                    self.terminal.say(f"{name}: {value}")
            cognito.respond_to_custom_challenge(self.terminal.ask("Answer"))
        elif isinstance(challenge, SelectChallengeException):
            offered = ", ".join(challenge.available_challenges) or "nothing"
            raise CliError(f"Cognito does not offer this sign-in to this user; it offers: "
                           f"{offered}")
        else:
            raise CliError(f"Cognito asked for the {challenge.challenge_name or 'unknown'} "
                           "challenge, which the command line cannot answer")

    def _ask_code(self, prompt: str, respond: Callable[[str], None]) -> None:
        """Ask for a code and answer with it; a wrong one can be typed again (three tries)."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            code = "".join(self.terminal.ask(prompt).split())
            try:
                respond(code)
                return
            except ChallengeException:
                raise  # accepted: Cognito asks for something else
            except Exception as exc:
                if attempt == MAX_ATTEMPTS or not _wrong_code(exc):
                    raise
            self.terminal.say("Wrong code; try again.")

    def _new_password(self, pending: Mapping[str, Any]) -> None:
        self.terminal.say("Cognito requires a new password for this account.")
        for _ in range(MAX_ATTEMPTS):
            first = self.terminal.secret("New password")
            second = self.terminal.secret("New password (again)")
            if first and first == second:
                break
            self.terminal.say("The passwords differ (or are empty); try again.")
        else:
            raise CliError("the new passwords did not match")
        attributes: dict[str, str] = {}
        for attribute in required_attributes(pending):
            value = self.terminal.ask(f"Value for the required attribute {attribute}")
            if not value:
                raise CliError(f"Cognito requires a value for {attribute}")
            attributes[attribute] = value
        self.cognito.new_password_challenge(self.password or "", first,
                                            user_attributes=attributes)

    def _select_mfa(self, challenge: ChallengeException) -> str:
        if self.mfa_choice:
            return self.mfa_choice  # sms, totp or email: the facade spells it as offered
        offered = parse_name_list(challenge.challenge_parameters.get("MFAS_CAN_CHOOSE"))
        if not offered:
            raise CliError("Cognito asked to choose an MFA method but offered none")
        if len(offered) == 1:
            return offered[0]
        self.terminal.say("Choose how to receive the MFA code:")
        return self.terminal.choose("Method", offered,
                                    [_MFA_LABELS.get(name, name) for name in offered])

    def _mfa_setup(self, challenge: ChallengeException) -> None:
        offered = parse_name_list(challenge.challenge_parameters.get("MFAS_CAN_SETUP"))
        if SOFTWARE_TOKEN_MFA not in offered:
            # SMS and e-mail MFA are "set up" by giving the user a phone number or e-mail
            # address, which needs an access token (or an administrator), not this challenge.
            raise CliError("the pool requires MFA but this user has no way to receive codes: "
                           "add a phone number or e-mail address to the account (an "
                           "administrator can), then log in again")
        self.terminal.say("This user pool requires MFA: set up an authenticator app now.")
        secret = self.cognito.associate_software_token()
        account = challenge_username(challenge.get_tokens()) or str(self.cognito.username)
        uri = otpauth_uri(secret, account, issuer="Cognito")
        # The user's own new secret, shown to them on purpose so that their app can take it.
        self.terminal.say("Scan this QR code with your authenticator app, or enter the key.")
        picture = qr_text(uri)
        if picture:
            self.terminal.say(picture)
        self.terminal.say(f"Key: {secret}")
        device_name = self.device_name or "pycognito"
        self._ask_code("Code from your authenticator app",
                       lambda code: self.cognito.respond_to_mfa_setup_challenge(code, device_name))


def _wrong_code(exc: BaseException) -> bool:
    """Whether ``exc`` says the code typed was wrong (or empty), so it may be typed again."""
    if isinstance(exc, MissingValueError):
        return exc.missing == "code"
    if isinstance(exc, InvalidValueError):  # MFA set-up: Cognito did not accept the code
        return True
    return service_error(exc)[0] in _WRONG_CODE
