"""The user pool domain's OAuth 2.0 endpoints, served on the local Cognito by URL path.

A pool's domain (``CreateUserPoolDomain``) is served at ``{endpoint}/domain/{domain}``:
``/oauth2/authorize``, ``/oauth2/token`` (``authorization_code`` with or without PKCE S256,
``refresh_token``, ``client_credentials``), ``/oauth2/userInfo``, ``/oauth2/revoke``,
``/logout`` and the hosted login page ``/login`` (``_hosted_ui``). The discovery document is at
``{endpoint}/{pool_id}/.well-known/openid-configuration``. Errors are Cognito's: JSON
``{"error": ...}`` with HTTP 400 from the token and revoke endpoints, redirects carrying
``error`` to a registered callback URL from the authorize endpoint.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from typing import Any, Callable, Iterable, Optional
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from ._calls import Call
from ._errors import CognitoError
from ._moto import Client, Pool, User, attributes_of, iter_pools
from ._oauth_config import (
    allowed_flows,
    allowed_scopes,
    domain_of,
    exact_urls,
    pool_for_domain,
    resource_server_scopes,
)
from ._oauth_state import Grant
from ._state import STATE
from ._tokens import user_usable
from ._users import user_by_sub

StartResponse = Callable[..., Any]
Handler = Callable[[Request, Pool, str], Response]

_DOMAIN_PATH = re.compile(r"^/domain/(?P<domain>[A-Za-z0-9.-]+)(?P<rest>/.*)$")
_DISCOVERY_PATH = re.compile(r"^/(?P<pool>[\w-]+_[0-9A-Za-z]+)/\.well-known/openid-configuration$")
SESSION_COOKIE = "cognito"
#: Largest form body the domain endpoints read (HTTP 413 beyond).
MAX_FORM_BYTES = 64 * 1024
_PKCE_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


class OAuthError(Exception):
    """An OAuth error answered as JSON (``{"error": ..., "error_description": ...}``)."""

    def __init__(self, error: str, description: str = "", status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.description = description
        self.status = status

    def response(self) -> Response:
        body: dict[str, str] = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        return json_response(body, self.status)


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json",
                    headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def domain_base(request: Request, domain: str) -> str:
    """The domain's base URL as this request reached the server."""
    return f"{request.host_url}domain/{domain}"


# -- routing ------------------------------------------------------------------------------------


def route(path: str) -> Optional[Callable[[dict[str, Any], StartResponse], Iterable[bytes]]]:
    """The WSGI app for an OAuth path (domain endpoints, discovery), or ``None``."""
    found = _DOMAIN_PATH.match(path)
    if found is not None:
        from ._hosted_ui import login_page

        handlers: dict[str, Handler] = {
            "/oauth2/token": token_endpoint,
            "/oauth2/authorize": authorize_endpoint,
            "/oauth2/userInfo": userinfo_endpoint,
            "/oauth2/revoke": revoke_endpoint,
            "/logout": logout_endpoint,
            "/login": login_page,
        }
        handler = handlers.get(found.group("rest"))
        if handler is None:
            return None
        return _domain_app(found.group("domain"), handler)
    found = _DISCOVERY_PATH.match(path)
    if found is not None:
        return _discovery_app(found.group("pool"))
    return None


def _domain_app(domain: str, handler: Handler
                ) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = MAX_FORM_BYTES
        with STATE.lock:
            pool = pool_for_domain(domain)
            if (request.content_length or 0) > MAX_FORM_BYTES:
                response = json_response({"error": "invalid_request",
                                          "error_description": "request body too large"}, 413)
            elif pool is None:
                response = json_response({"error": "invalid_request",
                                          "error_description": "no such domain"}, 404)
            else:
                try:
                    response = handler(request, pool, domain)
                except OAuthError as error:
                    response = error.response()
                except CognitoError as error:  # a Lambda trigger failed (PreTokenGeneration)
                    response = OAuthError("invalid_request", error.message).response()
        return response(environ, start_response)

    return app


def _discovery_app(pool_id: str) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        with STATE.lock:
            response = discovery_document(request, pool_id)
        return response(environ, start_response)

    return app


