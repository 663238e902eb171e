"""Logging in, answering challenges, renewing and signing out.

Every flow (SRP, admin password, custom, refresh) answers device challenges on the way and
ends in :meth:`AuthMixin._accept`, which verifies and stores the tokens (through
``_set_tokens``, the original's patch point) and confirms a new device. Any other challenge is
raised as a typed exception whose ``get_tokens()`` (also kept in ``mfa_tokens``) carries the
session, the challenge and the username needed to answer it, from this instance or a new one.
Each challenge has a ``respond_to_*`` method that ends the same way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, Callable, Generator, Mapping, NamedTuple, Optional, Union, cast

from ._attributes import dict_to_cognito
from ._challenges import (
    CODE_KEYS,
    CUSTOM_CHALLENGE,
    EMAIL_OTP,
    MFA_SETUP,
    NEW_PASSWORD_REQUIRED,
    SELECT_CHALLENGE,
    SELECT_MFA_TYPE,
    SMS_MFA,
    SMS_OTP,
    SOFTWARE_TOKEN_MFA,
    challenge_username,
    mfa_type_answer,
    required_attributes,
    strip_metadata,
)
from ._clients import server_time, service_error
from ._core import CognitoBase, log, service_errors
from ._operations import Steps, access_token, call, operation, walk
from ._refusals import needs_rotation
from ._signin import (
    ADMIN_USER_PASSWORD_AUTH,
    CUSTOM_AUTH,
    FIRST_FACTORS,
    REFRESH_TOKEN_AUTH,
    USER_AUTH,
    USER_PASSWORD_AUTH,
    USER_SRP_AUTH,
    Call,
    ChoiceSignIn,
    CustomSignIn,
    SignIn,
    device_registration,
    refresh_call,
    rotating_refresh_call,
    run,
)
from ._text import text_argument
from ._tokens import TokenSet, peek_claims
from ._verify import VerifyMixin
from .aws_srp import AWSSRP, default_device_name
from .exceptions import (
    ChallengeException,
    ForceChangePasswordException,
    InvalidTypeError,
    InvalidValueError,
    MissingValueError,
)

#: App clients that refused REFRESH_TOKEN_AUTH because refresh-token rotation is on.
_ROTATING_CLIENTS: set[str] = set()


class SignInStart(NamedTuple):
    """A sign-in ready to go (its arguments checked, no call made yet), for either driver:
    the flow and its first call. ``start`` may do SRP arithmetic (the async driver runs it
    where SRP steps run)."""

    signin: SignIn
    start: Callable[[], Call]


class RefreshPlan(NamedTuple):
    """How tokens are renewed (one decision for the sync and the async driver): ``first``
    (REFRESH_TOKEN_AUTH), unless the app client is known to rotate refresh tokens, then
    ``rotating`` (GetTokensFromRefreshToken) when Cognito asks for rotation."""

    client_id: str
    first: Optional[tuple[SignIn, Call]]
    rotating: tuple[SignIn, Call]

    def rotates_after(self, refusal: BaseException) -> bool:
        """Whether ``first``'s ``refusal`` is Cognito asking for GetTokensFromRefreshToken:
        if so, the app client is remembered as rotating (its later renewals go straight to
        ``rotating``); otherwise the refusal is the renewal's error."""
        if not needs_rotation(refusal):
            return False
        _ROTATING_CLIENTS.add(self.client_id)
        return True


def refresh_plan(state: CognitoBase) -> RefreshPlan:
    """The renewal's calls for ``state``'s tokens (pure: no call is made)."""
    refresh_token = state.refresh_token
    if not refresh_token:
        raise MissingValueError("renewing the tokens needs a refresh token", "refresh_token")
    client_id = state._need_client_id("renewing the tokens")
    device = peek_claims(state.access_token).get("device_key") or state.device_key
    device = device if isinstance(device, str) and device else None
    app, username = state._app(), state._real_username()
    first: Optional[tuple[SignIn, Call]] = None
    if client_id not in _ROTATING_CLIENTS:
        try:
            call = refresh_call(app, refresh_token, username, device)
        except ValueError:
            raise MissingValueError(
                "with a client secret, renewing needs the username "
                "(pass username=... or the access token)",
                "username",
            ) from None
        first = (SignIn(app, username, auth_flow=REFRESH_TOKEN_AUTH), call)
    rotating = (SignIn(app, username, auth_flow=None),
                rotating_refresh_call(app, refresh_token, device))
    return RefreshPlan(client_id, first, rotating)


