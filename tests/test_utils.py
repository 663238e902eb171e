"""``RequestsSrpAuth`` end to end: the local Cognito, a protected API on loopback, and the
token lifecycle underneath (login, early refresh, clock drift, single flight, 401, recovery)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
from botocore.config import Config

from pycognito import Cognito
from pycognito.exceptions import RefreshTokenRevokedException, WarrantException
from pycognito.token_storage import FileTokenStorage
from pycognito.utils import RequestsSrpAuth, TokenType

from .conftest import PoolInfo, UserInfo

Move = Callable[..., None]


@pytest.fixture
def alice(pool: PoolInfo, make_user: Callable[..., UserInfo]) -> UserInfo:
    return make_user(pool, "alice")


def _auth(pool: PoolInfo, user: UserInfo, **kwargs: Any) -> RequestsSrpAuth:
    kwargs.setdefault("password", user.password)
    return RequestsSrpAuth(
        username=user.username,
        user_pool_id=pool.pool_id,
        client_id=pool.client_id,
        client_secret=pool.client_secret,
        boto3_client_kwargs={"endpoint_url": pool.endpoint_url},
        **kwargs,
    )


def _logins(local: Any) -> int:
    return len(local.calls("InitiateAuth", auth_flow="USER_SRP_AUTH"))


def _refreshes(local: Any) -> int:
    return len(local.calls("InitiateAuth", auth_flow="REFRESH_TOKEN_AUTH")) + len(
        local.calls("GetTokensFromRefreshToken")
    )


def test_first_request_logs_in_and_later_ones_reuse_the_tokens(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any
) -> None:
    auth = _auth(pool, alice)
    for _ in range(3):
        response = requests.get(api.url, auth=auth, timeout=10)
        assert response.status_code == 200
        assert response.json()["token_use"] == "access"
    assert (_logins(local), _refreshes(local)) == (1, 0)
    assert alice.password not in repr(auth) and "Bearer" not in repr(auth)


def test_id_token_header_variant(pool: PoolInfo, alice: UserInfo, api: Any) -> None:
    auth = _auth(
        pool,
        alice,
        http_header="X-Id-Token",
        http_header_prefix="",
        auth_token_type=TokenType.ID_TOKEN,
    )
    response = requests.get(api.url, auth=auth, timeout=10)
    assert response.status_code == 401  # the API wants "Authorization: Bearer ..."
    sent = response.request.headers["X-Id-Token"]
    assert sent == auth.cognito.id_token and "Authorization" not in response.request.headers
    auth = _auth(pool, alice, auth_token_type=TokenType.ID_TOKEN)
    response = requests.get(api.url, auth=auth, timeout=10)
    assert response.status_code == 200 and response.json()["token_use"] == "id"


def test_stale_token_is_refreshed_before_the_request(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any, move_clocks: Move
) -> None:
    auth = _auth(pool, alice)
    requests.get(api.url, auth=auth, timeout=10)
    first = api.tokens_seen[-1]
    move_clocks(3600 - 30)  # inside the default one-minute margin
    assert requests.get(api.url, auth=auth, timeout=10).status_code == 200
    assert api.tokens_seen[-1] != first
    assert (_logins(local), _refreshes(local)) == (1, 1)


@pytest.mark.parametrize("skew", [600, -600], ids=["clock-10-min-fast", "clock-10-min-slow"])
def test_clock_drift(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any, move_clocks: Move, skew: int
) -> None:
    move_clocks(0, skew=skew)
    auth = _auth(pool, alice)
    assert requests.get(api.url, auth=auth, timeout=10).status_code == 200
    move_clocks(3000)  # 50 minutes on: still fresh by Cognito's clock, whatever ours says
    assert requests.get(api.url, auth=auth, timeout=10).status_code == 200
    assert _refreshes(local) == 0
    move_clocks(560)  # 40 s before expiry by Cognito's clock: refresh
    assert requests.get(api.url, auth=auth, timeout=10).status_code == 200
    assert (_logins(local), _refreshes(local)) == (1, 1)


def _concurrently(count: int, action: Callable[[], int]) -> list[int]:
    barrier = threading.Barrier(count)
    results: list[int] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        status = action()
        with lock:
            results.append(status)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_32_concurrent_requests_log_in_once_and_refresh_once(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any, move_clocks: Move
) -> None:
    auth = _auth(pool, alice)
    with requests.Session() as session:

        def call() -> int:
            return session.get(api.url, auth=auth, timeout=30).status_code

        assert _concurrently(32, call) == [200] * 32
        assert (_logins(local), _refreshes(local)) == (1, 0)
        move_clocks(3600)  # expired
        assert _concurrently(32, call) == [200] * 32
    assert (_logins(local), _refreshes(local)) == (1, 1)


def test_401_renews_once_and_retries_once(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any
) -> None:
    auth = _auth(pool, alice)
    assert requests.get(api.url, auth=auth, timeout=10).status_code == 200
    api.denied.add(api.tokens_seen[-1])  # the API stops accepting this token
    response = requests.get(api.url, auth=auth, timeout=10)
    assert response.status_code == 200
    assert [r.status_code for r in response.history] == [401]
    assert _refreshes(local) == 1
    api.refuse_all = True  # every token refused: one renewal and one retry, then the 401
    before = len(api.tokens_seen)
    response = requests.get(api.url, auth=auth, timeout=10)
    assert response.status_code == 401
    assert len(api.tokens_seen) - before == 2 and _refreshes(local) == 2


class _RefusingTransport(requests.adapters.BaseAdapter):
    """A transport that answers 401 to the first request and 200 after, recording each
    request's ``Authorization`` header and the body bytes it could read."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, bytes]] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        body: Any = request.body
        if body is None:
            data = b""
        elif isinstance(body, (bytes, str)):
            data = body.encode() if isinstance(body, str) else body
        elif hasattr(body, "read"):
            data = body.read()
        else:
            data = b"".join(body)
        self.seen.append((str(request.headers.get("Authorization")), data))
        response = requests.Response()
        response.status_code = 401 if len(self.seen) == 1 else 200
        response._content = b"{}"
        response.request = request
        response.url = str(request.url)
        response.connection = self
        return response

    def close(self) -> None:
        pass


