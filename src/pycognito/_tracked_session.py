"""``requests`` sessions whose connections a deadline can shut down (:mod:`pycognito._deadline`).

Imported on the first request made within a deadline, so that importing
:mod:`pycognito.verification` does not import requests. Every connection a tracking adapter
opens or reuses in a thread that runs a call within a deadline is recorded for that call;
tools that replace requests' transport (responses, requests_mock, moto) intercept these
adapters as usual.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from typing import Any

import requests
from requests.adapters import DEFAULT_POOLBLOCK, DEFAULT_POOLSIZE, BaseAdapter, HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import ProxyManager

from ._deadline import track


class _HTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        track(self.sock)

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        track(self.sock)  # a pooled connection, opened by an earlier call
        return super().getresponse(*args, **kwargs)


class _HTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        track(self.sock)

    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        track(self.sock)
        return super().getresponse(*args, **kwargs)


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class TrackingAdapter(HTTPAdapter):
    """requests' own adapter, with connections a deadline can shut down."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is ProxyManager:  # an HTTP(S) proxy (SOCKS has its own pools)
            manager.pool_classes_by_scheme = _POOLS
        return manager


def tracked_session() -> requests.Session:
    """A new session (proxies and CA bundles from the environment apply, as with any session)
    with tracking adapters and no retries."""
    session = requests.Session()
    adapter = TrackingAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


_twins: weakref.WeakKeyDictionary[HTTPAdapter, TrackingAdapter] = weakref.WeakKeyDictionary()
_twins_lock = threading.Lock()


def _twin(adapter: BaseAdapter) -> BaseAdapter:
    """A tracking adapter with the settings of requests' own ``adapter`` (one per adapter, so
    its connection pool lasts); any other adapter (a mock, a custom transport) as it is."""
    if type(adapter) is not HTTPAdapter:
        return adapter
    with _twins_lock:
        twin = _twins.get(adapter)
        if twin is None:
            twin = _twins[adapter] = TrackingAdapter(
                pool_connections=getattr(adapter, "_pool_connections", DEFAULT_POOLSIZE),
                pool_maxsize=getattr(adapter, "_pool_maxsize", DEFAULT_POOLSIZE),
                max_retries=adapter.max_retries,
                pool_block=getattr(adapter, "_pool_block", DEFAULT_POOLBLOCK))
        return twin


def tracked_view(session: requests.Session) -> requests.Session:
    """``session`` itself for every purpose (headers, cookies, auth, proxies, hooks, TLS
    settings, mounted adapters, its class's methods), except that requests' own adapters are
    replaced by tracking twins."""
    view = object.__new__(type(session))
    view.__dict__.update(session.__dict__)
    view.adapters = OrderedDict((prefix, _twin(adapter))
                                for prefix, adapter in session.adapters.items())
    return view
