"""Finding moto's pools, app clients and users, whichever account or region holds them.

Most Cognito operations carry no credentials (InitiateAuth, SignUp, ...), so the region in the
request does not identify the backend; the pool id, client id or token does.
"""

from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

from moto.cognitoidp.models import UserStatus, cognitoidp_backends
from moto.cognitoidp.utils import flatten_attrs

from ._errors import resource_not_found

# moto's model classes are untyped; these aliases document what a value is.
Backend = Any
Pool = Any
Client = Any
User = Any

__all__ = [
    "Backend",
    "Client",
    "Pool",
    "User",
    "UserStatus",
    "attributes_of",
    "find_client",
    "find_pool",
    "find_user",
    "iter_backends",
    "iter_pools",
    "pool_name",
    "reset_backends",
]


def iter_backends() -> Iterator[Backend]:
    """Every Cognito backend moto has created (all accounts, all regions)."""
    for account in list(cognitoidp_backends.values()):
        for region, backend in list(account.items()):
            if region != "global":
                yield backend


def iter_pools() -> Iterator[Pool]:
    for backend in iter_backends():
        yield from list(backend.user_pools.values())


def find_pool(pool_id: str) -> Pool:
    """The pool with this id; ``ResourceNotFoundException`` when there is none."""
    for backend in iter_backends():
        pool = backend.user_pools.get(pool_id)
        if pool is not None:
            return pool
    raise resource_not_found(f"User pool {pool_id} does not exist.")


def find_client(client_id: str, pool_id: Optional[str] = None) -> Tuple[Pool, Client]:
    """The pool and app client for ``client_id`` (optionally required to be in ``pool_id``)."""
    if isinstance(client_id, str) and client_id:
        for pool in iter_pools():
            client = pool.clients.get(client_id)
            if client is not None and (pool_id is None or pool.id == pool_id):
                return pool, client
    raise resource_not_found(f"User pool client {client_id} does not exist.")


def attributes_of(user: User) -> dict[str, str]:
    """A user's attributes as a flat ``{name: value}`` dict."""
    return dict(flatten_attrs(user.attributes))


def find_user(pool: Pool, name: Optional[str]) -> Optional[User]:
    """Resolve a sign-in name: internal username, username attribute, or verified alias."""
    if not isinstance(name, str) or not name:
        return None
    user = pool._get_user(name)
    if user is not None:
        return user
    lowered = name.lower()
    for candidate in pool.users.values():
        if candidate.username.lower() == lowered and not pool.extended_config.get(
            "UsernameConfiguration", {}
        ).get("CaseSensitive", True):
            return candidate
    aliases = pool.extended_config.get("AliasAttributes") or []
    for candidate in pool.users.values():
        attrs = attributes_of(candidate)
        for alias in aliases:
            if attrs.get(alias) != name:
                continue
            if alias == "preferred_username" or attrs.get(f"{alias}_verified") == "true":
                return candidate
    return None


def pool_name(pool_id: str) -> str:
    """The SRP identity prefix: the part of the pool id after ``_``."""
    return pool_id.split("_", 1)[1]


def reset_backends() -> None:
    """Empty the backends the local Cognito serves (cognito-idp, cognito-identity, sts)."""
    from moto.cognitoidentity.models import cognitoidentity_backends
    from moto.sts.models import sts_backends

    served: tuple[Any, ...] = (cognitoidp_backends, cognitoidentity_backends, sts_backends)
    for backends in served:
        for account in list(backends.values()):
            account.reset()
