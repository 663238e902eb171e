"""Which parts of moto the local Cognito uses: all of them here, so a moto upgrade that changes
any of them fails in this file first (and nowhere else first)."""

from __future__ import annotations

import ast
import importlib.metadata
from pathlib import Path
from typing import Any

from pycognito.local import LocalCognito, _moto

LOCAL_PACKAGE = Path(_moto.__file__).parent

# What the handlers read and change on moto's models (grep the handlers for `pool.`, `user.`...).
POOL_MEMBERS = ("id", "region", "users", "clients", "extended_config", "schema_attributes",
                "access_tokens", "id_tokens", "backend", "mfa_config", "sms_mfa_config",
                "token_mfa_config", "sign_out", "_get_user")
USER_MEMBERS = ("id", "username", "attributes", "enabled", "status", "password", "groups",
                "preferred_mfa_setting", "software_token_mfa_enabled", "sms_mfa_enabled",
                "token_verified", "update_attributes", "delete_attributes", "to_json")
CLIENT_MEMBERS = ("id", "extended_config", "secret", "generate_secret")
BACKEND_MEMBERS = ("user_pools", "_validate_password", "admin_delete_user",
                   "admin_update_user_attributes")
USER_STATUSES = ("CONFIRMED", "UNCONFIRMED", "FORCE_CHANGE_PASSWORD", "RESET_REQUIRED")


def test_moto_is_the_version_this_was_written_for() -> None:
    major, minor = importlib.metadata.version("moto").split(".")[:2]
    assert (int(major), int(minor)) == (5, 2), "re-check every name in this file, then widen"


def test_only_the_moto_module_imports_moto() -> None:
    importers = set()
    for path in LOCAL_PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name == "moto" or name.startswith("moto.") for name in names):
                importers.add(path.name)
    assert importers == {"_moto.py"}


def test_the_model_members_the_handlers_use_exist(local: LocalCognito, cognito_idp: Any) -> None:
    pool_id = cognito_idp.create_user_pool(PoolName="surface")["UserPool"]["Id"]
    client_id = cognito_idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", GenerateSecret=True)["UserPoolClient"]["ClientId"]
    cognito_idp.admin_create_user(UserPoolId=pool_id, Username="alice")
    pool, client = _moto.find_client(client_id, pool_id)
    user = _moto.find_user(pool, "alice")
    for obj, members in ((pool, POOL_MEMBERS), (user, USER_MEMBERS), (client, CLIENT_MEMBERS),
                         (pool.backend, BACKEND_MEMBERS)):
        missing = [name for name in members if not hasattr(obj, name)]
        assert not missing, f"{type(obj).__name__} lost {missing}"
    assert all(hasattr(_moto.UserStatus, status) for status in USER_STATUSES)
    assert _moto.attributes_of(user)["sub"] == user.id


def test_the_hooked_globals_and_the_forwarding_entry_point_exist() -> None:
    models: Any = _moto.moto_models
    assert callable(models.utcnow) and callable(models.jwk.RSAKey.import_key)
    for service in ("cognito-idp", "cognito-identity", "sts"):
        assert callable(_moto._response_class(service).dispatch)
    assert hasattr(next(iter(_moto.cognitoidp_backends.values()), None) or {}, "get")
    assert _moto._ServerRequest.from_wsgi_server is True
