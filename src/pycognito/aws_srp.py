"""``AWSSRP``: the USER_SRP_AUTH client, device SRP and device registration.

The maths lives in :mod:`pycognito.srp`; this module drives the Cognito calls through a boto3
client (so ``endpoint_url``, retries and proxies always apply). A fresh private value ``a`` is
drawn from the operating system for every exchange, when the exchange starts: constructing an
``AWSSRP`` costs no exponentiation.
"""

from __future__ import annotations

import os
import platform
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Callable, Mapping, Optional

from . import _clock, srp

# The original module's helpers and constants, and below the exceptions it re-exported
# (compatibility layer).
from ._aws_srp_compat import (
    G_HEX,
    INFO_BITS,
    MONTH_NAMES,
    N_HEX,
    WEEKDAY_NAMES,
    calculate_u,
    compute_hkdf,
    generate_hash_device,
    get_random,
    hash_sha256,
    hex_hash,
    hex_to_long,
    long_to_hex,
    pad_hex,
)
from ._challenges import (
    DEVICE_PASSWORD_VERIFIER,
    DEVICE_SRP_AUTH,
    NEW_PASSWORD_REQUIRED,
    PASSWORD_VERIFIER,
    SMS_MFA,
    SOFTWARE_TOKEN_MFA,
    challenge_username,
    strip_metadata,
)
from ._clients import cognito_client
from ._device_credentials import DeviceCredentials, DeviceField
from ._signin import USER_SRP_AUTH, AppClient, Call, SignIn, device_registration, run
from ._text import check_text
from .exceptions import (
    ChallengeException,
    ForceChangePasswordException,
    MissingValueError,
    SMSMFAChallengeException,
    SoftwareTokenMFAChallengeException,
    UnsupportedChallengeException,
)

__all__ = ["AWSSRP"]
__all__ += [  # the compatibility layer
    "G_HEX", "INFO_BITS", "MONTH_NAMES", "N_HEX", "WEEKDAY_NAMES", "calculate_u", "compute_hkdf",
    "generate_hash_device", "get_random", "hash_sha256", "hex_hash", "hex_to_long",
    "long_to_hex", "pad_hex", "ForceChangePasswordException", "SMSMFAChallengeException",
    "SoftwareTokenMFAChallengeException",
]

RandomSource = Callable[[int], bytes]
Clock = Callable[[], datetime]


def _os_random(size: int) -> bytes:
    return os.urandom(size)


def new_small_a(random_source: RandomSource = _os_random) -> int:
    """A fresh private SRP value: 128 random bytes as an integer, as AWS's client draws it."""
    while True:
        small_a = int.from_bytes(random_source(128), "big")
        if 0 < small_a < srp.N:
            return small_a


