"""What a ``Cognito`` costs before it talks to Cognito, against plain boto3 in the same run.

1. Building a ``Cognito`` from stored tokens (the per-request pattern of a web view) against
   ``boto3.client("cognito-idp")`` (what the original built in every constructor).
2. ``import pycognito`` against ``import boto3``, each in a fresh interpreter.

Run: ``.venv/bin/python bench/facade.py`` (no network; nothing is sent anywhere).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import timeit

POOL = "eu-west-1_AbCdEf123"
CLIENT = "1example23456789"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjQxMDI0NDQ4MDB9.c2ln"

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


def per_call(stmt: str, setup: str, number: int, repeat: int = 5) -> float:
    """Best-of-``repeat`` seconds per call."""
    times = timeit.repeat(stmt, setup, number=number, repeat=repeat)
    return min(times) / number


def fresh_import(module: str, runs: int = 5) -> float:
    """Median seconds to import ``module`` in a new interpreter (interpreter start excluded)."""
    code = (
        "import time; t = time.perf_counter(); "
        f"import {module}; print(time.perf_counter() - t)"
    )
    samples = []
    for _ in range(runs):
        out = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        samples.append(float(out))
    return statistics.median(samples)


def main() -> None:
    construct = per_call(
        f"Cognito({POOL!r}, {CLIENT!r}, id_token=T, access_token=T, refresh_token='r')",
        f"from pycognito import Cognito; T = {TOKEN!r}",
        number=20000,
    )
    boto_client = per_call(
        "boto3.client('cognito-idp', region_name='eu-west-1')",
        "import boto3; boto3.client('cognito-idp', region_name='eu-west-1')",
        number=20,
    )
    shared = per_call(
        "Cognito(POOL, CLIENT, access_token=T).client",
        f"from pycognito import Cognito; POOL, CLIENT, T = {POOL!r}, {CLIENT!r}, {TOKEN!r};"
        "Cognito(POOL, CLIENT).client",
        number=20000,
    )
    import_pycognito = fresh_import("pycognito")
    import_boto3 = fresh_import("boto3")
    check = subprocess.run(
        [sys.executable, "-c", "import sys, pycognito; print('boto3' in sys.modules)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()

    rows = [
        ("Cognito(...) from stored tokens", construct),
        ("Cognito(...) + .client (shared, warm)", shared),
        ('boto3.client("cognito-idp") (warm)', boto_client),
        ("import pycognito (fresh interpreter)", import_pycognito),
        ("import boto3 (fresh interpreter)", import_boto3),
    ]
    print(f"Python {sys.version.split()[0]}")
    for label, seconds in rows:
        print(f"{label:<44} {seconds * 1e6:12.1f} us")
    print(f"{'boto3 imported by import pycognito':<44} {check:>15}")
    print(f"construct speed-up vs a boto3 client: x{boto_client / construct:,.0f}")


if __name__ == "__main__":
    main()
