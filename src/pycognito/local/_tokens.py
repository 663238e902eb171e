"""Tokens: minting with the app client's validity, and the checks moto leaves out.

ID and access tokens are RS256 JWTs signed with the pool's own keys (``_keys``), so they verify
against the JWKS the server publishes at ``{endpoint_url}/{pool_id}/.well-known/jwks.json``;
``iss`` is AWS's regional issuer. ``origin_jti``, ``auth_time`` and ``event_id`` name the
sign-in, so tokens renewed from a refresh token keep them; ``jti`` and ``iat`` are new. Refresh
tokens are opaque strings bound to their app client (and to the device, when device tracking
issued one). Access tokens are refused once expired or revoked; refresh tokens once expired,
revoked (GlobalSignOut, RevokeToken) or rotated out.
"""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any, Optional

from ..verification import at_hash
from ._clock import Clock
from ._errors import CognitoError, not_authorized
from ._keys import KeyRing
from ._moto import Client, Pool, User, UserStatus, attributes_of
from ._triggers import client_token_generation, pre_token_generation

_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
_DEFAULT_VALUES = {"AccessToken": 1, "IdToken": 1, "RefreshToken": 30}
_FIELDS = {
    "AccessToken": "AccessTokenValidity",
    "IdToken": "IdTokenValidity",
    "RefreshToken": "RefreshTokenValidity",
}
_SCOPE = "aws.cognito.signin.user.admin"
# What a refresh token looks like from the outside: an opaque JWE-shaped string.
_JWE_HEADER = base64.urlsafe_b64encode(
    b'{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}'
).decode().rstrip("=")


def validity_seconds(client: Client, kind: str) -> int:
    """The app client's validity for ``kind`` (AccessToken, IdToken, RefreshToken) in seconds."""
    config = client.extended_config
    value = config.get(_FIELDS[kind])
    units = (config.get("TokenValidityUnits") or {}).get(kind) or _DEFAULT_UNITS[kind]
    if value is None:
        value, units = _DEFAULT_VALUES[kind], _DEFAULT_UNITS[kind]
    return int(value) * _UNITS.get(str(units), _UNITS[_DEFAULT_UNITS[kind]])


@dataclass
class AccessRecord:
    """An access token the server issued."""

    pool_id: str
    client_id: str
    sub: str
    username: str
    origin_jti: str
    expires_at: float
    device_key: Optional[str]
    revoked: bool = False
    scope: str = _SCOPE
    id_token: Optional[str] = None  # issued with it (moto's lookup of it goes when this does)


@dataclass
class RefreshRecord:
    """A refresh token the server issued."""

    pool_id: str
    client_id: str
    sub: str
    username: str
    origin_jti: str
    auth_time: int
    expires_at: float
    device_key: Optional[str]
    revoked: bool = False
    rotated_at: Optional[float] = None
    scope: str = _SCOPE
    event_id: str = ""

    def __repr__(self) -> str:
        return f"RefreshRecord(pool_id={self.pool_id!r}, client_id={self.client_id!r})"