class AWSSRP:
    """Authenticate a user pool user with SRP, optionally with a remembered device."""

    SMS_MFA_CHALLENGE = SMS_MFA
    SOFTWARE_TOKEN_MFA_CHALLENGE = SOFTWARE_TOKEN_MFA
    NEW_PASSWORD_REQUIRED_CHALLENGE = NEW_PASSWORD_REQUIRED
    PASSWORD_VERIFIER_CHALLENGE = PASSWORD_VERIFIER
    DEVICE_SRP_CHALLENGE = DEVICE_SRP_AUTH
    DEVICE_PASSWORD_VERIFIER_CHALLENGE = DEVICE_PASSWORD_VERIFIER

    #: The group's N, g and the multiplier k (the original's instance attributes, now constants).
    big_n: int = srp.N
    g: int = srp.G
    k: int = srp.K

    def __init__(
        self,
        username: Optional[str] = None,
        password: Optional[str] = None,
        pool_id: Optional[str] = None,
        client_id: Optional[str] = None,
        pool_region: Optional[str] = None,
        client: Any = None,
        client_secret: Optional[str] = None,
        device_key: Optional[str] = None,
        device_group_key: Optional[str] = None,
        device_password: Optional[str] = None,
        *,
        random_source: Optional[RandomSource] = None,
        clock: Optional[Clock] = None,
    ) -> None:
        if pool_region is not None and client is not None:
            raise ValueError("pass either pool_region or client to AWSSRP, not both")
        devices = (device_key, device_group_key, device_password)
        if any(v is not None for v in devices) and not all(v is not None for v in devices):
            raise ValueError(
                "device_key, device_group_key and device_password come together or not at all"
            )
        texts: dict[str, object] = {
            "username": username,
            "password": password,
            "pool_id": pool_id,
            "client_id": client_id,
            "client_secret": client_secret,
            "device_key": device_key,
            "device_group_key": device_group_key,
            "device_password": device_password,
        }
        for name, value in texts.items():  # None is refused when a login needs the value
            if value is not None and not isinstance(value, str):
                raise TypeError(f"AWSSRP: {name} must be a string, not {type(value).__name__}")
            check_text(value, name)
        if username == "":
            raise ValueError("AWSSRP: username is empty")
        if client_id == "":
            raise ValueError("AWSSRP: client_id is empty")
        if pool_id is not None and "_" not in pool_id:
            raise ValueError("pool_id must look like '<region>_<name>'")
        self.username = username
        self._password = password
        self.pool_id = pool_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.pool_region = pool_region or (pool_id.split("_", 1)[0] if pool_id else None)
        self._client = client
        self._device = DeviceCredentials(device_key, device_group_key, device_password)
        #: The device key Cognito refused as unknown (forgotten) during the last login, which
        #: then went on without it and cleared the device values; ``None`` otherwise.
        self.forgotten_device_key: Optional[str] = None
        self._random: RandomSource = random_source or _os_random
        self._clock: Clock = clock or _clock.utc_now
        self._pending: Optional[dict[str, Any]] = None  # last challenge raised to the caller
        self._small_a: Optional[int] = None
        self._large_a: Optional[int] = None
        #: Cognito's clock minus ours (seconds), applied to TIMESTAMPs; set from the HTTP
        #: ``Date`` of Cognito's first answer when the clocks disagree by more than 30 s.
        self.clock_offset = 0.0

    def __repr__(self) -> str:
        return (
            f"AWSSRP(username={self.username!r}, pool_id={self.pool_id!r}, "
            f"client_id={self.client_id!r}, device_key={self.device_key!r})"
        )

    # -------------------------------------------------------------------------------------
    # Properties
    # -------------------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The boto3 ``cognito-idp`` client (a shared one for ``pool_region`` if none given)."""
        if self._client is None:
            self._client = cognito_client(region_name=self.pool_region)
        return self._client

    device_key = DeviceField("key", "The remembered device's key.")
    device_group_key = DeviceField("group_key", "The remembered device's group key.")
    device_password = DeviceField("password", "The remembered device's password (a secret: "
                                              "store it like one).", writable=False)

    # -------------------------------------------------------------------------------------
    # Helpers kept public from the original API
    # -------------------------------------------------------------------------------------

    @staticmethod
    def get_secret_hash(username: str, client_id: str, client_secret: str) -> str:
        """``SECRET_HASH`` for ``username`` (the name the request is about)."""
        return srp.secret_hash(username, client_id, client_secret)

    @staticmethod
    def get_cognito_formatted_timestamp(input_datetime: datetime) -> str:
        """Cognito's TIMESTAMP format, independent of the locale."""
        return srp.timestamp(input_datetime)

    def generate_random_small_a(self) -> int:
        """A fresh private SRP value ``a`` (128 random bytes, below N)."""
        return new_small_a(self._random)

    def calculate_a(self) -> int:
        """``A = g^a mod N`` for this instance's current ``a`` (:attr:`small_a_value`)."""
        return srp.calculate_a(self.small_a_value)

    @property
    def small_a_value(self) -> int:
        """The private value ``a`` of the current exchange (drawn on first use; every
        ``get_auth_params`` and device exchange draws a fresh one)."""
        if self._small_a is None:
            self._small_a, self._large_a = self.generate_random_small_a(), None
        return self._small_a

    @small_a_value.setter
    def small_a_value(self, value: int) -> None:
        self._small_a, self._large_a = value, None

    @property
    def large_a_value(self) -> int:
        """``A`` for :attr:`small_a_value` (computed on first use)."""
        if self._large_a is None:
            self._large_a = self.calculate_a()
        return self._large_a

    def get_password_authentication_key(
        self, username: str, password: str, server_b_value: int, salt: str
    ) -> bytes:
        """The HKDF key of the password exchange (``username`` is ``USER_ID_FOR_SRP``)."""
        pool_name = self._need("pool_id", "get_password_authentication_key").split("_", 1)[1]
        return self._session_key(pool_name, username, password,
                                 server_b_value, salt)

    def get_device_authentication_key(
        self,
        device_group_key: str,
        device_key: str,
        device_password: str,
        server_b_value: int,
        salt: str,
    ) -> bytes:
        """The HKDF key of the device exchange."""
        return self._session_key(device_group_key, device_key, device_password,
                                 server_b_value, salt)

    def get_auth_params(self) -> dict[str, str]:
        """USER_SRP_AUTH parameters with a fresh ``A`` (the secret ``a`` is kept for the answer)."""
        self.small_a_value = self.generate_random_small_a()
        username = self._need("username", "get_auth_params")
        parameters = {"USERNAME": username, "SRP_A": format(self.large_a_value, "x")}
        self._add_secret_hash(parameters, username)
        if self.device_key:
            parameters["DEVICE_KEY"] = self.device_key
        return parameters

    def process_challenge(
        self,
        challenge_parameters: Mapping[str, str],
        request_parameters: Optional[Mapping[str, str]] = None,
    ) -> dict[str, str]:
        """The PASSWORD_VERIFIER answer to ``challenge_parameters`` (after ``get_auth_params``).

        ``request_parameters`` is accepted for the original signature and not used: the
        ``DEVICE_KEY`` and ``SECRET_HASH`` come from this instance.
        """
        if self._small_a is None:
            raise ValueError("call get_auth_params() before process_challenge()")
        params = challenge_parameters
        user_id = params.get("USER_ID_FOR_SRP") or params.get("USERNAME")
        _require_srp_parameters(PASSWORD_VERIFIER, params, user_id)
        assert user_id is not None
        username = params.get("USERNAME") or user_id
        claim = partial(
            srp.password_claim,
            pool_id=self._need("pool_id", "process_challenge"),
            user_id_for_srp=user_id,
            password=self._need("password", "process_challenge"),
            small_a=self._small_a,
            big_a=self._large_a,  # the A just sent: not computed twice
        )
        return self._verifier_answer(username, params, claim, self.device_key)

    def device_auth_params(self, username: str) -> dict[str, str]:
        """The DEVICE_SRP_AUTH answer, with a fresh ``A`` for the device exchange."""
        key = self._device_triple()[0]
        self.small_a_value = self.generate_random_small_a()
        start = {"USERNAME": username, "DEVICE_KEY": key, "SRP_A": format(self.large_a_value, "x")}
        self._add_secret_hash(start, username)
        return start

    def process_device_challenge(self, challenge_parameters: Mapping[str, str]) -> dict[str, str]:
        """The DEVICE_PASSWORD_VERIFIER answer (after the DEVICE_SRP_AUTH one)."""
        key, group, password = self._device_triple()
        params = challenge_parameters
        username = params.get("USERNAME") or self._need("username", "a device login")
        _require_srp_parameters(DEVICE_PASSWORD_VERIFIER, params, username)
        claim = partial(
            srp.device_claim,
            device_group_key=group,
            device_key=key,
            device_password=password,
            small_a=self.small_a_value,
            big_a=self._large_a,
        )
        return self._verifier_answer(username, params, claim, key)

    def _verifier_answer(self, username: str, params: Mapping[str, str],
                         claim: Callable[..., str], device_key: Optional[str]) -> dict[str, str]:
        """A PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER answer, signed by ``claim`` (the
        password's or the device's, given Cognito's ``SRP_B``, ``SALT``, ``SECRET_BLOCK``)."""
        stamp = self._timestamp()
        answer = {
            "USERNAME": username,
            "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "TIMESTAMP": stamp,
            "PASSWORD_CLAIM_SIGNATURE": claim(
                srp_b=params["SRP_B"], salt=params["SALT"],
                secret_block=params["SECRET_BLOCK"], timestamp=stamp,
            ),
        }
        if device_key:
            answer["DEVICE_KEY"] = device_key
        self._add_secret_hash(answer, username)
        return answer

    # -------------------------------------------------------------------------------------
    # Flows (this class drives the sign-in engine, pycognito._signin)
    # -------------------------------------------------------------------------------------

    def authenticate_user(
        self, client: Any = None, client_metadata: Optional[Mapping[str, str]] = None
    ) -> dict[str, Any]:
        """Run USER_SRP_AUTH to the end; return Cognito's final response with the tokens.

        Goes through :meth:`get_auth_params` and :meth:`process_challenge`, and answers the
        device challenges itself when the device triple is set. Any other challenge is raised
        as a typed exception (``ForceChangePasswordException``, the MFA exceptions, ...) whose
        ``get_tokens()`` carries the session to answer it with.
        """
        flow = self._flow(USER_SRP_AUTH, client_metadata)
        return self._run(flow, flow.start_srp(), client)

    def set_new_password_challenge(
        self,
        new_password: str,
        client: Any = None,
        *,
        user_attributes: Optional[Mapping[str, str]] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
    ) -> dict[str, Any]:
        """Answer NEW_PASSWORD_REQUIRED with ``new_password`` (and required attributes).

        Reuses the session of the challenge that ``authenticate_user`` raised; without one it
        signs in first. If Cognito answers with tokens, no new password is needed and that
        response is returned.
        """
        self._need("client_id", "set_new_password_challenge")
        pending = self._pending
        if pending is None or pending.get("ChallengeName") != NEW_PASSWORD_REQUIRED:
            try:
                return self.authenticate_user(client=client, client_metadata=client_metadata)
            except ChallengeException as exc:
                if exc.challenge_name != NEW_PASSWORD_REQUIRED:
                    raise
                pending = exc.get_tokens()
        if not challenge_username(pending):
            self._need("username", "set_new_password_challenge")
        responses = {"NEW_PASSWORD": new_password}
        for name, value in (user_attributes or {}).items():
            responses[f"userAttributes.{name}"] = value
        flow = self._flow(USER_SRP_AUTH, client_metadata)
        return self._run(flow, flow.answer(pending, responses), client)

    def confirm_device(
        self, tokens: Mapping[str, Any], device_name: Optional[str] = None
    ) -> tuple[dict[str, Any], str]:
        """Register the device Cognito returned in ``tokens``; return ``(response, password)``.

        ``tokens`` is the response of a login (with ``NewDeviceMetadata``). A fresh random device
        password and salt are drawn; keep the returned password to log in with the device later.
        The instance remembers the device for its next ``authenticate_user``.
        """
        result = tokens.get("AuthenticationResult", tokens)
        metadata = result.get("NewDeviceMetadata") or {}
        call, device_password = device_registration(
            result["AccessToken"],
            metadata,
            device_name or default_device_name(),
            self._random,
        )
        response = self.client.confirm_device(**call.params)
        self._device.remember(metadata["DeviceKey"], metadata["DeviceGroupKey"], device_password)
        return strip_metadata(response), device_password

    def update_device_status(
        self, is_remembered: bool, access_token: str, device_key: str
    ) -> dict[str, Any]:
        """Mark the device "remembered" (``True``) or "not_remembered" (``False``)."""
        if not isinstance(is_remembered, bool):
            raise TypeError("is_remembered must be True or False")
        response = self.client.update_device_status(
            AccessToken=access_token,
            DeviceKey=device_key,
            DeviceRememberedStatus="remembered" if is_remembered else "not_remembered",
        )
        return strip_metadata(response)

    def forget_device(self, access_token: str, device_key: str) -> dict[str, Any]:
        """Forget the device: it can no longer be used to sign in."""
        response = self.client.forget_device(AccessToken=access_token, DeviceKey=device_key)
        self._device.forget(device_key)
        return strip_metadata(response)

    # -------------------------------------------------------------------------------------
    # Internals
    # -------------------------------------------------------------------------------------

    def _flow(self, auth_flow: str, client_metadata: Optional[Mapping[str, str]]) -> SignIn:
        app = self._app("a login")
        return SignIn(
            app,
            self.username,
            auth_flow=auth_flow,
            prover=self,
            device_key=self.device_key,
            client_metadata=client_metadata,
        )

    def _run(self, flow: SignIn, call: Call, client: Any) -> dict[str, Any]:
        """Drive ``flow``; remember a challenge raised to the caller (for the next answer)."""
        try:
            final = run(flow, call, client if client is not None else self.client)
        except ChallengeException as exc:
            self._pending = exc.get_tokens()
            raise
        finally:
            self.forgotten_device_key = flow.forgotten_device_key
        self._pending = None
        return final

    def forget_device_values(self) -> None:
        """Drop the device triple (used when Cognito no longer knows the device)."""
        self._device.forget()

    def _need(self, name: str, what: str) -> str:
        """The constructor value ``name``; a clear error if it was left ``None``."""
        value = self._password if name == "password" else getattr(self, name)
        if value is None:  # (a None password is never signed as the string "None")
            raise MissingValueError(f"AWSSRP: {what} needs {name}, which is None", name)
        return str(value)

    def _add_secret_hash(self, parameters: dict[str, str], username: str) -> None:
        if self.client_secret:
            self._app("SECRET_HASH").add_secret_hash(parameters, username)

    def _app(self, what: str) -> AppClient:
        return AppClient(self.pool_id or "", self._need("client_id", what), self.client_secret)

    def _timestamp(self) -> str:
        return srp.timestamp(self._clock() + timedelta(seconds=self.clock_offset))

    def _session_key(
        self, prefix: str, identity: str, password: str, server_b_value: int, salt: str
    ) -> bytes:
        return srp.client_session_key(
            small_a=self.small_a_value,
            big_a=self._large_a,
            big_b=server_b_value,
            salt=srp.parse_hex(salt, "SALT"),
            identity_prefix=prefix,
            identity=identity,
            password=password,
        ).key

    def _device_triple(self) -> tuple[str, str, str]:
        values = self._device.complete()
        if values is None:
            raise UnsupportedChallengeException(
                "Cognito asked for DEVICE_SRP_AUTH but no device key, group key and password "
                "were given",
                {"ChallengeName": DEVICE_SRP_AUTH},
            )
        return values


def default_device_name() -> str:
    """The name a confirmed device gets when none is given."""
    return f"pycognito ({platform.system() or 'Python'})"


def _require_srp_parameters(
    challenge: str, params: Mapping[str, str], user: Optional[str]
) -> None:
    """Refuse an incomplete SRP challenge with an error naming it."""
    for name in ("SALT", "SRP_B", "SECRET_BLOCK"):
        if not params.get(name):
            raise UnsupportedChallengeException(
                f"the {challenge} challenge lacks {name}",
                {"ChallengeName": challenge, "ChallengeParameters": {}},
            )
    if not user:
        raise UnsupportedChallengeException(
            f"the {challenge} challenge names no user",
            {"ChallengeName": challenge, "ChallengeParameters": {}},
        )
