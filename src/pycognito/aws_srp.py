"""``AWSSRP``: the USER_SRP_AUTH client, device SRP and device registration.

The maths lives in :mod:`pycognito.srp`; this module drives the Cognito calls through a boto3
client (so ``endpoint_url``, retries and proxies always apply). A fresh private value ``a`` is
drawn from the operating system for every exchange, when the exchange starts: constructing an
``AWSSRP`` costs no exponentiation.
"""

from __future__ import annotations

import base64
import os
import platform
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping, Optional

from . import _clock, srp
from ._challenges import (
    DEVICE_PASSWORD_VERIFIER,
    DEVICE_SRP_AUTH,
    NEW_PASSWORD_REQUIRED,
    PASSWORD_VERIFIER,
    SMS_MFA,
    SOFTWARE_TOKEN_MFA,
    strip_metadata,
    tokens_or_raise,
)
from ._clients import cognito_client, server_clock_offset
from .exceptions import ChallengeException, MissingValueError, UnsupportedChallengeException

__all__ = ["AWSSRP"]

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
        self.device_key = device_key
        self.device_group_key = device_group_key
        self._device_password = device_password
        self._random: RandomSource = random_source or _os_random
        self._clock: Clock = clock or _clock.utc_now
        self._pending: Optional[dict[str, Any]] = None  # last challenge raised to the caller
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

    @property
    def device_password(self) -> Optional[str]:
        """The remembered device's password (a secret: store it like one)."""
        return self._device_password

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

    def get_auth_params(self) -> dict[str, str]:
        """USER_SRP_AUTH parameters with a fresh ``A`` (the secret ``a`` is kept for the answer)."""
        self._small_a = self._new_small_a()
        self._big_a = srp.calculate_a(self._small_a)
        return self._initiate_parameters(self._big_a)

    def process_challenge(
        self,
        challenge_parameters: Mapping[str, str],
        request_parameters: Optional[Mapping[str, str]] = None,
    ) -> dict[str, str]:
        """The PASSWORD_VERIFIER answer to ``challenge_parameters`` (after ``get_auth_params``).

        ``request_parameters`` is accepted for the original signature and not used: the
        ``DEVICE_KEY`` and ``SECRET_HASH`` come from this instance.
        """
        small_a = getattr(self, "_small_a", None)
        if small_a is None:
            raise ValueError("call get_auth_params() before process_challenge()")
        return self._password_verifier_responses(challenge_parameters, small_a, self._big_a)

    # -------------------------------------------------------------------------------------
    # Flows
    # -------------------------------------------------------------------------------------

    def authenticate_user(
        self, client: Any = None, client_metadata: Optional[Mapping[str, str]] = None
    ) -> dict[str, Any]:
        """Run USER_SRP_AUTH to the end; return Cognito's final response with the tokens.

        Answers DEVICE_SRP_AUTH itself when the device triple is set. Any other challenge is
        raised as a typed exception (``ForceChangePasswordException``, the MFA exceptions, ...)
        whose ``get_tokens()`` carries the session to answer it with.
        """
        for name in ("username", "password", "pool_id", "client_id"):
            self._need(name, "authenticate_user")
        boto = client if client is not None else self.client
        metadata = {"ClientMetadata": dict(client_metadata)} if client_metadata else {}
        small_a = self._new_small_a()
        big_a = srp.calculate_a(small_a)
        response = boto.initiate_auth(
            AuthFlow="USER_SRP_AUTH",
            AuthParameters=self._initiate_parameters(big_a),
            ClientId=self.client_id,
            **metadata,
        )
        self.clock_offset = server_clock_offset(response)
        if response.get("ChallengeName") != PASSWORD_VERIFIER:
            return self._finish(boto, response, metadata)
        responses = self._password_verifier_responses(
            response["ChallengeParameters"], small_a, big_a
        )
        response = boto.respond_to_auth_challenge(
            ClientId=self.client_id,
            ChallengeName=PASSWORD_VERIFIER,
            ChallengeResponses=responses,
            **_session(response),
            **metadata,
        )
        return self._finish(boto, response, metadata, username=responses["USERNAME"])

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
        boto = client if client is not None else self.client
        metadata = {"ClientMetadata": dict(client_metadata)} if client_metadata else {}
        pending = self._pending
        if pending is None or pending.get("ChallengeName") != NEW_PASSWORD_REQUIRED:
            try:
                return self.authenticate_user(client=boto, client_metadata=client_metadata)
            except ChallengeException as exc:
                if exc.challenge_name != NEW_PASSWORD_REQUIRED:
                    raise
                pending = exc.get_tokens()
        params = pending.get("ChallengeParameters") or {}
        username = (
            params.get("USERNAME")
            or params.get("USER_ID_FOR_SRP")
            or self._need("username", "set_new_password_challenge")
        )
        responses = {"USERNAME": username, "NEW_PASSWORD": new_password}
        for name, value in (user_attributes or {}).items():
            responses[f"userAttributes.{name}"] = value
        self._add_secret_hash(responses, username)
        response = boto.respond_to_auth_challenge(
            ClientId=self.client_id,
            ChallengeName=NEW_PASSWORD_REQUIRED,
            ChallengeResponses=responses,
            **_session(pending),
            **metadata,
        )
        self._pending = None
        return self._finish(boto, response, metadata, username=username)

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
        device_key = metadata.get("DeviceKey")
        group_key = metadata.get("DeviceGroupKey")
        if not device_key or not group_key:
            raise ValueError("these tokens carry no NewDeviceMetadata: the pool tracks no device")
        device_password = base64.b64encode(self._random(40)).decode()
        verifier = srp.device_verifier(
            device_group_key=group_key,
            device_key=device_key,
            device_password=device_password,
            salt=self._random(16),
        )
        response = self.client.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=device_key,
            DeviceSecretVerifierConfig=verifier,
            DeviceName=device_name or f"pycognito ({platform.system() or 'Python'})",
        )
        self.device_key, self.device_group_key = device_key, group_key
        self._device_password = device_password
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
        if device_key == self.device_key:
            self.device_key = self.device_group_key = self._device_password = None
        return strip_metadata(response)

    # -------------------------------------------------------------------------------------
    # Internals
    # -------------------------------------------------------------------------------------

    def _new_small_a(self) -> int:
        return new_small_a(self._random)

    def _need(self, name: str, what: str) -> str:
        """The constructor value ``name``; a clear error if it was left ``None``."""
        value = self._password if name == "password" else getattr(self, name)
        if value is None:  # (a None password is never signed as the string "None")
            raise MissingValueError(f"AWSSRP: {what} needs {name}, which is None", name)
        return str(value)

    def _add_secret_hash(self, parameters: dict[str, str], username: str) -> None:
        if self.client_secret:
            parameters["SECRET_HASH"] = srp.secret_hash(
                username, self._need("client_id", "SECRET_HASH"), self.client_secret
            )

    def _initiate_parameters(self, big_a: int) -> dict[str, str]:
        username = self._need("username", "get_auth_params")
        parameters = {"USERNAME": username, "SRP_A": format(big_a, "x")}
        self._add_secret_hash(parameters, username)
        if self.device_key:
            parameters["DEVICE_KEY"] = self.device_key
        return parameters

    def _timestamp(self) -> str:
        return srp.timestamp(self._clock() + timedelta(seconds=self.clock_offset))

    def _password_verifier_responses(
        self, params: Mapping[str, str], small_a: int, big_a: int
    ) -> dict[str, str]:
        user_id = params.get("USER_ID_FOR_SRP") or params.get("USERNAME")
        challenge = {"ChallengeName": PASSWORD_VERIFIER, "ChallengeParameters": {}}
        for name in ("SALT", "SRP_B", "SECRET_BLOCK"):
            if not params.get(name):
                raise UnsupportedChallengeException(
                    f"the PASSWORD_VERIFIER challenge lacks {name}", challenge
                )
        if not user_id:
            raise UnsupportedChallengeException(
                "the PASSWORD_VERIFIER challenge names no user", challenge
            )
        username = params.get("USERNAME") or user_id
        stamp = self._timestamp()
        responses = {
            "USERNAME": username,
            "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "TIMESTAMP": stamp,
            "PASSWORD_CLAIM_SIGNATURE": srp.password_claim(
                pool_id=self._need("pool_id", "process_challenge"),
                user_id_for_srp=user_id,
                password=self._need("password", "process_challenge"),
                small_a=small_a,
                big_a=big_a,
                srp_b=params["SRP_B"],
                salt=params["SALT"],
                secret_block=params["SECRET_BLOCK"],
                timestamp=stamp,
            ),
        }
        self._add_secret_hash(responses, username)
        if self.device_key:
            responses["DEVICE_KEY"] = self.device_key
        return responses

    def _finish(
        self,
        boto: Any,
        response: Mapping[str, Any],
        metadata: Mapping[str, Any],
        username: Optional[str] = None,
    ) -> dict[str, Any]:
        """Answer device challenges; return tokens; raise any other challenge, typed."""
        if response.get("ChallengeName") == DEVICE_SRP_AUTH:
            username = username or self._need("username", "a device login")
            response = self._device_srp(boto, response, metadata, username)
        try:
            final = tokens_or_raise(response)
        except ChallengeException as exc:
            self._pending = exc.get_tokens()
            raise
        self._pending = None
        return dict(final)

    def _device_srp(
        self, boto: Any, challenge: Mapping[str, Any], metadata: Mapping[str, Any], username: str
    ) -> Mapping[str, Any]:
        key, group, password = self.device_key, self.device_group_key, self._device_password
        if not (key and group and password):
            raise UnsupportedChallengeException(
                "Cognito asked for DEVICE_SRP_AUTH but no device key, group key and password "
                "were given",
                strip_metadata(challenge),
            )

        def respond(name: str, answer: dict[str, str], session: Optional[str]) -> Any:
            return boto.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName=name,
                ChallengeResponses=answer,
                **({"Session": session} if session else {}),
                **metadata,
            )

        return answer_device_challenge(
            challenge,
            username=username,
            device_key=key,
            device_group_key=group,
            device_password=password,
            respond=respond,
            add_secret_hash=self._add_secret_hash,
            small_a=self._new_small_a,
            timestamp=self._timestamp,
        )