@dataclass
class TokenStore:
    """Every token issued since the last reset, with its state."""

    clock: Clock
    keys: KeyRing = field(default_factory=KeyRing)
    access: dict[str, AccessRecord] = field(default_factory=dict)
    refresh: dict[str, RefreshRecord] = field(default_factory=dict)

    def clear(self) -> None:
        self.access.clear()
        self.refresh.clear()
        self.keys.clear()

    # -- issuing ------------------------------------------------------------------------------

    def issue(
        self,
        pool: Pool,
        client: Client,
        user: User,
        *,
        device_key: Optional[str] = None,
        refresh: Optional[RefreshRecord] = None,
        new_refresh_token: bool = True,
        scope: str = _SCOPE,
        id_token: bool = True,
        nonce: Optional[str] = None,
        with_at_hash: bool = False,
        trigger_source: Optional[str] = None,
    ) -> dict[str, Any]:
        """An ``AuthenticationResult``: ID + access tokens, and a refresh token unless renewing.

        With ``refresh`` (a token renewal), ``origin_jti``, ``auth_time`` and ``event_id`` are
        kept. The OAuth endpoints pass the granted ``scope``, ``id_token=False`` without
        ``openid``, the authorize request's ``nonce`` and ``with_at_hash`` (their id tokens
        carry ``at_hash``). The pool's PreTokenGeneration trigger runs with ``trigger_source``
        (``TokenGeneration_RefreshTokens`` for a renewal, ``TokenGeneration_Authentication`` by
        default) and may change the claims and the access token's scopes.
        """
        now = int(self.clock.time())
        origin_jti = refresh.origin_jti if refresh else str(uuid.uuid4())
        auth_time = refresh.auth_time if refresh else now
        event_id = refresh.event_id if refresh and refresh.event_id else str(uuid.uuid4())
        access_ttl = validity_seconds(client, "AccessToken")
        id_ttl = validity_seconds(client, "IdToken")
        common = {
            "sub": user.id,
            "iss": f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}",
            "origin_jti": origin_jti,
            "event_id": event_id,
            "auth_time": auth_time,
            "iat": now,
        }
        groups = sorted(group.group_name for group in user.groups)
        if groups:
            common["cognito:groups"] = groups
        access_claims = dict(common)
        access_claims.update(
            {
                "client_id": client.id,
                "token_use": "access",
                "scope": scope,
                "exp": now + access_ttl,
                "jti": str(uuid.uuid4()),
                "username": user.username,
            }
        )
        if device_key:
            access_claims["device_key"] = device_key
        id_claims = dict(common)
        id_claims.update(_group_roles(user))
        id_claims.update(_id_attributes(client, user))
        id_claims.update(
            {
                "aud": client.id,
                "token_use": "id",
                "exp": now + id_ttl,
                "jti": str(uuid.uuid4()),
                "cognito:username": user.username,
            }
        )
        source = trigger_source or ("TokenGeneration_RefreshTokens" if refresh
                                    else "TokenGeneration_Authentication")
        pre_token_generation(pool, client, user, source, id_claims=id_claims,
                             access_claims=access_claims)
        final_scope = str(access_claims.get("scope", ""))
        keys = self.keys.for_pool(pool.id)
        access_token = keys.access.sign(access_claims)
        if with_at_hash:
            id_claims["at_hash"] = at_hash(access_token)
        if nonce is not None:
            id_claims["nonce"] = nonce
        # moto's own operations (GetUser, ChangePassword, ...) look access tokens up here.
        pool.access_tokens[access_token] = (client.id, user.username)
        self.access[access_token] = AccessRecord(
            pool.id, client.id, user.id, user.username, origin_jti, now + access_ttl, device_key,
            scope=final_scope,
        )
        result: dict[str, Any] = {
            "AccessToken": access_token,
            "ExpiresIn": access_ttl,
            "TokenType": "Bearer",
        }
        if id_token:
            signed_id_token = keys.id.sign(id_claims)
            pool.id_tokens[signed_id_token] = (client.id, user.username)
            self.access[access_token].id_token = signed_id_token
            result["IdToken"] = signed_id_token
        if new_refresh_token:
            token = _opaque_refresh_token()
            self.refresh[token] = RefreshRecord(
                pool.id, client.id, user.id, user.username, origin_jti, auth_time,
                now + validity_seconds(client, "RefreshToken"), device_key, scope=scope,
                event_id=event_id,
            )
            result["RefreshToken"] = token
        return result

    def issue_client_token(self, pool: Pool, client: Client, scope: str) -> dict[str, Any]:
        """A ``client_credentials`` access token as Cognito mints it: ``sub`` and ``client_id``
        are the app client, ``scope`` the granted resource-server scopes, no user claims."""
        now = int(self.clock.time())
        ttl = validity_seconds(client, "AccessToken")
        claims = {
            "sub": client.id,
            "token_use": "access",
            "scope": scope,
            "auth_time": now,
            "iss": f"https://cognito-idp.{pool.region}.amazonaws.com/{pool.id}",
            "exp": now + ttl,
            "iat": now,
            "version": 2,
            "jti": str(uuid.uuid4()),
            "client_id": client.id,
        }
        client_token_generation(pool, client, claims)  # PreTokenGeneration V3_0 only
        token = self.keys.for_pool(pool.id).access.sign(claims)
        self.access[token] = AccessRecord(pool.id, client.id, "", "", "", now + ttl, None,
                                          scope=str(claims.get("scope", "")))
        return {"access_token": token, "expires_in": ttl, "token_type": "Bearer"}

    def prune(self, cutoff: float, pools: dict[str, Pool]) -> None:
        """Forget tokens that expired before ``cutoff`` (revoked or not), and moto's lookups
        of them in ``pools`` (pool id -> moto pool)."""
        for token in [t for t, r in self.access.items() if r.expires_at < cutoff]:
            record = self.access.pop(token)
            pool = pools.get(record.pool_id)
            if pool is not None:
                pool.access_tokens.pop(token, None)
                if record.id_token is not None:
                    pool.id_tokens.pop(record.id_token, None)
        for token in [t for t, r in self.refresh.items() if r.expires_at < cutoff]:
            del self.refresh[token]

    # -- checking -----------------------------------------------------------------------------

    def check_access_token(self, token: object) -> AccessRecord:
        """The record of a live access token, or ``NotAuthorizedException`` as Cognito words it."""
        record = self.access.get(token) if isinstance(token, str) else None
        if record is None:
            if _expired_jwt(token, self.clock.time()):  # its record was pruned
                raise not_authorized("Access Token has expired")
            raise not_authorized("Invalid Access Token")
        if record.revoked:
            raise not_authorized("Access Token has been revoked")
        if self.clock.time() >= record.expires_at:
            raise not_authorized("Access Token has expired")
        return record

    def check_refresh_token(self, token: object, client: Client,
                            device_key: object = None) -> RefreshRecord:
        """The record of a usable refresh token for this client (and device), or the error."""
        record = self.refresh.get(token) if isinstance(token, str) else None
        if record is None or record.client_id != client.id:
            raise not_authorized("Invalid Refresh Token.")
        if record.revoked:
            raise not_authorized("Refresh Token has been revoked")
        if self.clock.time() >= record.expires_at:
            raise not_authorized("Refresh Token has expired")
        if record.rotated_at is not None:
            grace = _grace_period(client)
            if self.clock.time() > record.rotated_at + grace:
                raise CognitoError("RefreshTokenReuseException",
                                   "Refresh token has been used and rotated out.")
        if record.device_key is not None and device_key != record.device_key:
            raise not_authorized("Invalid Refresh Token.")
        return record

    # -- revoking -----------------------------------------------------------------------------

    def revoke_origin(self, origin_jti: str) -> None:
        """Revoke a refresh token and every access token minted from it (RevokeToken)."""
        for access in self.access.values():
            if access.origin_jti == origin_jti:
                access.revoked = True
        for refresh in self.refresh.values():
            if refresh.origin_jti == origin_jti:
                refresh.revoked = True

    def revoke_user(self, pool_id: str, sub: str) -> None:
        """Revoke every token of a user (GlobalSignOut, AdminUserGlobalSignOut, deletion)."""
        for access in self.access.values():
            if access.pool_id == pool_id and access.sub == sub:
                access.revoked = True
        for refresh in self.refresh.values():
            if refresh.pool_id == pool_id and refresh.sub == sub:
                refresh.revoked = True

    def revoke_device(self, pool_id: str, sub: str, device_key: str) -> None:
        """Refresh tokens bound to a forgotten device stop working."""
        for refresh in self.refresh.values():
            if (refresh.pool_id, refresh.sub, refresh.device_key) == (pool_id, sub, device_key):
                refresh.revoked = True


