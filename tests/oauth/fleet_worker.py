"""One process of a service fleet: ``threads`` threads call ``ClientCredentials.token()``.

Run as ``python -m tests.oauth.fleet_worker TOKEN_ENDPOINT CLIENT_ID THREADS SECONDS
[REDIS_PORT]`` with the secret in ``FLEET_CLIENT_SECRET``. It prints ``ready`` once set up,
waits for a line on stdin (so every process starts cold at the same moment), then each thread
calls ``token()`` once (``SECONDS`` 0) or in a loop for ``SECONDS``, and it prints one JSON
line: calls made, token requests this process sent, distinct tokens seen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Optional

from pycognito.oauth import ClientCredentials, RedisTokenCache


def main() -> None:
    endpoint, client_id, threads, seconds = sys.argv[1:5]
    cache = None
    if len(sys.argv) > 5:
        import redis

        cache = RedisTokenCache(redis.Redis(host="127.0.0.1", port=int(sys.argv[5])),
                                poll_interval=0.01)
    credentials = ClientCredentials(endpoint, client_id, os.environ["FLEET_CLIENT_SECRET"],
                                    cache=cache)
    seen: set[str] = set()
    calls = [0]
    lock = threading.Lock()
    start = threading.Barrier(int(threads) + 1)

    def worker() -> None:
        start.wait()
        until = time.monotonic() + float(seconds)
        while True:
            token = credentials.token()
            with lock:
                seen.add(token)
                calls[0] += 1
            if time.monotonic() >= until:
                return
            time.sleep(0.001)

    pool = [threading.Thread(target=worker) for _ in range(int(threads))]
    for thread in pool:
        thread.start()
    print("ready", flush=True)
    sys.stdin.readline()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start.wait()
        for thread in pool:
            thread.join()
    print(json.dumps({"calls": calls[0], "requests": credentials.requests_made,
                      "tokens": len(seen), "warnings": [str(w.message) for w in caught]}),
          flush=True)


def run_fleet(endpoint: str, client_id: str, secret: str, *, processes: int, threads: int,
              seconds: float = 0, redis_port: Optional[int] = None) -> list[dict[str, Any]]:
    """Start ``processes`` workers, release them together, and return their reports."""
    root = Path(__file__).resolve().parents[2]
    args = [sys.executable, "-m", "tests.oauth.fleet_worker", endpoint, client_id,
            str(threads), str(seconds)]
    if redis_port is not None:
        args.append(str(redis_port))
    env = {**os.environ, "FLEET_CLIENT_SECRET": secret}
    workers = [subprocess.Popen(args, cwd=root, env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True) for _ in range(processes)]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        reports = []
        for worker in workers:
            out, _ = worker.communicate(timeout=120)
            assert worker.returncode == 0, out
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()


if __name__ == "__main__":
    main()
