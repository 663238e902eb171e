"""Shared boto3 ``cognito-idp`` clients.

Creating a boto3 client costs milliseconds (and the first one in a process over a hundred), so
clients are created lazily on first use and shared per (session, region, endpoint, config,
credentials). boto3 clients are thread-safe. ``boto3`` itself is imported only here, on the
first call, so ``import pycognito`` stays cheap.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Hashable, Mapping, Optional

_MAX_CLIENTS = 64
_lock = threading.Lock()
_clients: OrderedDict[tuple[Hashable, ...], tuple[Any, tuple[Any, ...]]] = OrderedDict()


def _key_part(value: Any) -> Hashable:
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return ("value", type(value).__name__, value)


def cognito_client(*, session: Any = None, region_name: Optional[str] = None, **kwargs: Any) -> Any:
    """A shared ``cognito-idp`` client for these arguments (created on first use)."""
    key = (
        _key_part(session),
        region_name,
        tuple(sorted((name, _key_part(value)) for name, value in kwargs.items())),
    )
    with _lock:
        entry = _clients.get(key)
        if entry is not None:
            _clients.move_to_end(key)
            return entry[0]
    if session is None:
        import boto3

        client = boto3.client("cognito-idp", region_name=region_name, **kwargs)
    else:
        client = session.client("cognito-idp", region_name=region_name, **kwargs)
    with _lock:
        entry = _clients.setdefault(key, (client, (session, *kwargs.values())))
        _clients.move_to_end(key)
        while len(_clients) > _MAX_CLIENTS:
            _clients.popitem(last=False)
        return entry[0]


def client_kwargs(
    base: Optional[Mapping[str, Any]] = None,
    *,
    access_key: Optional[str] = None,
    secret_key: Optional[str] = None,
    config: Any = None,
) -> dict[str, Any]:
    """Client keyword arguments from the facade's options (``base`` is copied, not mutated)."""
    kwargs = dict(base or {})
    if access_key is not None or secret_key is not None:
        kwargs["aws_access_key_id"] = access_key
        kwargs["aws_secret_access_key"] = secret_key
    if config is not None:
        kwargs["config"] = config
    return kwargs


def service_error(exc: BaseException) -> tuple[str, str]:
    """A botocore ``ClientError``'s error code and message; empty strings for other errors.

    Duck-typed on ``exc.response`` so that botocore need not be imported to tell errors apart.
    """
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        return str(error.get("Code") or ""), str(error.get("Message") or "")
    return "", ""
