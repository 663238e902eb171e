"""Server lifecycle: start-up, loopback binding, reset, the call log and ``/_local/*``."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from typing import Any

import pytest

from pycognito.local import LocalCognito


def _open(url: str, *, data: Any = None, method: str = "GET") -> Any:
    """urllib on the local server's http:// URL."""
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, method=method, data=data)  # noqa: S310
    return urllib.request.urlopen(request, timeout=5)  # noqa: S310


def test_start_answers_quickly_and_binds_loopback_only(local_cognito: LocalCognito) -> None:
    assert local_cognito.endpoint_url.startswith("http://127.0.0.1:")
    # a bound against hangs only: start-up figures are measured in bench/local.py
    assert local_cognito.startup_seconds is not None and local_cognito.startup_seconds < 5.0
    port = local_cognito.port
    bound = local_cognito._server.socket.getsockname()  # type: ignore[union-attr]
    assert bound[:2] == ("127.0.0.1", port)
    # Nothing answers on another address of this machine for that port.
    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)
                 if info[0] == socket.AF_INET} - {"127.0.0.1"}
    for address in addresses:
        with socket.socket() as probe:
            probe.settimeout(0.2)
            assert probe.connect_ex((address, port)) != 0


def test_a_second_server_in_the_same_process_is_refused(local_cognito: LocalCognito) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        LocalCognito().start()


def test_a_failed_start_leaves_no_socket_and_no_hooks(
        local_cognito: LocalCognito, monkeypatch: pytest.MonkeyPatch) -> None:
    from pycognito.local import _moto, _server

    def broken(app: Any) -> None:
        raise OSError("warm-up failed")

    monkeypatch.setattr(_server, "_running", None)  # pretend no server runs yet
    monkeypatch.setattr(_server, "_warm_up", broken)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    users = _moto._hook_users
    attempt = LocalCognito(port=port)
    with pytest.raises(OSError, match="warm-up failed"):
        attempt.start()
    assert not attempt.running and _moto._hook_users == users
    with socket.socket() as probe:  # the port was released
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))
        probe.listen(1)


def test_reset_is_fast_and_forgets_everything(local: LocalCognito, cognito_idp: Any) -> None:
    cognito_idp.create_user_pool(PoolName="one")
    local.advance_clock(100)
    started = time.perf_counter()
    local.reset()
    elapsed = time.perf_counter() - started
    assert elapsed < 0.05
    assert cognito_idp.list_user_pools(MaxResults=10)["UserPools"] == []
    assert local.clock_offset == 0
    assert [c.operation for c in local.calls()] == ["ListUserPools"]


def test_call_log_records_operations_with_pool_and_client(local: LocalCognito,
                                                          cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
    client_id = cognito_idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
        "UserPoolClient"]["ClientId"]
    with pytest.raises(cognito_idp.exceptions.ClientError):
        cognito_idp.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": "nope"})
    calls = local.calls()
    assert [c.operation for c in calls] == ["CreateUserPool", "CreateUserPoolClient",
                                            "InitiateAuth"]
    assert calls[1].user_pool_id == pool_id
    assert calls[2].client_id == client_id and calls[2].auth_flow == "REFRESH_TOKEN_AUTH"
    assert len(local.calls("InitiateAuth", auth_flow="REFRESH_TOKEN_AUTH")) == 1
    # the same log over HTTP (docs/local-cognito.md: GET /_local/calls with the same filters)
    query = f"operation=InitiateAuth&client_id={client_id}&auth_flow=REFRESH_TOKEN_AUTH"
    with _open(f"{local.endpoint_url}/_local/calls?{query}") as answer:
        [listed] = json.load(answer)
    assert (listed["operation"], listed["client_id"], listed["auth_flow"]) == (
        "InitiateAuth", client_id, "REFRESH_TOKEN_AUTH")
    with _open(f"{local.endpoint_url}/_local/calls?user_pool_id={pool_id}") as answer:
        assert [c["operation"] for c in json.load(answer)] == ["CreateUserPoolClient"]
    local.clear_calls()
    assert local.calls() == []


def test_local_http_endpoints(local: LocalCognito) -> None:
    base = local.endpoint_url
    with _open(f"{base}/_local/messages") as answer:
        assert answer.headers["Content-Type"] == "application/json"
        assert json.load(answer) == []
    with _open(f"{base}/_local/clock", method="POST",
               data=json.dumps({"advance": 30}).encode()) as answer:
        assert json.load(answer)["offset"] == 30
    with _open(f"{base}/_local/clock") as answer:  # GET reads it
        assert json.load(answer)["offset"] == 30
    with _open(f"{base}/_local/reset", method="POST", data=b"") as answer:
        assert json.load(answer) == {"reset": True}
    assert local.clock_offset == 0
    with pytest.raises(urllib.error.HTTPError) as error:
        _open(f"{base}/_local/nothing")
    assert error.value.code == 404


def test_jwks_is_served_per_pool(local: LocalCognito, cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="p")["UserPool"]["Id"]
    with _open(f"{local.endpoint_url}/{pool_id}/.well-known/jwks.json") as r:
        keys = json.load(r)["keys"]
    assert keys and keys[0]["kty"] == "RSA"


