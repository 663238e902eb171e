"""The event loop stays responsive while many ``AsyncCognito`` logins run on it.

The local Cognito runs in its own process (its CPU work must not hold this process's GIL, so
what the heartbeat measures is the library's own work). bench/aio.py runs the full 500 logins
and reports the wall-clock lateness too; here, on a shared 2-core machine, the assertion is
on what the library controls: the loop thread's CPU time between two heartbeats (the longest
any callback batch kept the loop from the heartbeat). Wall-clock lateness adds the OS
scheduling this process out, which on a loaded CI machine is tens of milliseconds by itself.
"""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import boto3
import pytest

from pycognito.aio import LOGINS_IN_FLIGHT, AsyncCognito

#: Concurrent logins in make test (the full 500 run in bench/aio.py).
CONCURRENT_LOGINS = 100
#: Issue 14's 20 ms, on the loop thread's CPU time between two 2 ms heartbeats. Measured
#: 8-14 ms at 100-500 logins on this 2-core machine with a load average of 4-11 (about 28 ms at
#: 100 logins before logins were admitted 16 at a time and the pool queue bounded).
MAX_LOOP_BUSY = 0.020
PASSWORD = "Correct-Horse-9!"


@pytest.fixture(scope="module")
def local_process() -> Iterator[str]:
    """A local Cognito in its own process; yields its endpoint URL."""
    pytest.importorskip("moto")
    process = subprocess.Popen(
        [sys.executable, "-c", "from pycognito.local._cli import serve; serve()"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _pool_with_users(endpoint: str, count: int) -> tuple[str, str, list[str]]:
    idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1")
    pool_id = idp.create_user_pool(PoolName="many")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="many", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH",
                                                                  "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    names = [f"user{index:03d}" for index in range(count)]

    def create(name: str) -> None:
        idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                              TemporaryPassword=PASSWORD)
        idp.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD,
                                    Permanent=True)

    with ThreadPoolExecutor(8) as executor:
        list(executor.map(create, names))
    return pool_id, client_id, names


def test_concurrent_logins_of_distinct_users_keep_the_loop_responsive(
    local_process: str,
) -> None:
    pool_id, client_id, names = _pool_with_users(local_process, CONCURRENT_LOGINS)
    kwargs = {"boto3_client_kwargs": {"endpoint_url": local_process}}
    busy: list[float] = []
    late: list[float] = []
    in_flight = most_in_flight = 0

    async def login(name: str) -> str:
        nonlocal in_flight, most_in_flight
        async with AsyncCognito(pool_id, client_id, username=name, **kwargs) as user:
            await user.client.start()
            original = user.client.call

            async def counted(operation: str, params: object) -> object:
                nonlocal in_flight, most_in_flight
                if operation == "initiate_auth":  # a login starts talking to Cognito
                    in_flight += 1
                    most_in_flight = max(most_in_flight, in_flight)
                return await original(operation, params)  # type: ignore[arg-type]

            user.client.call = counted  # type: ignore[method-assign]
            await user.authenticate(PASSWORD)
            in_flight -= 1
            return str(user.access_claims["username"])

    async def main() -> list[str]:
        await login(names[0])  # the shared client, the keys, the code paths: made once
        # A full collection walks every object of the process (moto, boto3's models, pytest:
        # tens of milliseconds here, whatever the loop runs); applications that care about
        # latency freeze what start-up made, and so does this test (docs/async.md).
        gc.collect()
        gc.freeze()
        done = asyncio.Event()

        async def heartbeat() -> None:
            while not done.is_set():
                wall, cpu = time.perf_counter(), time.thread_time()
                await asyncio.sleep(0.002)
                late.append(time.perf_counter() - wall - 0.002)
                busy.append(time.thread_time() - cpu)

        beating = asyncio.create_task(heartbeat())
        await asyncio.sleep(0.01)
        try:
            return list(await asyncio.gather(*(login(name) for name in names)))
        finally:
            done.set()
            await beating
            gc.unfreeze()

    users = asyncio.run(main())
    assert users == names
    assert most_in_flight == LOGINS_IN_FLIGHT  # admitted 16 at a time, never more
    worst = max(busy)
    assert worst < MAX_LOOP_BUSY, (
        f"the loop was busy for {worst * 1000:.1f} ms between two beats "
        f"(wall-clock lateness: worst {max(late) * 1000:.1f} ms)"
    )


@pytest.mark.parametrize(("cores", "workers"), [(None, 1), (1, 1), (2, 1), (3, 2), (64, 2)])
def test_one_srp_worker_fewer_than_the_cores(monkeypatch: pytest.MonkeyPatch,
                                             cores: int | None, workers: int) -> None:
    """docs/async.md: one SRP worker thread fewer than the cores, at least one, at most two."""
    import os

    from pycognito import aio

    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(aio, "_WORKERS", [])
    pool = aio._srp_workers()
    try:
        assert pool._max_workers == workers
    finally:
        pool.shutdown()
