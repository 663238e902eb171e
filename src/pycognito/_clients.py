"""Shared boto3 ``cognito-idp`` clients.

Creating a boto3 client costs milliseconds (and the first one in a process over a hundred), so
clients are created lazily on first use and shared per (session, region, endpoint, config,
credentials). boto3 clients are thread-safe. ``boto3`` itself is imported only here, on the
first call, so ``import pycognito`` stays cheap. A client made without a session looks its
credentials up when it first signs a call (:func:`_default_session`): most Cognito calls are
sent unsigned.

Every shared client gets :data:`DEFAULT_CLIENT_CONFIG` (connect and read timeouts, standard
retries) under the caller's ``botocore_config``, which overrides any of its settings. Inside
:func:`bounded_calls` (an HTTP auth renewing tokens for a request with a timeout) the clients
make one attempt within that timeout.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, Hashable, Iterator, Mapping, Optional

from . import _clock
from ._environ import getenv

_MAX_CLIENTS = 64
#: The shared clients' defaults (botocore ``Config`` arguments): a hung Cognito costs at most
#: 3 attempts of 5 s to connect and 15 s to read (plus backoff), not botocore's 60 s reads.
DEFAULT_CLIENT_CONFIG: dict[str, Any] = {
    "connect_timeout": 5,
    "read_timeout": 15,
    "retries": {"mode": "standard", "total_max_attempts": 3},
}
_call_timeout: ContextVar[Optional[float]] = ContextVar("pycognito_call_timeout", default=None)


def call_timeout() -> Optional[float]:
    """The timeout :func:`bounded_calls` set for this thread or task, if any."""
    return _call_timeout.get()


@contextmanager
def bounded_calls(seconds: Optional[float]) -> Iterator[None]:
    """Cognito calls made inside (through shared clients) take one attempt of at most
    ``seconds`` to connect and to read; ``None`` changes nothing."""
    if seconds is None:
        yield
        return
    token = _call_timeout.set(max(0.1, float(seconds)))
    try:
        yield
    finally:
        _call_timeout.reset(token)


def timeout_seconds(timeout: Any) -> Optional[float]:
    """The longest of an HTTP client's timeouts (``requests``: a number or ``(connect, read)``;
    ``httpx``: its ``{"connect", "read", ...}`` extension); ``None`` when there is none."""
    values = timeout.values() if isinstance(timeout, Mapping) else (
        timeout if isinstance(timeout, (tuple, list)) else (timeout,))
    numbers = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
               and v > 0]
    return max(numbers) if numbers else None


def _config(given: Any, timeout: Optional[float]) -> Any:
    from botocore.config import Config

    config = Config(**DEFAULT_CLIENT_CONFIG)
    if given is not None:
        config = config.merge(given)
    if timeout is not None:
        config = config.merge(Config(connect_timeout=timeout, read_timeout=timeout,
                                     retries={"mode": "standard", "total_max_attempts": 1}))
    return config
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
    # (Once per Cognito instance: the ignore variable is read only when an endpoint is set.)
    for name in ENDPOINT_VARIABLES:
        value = getenv(name)
        if value:
            if (getenv(IGNORE_ENDPOINTS_VARIABLE) or "").lower() == "true":
                return None
            return value
    return None


def _environment_endpoint() -> tuple[Optional[str], ...]:
    return tuple(getenv(name) for name in (IGNORE_ENDPOINTS_VARIABLE, *ENDPOINT_VARIABLES))


def cognito_client(*, session: Any = None, region_name: Optional[str] = None, **kwargs: Any) -> Any:
    """A shared ``cognito-idp`` client for these arguments (created on first use), with
    :data:`DEFAULT_CLIENT_CONFIG` under ``config`` (and the :func:`bounded_calls` timeout)."""
    timeout = _call_timeout.get()
    key = _client_key(session, region_name, kwargs, timeout)
    made = _made(key)
    if made is not None:
        return made
    kwargs = {**kwargs, "config": _config(kwargs.get("config"), timeout)}
    source = session if session is not None else _default_session(region_name)
    if source is None:
        import boto3

        client = boto3.client("cognito-idp", region_name=region_name, **kwargs)
    else:
        client = source.client("cognito-idp", region_name=region_name, **kwargs)
    with _lock:
        entry = _clients.setdefault(key, (client, (session, *kwargs.values())))
        _clients.move_to_end(key)
        while len(_clients) > _MAX_CLIENTS:
            _clients.popitem(last=False)
        return entry[0]


_default_lock = threading.Lock()
_default: list[Any] = []  # the session of clients made without one, once made


def _default_session(region_name: Optional[str]) -> Any:
    """The session a client made without one comes from: the ``boto3.Session`` that
    ``boto3.client`` would set up, except that its credentials are looked up when a signed call
    first needs them (:mod:`pycognito._deferred_credentials`), not when the client is made.
    ``None`` (so ``boto3.client`` is called, as before) when a default session was set up
    (``boto3.setup_default_session``: its profile and credentials are boto3's choice) or
    ``boto3.client`` is not boto3's own (a test's ``mock.patch``)."""
    import boto3

    own = getattr(boto3.client, "__globals__", None) is vars(boto3)  # defined in boto3
    if boto3.DEFAULT_SESSION is not None or not own:
        return None
    with _default_lock:
        if not _default:
            import botocore.session

            from ._deferred_credentials import defer_credentials

            core = botocore.session.get_session()  # what boto3.Session() makes itself
            defer_credentials(core, region_name)
            _default.append(boto3.Session(botocore_session=core))
        return _default[0]


def made_cognito_client(
    *, session: Any = None, region_name: Optional[str] = None, **kwargs: Any
) -> Any:
    """The shared client :func:`cognito_client` returns for these arguments if it was made
    already, else ``None``: never creates one (cheap enough to call on an event loop)."""
    return _made(_client_key(session, region_name, kwargs, _call_timeout.get()))


def _client_key(
    session: Any, region_name: Optional[str], kwargs: Mapping[str, Any], timeout: Optional[float]
) -> tuple[Hashable, ...]:
    return (
        _key_part(session),
        region_name,
        tuple(sorted((name, _key_part(value)) for name, value in kwargs.items())),
        # Without an explicit endpoint, boto3 reads one from the environment at creation time.
        None if "endpoint_url" in kwargs else _environment_endpoint(),
        timeout,
    )


def _made(key: tuple[Hashable, ...]) -> Any:
    with _lock:
        entry = _clients.get(key)
        if entry is None:
            return None
        _clients.move_to_end(key)
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
