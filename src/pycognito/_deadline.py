"""A deadline for a whole HTTP exchange made with ``requests``, however the server behaves.

``requests``' ``timeout`` bounds each socket operation, so a server that drips its answer one
byte at a time holds a call for ever. :func:`within` runs the call in a short-lived worker
thread: the caller waits ``timeout`` seconds at most, and at expiry the connections the worker
used (recorded by :mod:`pycognito._tracked_session`'s adapters) are shut down, so that it ends
too. Used by the JWKS fetch and the OAuth endpoints; imports nothing but the standard library.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Callable, Generic, Optional, TypeVar

T = TypeVar("T")

_worker = threading.local()  # .attempt: the Attempt whose call runs in this thread


class DeadlineExceeded(Exception):
    """The call did not end within its deadline (the caller turns this into its own error)."""


class Attempt(Generic[T]):
    """One call run in a worker thread; the caller reads its outcome or abandons it."""

    def __init__(self, timeout: float) -> None:
        self.deadline = time.monotonic() + timeout
        self.sockets: list[socket.socket] = []
        self.abandoned = False
        self.done = threading.Event()
        self.result: Optional[T] = None
        self.error: Optional[BaseException] = None

    def expired(self) -> bool:
        """Whether the caller gave up or the deadline passed (for a worker reading a body)."""
        return self.abandoned or time.monotonic() > self.deadline

    def run(self, call: Callable[[Attempt[T]], T]) -> None:
        _worker.attempt = self
        try:
            self.result = call(self)
        except BaseException as exc:  # handed to the caller, which raises it
            self.error = exc
        finally:
            self.done.set()

    def abandon(self) -> None:
        """The caller gave up: shut the worker's connections down so that it ends too."""
        self.abandoned = True
        for sock in list(self.sockets):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def track(sock: Optional[socket.socket]) -> None:
    """Record ``sock`` as used by the call running in this thread (if one runs within a
    deadline), so that the caller can shut it down at expiry."""
    attempt: Optional[Attempt[object]] = getattr(_worker, "attempt", None)
    if sock is not None and attempt is not None and sock not in attempt.sockets:
        attempt.sockets.append(sock)


def within(timeout: float, call: Callable[[Attempt[T]], T], *, name: str) -> T:
    """``call(attempt)``'s result (or its exception), run in a worker thread named ``name``;
    :class:`DeadlineExceeded` if it takes more than ``timeout`` seconds."""
    attempt: Attempt[T] = Attempt(timeout)
    threading.Thread(target=attempt.run, args=(call,), name=name, daemon=True).start()
    if not attempt.done.wait(timeout):
        attempt.abandon()
        raise DeadlineExceeded(f"took more than {timeout:g} s")
    if attempt.error is not None:
        raise attempt.error
    return attempt.result  # type: ignore[return-value]  # set: the call returned