def rotation_enabled(client: Client) -> bool:
    rotation = client.extended_config.get("RefreshTokenRotation") or {}
    return bool(rotation.get("Feature") == "ENABLED")


def _grace_period(client: Client) -> int:
    rotation = client.extended_config.get("RefreshTokenRotation") or {}
    try:
        return max(0, min(60, int(rotation.get("RetryGracePeriodSeconds") or 0)))
    except (TypeError, ValueError):
        return 0


def user_usable(user: Optional[User]) -> User:
    """The user behind a token must still exist and be enabled."""
    if user is None:
        raise not_authorized("User does not exist.")
    if not user.enabled:
        raise not_authorized("User is disabled.")
    return user


def _group_roles(user: User) -> dict[str, Any]:
    """``cognito:roles`` of the user's groups, and ``cognito:preferred_role``: the role of the
    group with the lowest precedence, when exactly one group has it."""
    groups = [g for g in user.groups if g.role_arn]
    if not groups:
        return {}
    claims: dict[str, Any] = {"cognito:roles": sorted({str(g.role_arn) for g in groups})}
    ranked = sorted(groups, key=lambda g: g.precedence if g.precedence is not None else 2**31)
    first = ranked[0].precedence
    if first is not None and (len(ranked) == 1 or ranked[1].precedence != first):
        claims["cognito:preferred_role"] = str(ranked[0].role_arn)
    return claims


def _id_attributes(client: Client, user: User) -> dict[str, Any]:
    readable = client.extended_config.get("ReadAttributes")
    claims: dict[str, Any] = {}
    for name, value in attributes_of(user).items():
        if name == "sub" or (readable and name not in readable and not name.endswith("_verified")):
            continue
        if readable and name.endswith("_verified") and name[: -len("_verified")] not in readable:
            continue
        if name.endswith("_verified"):
            claims[name] = str(value).lower() == "true"
        else:
            claims[name] = value
    return claims


def _expired_jwt(token: object, now: float) -> bool:
    """Whether ``token`` looks like one of our access tokens whose ``exp`` has passed (after
    its record is pruned it still gets "has expired", not "invalid"). Not verified: either
    answer is a NotAuthorizedException."""
    if not isinstance(token, str) or token.count(".") != 2 or len(token) > 16384:
        return False
    try:
        segment = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, TypeError):
        return False
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return (claims.get("token_use") == "access" and isinstance(exp, (int, float))
            and not isinstance(exp, bool) and exp <= now)


def _opaque_refresh_token() -> str:
    parts = [base64.urlsafe_b64encode(secrets.token_bytes(n)).decode().rstrip("=")
             for n in (256, 12, 1024, 16)]
    return ".".join([_JWE_HEADER, *parts])


__all__ = ["AccessRecord", "RefreshRecord", "TokenStore", "UserStatus", "rotation_enabled",
           "user_usable", "validity_seconds"]
