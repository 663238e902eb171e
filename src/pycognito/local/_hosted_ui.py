"""The small hosted login page: username and password, then the MFA code when the user has MFA.

``GET /login?{authorize parameters}`` shows the form; ``POST`` checks the password (and then
the code) and, once the user is signed in, sets the hosted-UI session cookie and redirects to
the callback URL with a one-time code. Errors are shown on the page. The form carries a CSRF
token that must match its cookie.
"""

from __future__ import annotations

import hmac
import secrets
from html import escape
from typing import Optional

from werkzeug.wrappers import Request, Response

from . import _mfa
from ._errors import CognitoError
from ._moto import Pool, User, UserStatus, attributes_of, find_user
from ._oauth_endpoints import (
    SESSION_COOKIE,
    OAuthError,
    RedirectedError,
    check_authorize,
    code_redirect,
    error_redirect,
)
from ._oauth_state import Grant
from ._state import STATE
from ._users import user_by_sub

CSRF_COOKIE = "XSRF-TOKEN"
_CODE_KINDS = {_mfa.SMS: "sms_mfa", _mfa.EMAIL: "email_mfa"}


def login_page(request: Request, pool: Pool, domain: str) -> Response:
    try:
        _, grant = check_authorize(request, pool)
    except RedirectedError as error:
        return error_redirect(request, error)
    except OAuthError as error:
        return _page(domain, request, error=f"{error.error}: {error.description}", status=400)
    if request.method == "GET":
        return _page(domain, request)
    if request.method != "POST":
        return _page(domain, request, error="method not allowed", status=405)
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    field = request.form.get("_csrf") or ""
    if not cookie or not hmac.compare_digest(cookie.encode(), field.encode()):
        return _page(domain, request, error="The form expired; please try again.", status=400)
    pending_id = request.form.get("session")
    if pending_id:
        return _mfa_step(request, pool, domain, grant, pending_id)
    return _password_step(request, pool, domain, grant)


def _password_step(request: Request, pool: Pool, domain: str, grant: Grant) -> Response:
    username = request.form.get("username") or ""
    password = request.form.get("password") or ""
    user = find_user(pool, username)
    if user is None or user.password is None or not user.enabled or not hmac.compare_digest(
        password.encode(), str(user.password).encode()
    ):
        message = "User is disabled." if user is not None and not user.enabled else (
            "Incorrect username or password.")
        return _page(domain, request, error=message, username=username, status=400)
    if user.status == UserStatus.UNCONFIRMED:
        return _page(domain, request, error="User is not confirmed.", status=400)
    if user.status != UserStatus.CONFIRMED:
        return _page(domain, request, status=400,
                     error="This user must set a new password first (not offered by the "
                           "local login page).")
    decision = _mfa.decide(pool, user, remembered_device=False)
    if decision is None:
        return _signed_in(request, pool, domain, grant, user)
    name, options = decision
    if name == "SELECT_MFA_TYPE":
        name = options[0]
    if name not in (_mfa.TOTP, _mfa.SMS, _mfa.EMAIL):
        return _page(domain, request, status=400,
                     error="This user must set up MFA first (not offered by the local "
                           "login page).")
    pending_id = STATE.oauth.new_pending(pool.id, user.id, name)
    if name in _CODE_KINDS:
        attribute = "phone_number" if name == _mfa.SMS else "email"
        STATE.codes.issue(pool_id=pool.id, sub=user.id, username=user.username,
                          kind=_CODE_KINDS[name],
                          destination=attributes_of(user).get(attribute, ""),
                          purpose=f"hosted:{pending_id}")
    return _page(domain, request, pending=(pending_id, name))


def _mfa_step(request: Request, pool: Pool, domain: str, grant: Grant,
              pending_id: str) -> Response:
    pending = STATE.oauth.find_pending(pending_id, pool.id)
    user = user_by_sub(pool, pending.sub) if pending is not None else None
    if pending is None or user is None:
        return _page(domain, request, error="The sign-in expired; please start again.",
                     status=400)
    code = request.form.get("code") or ""
    if pending.method == _mfa.TOTP:
        matched = _mfa.totp_matches(pool, user, code)
    else:
        try:
            STATE.codes.check(pool_id=pool.id, sub=user.id, purpose=f"hosted:{pending_id}",
                              code=code)
            matched = True
        except CognitoError:
            matched = False
    if not matched:
        return _page(domain, request, error="Invalid code received for user.",
                     pending=(pending_id, pending.method), status=400)
    del STATE.oauth.pending[pending_id]
    return _signed_in(request, pool, domain, grant, user)


def _signed_in(request: Request, pool: Pool, domain: str, grant: Grant, user: User) -> Response:
    response = code_redirect(grant, user.id, request.args.get("state"))
    response.set_cookie(SESSION_COOKIE, STATE.oauth.new_session(pool.id, user.id),
                        path=f"/domain/{domain}", httponly=True, samesite="Lax")
    return response


_LABELS = {_mfa.TOTP: "Code from your authenticator app", _mfa.SMS: "Code sent by SMS",
           _mfa.EMAIL: "Code sent by e-mail"}


def _page(domain: str, request: Request, *, error: Optional[str] = None, username: str = "",
          pending: Optional[tuple[str, str]] = None, status: int = 200) -> Response:
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    action = escape(f"/domain/{domain}/login?{request.query_string.decode('ascii', 'replace')}")
    if pending is None:
        fields = (
            '<label for="username">Username</label>'
            f'<input id="username" name="username" autocomplete="username" '
            f'value="{escape(username)}" required>'
            '<label for="password">Password</label>'
            '<input id="password" name="password" type="password" '
            'autocomplete="current-password" required>'
            '<button id="signin" type="submit">Sign in</button>'
        )
    else:
        pending_id, method = pending
        fields = (
            f'<input type="hidden" name="session" value="{escape(pending_id)}">'
            f'<label for="code">{escape(_LABELS.get(method, "Code"))}</label>'
            '<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" '
            'required>'
            '<button id="verify" type="submit">Verify</button>'
        )
    message = f'<p id="error" role="alert">{escape(error)}</p>' if error else ""
    body = (
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign in</title></head>"
        f"<body><h1>Sign in</h1>{message}<form method=\"post\" action=\"{action}\">"
        f'<input type="hidden" name="_csrf" value="{escape(csrf)}">{fields}</form>'
        "</body></html>"
    )
    response = Response(body, status=status, mimetype="text/html",
                        headers={"Cache-Control": "no-store"})
    response.set_cookie(CSRF_COOKIE, csrf, path=f"/domain/{domain}", httponly=True,
                        samesite="Lax")
    return response