Respond = Callable[[str, dict[str, str], Optional[str]], Mapping[str, Any]]


def answer_device_challenge(
    challenge: Mapping[str, Any],
    *,
    username: str,
    device_key: str,
    device_group_key: str,
    device_password: str,
    respond: Respond,
    add_secret_hash: Callable[[dict[str, str], str], None],
    small_a: Callable[[], int],
    timestamp: Callable[[], str],
) -> Mapping[str, Any]:
    """Answer DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER; return Cognito's last answer.

    ``respond(challenge_name, responses, session)`` sends one answer (the user or the admin
    API); ``add_secret_hash(responses, username)`` adds SECRET_HASH when the client has a
    secret. A fresh ``a`` is drawn for the device exchange. If Cognito answers DEVICE_SRP_AUTH
    with anything but DEVICE_PASSWORD_VERIFIER, that answer is returned as it is.
    """
    username = (challenge.get("ChallengeParameters") or {}).get("USERNAME") or username
    private = small_a()
    big_a = srp.calculate_a(private)
    start = {
        "USERNAME": username,
        "DEVICE_KEY": device_key,
        "SRP_A": format(big_a, "x"),
    }
    add_secret_hash(start, username)
    response = respond(DEVICE_SRP_AUTH, start, challenge.get("Session"))
    if response.get("ChallengeName") != DEVICE_PASSWORD_VERIFIER:
        return response
    params = response.get("ChallengeParameters") or {}
    for field in ("SRP_B", "SALT", "SECRET_BLOCK"):
        if not params.get(field):
            raise UnsupportedChallengeException(
                f"the DEVICE_PASSWORD_VERIFIER challenge lacks {field}", strip_metadata(response)
            )
    username = params.get("USERNAME") or username
    stamp = timestamp()
    answer = {
        "USERNAME": username,
        "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
        "TIMESTAMP": stamp,
        "PASSWORD_CLAIM_SIGNATURE": srp.device_claim(
            device_group_key=device_group_key,
            device_key=device_key,
            device_password=device_password,
            small_a=private,
            big_a=big_a,
            srp_b=params["SRP_B"],
            salt=params["SALT"],
            secret_block=params["SECRET_BLOCK"],
            timestamp=stamp,
        ),
        "DEVICE_KEY": device_key,
    }
    add_secret_hash(answer, username)
    return respond(DEVICE_PASSWORD_VERIFIER, answer, response.get("Session"))


def _session(response: Mapping[str, Any]) -> dict[str, str]:
    session = response.get("Session")
    return {"Session": session} if session else {}
