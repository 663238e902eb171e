"""Shared boto3 ``cognito-idp`` clients.

Creating a boto3 client costs milliseconds (and the first one in a process over a hundred), so
clients are created lazily on first use and shared per (session, region, endpoint, config,
credentials). boto3 clients are thread-safe. ``boto3`` itself is imported only here, on the
first call, so ``import pycognito`` stays cheap.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Hashable, Mapping, Optional

from . import _clock

_MAX_CLIENTS = 64
_lock = threading.Lock()
_clients: OrderedDict[tuple[Hashable, ...], tuple[Any, tuple[Any, ...]]] = OrderedDict()


def _key_part(value: Any) -> Hashable:
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return ("value", type(value).__name__, value)


#: Where boto3 reads a Cognito endpoint from, most specific first (the one list of them).
ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", "AWS_ENDPOINT_URL")
#: Set to "true", boto3 ignores the endpoint variables.
IGNORE_ENDPOINTS_VARIABLE = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"


def environment_endpoint() -> Optional[str]:
    """The Cognito endpoint boto3 takes from the environment, if any."""
    if os.environ.get(IGNORE_ENDPOINTS_VARIABLE, "").lower() == "true":
        return None
    for name in ENDPOINT_VARIABLES:
        value = os.environ.get(name)
        if value:
            return value
    return None


def _environment_endpoint() -> tuple[Optional[str], ...]:
    return tuple(os.environ.get(name) for name in (IGNORE_ENDPOINTS_VARIABLE, *ENDPOINT_VARIABLES))


def cognito_client(*, session: Any = None, region_name: Optional[str] = None, **kwargs: Any) -> Any:
    """A shared ``cognito-idp`` client for these arguments (created on first use)."""
    key = (
        _key_part(session),
        region_name,
        tuple(sorted((name, _key_part(value)) for name, value in kwargs.items())),
        # Without an explicit endpoint, boto3 reads one from the environment at creation time.
        None if "endpoint_url" in kwargs else _environment_endpoint(),
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


#: Below this, our clock is taken to agree with Cognito's (the Date header has 1 s resolution).
_CLOCK_TOLERANCE = 30.0


def server_time(response: Mapping[str, Any]) -> Optional[float]:
    """Cognito's clock when it sent ``response`` (its HTTP ``Date`` header, 1 s resolution), or
    ``None`` when the response carries no usable date (not from boto3, say)."""
    headers = (response.get("ResponseMetadata") or {}).get("HTTPHeaders") or {}
    value = headers.get("date")
    if not isinstance(value, str):
        return None
    try:
        moment = parsedate_to_datetime(value)
        if moment.tzinfo is None:  # "-0000": UTC with no zone claimed, not our local time
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def server_clock_offset(response: Mapping[str, Any]) -> float:
    """Cognito's clock minus ours, from the response's HTTP ``Date`` header.

    Cognito refuses an SRP ``TIMESTAMP`` minutes away from its own clock, so a client whose
    clock is off signs with the corrected time. Returns 0 when the clocks agree within
    :data:`_CLOCK_TOLERANCE` or the response carries no usable date.
    """
    server = server_time(response)
    if server is None:
        return 0.0
    offset = server - _clock.now()
    return offset if abs(offset) > _CLOCK_TOLERANCE else 0.0
