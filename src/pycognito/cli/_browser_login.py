"""``pycognito login --browser``: the hosted login page, authorization code with PKCE.

The browser opens the pool domain's authorize URL; the redirect comes back to a loopback
receiver (``--redirect-uri``, which the app client must list in its ``CallbackURLs``); the code
is exchanged, the id token verified (``at_hash``, ``nonce``), and the tokens saved like those of
the SRP login.
"""

from __future__ import annotations

import argparse
import os
import webbrowser

from .. import _clock
from .._renewal import received
from .._tokens import token_username
from ..oauth import AuthorizationCodeFlow, LoopbackRedirect
from ..verification import CognitoTokenVerifier, jwks_url_for_endpoint
from ._config import SessionFile, resolve_connection, token_file
from ._errors import CliError
from ._io import Terminal
from ._session import report_login

ENV_DOMAIN = "COGNITO_DOMAIN"
DEFAULT_REDIRECT = "http://127.0.0.1:8765/callback"


def add_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("browser login (--browser)")
    group.add_argument("--browser", action="store_true",
                       help="log in on the pool's hosted login page in the browser "
                            "(authorization code with PKCE)")
    group.add_argument("--domain", help=f"the user pool domain (env {ENV_DOMAIN})")
    group.add_argument("--redirect-uri", default=DEFAULT_REDIRECT,
                       help="loopback callback URL registered on the app client "
                            f"(default {DEFAULT_REDIRECT})")
    group.add_argument("--scope", default="openid email profile",
                       help="scopes to ask for (default: openid email profile)")
    group.add_argument("--browser-timeout", type=float, default=300, metavar="SECONDS",
                       help="how long to wait for the browser (default 300)")


def run(args: argparse.Namespace, terminal: Terminal) -> int:
    store = SessionFile(token_file(args))
    connection = resolve_connection(args, terminal)
    domain = args.domain or os.environ.get(ENV_DOMAIN)
    if not domain:
        raise CliError(f"no user pool domain: pass --domain or set {ENV_DOMAIN}")
    jwks_url = (jwks_url_for_endpoint(connection.endpoint_url, connection.user_pool_id)
                if connection.endpoint_url else None)
    verifier = CognitoTokenVerifier(connection.user_pool_id, connection.client_id,
                                    region=connection.region, jwks_url=jwks_url)
    flow = AuthorizationCodeFlow(domain, connection.client_id, args.redirect_uri,
                                 scopes=args.scope.split(), verifier=verifier,
                                 client_secret=connection.client_secret)
    try:
        receiver = LoopbackRedirect.for_redirect_uri(args.redirect_uri)
    except ValueError as error:
        raise CliError(str(error)) from None
    with receiver:
        request = flow.start()
        terminal.say(f"Sign in in your browser. If it did not open, visit:\n  {request.url}")
        webbrowser.open(request.url)
        redirected = receiver.wait(args.browser_timeout)
    tokens = flow.finish(request, redirected)
    state = received(tokens, _clock.now())  # the offset as the SRP login's lifecycle measures it
    username = token_username(tokens.access_token, tokens.id_token) or ""
    if not args.no_save:
        store.save(state.record())
        store.save_session({**connection.to_json(), "username": username, "device_key": None})
    report_login(tokens, username, as_json=args.json,
                 saved_to=None if args.no_save else store.path)
    return 0