def discovery_document(request: Request, pool_id: str) -> Response:
    """The pool's OpenID configuration; its endpoint URLs name the pool's (local) domain."""
    pool = next((p for p in iter_pools() if p.id == pool_id), None)
    if pool is None:
        return json_response({"message": f"User pool {pool_id} does not exist."}, 404)
    issuer = f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}"
    document: dict[str, Any] = {
        "issuer": issuer,
        "jwks_uri": f"{request.host_url}{pool.id}/.well-known/jwks.json",
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
    }
    domain = domain_of(pool)
    if domain is not None:
        base = domain_base(request, domain)
        document.update({
            "authorization_endpoint": f"{base}/oauth2/authorize",
            "token_endpoint": f"{base}/oauth2/token",
            "userinfo_endpoint": f"{base}/oauth2/userInfo",
            "revocation_endpoint": f"{base}/oauth2/revoke",
            "end_session_endpoint": f"{base}/logout",
        })
    return json_response(document)


# -- client authentication ----------------------------------------------------------------------


def _basic_credentials(request: Request) -> Optional[tuple[str, str]]:
    header = request.headers.get("Authorization", "")
    if header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "malformed Authorization header") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise OAuthError("invalid_client", "malformed Authorization header")
    return client_id, secret


def authenticate_client(request: Request, pool: Pool) -> Client:
    """The app client of this pool the request authenticates as (HTTP Basic or the body)."""
    basic = _basic_credentials(request)
    form_id = request.form.get("client_id")
    if basic is not None:
        client_id, secret = basic
        if form_id is not None and form_id != client_id:
            raise OAuthError("invalid_client", "client_id does not match the Authorization")
        supplied: Optional[str] = secret
    else:
        client_id, supplied = form_id or "", request.form.get("client_secret")
    client = pool.clients.get(client_id) if client_id else None
    if client is None:
        raise OAuthError("invalid_client")
    if client.generate_secret:
        if not supplied or not hmac.compare_digest(supplied.encode(), client.secret.encode()):
            raise OAuthError("invalid_client")
    elif supplied:
        raise OAuthError("invalid_client", "the client has no secret")
    return client


def _form_post(request: Request) -> None:
    if request.method != "POST":
        raise OAuthError("invalid_request", "use POST", 405)
    if request.mimetype != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request",
                         "Content-Type must be application/x-www-form-urlencoded")


# -- /oauth2/token ------------------------------------------------------------------------------


def token_endpoint(request: Request, pool: Pool, domain: str) -> Response:
    _form_post(request)
    grant_type = request.form.get("grant_type")
    client_id = None
    try:
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required")
        if grant_type not in ("authorization_code", "refresh_token", "client_credentials"):
            raise OAuthError("unsupported_grant_type")
        client = authenticate_client(request, pool)
        client_id = client.id
        if grant_type == "client_credentials":
            return json_response(_client_credentials(request, pool, client))
        if grant_type == "authorization_code":
            return json_response(_exchange_code(request, pool, client))
        return json_response(_refresh(request, pool, client))
    finally:
        STATE.calls.add(Call("oauth2/token", pool.id, client_id, grant_type, None,
                             STATE.clock.now()))


def _client_credentials(request: Request, pool: Pool, client: Client) -> dict[str, Any]:
    if "client_credentials" not in allowed_flows(client):
        raise OAuthError("unauthorized_client")
    allowed = allowed_scopes(client)
    existing = resource_server_scopes(pool)
    requested = request.form.get("scope")
    scopes = requested.split() if requested else [s for s in allowed if s in existing]
    if not scopes or any(s not in allowed or s not in existing for s in scopes):
        raise OAuthError("invalid_scope")
    return STATE.tokens.issue_client_token(pool, client, " ".join(dict.fromkeys(scopes)))


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _exchange_code(request: Request, pool: Pool, client: Client) -> dict[str, Any]:
    if "code" not in allowed_flows(client):
        raise OAuthError("unauthorized_client")
    code = request.form.get("code")
    redirect_uri = request.form.get("redirect_uri")
    if not code or not redirect_uri:
        raise OAuthError("invalid_request", "code and redirect_uri are required")
    found = STATE.oauth.take_code(code)
    if found is None:
        raise OAuthError("invalid_grant")
    grant = found.grant
    if grant.client_id != client.id or grant.pool_id != pool.id:
        raise OAuthError("invalid_grant")
    if grant.redirect_uri != redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri does not match the authorize request")
    if grant.code_challenge is not None:
        verifier = request.form.get("code_verifier") or ""
        if not _PKCE_VERIFIER.match(verifier) or not hmac.compare_digest(
            s256(verifier).encode(), grant.code_challenge.encode()
        ):
            raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    user = _user(pool, found.sub, "invalid_grant")
    return _oauth_tokens(STATE.tokens.issue(
        pool, client, user, scope=" ".join(grant.scopes), id_token="openid" in grant.scopes,
        nonce=grant.nonce, with_at_hash=True, trigger_source="TokenGeneration_HostedAuth",
    ))


