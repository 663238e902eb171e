"""``refresh``, ``whoami``, ``logout`` and ``verify``: the commands that follow ``login``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from typing import Any, Optional

from .._cognito import Cognito
from .._refusals import credentials_refused
from .._token_lifecycle import TokenLifecycle
from .._tokens import peek_claims
from ..exceptions import (
    JWKSUnavailableError,
    LoginRequiredException,
    TokenVerificationException,
)
from ._config import (
    ENV_CLIENT,
    ENV_POOL,
    Connection,
    SessionFile,
    add_connection_flags,
    add_token_file_flag,
    resolve_connection,
    token_file,
)
from ._errors import CliError, describe
from ._io import Terminal
from ._session import expiry_text, tokens_json


def add_parsers(commands: Any) -> None:
    """Register ``refresh``, ``whoami``, ``verify`` and ``logout``."""
    refresh = commands.add_parser(
        "refresh", help="refresh the saved tokens with the refresh token",
        description="Refresh the tokens saved by `pycognito login` (REFRESH_TOKEN_AUTH) and "
                    "save the new ones. A refused refresh token (signed out, expired) is "
                    "forgotten and reported.",
    )
    add_connection_flags(refresh)
    add_token_file_flag(refresh)
    refresh.add_argument("--json", action="store_true", help="print the new tokens as JSON")
    refresh.set_defaults(handler=run_refresh)

    whoami = commands.add_parser(
        "whoami", help="show the logged-in user (asks Cognito, refreshing if needed)",
        description="Show who is logged in: Cognito's GetUser with the saved access token "
                    "(refreshed first when it is about to expire).",
    )
    add_connection_flags(whoami)
    add_token_file_flag(whoami)
    whoami.add_argument("--json", action="store_true", help="print the user as JSON")
    whoami.set_defaults(handler=run_whoami)

    verify = commands.add_parser(
        "verify", help="verify a token and print its claims (exit 0 valid, 1 not)",
        description="Verify an id or access token (RS256 signature with the pool's keys, iss, "
                    "exp, token_use, client id) and print its claims as JSON. Exit status 0 "
                    "when valid, 1 when not. Keys come from COGNITO_JWKS, --jwks-url, the "
                    "endpoint's JWKS, or AWS. Without TOKEN the saved tokens are verified.",
    )
    verify.add_argument("token", nargs="?", metavar="TOKEN",
                        help="the token; '-' reads it from stdin (keeps it out of shell "
                             "history); omitted: the saved id and access tokens")
    add_connection_flags(verify, secret=False)
    add_token_file_flag(verify)
    verify.add_argument("--token-use", choices=("id", "access"),
                        help="the kind of token expected (default: either)")
    verify.add_argument("--any-client", action="store_true",
                        help="do not check the app client id (aud / client_id)")
    verify.add_argument("--jwks-url", metavar="URL", help="where to fetch the pool's keys")
    verify.add_argument("--leeway", type=float, default=0.0, metavar="SECONDS",
                        help="clock skew allowed on exp/nbf (default 0)")
    verify.set_defaults(handler=run_verify)

    logout = commands.add_parser(
        "logout", help="sign out everywhere (GlobalSignOut) and forget the saved tokens",
        description="Sign the user out of every session (GlobalSignOut revokes the refresh "
                    "tokens) and delete the saved tokens. Remembered devices are kept unless "
                    "--forget-device.",
    )
    add_connection_flags(logout)
    add_token_file_flag(logout)
    logout.add_argument("--local-only", action="store_true",
                        help="only forget the saved tokens; do not call Cognito")
    logout.add_argument("--forget-device", action="store_true",
                        help="also make Cognito forget this device (MFA again next time)")
    logout.set_defaults(handler=run_logout)


# -- helpers -----------------------------------------------------------------------------------


class _Saved:
    """The saved session, its connection, and a ``Cognito`` whose token lifecycle keeps its
    tokens in the token file (so a refresh is the library's, saved straight back)."""

    def __init__(self, args: argparse.Namespace, terminal: Terminal) -> None:
        self.store = SessionFile(token_file(args))
        self.session = self.store.session()
        if not self.session or self.store.tokens() is None:
            raise CliError(f"not logged in (no tokens in {self.store.path}); "
                           "run `pycognito login`")
        self.connection: Connection = resolve_connection(args, terminal, self.session)
        username = self.session.get("username")
        self.cognito: Cognito = self.connection.cognito(str(username) if username else None)
        device_key = self.session.get("device_key")
        if isinstance(device_key, str) and device_key:
            self.cognito.device_key = device_key  # sent with refreshes of a device's tokens
        self.lifecycle: TokenLifecycle = self.cognito.token_lifecycle
        self.lifecycle.attach_storage(self.store)

    @property
    def username(self) -> str:
        return str(self.session.get("username") or "?")


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).isoformat(timespec="seconds")


# -- refresh -----------------------------------------------------------------------------------


def run_refresh(args: argparse.Namespace, terminal: Terminal) -> int:
    """Refresh now and save."""
    saved = _Saved(args, terminal)
    tokens = saved.lifecycle.renew()
    if args.json:
        print(tokens_json(tokens, now=saved.lifecycle.server_now()))
    else:
        left = tokens.expires_at - saved.lifecycle.server_now()
        print(f"Tokens refreshed for {saved.username}; they expire {expiry_text(left)}.")
    return 0


# -- whoami ------------------------------------------------------------------------------------


