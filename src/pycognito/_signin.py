"""The sign-in engine: every sign-in flow as a pure state machine (no I/O).

A flow says which Cognito operation to call with which parameters (a :class:`Call`), takes
Cognito's answer, and decides the next call, the final response with the tokens, or the typed
challenge exception. A driver does the I/O; the synchronous one is :func:`run`::

    flow = SignIn(app, "alice", auth_flow="USER_SRP_AUTH", prover=AWSSRP(...))
    response = run(flow, flow.start_srp(), boto3_client)

``AWSSRP.authenticate_user`` and the ``Cognito`` facade are such drivers; an async driver only
needs another loop.

The challenges a flow answers by itself (PASSWORD_VERIFIER with the user's password,
DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with a remembered device) are answered in whatever
order Cognito asks for them. Any other challenge raises its typed exception, whose
``get_tokens()`` carries ``ChallengeName``, ``Session``, ``ChallengeParameters``, the
``AuthFlow`` and the ``Username`` to answer it with (:meth:`SignIn.answer`, from this or a new
flow).

The SRP arithmetic is the prover's (:class:`Prover`; ``AWSSRP`` is one), so that a patched or
overridden ``AWSSRP.process_challenge`` is the one a login really uses.

A device key Cognito no longer knows (forgotten, or from another pool) is refused with
``ResourceNotFoundException`` "Device does not exist."; an SRP flow then forgets the device
values and signs in again without them, as AWS's own clients do (:meth:`SignIn.refused`), and
says so in :attr:`SignIn.forgotten_device_key`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Awaitable, Callable, ClassVar, Mapping, Optional, Protocol, Union

from . import srp
from ._challenges import (
    DEVICE_PASSWORD_VERIFIER,
    DEVICE_SRP_AUTH,
    PASSWORD_VERIFIER,
    challenge_error,
    challenge_parameters,
    challenge_username,
    strip_metadata,
)
from ._clients import server_clock_offset
from ._refusals import device_unknown
from .exceptions import InvalidTypeError, UnsupportedChallengeException

__all__ = [
    "ADMIN_FLOWS",
    "FIRST_FACTORS",
    "AppClient",
    "Call",
    "ChoiceSignIn",
    "CustomSignIn",
    "Prover",
    "SignIn",
    "device_registration",
    "refresh_call",
    "rotating_refresh_call",
    "run",
    "run_async",
]

USER_SRP_AUTH = "USER_SRP_AUTH"
ADMIN_USER_PASSWORD_AUTH = "ADMIN_USER_PASSWORD_AUTH"
CUSTOM_AUTH = "CUSTOM_AUTH"
USER_PASSWORD_AUTH = "USER_PASSWORD_AUTH"
USER_AUTH = "USER_AUTH"
#: The USER_AUTH first factors this engine runs (``WEB_AUTHN``, passkeys, not yet).
FIRST_FACTORS = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP")
REFRESH_TOKEN_AUTH = "REFRESH_TOKEN_AUTH"
#: Flows whose challenges are answered through the admin API.
ADMIN_FLOWS = frozenset({ADMIN_USER_PASSWORD_AUTH, "ADMIN_NO_SRP_AUTH"})


@dataclass(frozen=True)
class AppClient:
    """The app client a flow signs in to (what ``SECRET_HASH`` and every call need)."""

    pool_id: str
    client_id: str
    client_secret: Optional[str] = field(default=None, repr=False)
    #: Computes the hash instead (``hasher(parameters, username)``): the facade's own method.
    hasher: Optional[Callable[[dict[str, str], str], None]] = field(
        default=None, repr=False, compare=False
    )

    def add_secret_hash(self, parameters: dict[str, str], username: str) -> dict[str, str]:
        """Add ``SECRET_HASH`` for ``username`` when the client has a secret; return them."""
        if self.hasher is not None:
            self.hasher(parameters, username)
        elif self.client_secret:
            parameters["SECRET_HASH"] = srp.secret_hash(
                username, self.client_id, self.client_secret
            )
        return parameters


@dataclass(frozen=True)
class Call:
    """One Cognito operation to make: the boto3 method name and its keyword arguments."""

    operation: str
    params: dict[str, Any] = field(repr=False)  # carries proofs, codes and tokens


class Prover(Protocol):
    """Computes the SRP answers of a flow (``AWSSRP`` is one)."""

    clock_offset: float

    def get_auth_params(self) -> dict[str, str]:
        """``USERNAME``, ``SRP_A`` (a fresh one) and the rest of USER_SRP_AUTH's parameters."""

    def process_challenge(
        self,
        challenge_parameters: Mapping[str, str],
        request_parameters: Optional[Mapping[str, str]] = None,
    ) -> dict[str, str]:
        """The PASSWORD_VERIFIER answer."""

    def device_auth_params(self, username: str) -> dict[str, str]:
        """The DEVICE_SRP_AUTH answer (a fresh ``SRP_A`` for the device exchange)."""

    def forget_device_values(self) -> None:
        """Drop the device key, group key and password (Cognito no longer knows the device)."""

    def process_device_challenge(self, challenge_parameters: Mapping[str, str]) -> dict[str, str]:
        """The DEVICE_PASSWORD_VERIFIER answer."""