def _refresh(request: Request, pool: Pool, client: Client) -> dict[str, Any]:
    from ._auth import enabled_flows

    if "ALLOW_REFRESH_TOKEN_AUTH" not in enabled_flows(client):
        raise OAuthError("unauthorized_client")
    token = request.form.get("refresh_token")
    if not token:
        raise OAuthError("invalid_request", "refresh_token is required")
    try:
        record = STATE.tokens.check_refresh_token(token, client)
    except CognitoError:
        raise OAuthError("invalid_grant") from None
    if record.pool_id != pool.id:
        raise OAuthError("invalid_grant")
    user = _user(pool, record.sub, "invalid_grant")
    scopes = record.scope.split()
    return _oauth_tokens(STATE.tokens.issue(
        pool, client, user, refresh=record, new_refresh_token=False, scope=record.scope,
        id_token="openid" in scopes or record.scope == "aws.cognito.signin.user.admin",
        with_at_hash=True,
    ))


def _user(pool: Pool, sub: str, error: str) -> User:
    try:
        return user_usable(user_by_sub(pool, sub))
    except CognitoError:
        raise OAuthError(error) from None


def _oauth_tokens(result: dict[str, Any]) -> dict[str, Any]:
    """An ``AuthenticationResult`` in the token endpoint's words."""
    names = {"IdToken": "id_token", "AccessToken": "access_token",
             "RefreshToken": "refresh_token", "ExpiresIn": "expires_in",
             "TokenType": "token_type"}
    return {names[k]: v for k, v in result.items() if k in names}


# -- /oauth2/authorize ---------------------------------------------------------------------------


def check_authorize(request: Request, pool: Pool) -> tuple[Client, Grant]:
    """The client and grant an authorize request asks for. Refused: :class:`RedirectedError`
    once the redirect URI is known to be the client's (the error goes back there), else
    :class:`OAuthError` (an error page, never a redirect)."""
    params = request.args
    client = pool.clients.get(params.get("client_id") or "")
    if client is None:
        raise OAuthError("invalid_request", "unknown client_id")
    redirect_uri = params.get("redirect_uri") or ""
    if redirect_uri not in exact_urls(client, "CallbackURLs"):
        raise OAuthError("redirect_mismatch", "redirect_uri is not a callback URL of the client")
    if params.get("response_type") != "code":
        raise RedirectedError("unsupported_response_type")
    if "code" not in allowed_flows(client):
        raise RedirectedError("unauthorized_client")
    allowed = allowed_scopes(client)
    requested = (params.get("scope") or "").split()
    scopes = tuple(dict.fromkeys(requested or allowed))
    if any(s not in allowed for s in scopes):
        raise RedirectedError("invalid_scope")
    challenge = params.get("code_challenge")
    method = params.get("code_challenge_method")
    if (challenge is not None or method is not None) and (
        method != "S256" or not challenge or not re.match(r"^[A-Za-z0-9_-]{43}$", challenge)
    ):
        raise RedirectedError("invalid_request")
    grant = Grant(pool.id, client.id, redirect_uri, scopes, params.get("nonce"), challenge)
    return client, grant


class RedirectedError(OAuthError):
    """An authorize error that goes back to the (checked) redirect URI."""


def redirect_with(uri: str, params: dict[str, str]) -> Response:
    separator = "&" if "?" in uri else "?"
    return Response(status=302, headers={"Location": f"{uri}{separator}{urlencode(params)}"})