def test_the_clock_moves_only_by_finite_amounts(local: LocalCognito) -> None:
    for bad in ("NaN", "Infinity", "-Infinity"):  # json.loads accepts these
        with pytest.raises(urllib.error.HTTPError) as error:
            _open(f"{local.endpoint_url}/_local/clock", method="POST",
                  data=f'{{"advance": {bad}}}'.encode())
        assert error.value.code == 400
    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            local.advance_clock(value)
    assert local.clock_offset == 0


def test_the_clock_moves_at_most_a_century(local: LocalCognito, cognito_idp: Any) -> None:
    for huge in ("1e308", "-1e308", "4e9"):
        with pytest.raises(urllib.error.HTTPError) as error:
            _open(f"{local.endpoint_url}/_local/clock", method="POST",
                  data=f'{{"advance": {huge}}}'.encode())
        assert error.value.code == 400
    with pytest.raises(ValueError, match="100 years"):
        local.advance_clock(1e308)
    assert local.clock_offset == 0
    local.advance_clock(90 * 365 * 86400)  # far, but every call still works
    assert cognito_idp.list_user_pools(MaxResults=1)["UserPools"] == []


@pytest.mark.parametrize(("body", "why"), [
    (b"[" * 100_000, "nested too deeply"),
    (b'{"advance": 1' + b"0" * 400 + b"}", "100 years"),  # an int beyond any float
    (b"[]", "JSON object"),
    (b'{"advance": "60"}', "number"),
    (b'{"advance": true}', "number"),
    (b'{"advance": null}', "number"),
])
def test_a_malformed_clock_request_is_a_400(local: LocalCognito, body: bytes, why: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as error:
        _open(f"{local.endpoint_url}/_local/clock", method="POST", data=body)
    assert error.value.code == 400
    assert why in json.load(error.value)["error"]
    assert local.clock_offset == 0
    with pytest.raises(ValueError, match="100 years"):
        local.advance_clock(10**400)


@pytest.mark.parametrize(("arguments", "error"), [
    ({"port": 65536}, ValueError), ({"port": -5}, ValueError), ({"port": "80"}, TypeError),
    ({"port": True}, TypeError), ({"host": ""}, ValueError), ({"host": None}, TypeError),
])
def test_an_impossible_address_is_refused_up_front(arguments: dict[str, Any],
                                                   error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^(host|port) "):
        LocalCognito(**arguments)


def test_a_busy_port_or_bad_host_is_a_typed_oserror_naming_the_address(
        local_cognito: LocalCognito, monkeypatch: pytest.MonkeyPatch) -> None:
    from pycognito.local import AddressUnavailableError, _server

    monkeypatch.setattr(_server, "_running", None)  # as if no server ran in this process

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        for host, where in (("127.0.0.1", port), ("no-such-host.invalid", 0)):
            attempt = LocalCognito(host=host, port=where)
            with pytest.raises(AddressUnavailableError) as error:
                attempt.start()
            assert isinstance(error.value, OSError) and not attempt.running
            assert str(error.value).startswith(f"cannot listen on {host}:{where}: ")
            assert "\n" not in str(error.value) and error.value.host == host


def test_the_cli_says_so_in_one_line() -> None:
    import subprocess
    import sys

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "pycognito.cli", "local", "--port",
                               str(port)], capture_output=True, text=True, timeout=60,
                              check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"pycognito local: cannot listen on 127.0.0.1:{port}: Address already in use"]


def test_the_call_log_is_a_ring() -> None:
    from datetime import datetime, timezone

    from pycognito.local._calls import CALL_LOG_SIZE, Call, CallLog

    log = CallLog(size=3)
    for n in range(5):
        log.add(Call(f"Op{n}", None, None, None, None, datetime.now(timezone.utc)))
    assert [c.operation for c in log.select()] == ["Op2", "Op3", "Op4"]
    assert CALL_LOG_SIZE == 10_000


def test_expired_sessions_codes_and_tokens_are_pruned(local: LocalCognito, cognito_idp: Any,
                                                      make_pool: Any, make_user: Any) -> None:
    from botocore.exceptions import ClientError

    from pycognito.local import _state
    from pycognito.local._moto import find_pool
    from pycognito.local._state import STATE

    pool = make_pool()
    user = make_user(pool)
    for _ in range(3):
        tokens = cognito_idp.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH", ClientId=pool.client_id,
            AuthParameters={"USERNAME": user.username, "PASSWORD": user.password},
        )["AuthenticationResult"]
    assert len(find_pool(pool.pool_id).access_tokens) == 3
    cognito_idp.global_sign_out(AccessToken=tokens["AccessToken"])  # revoked records too
    assert len(STATE.tokens.access) == 3 and len(STATE.tokens.refresh) == 3
    local.advance_clock(31 * 86400 + _state.PRUNE_GRACE + 1)  # past every expiry and the grace
    cognito_idp.list_user_pools(MaxResults=1)  # any request prunes when due
    assert STATE.tokens.access == {} and STATE.tokens.refresh == {}
    assert find_pool(pool.pool_id).access_tokens == {}
    assert find_pool(pool.pool_id).id_tokens == {}
    with pytest.raises(ClientError, match="Access Token has expired"):
        cognito_idp.get_user(AccessToken=tokens["AccessToken"])
