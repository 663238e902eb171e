"""The shared boto3 client cache (``pycognito._clients``)."""

from __future__ import annotations

import threading
import time

import pytest
from botocore.config import Config

from pycognito._clients import (
    ENDPOINT_VARIABLES,
    IGNORE_ENDPOINTS_VARIABLE,
    client_kwargs,
    cognito_client,
    environment_endpoint,
    server_clock_offset,
)

from .unsigned_tokens import unsigned_token


def test_one_client_per_configuration() -> None:
    config = Config(retries={"total_max_attempts": 1})
    first = cognito_client(region_name="eu-west-1", config=config)
    assert cognito_client(region_name="eu-west-1", config=config) is first
    assert cognito_client(region_name="eu-west-2", config=config) is not first
    assert cognito_client(region_name="eu-west-1", endpoint_url="http://127.0.0.1:1") is not first


def test_clients_are_shared_across_threads() -> None:
    seen: list[object] = []

    def make() -> None:
        seen.append(cognito_client(region_name="ap-south-1"))

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in seen}) == 1


def test_the_environment_endpoint_is_part_of_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1111")
    first = cognito_client(region_name="sa-east-1")
    assert first.meta.endpoint_url == "http://127.0.0.1:1111"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2222")
    second = cognito_client(region_name="sa-east-1")
    assert second.meta.endpoint_url == "http://127.0.0.1:2222"


def test_client_kwargs_copies_and_never_mutates() -> None:
    base = {"endpoint_url": "http://127.0.0.1:1"}
    kwargs = client_kwargs(base, access_key="AKIA", secret_key="s3cr3t")
    assert base == {"endpoint_url": "http://127.0.0.1:1"}
    assert kwargs["aws_access_key_id"] == "AKIA" and kwargs["aws_secret_access_key"] == "s3cr3t"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (None, 0.0),
        ("not a date", 0.0),
        ("Thu, 01 Jan 1970 00:00:00 GMT", "far behind"),
    ],
)
def test_server_clock_offset(date: str | None, expected: object) -> None:
    headers = {"date": date} if date else {}
    offset = server_clock_offset({"ResponseMetadata": {"HTTPHeaders": headers}})
    if expected == "far behind":
        assert offset < -1e9
    else:
        assert offset == expected


def test_server_clock_offset_reads_an_unzoned_date_as_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")  # our local time is not UTC
    time.tzset()
    try:
        offsets = [
            server_clock_offset({"ResponseMetadata": {"HTTPHeaders": {"date": date}}})
            for date in ("Thu, 01 Jan 2015 00:00:00 GMT", "Thu, 01 Jan 2015 00:00:00 -0000")
        ]
    finally:
        monkeypatch.undo()
        time.tzset()
    assert offsets[1] == pytest.approx(offsets[0], abs=5)


def test_shared_clients_have_timeouts_and_retries_by_default() -> None:
    from pycognito._clients import DEFAULT_CLIENT_CONFIG

    config = cognito_client(region_name="eu-west-1")._client_config
    assert (config.connect_timeout, config.read_timeout) == (5, 15)
    assert config.retries == DEFAULT_CLIENT_CONFIG["retries"]
    mine = cognito_client(region_name="eu-west-1", config=Config(read_timeout=3))._client_config
    assert (mine.connect_timeout, mine.read_timeout) == (5, 3)  # botocore_config wins


def test_timeout_seconds_reads_every_http_client_shape() -> None:
    from pycognito._clients import timeout_seconds

    assert timeout_seconds(None) is None and timeout_seconds(2) == 2.0
    assert timeout_seconds((3.05, 27)) == 27.0 and timeout_seconds((None, 4)) == 4.0
    assert timeout_seconds({"connect": 5.0, "read": 1.0, "write": None, "pool": None}) == 5.0


