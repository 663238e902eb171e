"""The shared boto3 client cache (``pycognito._clients``)."""

from __future__ import annotations

import threading
import time

import pytest
from botocore.config import Config

from pycognito._clients import client_kwargs, cognito_client, server_clock_offset


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
