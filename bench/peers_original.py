"""The original pycognito (PyPI 2024.5.1) on bench/peers.py's SRP challenge, in its own process.

Run by bench/peers.py as ``python -S bench/peers_original.py TARGET``: ``-S`` keeps the project's
virtualenv (and so our own ``pycognito``) off ``sys.path``; TARGET is the directory the original
and its dependencies were installed into (``make bench-peers-deps``). Reads the challenge as JSON
on stdin; prints the CPU time of each login in milliseconds, as JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from _scripted import ScriptedCognito  # bench/ is this script's directory: first on sys.path


def main() -> None:
    sys.path.insert(0, sys.argv[1])
    import pycognito
    from pycognito.aws_srp import AWSSRP

    if not pycognito.__file__.startswith(sys.argv[1]):
        raise SystemExit(f"imported {pycognito.__file__}, not the original package")
    srp = json.load(sys.stdin)
    client = ScriptedCognito(srp["challenge"])

    def login() -> None:
        AWSSRP(
            srp["username"], srp["password"], srp["pool_id"], srp["client_id"], client=client
        ).authenticate_user()

    login()
    samples = []
    for _ in range(srp["repeat"]):
        start = time.thread_time_ns()
        login()
        samples.append((time.thread_time_ns() - start) / 1e6)
    version = "unknown"
    try:
        from importlib.metadata import version as dist_version

        version = dist_version("pycognito")
    except Exception:  # noqa: S110 - the version is only a label
        pass
    json.dump({"samples": samples, "median": statistics.median(samples), "version": version},
              sys.stdout)


if __name__ == "__main__":
    main()
