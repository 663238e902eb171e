"""A ``requests.Session`` whose connections another thread can shut down (imported on the
first JWKS fetch, so that importing :mod:`pycognito.verification` does not import requests)."""

from __future__ import annotations

import socket
import threading
from typing import Any, Optional

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_worker = threading.local()  # .sockets: where the fetch running in this thread records them


def _track(sock: Optional[socket.socket]) -> None:
    sockets = getattr(_worker, "sockets", None)
    if sock is not None and sockets is not None:
        sockets.append(sock)


class _HTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _track(self.sock)


class _HTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _track(self.sock)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _TrackingAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def tracked_session(sockets: list[socket.socket]) -> requests.Session:
    """A fresh session (proxies and CA bundles from the environment apply, as with any
    session) for use in the current thread only: every connection it opens is appended to
    ``sockets``. Tools that replace requests' transport (responses, requests_mock, moto)
    intercept it as usual."""
    _worker.sockets = sockets
    session = requests.Session()
    adapter = _TrackingAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