def run_whoami(args: argparse.Namespace, terminal: Terminal) -> int:
    """GetUser with fresh tokens."""
    saved = _Saved(args, terminal)
    tokens = saved.lifecycle.valid_tokens()
    try:
        user = saved.cognito.client.get_user(AccessToken=tokens.access_token)
    except Exception as exc:
        if not credentials_refused(exc) or not tokens.refresh_token:
            raise
        tokens = saved.lifecycle.renew_rejected(tokens.access_token)
        user = saved.cognito.client.get_user(AccessToken=tokens.access_token)
    attributes = {a["Name"]: a["Value"] for a in user.get("UserAttributes") or []}
    mfa = list(user.get("UserMFASettingList") or [])
    preferred = user.get("PreferredMfaSetting")
    expires = tokens.expires_at
    device_key = peek_claims(tokens.access_token).get("device_key")
    if args.json:
        print(json.dumps({
            "username": user.get("Username"),
            "attributes": attributes,
            "mfa": mfa,
            "preferred_mfa": preferred,
            "user_pool_id": saved.connection.user_pool_id,
            "client_id": saved.connection.client_id,
            "tokens_expire_at": _iso(expires),
            "device_key": device_key,
        }, indent=2, sort_keys=True))
        return 0
    print(f"username: {user.get('Username')}")
    for name in sorted(attributes):
        print(f"  {name}: {attributes[name]}")
    if mfa:
        extra = f" (preferred: {preferred})" if preferred else ""
        print(f"mfa: {', '.join(mfa)}{extra}")
    else:
        print("mfa: none")
    print(f"pool: {saved.connection.user_pool_id}  client: {saved.connection.client_id}")
    left = expires - saved.lifecycle.server_now()
    print(f"tokens: expire {expiry_text(left)} ({_iso(expires)})")
    if device_key:
        print(f"device: {device_key}")
    return 0


# -- logout ------------------------------------------------------------------------------------


def run_logout(args: argparse.Namespace, terminal: Terminal) -> int:
    """GlobalSignOut, then forget the tokens."""
    store = SessionFile(token_file(args))
    if store.tokens() is None:
        print("Not logged in.")
        return 0
    if args.local_only:
        store.clear()
        print(f"Forgot the saved tokens ({store.path}); the session stays valid at Cognito "
              "until its tokens expire.")
        return 0
    saved = _Saved(args, terminal)
    try:
        tokens = saved.lifecycle.valid_tokens()
    except LoginRequiredException:  # the refresh token was refused: the session is over
        store.clear()
        print(f"Logged out {saved.username} (the session had already ended at Cognito).")
        return 0
    try:
        if args.forget_device:
            device_key = peek_claims(tokens.access_token).get("device_key") or (
                saved.cognito.device_key)
            if isinstance(device_key, str) and device_key:
                saved.cognito.forget_device(device_key)
                store.forget_device(saved.connection.user_pool_id, device_key)
        saved.cognito.logout()  # GlobalSignOut; the lifecycle then clears the token file
    except Exception as exc:
        if not credentials_refused(exc):
            raise  # network and the like: keep the tokens so that logout can be retried
        store.clear()
        terminal.say(f"Cognito no longer accepts these tokens ({describe(exc)}).")
        print(f"Logged out {saved.username} (tokens forgotten).")
        return 0
    store.clear()
    print(f"Logged out {saved.username} everywhere; tokens forgotten.")
    return 0


# -- verify ------------------------------------------------------------------------------------


def run_verify(args: argparse.Namespace, terminal: Terminal) -> int:
    """Verify one token (or the saved ones) and print the claims."""
    from ..verification import (
        CognitoTokenVerifier,
        jwks_from_env,
        jwks_url_for_endpoint,
    )

    store = SessionFile(token_file(args))
    session = store.session()
    if args.token is None:
        saved = store.tokens()
        if saved is None or not session:
            raise CliError("no TOKEN given and not logged in")
        candidates: list[tuple[str, Optional[str]]] = [("access", saved.access_token)]
        if saved.id_token:
            candidates.insert(0, ("id", saved.id_token))
    else:
        text = sys.stdin.read() if args.token == "-" else args.token
        candidates = [(args.token_use, "".join(text.split()))]
        if not candidates[0][1]:
            raise CliError("the token is empty")
    connection = resolve_connection(args, terminal, session, need_client=False)
    if not connection.client_id and not args.any_client:
        raise CliError(f"no app client to check the token against: pass --client-id or set "
                       f"{ENV_CLIENT} (or --any-client to skip that check)")
    if not connection.user_pool_id:  # pragma: no cover - resolve_connection checks it
        raise CliError(f"no user pool: pass --pool-id or set {ENV_POOL}")
    jwks = jwks_from_env()
    jwks_url = args.jwks_url
    if jwks is None and jwks_url is None and connection.endpoint_url:
        jwks_url = jwks_url_for_endpoint(connection.endpoint_url, connection.user_pool_id)
    verifier = CognitoTokenVerifier(
        connection.user_pool_id,
        None if args.any_client else connection.client_id,
        region=connection.region,
        jwks=jwks,
        jwks_url=jwks_url,
        leeway=args.leeway,
    )
    verified: dict[str, Any] = {}
    for use, token in candidates:
        try:
            claims = verifier.verify(str(token), token_use=use)
        except JWKSUnavailableError as exc:
            raise CliError(f"cannot get the pool's keys: {exc}") from None
        except TokenVerificationException as exc:
            label = f"{use} token" if use else "token"
            raise CliError(f"invalid {label}: {exc}") from None
        verified[str(claims.get("token_use") or use)] = claims
    if args.token is None:
        print(json.dumps(verified, indent=2, sort_keys=True))
    else:
        print(json.dumps(next(iter(verified.values())), indent=2, sort_keys=True))
    for use, claims in verified.items():
        who = claims.get("cognito:username") or claims.get("username") or claims.get("sub")
        left = float(claims.get("exp", 0)) - time.time()
        terminal.say(f"valid {use} token for {who} (expires {expiry_text(left)})")
    return 0