def test_401_retry_replays_a_file_body_and_never_a_one_shot_stream(
    pool: PoolInfo, alice: UserInfo, local: Any, tmp_path: Path
) -> None:
    auth = _auth(pool, alice)
    payload = b"0123456789" * 100
    source = tmp_path / "upload.bin"
    source.write_bytes(payload)
    with requests.Session() as session:
        transport = _RefusingTransport()
        session.mount("http://api.test/", transport)
        with source.open("rb") as body:
            response = session.post("http://api.test/upload", data=body, auth=auth, timeout=10)
        assert response.status_code == 200 and [r.status_code for r in response.history] == [401]
        assert [data for _, data in transport.seen] == [payload, payload]  # rewound, not empty
        assert transport.seen[0][0] != transport.seen[1][0]  # the retry has the fresh token

        def chunks() -> Any:
            yield b"part-1;"
            yield b"part-2"

        transport = _RefusingTransport()
        session.mount("http://api.test/", transport)
        response = session.post("http://api.test/upload", data=chunks(), auth=auth, timeout=10)
        assert response.status_code == 401  # a generator cannot be sent twice: no retry
        assert transport.seen == [(transport.seen[0][0], b"part-1;part-2")]
    assert _refreshes(local) == 2  # the refused token was still renewed for the next request


def test_revoked_refresh_token_with_a_password_logs_in_again(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any, move_clocks: Move, cognito_idp: Any
) -> None:
    auth = _auth(pool, alice)
    requests.get(api.url, auth=auth, timeout=10)
    cognito_idp.admin_user_global_sign_out(UserPoolId=pool.pool_id, Username=alice.username)
    move_clocks(3600)
    assert requests.get(api.url, auth=auth, timeout=10).status_code == 200
    assert (_logins(local), _refreshes(local)) == (2, 1)


