"""The HTTP calls to the domain's endpoints (form POSTs, JSON answers, typed errors)."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import requests

from ._errors import OAuthError

DEFAULT_TIMEOUT = 10.0


def post_form(session: requests.Session, url: str, data: Mapping[str, str], *,
              basic: Optional[tuple[str, str]] = None,
              timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """POST a form; the JSON object answered, or :class:`OAuthError`."""
    try:
        response = session.post(url, data=dict(data), auth=basic, timeout=timeout,
                                headers={"Accept": "application/json"})
    except requests.RequestException as error:
        raise OAuthError("unreachable", type(error).__name__, transient=True) from None
    return _answer(response)


def get_json(session: requests.Session, url: str, bearer: str, *,
             timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    try:
        response = session.get(url, headers={"Authorization": f"Bearer {bearer}"},
                               timeout=timeout)
    except requests.RequestException as error:
        raise OAuthError("unreachable", type(error).__name__, transient=True) from None
    return _answer(response)


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
