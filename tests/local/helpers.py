"""Helpers for the local-Cognito tests: error codes and a tamperable SRP client."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from typing import Any, Optional

import pytest
from botocore.exceptions import ClientError

from pycognito import srp

from ..conftest import PoolInfo


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """``(code, message)`` of a botocore ClientError."""
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


class SrpClient:
    """USER_SRP_AUTH by hand, so each part of the answer can be spoiled on purpose."""

    def __init__(self, cognito_idp: Any, pool: PoolInfo, username: str, password: str) -> None:
        self.idp = cognito_idp
        self.pool = pool
        self.username = username
        self.password = password
        self.small_a = secrets.randbits(1024) | 1

    def start(self, *, admin: bool = False, **extra: str) -> dict[str, Any]:
        params = {"USERNAME": self.username, "SRP_A": format(srp.calculate_a(self.small_a), "x")}
        hashed = self.pool.secret_hash(self.username)
        if hashed:
            params["SECRET_HASH"] = hashed
        params.update(extra)
        if admin:
            return self.idp.admin_initiate_auth(  # type: ignore[no-any-return]
                UserPoolId=self.pool.pool_id, ClientId=self.pool.client_id,
                AuthFlow="USER_SRP_AUTH", AuthParameters=params)
        return self.idp.initiate_auth(  # type: ignore[no-any-return]
            ClientId=self.pool.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params)

    def responses(self, challenge: dict[str, Any], *, password: Optional[str] = None,
                  moment: Optional[datetime] = None, username: Optional[str] = None,
                  secret_hash: Optional[str] = "auto", **overrides: str) -> dict[str, str]:
        params = challenge["ChallengeParameters"]
        stamp = srp.timestamp(moment or datetime.now(timezone.utc))
        name = username or params["USERNAME"]
        answer = {
            "USERNAME": name,
            "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
            "TIMESTAMP": stamp,
            "PASSWORD_CLAIM_SIGNATURE": srp.password_claim(
                pool_id=self.pool.pool_id, user_id_for_srp=params["USER_ID_FOR_SRP"],
                password=self.password if password is None else password,
                small_a=self.small_a, srp_b=params["SRP_B"], salt=params["SALT"],
                secret_block=params["SECRET_BLOCK"], timestamp=stamp),
        }
        if secret_hash == "auto":
            secret_hash = self.pool.secret_hash(name)
        if secret_hash:
            answer["SECRET_HASH"] = secret_hash
        answer.update(overrides)
        return answer

    def respond(self, challenge: dict[str, Any], responses: dict[str, str], *,
                admin: bool = False, with_session: bool = True) -> dict[str, Any]:
        extra = {"Session": challenge["Session"]} if with_session and "Session" in challenge else {}
        if admin:
            return self.idp.admin_respond_to_auth_challenge(  # type: ignore[no-any-return]
                UserPoolId=self.pool.pool_id, ClientId=self.pool.client_id,
                ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses, **extra)
        return self.idp.respond_to_auth_challenge(  # type: ignore[no-any-return]
            ClientId=self.pool.client_id, ChallengeName="PASSWORD_VERIFIER",
            ChallengeResponses=responses, **extra)

    def login(self, **kwargs: Any) -> dict[str, Any]:
        challenge = self.start()
        return self.respond(challenge, self.responses(challenge, **kwargs))


def minutes_ago(minutes: float) -> datetime:
    return datetime.now(timezone.utc) - timedelta(minutes=minutes)


def password_login(cognito_idp: Any, pool: PoolInfo, username: str, password: str,
                   **extra: str) -> dict[str, Any]:
    """USER_PASSWORD_AUTH (cheap: no SRP maths), with SECRET_HASH when the client has one."""
    params = {"USERNAME": username, "PASSWORD": password, **extra}
    hashed = pool.secret_hash(username)
    if hashed:
        params["SECRET_HASH"] = hashed
    return cognito_idp.initiate_auth(  # type: ignore[no-any-return]
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params)