def test_revoked_refresh_token_without_a_password_is_a_typed_error(
    pool: PoolInfo, alice: UserInfo, api: Any, move_clocks: Move, cognito_idp: Any
) -> None:
    cognito = Cognito(
        pool.pool_id,
        pool.client_id,
        username=alice.username,
        client_secret=pool.client_secret,
        boto3_client_kwargs={"endpoint_url": pool.endpoint_url},
    )
    cognito.authenticate(alice.password)
    auth = RequestsSrpAuth(cognito=cognito)
    assert requests.get(api.url, auth=auth, timeout=10).status_code == 200
    cognito_idp.admin_user_global_sign_out(UserPoolId=pool.pool_id, Username=alice.username)
    move_clocks(3600)
    with pytest.raises(RefreshTokenRevokedException, match="revoked") as raised:
        requests.get(api.url, auth=auth, timeout=10)
    assert cognito.refresh_token is None  # nothing useless is kept
    assert alice.password not in str(raised.value)


def test_transient_failure_keeps_the_tokens(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any, move_clocks: Move
) -> None:
    auth = _auth(pool, alice)
    requests.get(api.url, auth=auth, timeout=10)
    refresh = auth.cognito.refresh_token
    move_clocks(3600 - 30)  # stale, not expired
    # a refresh that cannot reach Cognito: point the instance's client at a closed port
    broken = Cognito(
        pool.pool_id,
        pool.client_id,
        client_secret=pool.client_secret,
        boto3_client_kwargs={
            "endpoint_url": "http://127.0.0.1:9",
            "config": Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        },
    )
    auth.cognito.client = broken.client
    assert requests.get(api.url, auth=auth, timeout=10).status_code == 200  # old token used
    assert auth.cognito.refresh_token == refresh
    assert api.tokens_seen[-1] == api.tokens_seen[0]


def test_rotation_keeps_the_new_refresh_token(
    make_pool: Callable[..., PoolInfo],
    make_user: Callable[..., UserInfo],
    local: Any,
    move_clocks: Move,
) -> None:
    pool = make_pool(refresh_token_rotation=1)
    user = make_user(pool, "rota")
    auth = _auth(pool, user)
    from .http_api import Api

    service = Api(pool, clock=local.now).start()
    try:
        assert requests.get(service.url, auth=auth, timeout=10).status_code == 200
        first_refresh = auth.cognito.refresh_token
        move_clocks(3600)
        assert requests.get(service.url, auth=auth, timeout=10).status_code == 200
        second_refresh = auth.cognito.refresh_token
        assert second_refresh and second_refresh != first_refresh
        move_clocks(3600)
        assert requests.get(service.url, auth=auth, timeout=10).status_code == 200
        assert auth.cognito.refresh_token not in (first_refresh, second_refresh)
    finally:
        service.stop()
    assert len(local.calls("GetTokensFromRefreshToken")) == 2
    assert _logins(local) == 1


def test_restart_resumes_from_the_file_store(
    pool: PoolInfo, alice: UserInfo, api: Any, local: Any, tmp_path: Path
) -> None:
    path = tmp_path / "tokens.json"
    first = _auth(pool, alice, storage=FileTokenStorage(path))
    assert requests.get(api.url, auth=first, timeout=10).status_code == 200
    assert path.stat().st_mode & 0o777 == 0o600
    assert alice.password not in path.read_text()
    # a new process: no password this time, the stored session is enough
    resumed = _auth(pool, alice, password=None, storage=FileTokenStorage(path))
    assert requests.get(api.url, auth=resumed, timeout=10).status_code == 200
    assert api.tokens_seen[-1] == api.tokens_seen[0]
    assert (_logins(local), _refreshes(local)) == (1, 0)


def test_a_username_the_cognito_instance_does_not_have_is_refused() -> None:
    cognito = Cognito("eu-west-1_Pool", "client")
    with pytest.raises(WarrantException, match="username"):
        RequestsSrpAuth(username="bob", password="pw", cognito=cognito)  # would log in as nobody
    with pytest.raises(WarrantException, match="username"):
        RequestsSrpAuth(username="bob", cognito=Cognito("eu-west-1_Pool", "client", username="al"))
    with pytest.raises(WarrantException, match="needs a username"):
        RequestsSrpAuth(password="pw", cognito=cognito)
    same = Cognito("eu-west-1_Pool", "client", username="bob")
    assert RequestsSrpAuth(username="bob", password="pw", cognito=same).cognito is same
