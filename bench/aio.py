"""AsyncCognito vs Cognito in a thread pool: SRP logins per second and event-loop latency.

    .venv/bin/python bench/aio.py [--counts 1,100,500]

A local Cognito runs in its own process (its CPU work must not share this process's GIL);
``count`` distinct users log in at once, either with ``AsyncCognito`` on one loop or with
``Cognito.authenticate`` through ``loop.run_in_executor`` (a pool of 32 threads: what asyncio
applications do today). A heartbeat task on the same loop sleeps 2 ms at a time and records
how late it wakes: the wall-clock lateness (which also counts the OS scheduling this process
out on a busy machine) and the loop thread's CPU time between two beats (the work that ran on
the loop instead of the heartbeat). Both approaches run in the same invocation, one after the
other, so their ratio is what to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Awaitable, Callable

import boto3

from pycognito import Cognito, srp
from pycognito.aio import AsyncCognito

PASSWORD = "Correct-Horse-9!"


def start_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-c", "from pycognito.local._cli import serve; serve()"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def make_users(endpoint: str, count: int) -> tuple[str, str, list[str]]:
    idp = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1")
    pool_id = idp.create_user_pool(PoolName="bench")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="bench",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    names = [f"user{index:04d}" for index in range(count)]

    def create(name: str) -> None:
        idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
                              TemporaryPassword=PASSWORD)
        idp.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD,
                                    Permanent=True)

    with ThreadPoolExecutor(8) as executor:
        list(executor.map(create, names))
    return pool_id, client_id, names


async def measured(work: Callable[[], Awaitable[list[str]]]) -> tuple[list[str], float, float,
                                                                      float]:
    done = asyncio.Event()
    worst_wall = worst_cpu = 0.0

    async def heartbeat() -> None:
        nonlocal worst_wall, worst_cpu
        while not done.is_set():
            wall, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(0.002)
            worst_wall = max(worst_wall, time.perf_counter() - wall - 0.002)
            worst_cpu = max(worst_cpu, time.thread_time() - cpu)

    beating = asyncio.create_task(heartbeat())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    users = await work()
    elapsed = time.perf_counter() - started
    done.set()
    await beating
    return users, elapsed, worst_wall, worst_cpu


def run_async(endpoint: str, pool_id: str, client_id: str, names: list[str]) -> Any:
    kwargs = {"boto3_client_kwargs": {"endpoint_url": endpoint}}

    async def login(name: str) -> str:
        async with AsyncCognito(pool_id, client_id, username=name, **kwargs) as user:
            await user.authenticate(PASSWORD)
            return str(user.access_claims["username"])

    async def main() -> Any:
        await login(names[0])  # the shared client, the keys: made once, not measured
        return await measured(lambda: asyncio.gather(*(login(name) for name in names)))

    return asyncio.run(main())


def run_threads(endpoint: str, pool_id: str, client_id: str, names: list[str]) -> Any:
    kwargs = {"boto3_client_kwargs": {"endpoint_url": endpoint}}

    def login(name: str) -> str:
        user = Cognito(pool_id, client_id, username=name, **kwargs)
        user.authenticate(PASSWORD)
        return str(user.access_claims["username"])

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        with ThreadPoolExecutor(32) as pool:
            await loop.run_in_executor(pool, login, names[0])

            async def all_logins() -> list[str]:
                return list(await asyncio.gather(
                    *(loop.run_in_executor(pool, login, name) for name in names)
                ))

            return await measured(all_logins)

    return asyncio.run(main())


def main() -> None:
    for name, value in (("AWS_ACCESS_KEY_ID", "bench"), ("AWS_SECRET_ACCESS_KEY", "bench"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        os.environ.setdefault(name, value)  # the local Cognito takes any credentials
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1,100,500")
    counts = [int(value) for value in parser.parse_args().counts.split(",")]
    process, endpoint = start_server()
    try:
        print(f"SRP backend {srp.backend_name()}, {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"{'logins':>7} {'driver':<22} {'logins/s':>9} {'loop late max':>14} "
              f"{'loop busy max':>14}")
        for count in counts:
            pool_id, client_id, names = make_users(endpoint, count)
            for label, runner in (("AsyncCognito", run_async),
                                  ("Cognito in 32 threads", run_threads)):
                users, elapsed, late, busy = runner(endpoint, pool_id, client_id, names)
                assert users == names, "every login must return its own user's tokens"
                print(f"{count:>7} {label:<22} {count / elapsed:>9.1f} "
                      f"{late * 1000:>11.1f} ms {busy * 1000:>11.1f} ms")
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
