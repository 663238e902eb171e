"""The robustness sweep: no request, however malformed, gets a 5xx from the local Cognito.

``make test`` sends a seeded sample of the generated probes (:data:`SAMPLE`);
``make sweep`` (also run by ``.ci/run``) sends all of them (``PYCOGNITO_SWEEP=full``).
``PYCOGNITO_SWEEP_SEED`` picks another sample.
"""

from __future__ import annotations

import http.client
import json
import os
import random
from typing import Any
from urllib.parse import urlsplit

import pytest

from pycognito.local import LocalCognito

from ..conftest import OAuthPool, UserFactory
from .sweep import Probe, all_probes

SAMPLE = 1500
_SIGNED = ("AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{}/aws4_request, "
           "SignedHeaders=host, Signature=0")


class _Sender:
    """One keep-alive HTTP connection to the server, reopened when the server closes it."""

    def __init__(self, endpoint_url: str) -> None:
        parts = urlsplit(endpoint_url)
        self._address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._connection: http.client.HTTPConnection | None = None

    def send(self, probe: Probe) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self._connection is None:
                self._connection = http.client.HTTPConnection(*self._address, timeout=30)
            try:
                return self._exchange(self._connection, probe)
            except (ConnectionError, http.client.HTTPException):
                self._connection.close()
                self._connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _exchange(connection: http.client.HTTPConnection, probe: Probe) -> tuple[int, bytes]:
        headers = dict(probe.headers)
        connection.putrequest(probe.method, probe.path, skip_accept_encoding=True)
        if probe.target is not None:
            connection.putheader("X-Amz-Target", probe.target)
            connection.putheader("Content-Type", "application/x-amz-json-1.1")
            service = ("cognito-identity" if probe.target.startswith("AWSCognitoIdentityService.")
                       else "cognito-idp")
            connection.putheader("Authorization",
                                 headers.pop("Authorization", _SIGNED.format(service)))
        connection.putheader("Content-Length",
                             headers.pop("Content-Length", str(len(probe.body))))
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(probe.body)
        response = connection.getresponse()
        body = response.read()
        if response.will_close:
            connection.close()
        return response.status, body

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def _known_values(local: LocalCognito, oauth_pool: OAuthPool,
                  make_user: UserFactory) -> dict[str, Any]:
    """Real ids and tokens, so that well-typed probes get past the lookups into the handlers."""
    pool = oauth_pool.pool
    user = make_user(pool)
    tokens = local.client().initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=pool.client_id,
        AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
    )["AuthenticationResult"]
    return {"UserPoolId": pool.pool_id, "ClientId": pool.client_id, "Username": user.username,
            "AccessToken": tokens["AccessToken"], "RefreshToken": tokens["RefreshToken"],
            "DomainPath": urlsplit(oauth_pool.domain_url).path, "WebClientId": oauth_pool.web_id}


def _selected(probes: list[Probe]) -> list[Probe]:
    if os.environ.get("PYCOGNITO_SWEEP") == "full":
        return probes
    seed = int(os.environ.get("PYCOGNITO_SWEEP_SEED", "11"))
    return random.Random(seed).sample(probes, min(SAMPLE, len(probes)))


def test_no_request_gets_a_server_error(local: LocalCognito, oauth_pool: OAuthPool,
                                        make_user: UserFactory) -> None:
    probes = _selected(all_probes(_known_values(local, oauth_pool, make_user)))
    sender = _Sender(local.endpoint_url)
    failures = []
    server_errors = 0
    try:
        for probe in probes:
            status, body = sender.send(probe)
            if status >= 500:
                server_errors += 1
                failures.append(f"{status} {probe.what}: {body[:200]!r}")
            elif status >= 400 and probe.target is not None:
                error = json.loads(body)
                if not isinstance(error, dict) or not error.get("__type"):
                    failures.append(f"{status} without __type: {probe.what}")
    finally:
        sender.close()
    print(f"sweep: {len(probes)} requests, {server_errors} answered 5xx, "
          f"{len(failures) - server_errors} other failures")
    assert not failures, f"{len(failures)} of {len(probes)} probes:\n" + "\n".join(failures[:40])


def test_the_sweep_covers_every_operation() -> None:
    from .sweep import SERVICES

    probes = all_probes({})
    covered = {p.target for p in probes}
    for prefix, model in SERVICES:
        assert {prefix + operation for operation in model.operation_names} <= covered
    assert sum("lone surrogate" in p.what for p in probes) > 500
    if os.environ.get("PYCOGNITO_SWEEP") != "full":
        pytest.skip("the full list is only counted by `make sweep`")