Step = Union[Call, dict[str, Any]]


class SignIn:
    """One sign-in, from the first call to the tokens or a challenge for the caller.

    ``auth_flow`` is the flow that started it (``None`` for a refresh with rotation);
    ``prover`` answers the SRP challenges (a flow without one raises them);
    ``device_key`` is sent with every answer when a remembered device is used.
    """

    def __init__(
        self,
        app: AppClient,
        username: Optional[str],
        *,
        auth_flow: Optional[str],
        prover: Optional[Prover] = None,
        device_key: Optional[str] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.app = app
        self.username = username
        self.auth_flow = auth_flow
        self.prover = prover
        self.device_key = device_key
        self._metadata = {"ClientMetadata": dict(client_metadata)} if client_metadata else {}
        self._request: dict[str, str] = {}  # the parameters of the first call
        self._srp = False  # started with the prover's SRP_A: PASSWORD_VERIFIER is ours
        self._answered: set[str] = set()
        self._received = False
        #: The device key Cognito refused as unknown during this sign-in (it then went on
        #: without the device); ``None`` otherwise.
        self.forgotten_device_key: Optional[str] = None

    @property
    def admin(self) -> bool:
        """Whether the flow goes through the admin API."""
        return self.auth_flow in ADMIN_FLOWS

    # -- the first call ---------------------------------------------------------------------

    def start(self, auth_parameters: Mapping[str, str]) -> Call:
        """Initiate the flow: ``USERNAME``, ``SECRET_HASH`` and ``DEVICE_KEY`` are added."""
        params = {"USERNAME": self.username or "", **auth_parameters}
        self.app.add_secret_hash(params, params["USERNAME"])
        if self.device_key:
            params["DEVICE_KEY"] = self.device_key
        return self._initiate(params)

    def start_srp(self) -> Call:
        """Initiate with the prover's SRP parameters as they are (``get_auth_params``)."""
        if self.prover is None:
            raise ValueError("an SRP sign-in needs a prover")
        self._srp = True
        return self._initiate(self.prover.get_auth_params())

    def answer(self, pending: Mapping[str, Any], responses: Mapping[str, str]) -> Call:
        """Answer the challenge ``pending`` (an exception's ``get_tokens()``) with
        ``responses``; ``USERNAME``, ``SECRET_HASH`` and ``DEVICE_KEY`` are added."""
        username = self.username = challenge_username(pending) or self.username or ""
        body = {"USERNAME": username, **responses}
        self.app.add_secret_hash(body, username)
        if self.device_key:
            body["DEVICE_KEY"] = self.device_key
        return self._respond(str(pending["ChallengeName"]), body, pending.get("Session"))

    # -- what Cognito answered --------------------------------------------------------------

    def receive(self, response: Mapping[str, Any]) -> Step:
        """The next call, or Cognito's final response (with ``AuthenticationResult``).

        Raises the typed challenge exception for a challenge this flow does not answer.
        """
        if not isinstance(response, Mapping):  # a client that is not boto3 may return anything
            raise InvalidTypeError("Cognito's answer must be a mapping, not "
                                   f"{type(response).__name__}")
        if not self._received:
            self._received = True
            if self.prover is not None:
                self.prover.clock_offset = server_clock_offset(response)
        name = response.get("ChallengeName")
        params: Mapping[str, str] = challenge_parameters(response)
        session = response.get("Session")
        prover = self.prover
        if response.get("AuthenticationResult") or prover is None or name in self._answered:
            return self._finish(response)
        if name == PASSWORD_VERIFIER and self._srp:
            answer = prover.process_challenge(params, self._request)
        elif name == DEVICE_SRP_AUTH and self.device_key:
            answer = prover.device_auth_params(params.get("USERNAME") or self.username or "")
        elif name == DEVICE_PASSWORD_VERIFIER and DEVICE_SRP_AUTH in self._answered:
            answer = prover.process_device_challenge(params)
        else:
            return self._finish(response)
        self._answered.add(str(name))
        self.username = answer.get("USERNAME") or self.username
        return self._respond(str(name), answer, session)

    def refused(self, call: Call, error: BaseException) -> Call:
        """The next call after Cognito refused ``call`` with ``error``; re-raises ``error`` when
        the flow cannot go on.

        The one refusal a flow recovers from: its device key is unknown to Cognito (an SRP
        sign-in with a device, once). The device values are forgotten and the sign-in starts
        again without them.
        """
        if not (self._srp and self.device_key and self.prover is not None
                and self.forgotten_device_key is None and device_unknown(error)):
            raise error
        self.forgotten_device_key, self.device_key = self.device_key, None
        self.prover.forget_device_values()
        self._answered.clear()
        return self.start_srp()

    # -- internals --------------------------------------------------------------------------

    def _initiate(self, params: dict[str, str]) -> Call:
        self._request = params
        kwargs: dict[str, Any] = {
            "AuthFlow": self.auth_flow,
            "AuthParameters": params,
            "ClientId": self.app.client_id,
            **self._metadata,
        }
        if self.admin:
            return Call("admin_initiate_auth", {"UserPoolId": self.app.pool_id, **kwargs})
        return Call("initiate_auth", kwargs)

    def _respond(self, name: str, responses: dict[str, str], session: Optional[str]) -> Call:
        kwargs: dict[str, Any] = {
            "ClientId": self.app.client_id,
            "ChallengeName": name,
            "ChallengeResponses": responses,
            **self._metadata,
        }
        if session:
            kwargs["Session"] = session
        if self.admin:
            return Call(
                "admin_respond_to_auth_challenge", {"UserPoolId": self.app.pool_id, **kwargs}
            )
        return Call("respond_to_auth_challenge", kwargs)

    def _finish(self, response: Mapping[str, Any]) -> dict[str, Any]:
        if response.get("AuthenticationResult"):
            return strip_metadata(response)
        if response.get("ChallengeName") == DEVICE_SRP_AUTH:
            raise UnsupportedChallengeException(
                "Cognito asked for DEVICE_SRP_AUTH but device_key, device_group_key and "
                "device_password are not all set",
                self._pending(response),
            )
        raise challenge_error(self._pending(response))

    def _pending(self, response: Mapping[str, Any]) -> dict[str, Any]:
        pending = strip_metadata(response)
        if self.auth_flow:
            pending["AuthFlow"] = self.auth_flow
        if self.username:
            pending.setdefault("Username", self.username)
        return pending


class _OneFlowSignIn(SignIn):
    """A sign-in that always starts with one ``AUTH_FLOW`` (the subclasses set it)."""

    AUTH_FLOW: ClassVar[str]

    def __init__(
        self,
        app: AppClient,
        username: Optional[str],
        *,
        prover: Optional[Prover] = None,
        device_key: Optional[str] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(app, username, auth_flow=self.AUTH_FLOW, prover=prover,
                         device_key=device_key, client_metadata=client_metadata)


class CustomSignIn(_OneFlowSignIn):
    """CUSTOM_AUTH: the challenges the pool's Lambda triggers define are raised
    (``CustomChallengeException``) and answered with :meth:`SignIn.answer` (``ANSWER``).

    :meth:`start_custom` with ``with_srp`` starts with SRP (``CHALLENGE_NAME: SRP_A``): the
    prover, which then holds the password, answers the PASSWORD_VERIFIER that the
    DefineAuthChallenge trigger asks for before its own challenges.
    """

    AUTH_FLOW = CUSTOM_AUTH

    def start_custom(self, *, with_srp: bool = False) -> Call:
        """InitiateAuth with CUSTOM_AUTH (and the prover's ``SRP_A`` when ``with_srp``)."""
        if not with_srp:
            return self.start({})
        if self.prover is None:
            raise ValueError("CUSTOM_AUTH with SRP needs a prover holding the password")
        self._srp = True
        return self._initiate({**self.prover.get_auth_params(), "CHALLENGE_NAME": "SRP_A"})


class ChoiceSignIn(_OneFlowSignIn):
    """USER_AUTH, choice-based sign-in: a preferred first factor (:meth:`start_choice`), or
    SELECT_CHALLENGE raised as ``SelectChallengeException`` and answered with :meth:`select`.

    ``PASSWORD`` and ``PASSWORD_SRP`` (whose prover holds the password) continue as any login
    (new password, device, MFA); ``EMAIL_OTP`` and ``SMS_OTP`` raise their code challenge.
    """

    AUTH_FLOW = USER_AUTH

    def start_choice(self, preferred: Optional[str] = None,
                     password: Optional[str] = None) -> Call:
        """InitiateAuth with USER_AUTH (``PREFERRED_CHALLENGE`` and what it needs, if given)."""
        if preferred is None:
            return self.start({})
        return self.start({"PREFERRED_CHALLENGE": preferred,
                           **self._factor(preferred, password)})

    def select(self, pending: Mapping[str, Any], challenge: str,
               password: Optional[str] = None) -> Call:
        """Answer SELECT_CHALLENGE (``pending``) with the first factor ``challenge``."""
        return self.answer(pending, {"ANSWER": challenge, **self._factor(challenge, password)})

    def _factor(self, factor: str, password: Optional[str]) -> dict[str, str]:
        if factor not in FIRST_FACTORS:
            raise ValueError(f"unsupported first factor {factor!r}")
        if factor == "PASSWORD":
            if not password:
                raise ValueError("the PASSWORD first factor needs the password")
            return {"PASSWORD": password}
        if factor == "PASSWORD_SRP":
            if self.prover is None:
                raise ValueError("the PASSWORD_SRP first factor needs a prover with the password")
            self._srp = True
            return {"SRP_A": self.prover.get_auth_params()["SRP_A"]}
        return {}


def run(flow: SignIn, call: Call, client: Any) -> dict[str, Any]:
    """Drive ``flow`` through a boto3 client from ``call`` to Cognito's final response."""
    step: Step = call
    while isinstance(step, Call):
        try:
            response = getattr(client, step.operation)(**step.params)
        except Exception as error:
            step = flow.refused(step, error)
            continue
        step = flow.receive(response)
    return step


async def run_async(
    flow: SignIn,
    call: Call,
    client: Any,
    compute: Optional[Callable[[Callable[[], Step]], Awaitable[Step]]] = None,
) -> dict[str, Any]:
    """:func:`run` for a client whose methods are coroutines (``pycognito.aio``'s transport);
    ``compute`` runs each of the flow's steps (SRP arithmetic) when it is its turn."""
    step: Step = call
    while isinstance(step, Call):
        try:
            response = await getattr(client, step.operation)(**step.params)
        except Exception as error:
            after: Callable[[], Step] = partial(flow.refused, step, error)
        else:
            after = partial(flow.receive, response)
        step = after() if compute is None or flow.prover is None else await compute(after)
    return step


# --------------------------------------------------------------------------------------------
# Refreshing and registering a device: one call each
# --------------------------------------------------------------------------------------------


def refresh_call(
    app: AppClient, refresh_token: str, username: Optional[str], device_key: Optional[str]
) -> Call:
    """REFRESH_TOKEN_AUTH (``username`` is needed only for a client with a secret)."""
    params = {"REFRESH_TOKEN": refresh_token}
    if app.client_secret:
        if not username:
            raise ValueError("with a client secret, renewing needs the username")
        app.add_secret_hash(params, username)
    if device_key:
        params["DEVICE_KEY"] = device_key
    return Call(
        "initiate_auth",
        {"ClientId": app.client_id, "AuthFlow": REFRESH_TOKEN_AUTH, "AuthParameters": params},
    )


def rotating_refresh_call(app: AppClient, refresh_token: str, device_key: Optional[str]) -> Call:
    """GetTokensFromRefreshToken (app clients with refresh-token rotation)."""
    kwargs: dict[str, Any] = {"ClientId": app.client_id, "RefreshToken": refresh_token}
    if app.client_secret:
        kwargs["ClientSecret"] = app.client_secret
    if device_key:
        kwargs["DeviceKey"] = device_key
    return Call("get_tokens_from_refresh_token", kwargs)


def device_registration(
    access_token: str,
    new_device: Mapping[str, str],
    device_name: str,
    random_source: Callable[[int], bytes],
) -> tuple[Call, str]:
    """ConfirmDevice for the device a login announced, with a fresh random password and salt;
    return the call and the device password (a secret to store)."""
    device_key = new_device.get("DeviceKey")
    group_key = new_device.get("DeviceGroupKey")
    if not device_key or not group_key:
        raise ValueError("these tokens carry no NewDeviceMetadata: the pool tracks no device")
    device_password = base64.b64encode(random_source(40)).decode()
    verifier = srp.device_verifier(
        device_group_key=group_key,
        device_key=device_key,
        device_password=device_password,
        salt=random_source(16),
    )
    call = Call(
        "confirm_device",
        {
            "AccessToken": access_token,
            "DeviceKey": device_key,
            "DeviceSecretVerifierConfig": verifier,
            "DeviceName": device_name,
        },
    )
    return call, device_password
