"""AWS credentials are looked up when a signed call first needs them
(``pycognito._deferred_credentials``), and the ones boto3 would find are the ones used."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional
from unittest import mock

import boto3
import pytest
from botocore.credentials import Credentials
from botocore.exceptions import NoCredentialsError

from pycognito import Cognito
from pycognito._clients import cognito_client
from pycognito._deferred_credentials import DeferredCredentials

from .conftest import PoolInfo, UserFactory
from .loopback_guard import LOOPBACK_GUARD

#: On a machine without credentials: SRP logins (sync and async) and what a user may call, then
#: credentials appear in the environment and admin calls are signed with them.
_NO_CREDENTIALS = LOOPBACK_GUARD + r'''
import asyncio, os, time
import httpx
from pycognito import Cognito
from pycognito.aio import AsyncCognito

pool_id, client_id, endpoint, username, password = sys.argv[1:]
kwargs = {"endpoint_url": endpoint}
started = time.monotonic()
user = Cognito(pool_id, client_id, username=username, boto3_client_kwargs=kwargs)
user.authenticate(password)
user.get_user()
print(f"sync login in {time.monotonic() - started:.2f} s")

signed = []
def seen(request, **_):
    signed.append(request.headers["Authorization"].decode())
async def hook(request):
    signed.append(request.headers.get("authorization"))

async def login():
    started = time.monotonic()
    async with httpx.AsyncClient(event_hooks={"request": [hook]}) as http:
        later = AsyncCognito(pool_id, client_id, username=username,
                             boto3_client_kwargs=kwargs, http_client=http)
        await later.authenticate(password)
        await later.get_user()
        print(f"async login in {time.monotonic() - started:.2f} s")
        os.environ.update(AWS_ACCESS_KEY_ID="AKIDFOUNDLATER", AWS_SECRET_ACCESS_KEY="later")
        await later.admin_get_user()

asyncio.run(login())
print("async signed:", signed[-1])
user.client.meta.events.register("before-send.cognito-idp", seen)
user.admin_get_user()
print("sync signed:", signed[-1])
'''


def test_an_app_without_credentials_looks_none_up(
    pool: PoolInfo, make_user: UserFactory, tmp_path: Path
) -> None:
    """No AWS variable, an empty home: the logins and the user's own calls are unsigned, so
    nothing is looked up (no name lookup of the instance metadata address, no second lost);
    credentials that appear later sign the admin calls."""
    alice = make_user(pool)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COGNITO_", "PYCOGNITO_", "AWS_"))}
    env["HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", _NO_CREDENTIALS, pool.pool_id, pool.client_id, pool.endpoint_url,
         alice.username, alice.password],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert "NOT LOOPBACK" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    for driver in ("sync", "async"):
        took = re.search(rf"^{driver} login in (\d+\.\d+) s$", result.stdout, re.M)
        assert took is not None, result.stdout
        assert float(took.group(1)) < 5  # a lookup would have waited on timeouts
        assert re.search(rf"^{driver} signed: AWS4-HMAC-SHA256 Credential=AKIDFOUNDLATER/",
                         result.stdout, re.M), result.stdout


def _authorization(client: Any) -> list[Optional[str]]:
    """The ``Authorization`` header of each request ``client`` sends from now on."""
    seen: list[Optional[str]] = []

    def record(request: Any, **_: Any) -> None:
        header = request.headers.get("Authorization")
        seen.append(header.decode() if isinstance(header, bytes) else header)

    client.meta.events.register("before-send.cognito-idp", record)
    return seen


def _credential(header: Optional[str]) -> str:
    assert header is not None and header.startswith("AWS4-HMAC-SHA256 Credential=")
    return header.split("Credential=", 1)[1].split("/", 1)[0]


def test_signed_calls_use_the_environment_s_credentials(
    pool: PoolInfo, make_user: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = make_user(pool)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # (the test fixtures made one)
    u = Cognito(pool.pool_id, pool.client_id, username=alice.username,
                boto3_client_kwargs=pool.boto3_client_kwargs())
    seen = _authorization(u.client)
    u.admin_get_user()
    u.authenticate(alice.password)
    assert _credential(seen[0]) == os.environ["AWS_ACCESS_KEY_ID"]
    assert seen[1:] and all(header is None for header in seen[1:])  # SRP: unsigned


@pytest.mark.parametrize(
    "given", ["boto3_client_kwargs", "access_key", "session", "default_session"])
def test_given_credentials_win(pool: PoolInfo, make_user: UserFactory, given: str,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the environment's: the client's, the instance's, its session's, and those of the
    default session set up with ``boto3.setup_default_session``."""
    alice = make_user(pool)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    options: dict[str, Any] = {"boto3_client_kwargs": pool.boto3_client_kwargs()}
    if given == "boto3_client_kwargs":
        options["boto3_client_kwargs"].update(
            aws_access_key_id="AKIDGIVEN", aws_secret_access_key="given")
    elif given == "access_key":
        options.update(access_key="AKIDGIVEN", secret_key="given")
    elif given == "session":
        options["session"] = boto3.Session(aws_access_key_id="AKIDGIVEN",
                                           aws_secret_access_key="given")
    else:
        boto3.setup_default_session(aws_access_key_id="AKIDGIVEN", aws_secret_access_key="given")
    u = Cognito(pool.pool_id, pool.client_id, username=alice.username, **options)
    seen = _authorization(u.client)
    u.admin_get_user()
    assert _credential(seen[0]) == "AKIDGIVEN"


def test_a_patched_boto3_client_is_still_called(monkeypatch: pytest.MonkeyPatch) -> None:
    """README: ``mock.patch("boto3.client")`` reaches the client made while it is active."""
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    with mock.patch("boto3.client") as patched:
        made = cognito_client(region_name="eu-north-1", endpoint_url="http://127.0.0.1:7")
    assert made is patched.return_value
    assert patched.call_args.args == ("cognito-idp",)


def test_deferred_credentials_look_up_once_found() -> None:
    """Nothing is looked up before a signed call asks; none found is botocore's
    ``NoCredentialsError`` and the next call looks again; once found, they are kept."""
    found: list[Optional[Credentials]] = [None, Credentials("AKIDTHEN", "then", method="env")]
    lookups: list[int] = []

    def resolve() -> Optional[Credentials]:
        lookups.append(1)
        return found[len(lookups) - 1]

    deferred = DeferredCredentials(resolve)
    assert deferred.method is None and deferred.refresh_needed() and not lookups
    with pytest.raises(NoCredentialsError):
        deferred.get_frozen_credentials()
    assert deferred.get_frozen_credentials().access_key == "AKIDTHEN"
    assert (deferred.access_key, deferred.secret_key, deferred.token) == ("AKIDTHEN", "then", None)
    assert deferred.method == "env" and not deferred.refresh_needed()
    assert len(lookups) == 2
