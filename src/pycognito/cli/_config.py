"""Where the command line gets its pool, client, region, endpoint, secret and token file.

Each setting comes from its flag, else its environment variable, else (for the commands that
follow ``login``) the session saved by ``login``. The client secret is never a flag value: it
comes from ``COGNITO_CLIENT_SECRET`` or from a hidden prompt (``--client-secret``).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

from .._cognito import Cognito
from .._tokens import TokenSet
from ..token_storage import FileTokenStorage, damaged_session
from ._errors import CliError
from ._io import Terminal

ENV_POOL = "COGNITO_USER_POOL_ID"
ENV_CLIENT = "COGNITO_CLIENT_ID"
ENV_REGION = "COGNITO_REGION"
ENV_ENDPOINT = "COGNITO_ENDPOINT_URL"
ENV_SECRET = "COGNITO_CLIENT_SECRET"
ENV_USERNAME = "COGNITO_USERNAME"
ENV_TOKEN_FILE = "PYCOGNITO_TOKEN_FILE"

ENVIRONMENT = {
    ENV_POOL: "user pool id (--pool-id)",
    ENV_CLIENT: "app client id (--client-id)",
    ENV_REGION: "region (--region; default: the pool id's prefix)",
    ENV_ENDPOINT: "Cognito endpoint URL, e.g. the local Cognito's (--endpoint-url)",
    ENV_SECRET: "app client secret (or --client-secret to be prompted)",
    ENV_USERNAME: "username for login (--username)",
    ENV_TOKEN_FILE: "token file (--token-file)",
}


def default_token_file() -> Path:
    """``$XDG_CONFIG_HOME/pycognito/tokens.json`` (``~/.config/pycognito/tokens.json``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "pycognito" / "tokens.json"


def add_connection_flags(parser: argparse.ArgumentParser, *, secret: bool = True) -> None:
    """``--pool-id``, ``--client-id``, ``--region``, ``--endpoint-url`` [, ``--client-secret``]."""
    group = parser.add_argument_group("user pool (flags override the environment)")
    group.add_argument("--pool-id", metavar="ID", help=f"user pool id (env {ENV_POOL})")
    group.add_argument("--client-id", metavar="ID", help=f"app client id (env {ENV_CLIENT})")
    group.add_argument("--region", help=f"AWS region (env {ENV_REGION}; default: from the pool id)")
    group.add_argument("--endpoint-url", metavar="URL",
                       help=f"Cognito endpoint, e.g. a local Cognito (env {ENV_ENDPOINT})")
    if secret:
        group.add_argument("--client-secret", action="store_true",
                           help=f"prompt for the app client secret (or set {ENV_SECRET}; "
                                "never pass it on the command line)")


def add_token_file_flag(parser: argparse.ArgumentParser) -> None:
    """``--token-file PATH``."""
    parser.add_argument("--token-file", metavar="PATH", type=Path,
                        help=f"where tokens are kept (env {ENV_TOKEN_FILE}; default "
                             "$XDG_CONFIG_HOME/pycognito/tokens.json, mode 0600)")


def token_file(args: argparse.Namespace) -> Path:
    """The token file for these arguments."""
    given = getattr(args, "token_file", None)
    if given:
        return Path(given).expanduser()
    env = os.environ.get(ENV_TOKEN_FILE)
    return Path(env).expanduser() if env else default_token_file()


@dataclass
class Connection:
    """Everything needed to talk to one app client of one user pool."""

    user_pool_id: str
    client_id: str
    region: str
    endpoint_url: Optional[str] = None
    client_secret: Optional[str] = field(default=None, repr=False)

    def cognito(self, username: Optional[str] = None,
                device: Optional[Mapping[str, str]] = None) -> Cognito:
        """The library's ``Cognito`` for this app client (and user, and remembered device).

        Its boto3 client is unsigned: every call the CLI makes is a public one (authenticated
        by tokens, not by AWS credentials), so no credentials are looked up."""
        from botocore import UNSIGNED
        from botocore.config import Config

        config = Config(signature_version=UNSIGNED, connect_timeout=5, read_timeout=20,
                        retries={"total_max_attempts": 2, "mode": "standard"})
        device = device or {}
        return Cognito(
            self.user_pool_id, self.client_id, user_pool_region=self.region,
            username=username, client_secret=self.client_secret, botocore_config=config,
            boto3_client_kwargs={"endpoint_url": self.endpoint_url} if self.endpoint_url else None,
            device_key=device.get("device_key"),
            device_group_key=device.get("device_group_key"),
            device_password=device.get("device_password"),
        )

    def to_json(self) -> dict[str, Any]:
        """What the session file remembers (never the secret)."""
        return {
            "user_pool_id": self.user_pool_id,
            "client_id": self.client_id,
            "region": self.region,
            "endpoint_url": self.endpoint_url,
            "client_has_secret": bool(self.client_secret),
        }


def _pick(flag: Optional[str], env: str, saved: Mapping[str, Any], key: str) -> Optional[str]:
    if flag:
        return flag
    value = os.environ.get(env)
    if value:
        return value
    stored = saved.get(key)
    return str(stored) if stored else None


def resolve_connection(
    args: argparse.Namespace,
    terminal: Terminal,
    saved: Optional[Mapping[str, Any]] = None,
    *,
    need_client: bool = True,
) -> Connection:
    """The connection from flags, environment and (optionally) a saved session."""
    saved = saved or {}
    pool = _pick(getattr(args, "pool_id", None), ENV_POOL, saved, "user_pool_id")
    if not pool:
        raise CliError(f"no user pool: pass --pool-id or set {ENV_POOL}")
    region_part, sep, rest = pool.partition("_")
    if not sep or not region_part or not rest:
        raise CliError(f"{pool!r} is not a user pool id (expected <region>_<id>)")
    client = _pick(getattr(args, "client_id", None), ENV_CLIENT, saved, "client_id")
    if need_client and not client:
        raise CliError(f"no app client: pass --client-id or set {ENV_CLIENT}")
    region = _pick(getattr(args, "region", None), ENV_REGION, saved, "region") or region_part
    endpoint = _pick(getattr(args, "endpoint_url", None), ENV_ENDPOINT, saved, "endpoint_url")
    secret: Optional[str] = None
    if getattr(args, "client_secret", False):
        secret = terminal.secret("App client secret") or None
    elif os.environ.get(ENV_SECRET):
        secret = os.environ[ENV_SECRET]
    elif saved.get("client_has_secret") and saved.get("client_id") == client:
        secret = terminal.secret(f"App client secret (or set {ENV_SECRET})") or None
    return Connection(pool, client or "", region, endpoint, secret)


class SessionFile:
    """The token file: the tokens (in the library's ``TokenLifecycle`` layout), the connection
    they belong to, and remembered devices. 0600, replaced atomically.

    Layout: ``{"tokens": {...}, "clock_offset": s, "session": {...connection, "username"},
    "devices": {"<pool id>/<username>": {"device_key", "device_group_key", "device_password"}}}``.
    It implements the ``TokenStorage`` protocol for the ``tokens``/``clock_offset`` part, keeping
    the rest, so a ``TokenLifecycle`` can refresh straight into it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = FileTokenStorage(path)

    def __repr__(self) -> str:
        return f"SessionFile({str(self.path)!r})"

    def read(self) -> dict[str, Any]:
        """The whole mapping (empty if there is no file, or a damaged one: with a warning)."""
        data = self._file.load() or {}
        wrong = [key for key in ("tokens", "session", "devices")
                 if key in data and not isinstance(data[key], dict)]
        if wrong:
            damaged_session(self._file, f"{', '.join(wrong)} not a JSON object")
            return {}
        return data

    def write(self, data: Mapping[str, Any]) -> None:
        """Replace the whole mapping."""
        self._file.save(data)

    # -- TokenStorage -----------------------------------------------------------------------

    def load(self) -> Optional[dict[str, Any]]:
        data = self.read()
        if "tokens" not in data:
            return None
        return {"tokens": data["tokens"], "clock_offset": data.get("clock_offset", 0.0)}

    def save(self, data: Mapping[str, Any]) -> None:
        whole = self.read()
        whole.update({k: data[k] for k in ("tokens", "clock_offset") if k in data})
        self.write(whole)

    def clear(self) -> None:
        """Forget the tokens and the session; keep remembered devices."""
        whole = self.read()
        devices = whole.get("devices")
        if devices:
            self.write({"devices": devices})
        else:
            self._file.clear()

    # -- the rest ---------------------------------------------------------------------------

    def tokens(self) -> Optional[TokenSet]:
        """The saved tokens, or ``None`` when there are none or they cannot be read as the
        library's tokens (a file edited by hand or written by something else)."""
        saved = self.load()
        try:
            return TokenSet.from_dict(saved["tokens"]) if saved else None
        except (AttributeError, KeyError, TypeError, ValueError):
            return None

    def save_session(self, session: Mapping[str, Any]) -> None:
        """Record which connection and user the saved tokens belong to."""
        whole = self.read()
        whole["session"] = dict(session)
        self.write(whole)

    def session(self) -> dict[str, Any]:
        """The saved connection and username (empty when not logged in)."""
        value = self.read().get("session")
        return dict(value) if isinstance(value, dict) else {}

    def device(self, user_pool_id: str, username: str) -> Optional[dict[str, str]]:
        """The remembered device for this user, if any."""
        devices = self.read().get("devices") or {}
        found = devices.get(f"{user_pool_id}/{username}")
        if not isinstance(found, dict):
            return None
        keys = ("device_key", "device_group_key", "device_password")
        if not all(isinstance(found.get(k), str) and found.get(k) for k in keys):
            return None
        return {k: str(found[k]) for k in keys}

    def remember_device(self, user_pool_id: str, names: list[str],
                        device: Mapping[str, str]) -> None:
        """Keep ``device`` for each of ``names`` (the name typed and the real username)."""
        whole = self.read()
        devices = dict(whole.get("devices") or {})
        for name in dict.fromkeys(names):
            devices[f"{user_pool_id}/{name}"] = dict(device)
        whole["devices"] = devices
        self.write(whole)

    def forget_device(self, user_pool_id: str, device_key: str) -> None:
        """Drop every entry for ``device_key`` in this pool."""
        whole = self.read()
        devices = {
            name: value for name, value in (whole.get("devices") or {}).items()
            if not (name.startswith(f"{user_pool_id}/") and isinstance(value, dict)
                    and value.get("device_key") == device_key)
        }
        whole["devices"] = devices
        self.write(whole)
