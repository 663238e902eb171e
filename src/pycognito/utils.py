"""``RequestsSrpAuth``: a ``requests`` auth that signs every request with a fresh Cognito token.

::

    auth = RequestsSrpAuth(username="bob", password="...", user_pool_id="eu-west-1_AbC",
                           client_id="...", user_pool_region="eu-west-1")
    requests.get("https://api.example.com/me", auth=auth)

Before each request the tokens are made valid (a login the first time, an early refresh near
expiry, one call for all threads at once); a 401 from the API triggers one renewal and one retry
(not when the body was a one-shot stream such as a generator, which cannot be sent twice: then
the 401 is returned and the next request carries the renewed token). Either renewal keeps to the
``timeout`` the request was given: one attempt per Cognito call, each within it.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional

import requests
from requests.auth import AuthBase
from requests.exceptions import UnrewindableBodyError
from requests.utils import rewind_body

from ._bearer import BearerAuth, TokenType
from ._clients import bounded_calls, timeout_seconds

__all__ = ["RequestsSrpAuth", "TokenType"]

_RETRIED = "_pycognito_retried"


class RequestsSrpAuth(BearerAuth, AuthBase):
    """Sets ``http_header`` to ``http_header_prefix + token`` on each request.

    Arguments: either ``cognito`` (a ``Cognito`` instance, shared with the rest of the
    application) or ``user_pool_id``/``client_id`` (+ ``user_pool_region``, ``client_secret``,
    ``boto3_client_kwargs``) and ``username``; ``password`` lets it log in (again) by itself.
    ``auth_token_type`` picks the access (default) or id token; ``storage`` keeps the session
    across restarts; ``refresh_margin`` is how early to refresh (default 60 s).
    """

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        tokens = self._lifecycle.fresh_tokens()
        if tokens is None:  # a login or a refresh, within the caller's timeout
            with bounded_calls(_timeout_being_prepared()):
                tokens = self._lifecycle.valid_tokens()
        request.headers[self._header] = self._header_value(tokens)
        used = tokens.access_token
        renewed = lambda: self._header_value(self._lifecycle.renew_rejected(used))  # noqa: E731
        request.register_hook(  # type: ignore[no-untyped-call]
            "response", retry_once_on_401(self._header, renewed))
        return request


def _timeout_being_prepared() -> Optional[float]:
    """The ``timeout`` given to ``requests`` for the request an auth is preparing, if any.

    requests calls an auth before sending, without the timeout; it is an argument of
    ``requests.Session.request`` (which every ``requests.get``/``session.post``... goes
    through), a few frames up. A request prepared by hand and sent with ``send`` has none here.
    """
    frame = sys._getframe(1)
    for _ in range(16):
        if frame.f_code.co_name == "request" and frame.f_globals.get("__name__") == (
                "requests.sessions"):
            return timeout_seconds(frame.f_locals.get("timeout"))
        if frame.f_back is None:
            break
        frame = frame.f_back
    return None


def retry_once_on_401(header: str, renewed: Callable[[], str]) -> Callable[..., requests.Response]:
    """A ``requests`` response hook: on a 401, ``renewed()`` (the new value of ``header``, after
    renewing the rejected token) and one retry, unless the body cannot be sent twice."""

    def hook(response: requests.Response, **kwargs: Any) -> requests.Response:
        if response.status_code != 401 or getattr(response.request, _RETRIED, False):
            return response
        with bounded_calls(timeout_seconds(kwargs.get("timeout"))):  # the caller's timeout
            value = renewed()
        retry = response.request.copy()
        if not _replayable(retry):
            return response  # the body was a one-shot stream: the next request is renewed
        retry.headers[header] = value
        setattr(retry, _RETRIED, True)
        response.content  # noqa: B018 - read the body so the connection can be reused
        response.close()
        adapter = response.connection
        second: requests.Response = adapter.send(retry, **kwargs)
        second.history.append(response)
        second.request = retry
        return second

    return hook


def _replayable(request: requests.PreparedRequest) -> bool:
    """Whether ``request``'s body can be sent again, rewinding a file body to where it began.

    Bytes and strings can; a file that can seek back can; an iterator (a generator body)
    cannot, and retrying it would send an empty or truncated body.
    """
    body: object = request.body  # typed bytes | str | None, but a file or an iterator too
    if body is None or isinstance(body, (bytes, str)):
        return True
    if getattr(request, "_body_position", None) is None:
        return False
    try:
        rewind_body(request)
    except UnrewindableBodyError:
        return False
    return True