def error_redirect(request: Request, error: RedirectedError) -> Response:
    """Back to the authorize request's (checked) redirect URI with ``error`` and ``state``."""
    params = {"error": error.error}
    state = request.args.get("state")
    if state is not None:
        params["state"] = state
    return redirect_with(request.args.get("redirect_uri") or "", params)


def authorize_endpoint(request: Request, pool: Pool, domain: str) -> Response:
    try:
        _, grant = check_authorize(request, pool)
    except RedirectedError as error:
        return error_redirect(request, error)
    session = STATE.oauth.session(request.cookies.get(SESSION_COOKIE), pool.id)
    if session is not None and user_by_sub(pool, session.sub) is not None:
        return code_redirect(grant, session.sub, request.args.get("state"))
    query = request.query_string.decode("ascii", "replace")
    return Response(status=302,
                    headers={"Location": f"{domain_base(request, domain)}/login?{query}"})


def code_redirect(grant: Grant, sub: str, state: Optional[str]) -> Response:
    params = {"code": STATE.oauth.new_code(grant, sub)}
    if state is not None:
        params["state"] = state
    return redirect_with(grant.redirect_uri, params)


# -- /oauth2/userInfo, /oauth2/revoke, /logout ------------------------------------------------


def userinfo_endpoint(request: Request, pool: Pool, domain: str) -> Response:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    try:
        record = STATE.tokens.check_access_token(token)
        if record.pool_id != pool.id or not record.sub:
            raise CognitoError("NotAuthorizedException", "not a user's token")
        scopes = record.scope.split()
        if "openid" not in scopes and "aws.cognito.signin.user.admin" not in scopes:
            raise CognitoError("NotAuthorizedException", "the token lacks the openid scope")
        user = user_usable(user_by_sub(pool, record.sub))
    except CognitoError:
        response = json_response({"error": "invalid_token",
                                  "error_description": "Access token is not valid"}, 401)
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    client = pool.clients.get(record.client_id)
    readable = client.extended_config.get("ReadAttributes") if client is not None else None
    info: dict[str, Any] = {}
    for name, value in attributes_of(user).items():
        base = name[: -len("_verified")] if name.endswith("_verified") else name
        if name == "sub" or not readable or base in readable:
            info[name] = value
    info["sub"] = user.id
    info["username"] = user.username
    return json_response(info)


def revoke_endpoint(request: Request, pool: Pool, domain: str) -> Response:
    _form_post(request)
    client = authenticate_client(request, pool)
    token = request.form.get("token")
    if not token:
        raise OAuthError("invalid_request", "token is required")
    if client.extended_config.get("EnableTokenRevocation") is False:
        raise OAuthError("unsupported_operation", "token revocation is not enabled")
    if token in STATE.tokens.access:
        raise OAuthError("unsupported_token_type")
    record = STATE.tokens.refresh.get(token)
    if record is not None:
        if record.client_id != client.id:
            raise OAuthError("invalid_request", "the token was issued to another client")
        STATE.tokens.revoke_origin(record.origin_jti)
    return Response(status=200)


def logout_endpoint(request: Request, pool: Pool, domain: str) -> Response:
    client = pool.clients.get(request.args.get("client_id") or "")
    if client is None:
        raise OAuthError("invalid_request", "unknown client_id")
    logout_uri = request.args.get("logout_uri")
    if logout_uri is not None:
        if logout_uri not in exact_urls(client, "LogoutURLs"):
            raise OAuthError("redirect_mismatch", "logout_uri is not a sign-out URL of the client")
        response = Response(status=302, headers={"Location": logout_uri})
    else:  # sign out, then sign in again: an authorize request's parameters
        redirect_uri = request.args.get("redirect_uri") or ""
        if redirect_uri not in exact_urls(client, "CallbackURLs"):
            raise OAuthError("redirect_mismatch", "redirect_uri is not a callback URL")
        query = request.query_string.decode("ascii", "replace")
        response = Response(status=302,
                            headers={"Location": f"{domain_base(request, domain)}/login?{query}"})
    STATE.oauth.sessions.pop(request.cookies.get(SESSION_COOKIE) or "", None)
    response.delete_cookie(SESSION_COOKIE, path=f"/domain/{domain}")
    return response