class _HungServer:
    """Accepts connections on loopback and never answers (a hung Cognito)."""

    def __init__(self) -> None:
        import socket

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.held: list[object] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.held.append(self.socket.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.socket.close()


@pytest.mark.parametrize("kind", ["httpx", "requests-401-retry", "requests-first-login",
                                  "requests-session-refresh"])
def test_a_renewal_inside_an_http_auth_keeps_to_the_request_timeout(kind: str) -> None:
    import requests

    from pycognito import Cognito
    from pycognito.utils import RequestsSrpAuth

    hung = _HungServer()
    try:
        cognito = Cognito("us-east-1_hung", "client", username="bob",
                          boto3_client_kwargs={"endpoint_url": hung.url})
        started = time.monotonic()
        with pytest.raises(Exception) as error:
            if kind == "httpx":
                import httpx

                from pycognito.httpx_auth import HttpxSrpAuth

                auth = HttpxSrpAuth(cognito=cognito, password="Pass-word-1")
                with httpx.Client(auth=auth, timeout=1.0) as client:
                    client.get(hung.url + "/api")
            elif kind == "requests-first-login":  # no tokens yet: the auth logs in first
                requests.get(hung.url + "/api",
                             auth=RequestsSrpAuth(cognito=cognito, password="Pass-word-1"),
                             timeout=(0.5, 1.0))
            elif kind == "requests-session-refresh":  # expired tokens: the auth refreshes first
                from pycognito._tokens import TokenSet

                expired = TokenSet.from_tokens(unsigned_token(exp=1, iat=0), refresh_token="r")
                cognito.token_lifecycle.restore(expired)
                assert cognito.token_lifecycle.is_stale()
                with requests.Session() as session:
                    session.auth = RequestsSrpAuth(cognito=cognito)
                    session.get(hung.url + "/api", timeout=1.0)
            else:  # the API says 401: the auth renews (login) within the caller's timeout
                import http.server

                class Api(http.server.BaseHTTPRequestHandler):
                    def do_GET(self) -> None:
                        self.send_response(401)
                        self.send_header("Content-Length", "0")
                        self.end_headers()

                    def log_message(self, *args: object) -> None:
                        return None

                api = http.server.HTTPServer(("127.0.0.1", 0), Api)
                threading.Thread(target=api.serve_forever, daemon=True).start()
                from pycognito._tokens import TokenSet

                cognito.token_lifecycle.accept(TokenSet.from_tokens("a.b.c", refresh_token="r"))
                try:
                    requests.get(f"http://127.0.0.1:{api.server_port}/",
                                 auth=RequestsSrpAuth(cognito=cognito, password="Pass-word-1"),
                                 timeout=1.0)
                finally:
                    api.shutdown()
        elapsed = time.monotonic() - started
        assert "timeout" in type(error.value).__name__.lower() or "timed out" in str(error.value)
        assert elapsed < 5, elapsed  # one attempt of about 1 s, not 3 x 15 s
    finally:
        hung.close()


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({}, None),
        ({"AWS_ENDPOINT_URL": "http://a:1"}, "http://a:1"),
        ({"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://b:2"}, "http://b:2"),
        (
            {"AWS_ENDPOINT_URL": "http://a:1", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER": "http://b:2"},
            "http://b:2",
        ),
        ({"AWS_ENDPOINT_URL": ""}, None),
        ({"AWS_ENDPOINT_URL": "http://a:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "TRUE"}, None),
        ({"AWS_ENDPOINT_URL": "http://a:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "no"}, "http://a:1"),
        ({"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, None),
    ],
)
def test_environment_endpoint_as_boto3_reads_it(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str | None
) -> None:
    for name in (IGNORE_ENDPOINTS_VARIABLE, *ENDPOINT_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    assert environment_endpoint() == expected


@pytest.mark.parametrize(("ahead", "corrected"), [(20, False), (-20, False), (45, True),
                                                  (-45, True)])
def test_clocks_are_corrected_beyond_30_seconds_only(ahead: int, corrected: bool) -> None:
    """docs/cognito.md: the offset is read from the Date header when the clocks differ by more
    than 30 s (within that, the clocks are taken to agree)."""
    from email.utils import formatdate

    from pycognito import _clock

    date = formatdate(_clock.now() + ahead, usegmt=True)
    offset = server_clock_offset({"ResponseMetadata": {"HTTPHeaders": {"date": date}}})
    if corrected:
        assert abs(offset - ahead) < 2
    else:
        assert offset == 0.0