def _text(value: object, name: str) -> str:
    text = text_argument(value, name)
    if not text:
        raise MissingValueError(f"{name} is empty", name)
    return text


def _password(value: Optional[str], what: str) -> str:
    """The password a sign-in needs (``MissingValueError`` when none was given)."""
    if value is None:
        raise MissingValueError(f"{what} needs the password", "password")
    return _text(value, "password")


def _first_factor(choice: object) -> str:
    """A USER_AUTH first factor this library can run, or a clear error."""
    if not isinstance(choice, str):
        raise InvalidTypeError(f"the challenge must be a string, not {type(choice).__name__}")
    if choice == "WEB_AUTHN":
        raise InvalidValueError("WEB_AUTHN (passkeys) is not supported yet; choose one of "
                                + ", ".join(FIRST_FACTORS))
    if choice not in FIRST_FACTORS:
        raise InvalidValueError(f"the first factor must be one of {', '.join(FIRST_FACTORS)}")
    return choice


def _replaced(obj: object, name: str) -> bool:
    """Whether ``obj``'s method ``name`` is not :class:`AuthMixin`'s own (a subclass override
    or a test's ``mock.patch``), so that it must be called where the original called it."""
    return getattr(getattr(obj, name), "__func__", None) is not getattr(AuthMixin, name)


def _metadata(client_metadata: Optional[Mapping[str, str]]) -> dict[str, Any]:
    if client_metadata is None:
        return {}
    if not isinstance(client_metadata, Mapping):
        raise InvalidTypeError("client_metadata must be a dict of strings")
    return {"ClientMetadata": dict(client_metadata)} if client_metadata else {}


class LoginFirst(NamedTuple):
    """A step of ``new_password_challenge``: log in with this password first (the driver's
    ``authenticate``, which may raise the challenge being answered)."""

    password: str
    client_metadata: Optional[Mapping[str, str]]


