"""The HTTP calls to the domain's endpoints (form POSTs, JSON answers, typed errors)."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Optional, Union

import requests
from requests.auth import HTTPBasicAuth

from .._deadline import DeadlineExceeded, within
from .._text import check_text, utf8
from .._tracked_session import tracked_view
from ..exceptions import InvalidTypeError, InvalidValueError
from ._errors import OAuthError

DEFAULT_TIMEOUT = 10.0


def scope_names(scopes: Union[str, Iterable[str], None]) -> tuple[str, ...]:
    """``"a b"`` / ``["a", "b"]`` / ``None`` as a tuple of scope names (``InvalidTypeError``
    for anything else)."""
    wrong = InvalidTypeError("scopes must be a string or a list of strings")
    if isinstance(scopes, str):
        names: tuple[object, ...] = tuple(scopes.split())
    else:
        try:
            names = tuple(scopes or ())
        except TypeError:  # not iterable
            raise wrong from None
    for name in names:
        if not isinstance(name, str):
            raise wrong
        check_text(name, "scopes")
    return tuple(str(name) for name in names)


def token_argument(value: object, name: str) -> str:
    """``value`` if it can be a token (a string of ASCII characters, as every JWT and Cognito
    refresh token is); else a typed error that does not show it."""
    if not isinstance(value, str):
        raise InvalidTypeError(f"{name} must be a string, not {type(value).__name__}")
    if not value.isascii():
        raise InvalidValueError(f"{name} is not a token (it is not ASCII)")
    return value


def basic_credentials(client_id: str, secret: str) -> HTTPBasicAuth:
    """HTTP Basic credentials in UTF-8 (requests would encode text as Latin-1, and its error for
    a character beyond that would hold the secret)."""
    return HTTPBasicAuth(utf8(client_id, "client_id"), utf8(secret, "client_secret"))


def post_form(session: requests.Session, url: str, data: Mapping[str, str], *,
              basic: Optional[HTTPBasicAuth] = None,
              timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """POST a form; the JSON object answered, or :class:`OAuthError`."""
    return _answer(_within(session, timeout, lambda view: view.post(
        url, data=dict(data), auth=basic, timeout=timeout,
        headers={"Accept": "application/json"})))


def get_json(session: requests.Session, url: str, bearer: str, *,
             timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """GET with a bearer token; the JSON object answered, or :class:`OAuthError`."""
    return _answer(_within(session, timeout, lambda view: view.get(
        url, headers={"Authorization": f"Bearer {bearer}"}, timeout=timeout)))


def _within(session: requests.Session, timeout: float,
            send: Callable[[requests.Session], requests.Response]) -> requests.Response:
    """``send(session)``'s response, the whole exchange (connection, headers and body) within
    ``timeout`` seconds however the server behaves; a transient ``unreachable`` error else.
    ``session`` is the caller's, seen through adapters whose connections the deadline can shut
    down (its headers, cookies, hooks, proxies and mounted adapters all apply)."""
    view = tracked_view(session)
    try:
        return within(timeout, lambda _: send(view), name="pycognito-oauth-request")
    except requests.RequestException as error:
        raise OAuthError("unreachable", type(error).__name__, transient=True) from None
    except DeadlineExceeded:
        raise OAuthError("unreachable", f"no complete answer within {timeout:g} s",
                         transient=True) from None


def _answer(response: requests.Response) -> dict[str, Any]:
    transient = response.status_code == 429 or response.status_code >= 500
    if not response.content and response.ok:
        return {}
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise OAuthError("invalid_response", f"HTTP {response.status_code}, not a JSON object",
                         status=response.status_code, transient=transient)
    if not response.ok or "error" in body:
        error = body.get("error")
        description = body.get("error_description")
        raise OAuthError(error if isinstance(error, str) else f"http_{response.status_code}",
                         description if isinstance(description, str) else "",
                         status=response.status_code, transient=transient)
    return body


def to_result(body: Mapping[str, Any]) -> dict[str, Any]:
    """A token endpoint answer as an ``AuthenticationResult`` (what ``TokenSet`` reads)."""
    if not isinstance(body.get("access_token"), str):
        raise OAuthError("invalid_response", "the answer has no access_token")
    names = {"access_token": "AccessToken", "id_token": "IdToken",
             "refresh_token": "RefreshToken", "expires_in": "ExpiresIn",
             "token_type": "TokenType"}
    return {names[k]: v for k, v in body.items() if k in names}