class AuthMixin(VerifyMixin):
    """Logins, the challenge engine, ``check_token``/``renew_access_token`` and ``logout``."""

    # -- logins -----------------------------------------------------------------------------

    def authenticate(
        self,
        password: Optional[str] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
        *,
        flow: str = USER_SRP_AUTH,
        preferred_challenge: Optional[str] = None,
    ) -> None:
        """Log in; on success the token attributes are set.

        ``flow`` is ``"USER_SRP_AUTH"`` (SRP, the default), ``"USER_PASSWORD_AUTH"`` (the
        password sent over TLS, as the user-migration trigger needs) or ``"USER_AUTH"``
        (choice-based sign-in): with ``preferred_challenge`` ``"PASSWORD"``,
        ``"PASSWORD_SRP"`` (both need the password), ``"EMAIL_OTP"`` or ``"SMS_OTP"`` (a code
        is sent: ``EmailOTPChallengeException`` / ``SMSMFAChallengeException``), or none, when
        ``SelectChallengeException`` lists the choices for :meth:`respond_to_select_challenge`.

        With ``device_key``/``device_group_key``/``device_password`` set the device is
        authenticated too (and MFA may be skipped). A challenge that needs the user raises its
        typed exception (``SoftwareTokenMFAChallengeException``, ``SMSMFAChallengeException``,
        ``ForceChangePasswordException``, ...); answer it with the matching ``respond_to_*``.
        """
        login = self._login(password, client_metadata, flow, preferred_challenge)
        signin = login.signin
        if signin.auth_flow != USER_SRP_AUTH:
            self._start(login)
            return
        # SRP through AWSSRP.authenticate_user: a patch point users' tests rely on.
        helper = cast(AWSSRP, signin.prover)
        try:
            with self._challenge_raised(USER_SRP_AUTH, signin.username):
                response = helper.authenticate_user(client_metadata=client_metadata)
        finally:
            self._forget_device(helper.forgotten_device_key)
        self._accept(response)

    def admin_authenticate(
        self, password: str, client_metadata: Optional[Mapping[str, str]] = None
    ) -> None:
        """Log in with administrator credentials (ADMIN_USER_PASSWORD_AUTH); same results and
        challenges as :meth:`authenticate`."""
        self._start(self._admin_login(password, client_metadata))

    def custom_authenticate(
        self,
        client_metadata: Optional[Mapping[str, str]] = None,
        *,
        password: Optional[str] = None,
    ) -> None:
        """Start a CUSTOM_AUTH login (Lambda-defined challenges); each challenge is raised as
        ``CustomChallengeException`` (its ``challenge_parameters`` are the trigger's public
        parameters), answered with :meth:`respond_to_custom_challenge`.

        With ``password`` the login starts with SRP (``CHALLENGE_NAME: SRP_A``): the password
        is proven first, when the pool's DefineAuthChallenge asks for PASSWORD_VERIFIER."""
        self._start(self._custom_login(client_metadata, password))

    # -- what each sign-in starts with (one decision for the sync and the async driver) ------

    def _login(
        self,
        password: Optional[str],
        client_metadata: Optional[Mapping[str, str]],
        flow: str,
        preferred: Optional[str],
    ) -> SignInStart:
        """:meth:`authenticate`'s sign-in: every argument checked before any call."""
        if flow not in (USER_SRP_AUTH, USER_PASSWORD_AUTH, USER_AUTH):
            raise InvalidValueError(
                "flow must be 'USER_SRP_AUTH', 'USER_PASSWORD_AUTH' or 'USER_AUTH'"
            )
        if preferred is not None and flow != USER_AUTH:
            raise InvalidValueError("preferred_challenge goes with flow='USER_AUTH'")
        username = self._need_username(what="authenticate")
        self._need_client_id("authenticate")
        _metadata(client_metadata)
        if flow == USER_AUTH:
            if preferred is not None:
                _first_factor(preferred)
            if preferred in ("PASSWORD", "PASSWORD_SRP"):
                _password(password, f"the {preferred} first factor")
            log.debug("choice-based login of %s to %s", username, self.user_pool_id)
            choice = cast(ChoiceSignIn, self._signin(
                USER_AUTH, username, client_metadata,
                password if preferred == "PASSWORD_SRP" else None,
            ))
            login = SignInStart(choice, partial(choice.start_choice, preferred, password))
        elif flow == USER_PASSWORD_AUTH:
            password = _password(password, f"authenticate with {flow}")
            log.debug("password login of %s to %s", username, self.user_pool_id)
            signin = self._signin(USER_PASSWORD_AUTH, username, client_metadata)
            login = SignInStart(signin, partial(signin.start, {"PASSWORD": password}))
        else:
            password = _password(password, f"authenticate with {flow}")
            log.debug("SRP login of %s to %s", username, self.user_pool_id)
            signin = self._signin(USER_SRP_AUTH, username, client_metadata, password)
            login = SignInStart(signin, signin.start_srp)
        self.forgotten_device_key = None  # set again if this login finds the device unknown
        return login

    def _admin_login(
        self, password: str, client_metadata: Optional[Mapping[str, str]]
    ) -> SignInStart:
        """:meth:`admin_authenticate`'s sign-in."""
        username = self._need_username(what="admin_authenticate")
        password = _text(password, "password")
        self._need_client_id("admin_authenticate")
        log.debug("admin login of %s to %s", username, self.user_pool_id)
        signin = self._signin(ADMIN_USER_PASSWORD_AUTH, username, client_metadata)
        return SignInStart(signin, partial(signin.start, {"PASSWORD": password}))

    def _custom_login(
        self, client_metadata: Optional[Mapping[str, str]], password: Optional[str]
    ) -> SignInStart:
        """:meth:`custom_authenticate`'s sign-in (starting with SRP when ``password``)."""
        username = self._need_username(what="custom_authenticate")
        self._need_client_id("custom_authenticate")
        if password is not None:
            _text(password, "password")
        custom = cast(CustomSignIn, self._signin(CUSTOM_AUTH, username, client_metadata, password))
        return SignInStart(custom, partial(custom.start_custom, with_srp=password is not None))

    def _select_login(
        self, challenge: str, password: Optional[str], mfa_tokens: Optional[Mapping[str, Any]]
    ) -> SignInStart:
        """:meth:`respond_to_select_challenge`'s answer."""
        pending = self._pending((SELECT_CHALLENGE,), mfa_tokens, "respond_to_select_challenge")
        _first_factor(challenge)
        offered = [str(name) for name in pending.get("AvailableChallenges") or []]
        if offered and challenge not in offered:
            raise InvalidValueError(f"Cognito offers {', '.join(offered)}, not {challenge}")
        if challenge in ("PASSWORD", "PASSWORD_SRP"):
            _password(password, f"the {challenge} first factor")
        username = challenge_username(pending) or self._need_username(
            what="respond_to_select_challenge"
        )
        self._need_client_id("respond_to_select_challenge")
        choice = cast(ChoiceSignIn, self._signin(
            USER_AUTH, username, None, password if challenge == "PASSWORD_SRP" else None
        ))
        return SignInStart(choice, partial(choice.select, pending, challenge, password))

    def _answering(
        self,
        pending: Mapping[str, Any],
        responses: Mapping[str, str],
        client_metadata: Optional[Mapping[str, str]] = None,
    ) -> SignInStart:
        """The answer ``responses`` to the pending challenge, to finish like any flow."""
        what = f"answering {pending.get('ChallengeName')}"
        username = challenge_username(pending) or self._need_username(what=what)
        self._need_client_id(what)
        log.debug("answering %s", pending.get("ChallengeName"))
        signin = self._signin(pending.get("AuthFlow"), username, client_metadata)
        return SignInStart(signin, partial(signin.answer, pending, responses))

    def _code_answer(
        self, expected: tuple[str, ...], code: str, mfa_tokens: Optional[Mapping[str, Any]]
    ) -> SignInStart:
        """The answer to a code challenge (one of ``expected``) with ``code``."""
        _text(code, "code")
        pending = self._pending(expected, mfa_tokens, f"answering {expected[0]}")
        return self._answering(pending, {CODE_KEYS[str(pending["ChallengeName"])]: code})

    def _new_password_answer(
        self,
        pending: Mapping[str, Any],
        new_password: str,
        user_attributes: Optional[Mapping[str, Any]],
        client_metadata: Optional[Mapping[str, str]],
    ) -> SignInStart:
        """The NEW_PASSWORD_REQUIRED answer (the attributes the pool requires checked)."""
        attrs = dict_to_cognito(user_attributes or {})
        given = {item["Name"] for item in attrs}
        missing = [name for name in required_attributes(pending) if name not in given]
        if missing:
            raise MissingValueError(
                "the new password needs these attributes in user_attributes: " + ", ".join(missing),
                "user_attributes",
            )
        responses = {"NEW_PASSWORD": new_password}
        for item in attrs:
            responses[f"userAttributes.{item['Name']}"] = item["Value"]
        return self._answering(pending, responses, client_metadata)

    def _mfa_type_answer(
        self, mfa_type: str, mfa_tokens: Optional[Mapping[str, Any]]
    ) -> SignInStart:
        """The SELECT_MFA_TYPE answer."""
        pending = self._pending((SELECT_MFA_TYPE,), mfa_tokens, "respond_to_select_mfa_type")
        try:
            answer = mfa_type_answer(_text(mfa_type, "mfa_type"), pending)
        except ValueError as exc:
            raise InvalidValueError(str(exc)) from None
        return self._answering(pending, {"ANSWER": answer})

    def _custom_answer(
        self,
        answer: str,
        mfa_tokens: Optional[Mapping[str, Any]],
        client_metadata: Optional[Mapping[str, str]],
    ) -> SignInStart:
        """The CUSTOM_CHALLENGE answer."""
        pending = self._pending((CUSTOM_CHALLENGE,), mfa_tokens, "respond_to_custom_challenge")
        return self._answering(pending, {"ANSWER": _text(answer, "answer")}, client_metadata)

    @operation
    def get_user_auth_factors(self) -> Steps[dict[str, Any]]:
        """The signed-in user's sign-in options (GetUserAuthFactors): ``Username``,
        ``ConfiguredUserAuthFactors`` (such as ``["PASSWORD", "EMAIL_OTP"]``), and the MFA
        settings ``UserMFASettingList`` and ``PreferredMfaSetting`` when there are some."""
        access = yield access_token("get_user_auth_factors")
        response = yield call("get_user_auth_factors", AccessToken=access)
        return strip_metadata(response)

    # -- answering challenges ---------------------------------------------------------------

    def new_password_challenge(
        self,
        password: str,
        new_password: str,
        *,
        user_attributes: Optional[Mapping[str, Any]] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
        mfa_tokens: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Complete NEW_PASSWORD_REQUIRED with ``new_password`` (and the attributes the pool
        requires, in ``user_attributes``).

        Uses the pending challenge's session (from the last login, or ``mfa_tokens``); only when
        there is none does it log in with ``password`` first. If that login needs no new
        password, the tokens are simply set.
        """
        steps = self._new_password_steps(password, new_password, user_attributes,
                                          client_metadata, mfa_tokens)
        walk(steps, lambda need: self.authenticate(*need) if isinstance(need, LoginFirst)
             else self._start(need))

    def _new_password_steps(
        self,
        password: str,
        new_password: str,
        user_attributes: Optional[Mapping[str, Any]],
        client_metadata: Optional[Mapping[str, str]],
        mfa_tokens: Optional[Mapping[str, Any]],
    ) -> Generator[Union[LoginFirst, SignInStart], Any, None]:
        """``new_password_challenge`` for both drivers: a :class:`LoginFirst` (the driver's
        ``authenticate``) when no NEW_PASSWORD_REQUIRED is pending, then the answer's start."""
        _text(new_password, "new_password")
        pending = self._pending_or_none((NEW_PASSWORD_REQUIRED,), mfa_tokens)
        if pending is None:
            try:
                yield LoginFirst(password, client_metadata)
            except ForceChangePasswordException as exc:
                pending = exc.get_tokens()
            else:
                return
        yield self._new_password_answer(pending, new_password, user_attributes, client_metadata)

    def respond_to_software_token_mfa_challenge(
        self, code: str, mfa_tokens: Optional[Mapping[str, Any]] = None
    ) -> None:
        """Answer SOFTWARE_TOKEN_MFA with the authenticator app's code. ``mfa_tokens``: the
        exception's ``get_tokens()`` when this is a new instance."""
        self._start(self._code_answer((SOFTWARE_TOKEN_MFA,), code, mfa_tokens))

    def respond_to_sms_mfa_challenge(
        self, code: str, mfa_tokens: Optional[Mapping[str, Any]] = None
    ) -> None:
        """Answer SMS_MFA (or SMS_OTP) with the code sent by text message."""
        self._start(self._code_answer((SMS_MFA, SMS_OTP), code, mfa_tokens))

    def respond_to_email_otp_challenge(
        self, code: str, mfa_tokens: Optional[Mapping[str, Any]] = None
    ) -> None:
        """Answer EMAIL_OTP with the code sent by e-mail."""
        self._start(self._code_answer((EMAIL_OTP,), code, mfa_tokens))

    def respond_to_select_mfa_type_challenge(
        self, mfa_type: str, mfa_tokens: Optional[Mapping[str, Any]] = None
    ) -> None:
        """Answer SELECT_MFA_TYPE with ``"SMS"``, ``"SOFTWARE_TOKEN"`` or ``"EMAIL"``.

        Cognito then asks for that code: the matching challenge exception is raised."""
        self._start(self._mfa_type_answer(mfa_type, mfa_tokens))

    def respond_to_mfa_setup_challenge(
        self,
        code: str,
        device_name: str = "",
        mfa_tokens: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Finish MFA_SETUP: verify the authenticator code (after
        :meth:`associate_software_token` showed the secret), then complete the login."""
        self._start(self._answering(self._mfa_setup_verified(code, device_name, mfa_tokens),
                                    {}))

    @operation
    def _mfa_setup_verified(
        self, code: str, device_name: str, mfa_tokens: Optional[Mapping[str, Any]]
    ) -> Steps[Mapping[str, Any]]:
        """VerifySoftwareToken with the MFA_SETUP challenge's session; return the challenge
        to answer next (with Cognito's new session)."""
        _text(code, "code")
        pending = self._pending((MFA_SETUP,), mfa_tokens, "respond_to_mfa_setup_challenge")
        extra = {"FriendlyDeviceName": device_name} if device_name else {}
        result = yield call("verify_software_token",
            Session=pending["Session"], UserCode=code, **extra
        )
        if result.get("Status") != "SUCCESS":
            raise InvalidValueError("Cognito did not accept the authenticator code")
        if result.get("Session"):
            pending = {**pending, "Session": result["Session"]}
        return pending

    def respond_to_select_challenge(
        self,
        challenge: str,
        password: Optional[str] = None,
        mfa_tokens: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Answer SELECT_CHALLENGE (``USER_AUTH``) with the first factor ``challenge``, one of
        the exception's ``available_challenges``: ``"PASSWORD"`` or ``"PASSWORD_SRP"`` (with
        ``password``; the login goes on as any, MFA included), ``"EMAIL_OTP"`` or
        ``"SMS_OTP"`` (a code is sent: its challenge is raised). ``"WEB_AUTHN"`` (passkeys)
        is not supported yet."""
        self._start(self._select_login(challenge, password, mfa_tokens))

    def respond_to_custom_challenge(
        self,
        answer: str,
        mfa_tokens: Optional[Mapping[str, Any]] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
    ) -> None:
        """Answer CUSTOM_CHALLENGE; a further custom challenge is raised again."""
        self._start(self._custom_answer(answer, mfa_tokens, client_metadata))

    # -- tokens -----------------------------------------------------------------------------

    def check_token(self, renew: bool = True) -> bool:
        """Whether the access token has expired or is about to; if so and ``renew``, renew it.

        "About to" is the token lifecycle's refresh margin (a minute by default), judged by
        Cognito's clock (our clock corrected by the offset measured when the tokens arrived).
        One renewal serves every thread that asks at once. Needs an access token. A subclass
        override or a test's patch of :meth:`renew_access_token` is what renews, as in the
        original.
        """
        life = self._lifecycle
        if life.tokens is None:
            raise MissingValueError("check_token needs an access token", "access_token")
        expired = life.is_stale()
        if expired and renew:
            if _replaced(self, "renew_access_token"):
                self.renew_access_token()  # a subclass's or a test's, as the original called it
            else:
                with service_errors():
                    life.valid_tokens()
        return expired

    check_tokens = check_token  # the published page calls it by this name

    def renew_access_token(self) -> None:
        """Get new id and access tokens with the refresh token."""
        life = self._lifecycle
        if life.tokens is None:
            self._refresh()  # only a refresh token was given
        else:
            with service_errors():
                life.renew()

    def _refresh(self) -> TokenSet:
        """The one place tokens are renewed: REFRESH_TOKEN_AUTH, or GetTokensFromRefreshToken
        for app clients with refresh-token rotation (detected on first refusal)."""
        plan = refresh_plan(self)
        if plan.first is not None:
            log.debug("renewing the tokens of %s", plan.first[0].username)
            try:
                return self._refreshed(*plan.first)
            except Exception as exc:
                if not plan.rotates_after(exc):
                    raise
        log.debug("renewing the tokens with rotation")
        return self._refreshed(*plan.rotating)

    def _refreshed(self, flow: SignIn, call: Call) -> TokenSet:
        self._run(flow, call)
        tokens = self._lifecycle.tokens
        assert tokens is not None, "tokens were just stored"
        return tokens

    @operation
    def logout(self) -> Steps[None]:
        """Sign the user out of every client (GlobalSignOut) and forget the tokens."""
        access = yield access_token("logout")
        yield call("global_sign_out", AccessToken=access)
        self._clear_tokens()

    # -- the engine -------------------------------------------------------------------------

    def _pending_or_none(
        self, expected: tuple[str, ...], mfa_tokens: Optional[Mapping[str, Any]]
    ) -> Optional[Mapping[str, Any]]:
        pending = mfa_tokens if mfa_tokens is not None else self.mfa_tokens
        if not pending or pending.get("ChallengeName") not in expected:
            if mfa_tokens is not None:
                self._pending(expected, mfa_tokens, "this call")  # raises the precise error
            return None
        return pending

    def _pending(
        self, expected: tuple[str, ...], mfa_tokens: Optional[Mapping[str, Any]], what: str
    ) -> Mapping[str, Any]:
        """The challenge being answered: ``mfa_tokens`` if given, else the last one raised."""
        pending = mfa_tokens if mfa_tokens is not None else self.mfa_tokens
        if not pending:
            raise MissingValueError(
                f"{what}: there is no pending challenge; log in first or pass mfa_tokens "
                "(the challenge exception's get_tokens())",
                "mfa_tokens",
            )
        if not isinstance(pending, Mapping):
            raise InvalidTypeError("mfa_tokens must be the dict from get_tokens()")
        name = pending.get("ChallengeName")
        if name not in expected:
            raise InvalidValueError(
                f"{what} answers {' or '.join(expected)}, but the pending challenge is {name}"
            )
        if not pending.get("Session"):
            raise MissingValueError(f"the pending {name} challenge has no Session", "Session")
        return pending

    def _srp(self, username: str, password: Optional[str]) -> AWSSRP:
        """An ``AWSSRP`` for this app client and remembered device (the SRP prover), holding
        this instance's device values: a device Cognito forgot is forgotten here too."""
        device = self._device
        import pycognito  # the package's name, as the original used it: a test may patch it

        prover = pycognito.AWSSRP(
            username=username,
            password=password,
            pool_id=self.user_pool_id,
            client_id=self.client_id,
            client=self.client,
            client_secret=self.client_secret,
            device_key=device.key,
            device_group_key=device.group_key,
            device_password=device.password,
        )
        prover._device = device
        return prover

    def _signin(
        self,
        auth_flow: Optional[str],
        username: str,
        client_metadata: Optional[Mapping[str, str]],
        password: Optional[str] = None,
    ) -> SignIn:
        """The sign-in for ``auth_flow`` (the one place both drivers get theirs): the engine's
        class for the flow, SRP answers for ``password`` and/or this instance's remembered
        device, the device key and ``client_metadata``."""
        kind = {CUSTOM_AUTH: CustomSignIn, USER_AUTH: ChoiceSignIn}.get(auth_flow or "")
        prover = self._prover(username, password)
        device_key = self.device_key
        metadata = _metadata(client_metadata).get("ClientMetadata")
        if kind is not None:
            return kind(self._app(), username, prover=prover, device_key=device_key,
                        client_metadata=metadata)
        return SignIn(self._app(), username, auth_flow=auth_flow, prover=prover,
                      device_key=device_key, client_metadata=metadata)

    def _prover(self, username: str, password: Optional[str] = None) -> Optional[AWSSRP]:
        """SRP answers for ``password`` and/or this instance's remembered device (``None``
        when there is neither)."""
        device = self._device.complete()
        return self._srp(username, password) if password is not None or device else None

    def _start(self, login: SignInStart) -> None:
        """Run ``login`` from its first call (the sync driver)."""
        self._run(login.signin, login.start())

    def _run(self, flow: SignIn, call: Call) -> None:
        """Drive ``flow`` to the end through this instance's client; store the tokens."""
        try:
            with self._challenge_raised(flow.auth_flow, flow.username):
                response = run(flow, call, self.client)
        finally:
            self._forget_device(flow.forgotten_device_key)
        self._accept(response)

    def _forget_device(self, refused_key: Optional[str]) -> None:
        """Say that a sign-in found Cognito no longer knows the remembered device and went on
        without it (its prover forgot the shared device values): ``forgotten_device_key``."""
        if isinstance(refused_key, str) and refused_key:
            log.info("Cognito does not know the device any more; logged in without it")
            self.forgotten_device_key = refused_key

    @contextmanager
    def _challenge_raised(
        self, auth_flow: Optional[str], username: Optional[str]
    ) -> Iterator[None]:
        """Keep a challenge raised to the caller in ``mfa_tokens``, with what answers it."""
        try:
            yield
        except ChallengeException as exc:
            pending = exc.get_tokens()
            if auth_flow:
                pending.setdefault("AuthFlow", auth_flow)
            if username:
                pending.setdefault("Username", username)
            self.mfa_tokens = dict(pending)
            log.debug("Cognito asks for %s", exc.challenge_name)
            raise

    def _accept(self, response: Mapping[str, Any]) -> None:
        """Verify and store the tokens of Cognito's final response (through
        :meth:`_set_tokens`); confirm a new device."""
        self._set_tokens(response)
        result = response["AuthenticationResult"]
        if result.get("NewDeviceMetadata"):
            self._confirm_new_device(TokenSet.from_result(result))

    def _set_tokens(self, tokens: Mapping[str, Any]) -> None:
        """Verify and store the tokens of a Cognito response (``{"AuthenticationResult":
        {...}}``): the original's helper, which subclasses extend with
        ``super()._set_tokens(tokens)``. Every login, challenge answer and refresh of this
        instance stores its tokens through it."""
        self._store(tokens)

    def _store(self, response: Mapping[str, Any]) -> TokenSet:
        """Verify and store the tokens of Cognito's final response (no I/O once the pool's
        keys are loaded); return them."""
        tokens = TokenSet.from_result(
            response["AuthenticationResult"], previous_refresh_token=self.refresh_token
        )
        # Fresh tokens are judged by Cognito's clock (its Date header, else the tokens' iat):
        # ours may be minutes off, more than the shortest token lifetime.
        server_now = server_time(response)
        # Verified through verify_token (a subclass's override or a patch is honoured), the
        # access token first as in the original, with the attributes showing the new tokens;
        # stored only once both passed.
        with self._verifying(tokens, server_now if server_now is not None else tokens.issued_at):
            self.verify_token(tokens.access_token, "access_token", "access")
            if tokens.id_token:
                self.verify_token(tokens.id_token, "id_token", "id")
        return tokens

    @operation
    def _confirm_new_device(self, tokens: TokenSet) -> Steps[None]:
        """Confirm the device this login announced, as AWS's JavaScript clients do.

        In a pool that tracks devices the refresh token is bound to the announced device, and
        Cognito refuses to refresh it until the device is confirmed (ConfirmDevice with a fresh
        verifier). The device is not marked remembered here (the pool's setting decides that);
        :meth:`remember_device` names it, remembers it and returns its credentials. A failure
        is logged, not raised: the login itself succeeded.
        """
        new = tokens.new_device
        assert new is not None
        try:
            password = yield from self._register_device(tokens.access_token, new)
        except Exception as exc:
            log.warning(
                "could not confirm the device announced at login (%s): renewing these tokens "
                "will need a new login", service_error(exc)[0] or type(exc).__name__
            )
            return
        self._device.remember(new["DeviceKey"], new["DeviceGroupKey"], password)

    def _register_device(
        self, access_token: str, new_device: Mapping[str, str], device_name: Optional[str] = None
    ) -> Steps[str]:
        """ConfirmDevice with a fresh verifier; return the device password.

        The verifier is one modular exponentiation with a 256-bit exponent (about 0.3 ms with
        gmpy2, 1.3 ms with Python integers: bench/srp.py), computed where the steps run, on
        the event loop for ``AsyncCognito`` (see docs/async.md)."""
        confirm, password = device_registration(
            access_token, new_device, device_name or default_device_name(), os.urandom
        )
        yield confirm
        return password
