"""Identity pools (``cognito-identity``): the operations a client calls with a user's token.

moto keeps the identity pools themselves (Create/Describe/Update/List/DeleteIdentityPool); it
checks no token, hands out fixed credentials and has no roles. Here ``GetId``,
``GetCredentialsForIdentity`` and ``GetOpenIdToken`` check what a client can get wrong:

- the id token verifies: RS256 signature with the user pool's key, ``iss`` matching the
  provider name, ``token_use`` ``id``, ``aud`` among the app clients the identity pool lists
  for that provider, not expired by the server clock;
- the provider is one of the identity pool's Cognito providers;
- an identity is bound to the user (``sub``) it was made for; the credentials' role comes from
  ``SetIdentityPoolRoles`` (roles and role mappings: ``Token`` and ``Rules``, with ``Deny`` or
  ``AuthenticatedRole`` for ambiguous cases);
- credentials expire by the server clock (see :mod:`._sts`, which also serves them to STS).

OpenID tokens (``GetOpenIdToken``) are RS256 JWTs for ``AssumeRoleWithWebIdentity``; they
expire after 10 minutes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Optional

from joserfc import jwk, jwt
from joserfc.errors import JoseError

from ._clock import Clock
from ._errors import CognitoError, invalid_parameter, not_authorized, resource_not_found
from ._keys import SigningKey, stock_key

IdentityPool = Any  # moto's CognitoIdentityPool (untyped)

OPENID_ISSUER = "https://cognito-identity.amazonaws.com"
OPENID_TOKEN_SECONDS = 600
CREDENTIALS_SECONDS = 3600
_IDP_PREFIX = "cognito-idp."
_OPENID_KID = "local-cognito-identity"


@dataclass
class Identity:
    """One identity: its pool and the user (provider, ``sub``) it belongs to."""

    identity_id: str
    pool_id: str
    logins: dict[str, str]  # provider name -> sub; empty for an unauthenticated identity


@dataclass
class Login:
    """A ``Logins`` entry whose token verified."""

    provider: str
    client_id: str
    sub: str
    claims: dict[str, Any]


@dataclass
class IdentityStore:
    """Identities and identity-pool roles since the last reset."""

    clock: Clock
    identities: dict[str, Identity] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)  # pool id -> roles config

    def clear(self) -> None:
        self.identities.clear()
        self.roles.clear()

    def identity_for(self, pool_id: str, region: str, login: Optional[Login]) -> Identity:
        """The identity of this user in this pool (made on first use)."""
        if login is not None:
            for identity in self.identities.values():
                if identity.pool_id == pool_id and identity.logins.get(login.provider) == login.sub:
                    return identity
        identity = Identity(f"{region}:{uuid.uuid4()}", pool_id,
                            {login.provider: login.sub} if login else {})
        self.identities[identity.identity_id] = identity
        return identity


# -- finding things -------------------------------------------------------------------------


def iter_identity_pools() -> Iterator[IdentityPool]:
    from ._moto import iter_identity_pools as moto_identity_pools

    return moto_identity_pools()


def find_identity_pool(pool_id: object) -> IdentityPool:
    if isinstance(pool_id, str):
        for pool in iter_identity_pools():
            if pool.identity_pool_id == pool_id:
                return pool
    raise resource_not_found(f"IdentityPool '{pool_id}' not found.")


def _user_pool_key(user_pool_id: str) -> Any:
    """A user pool's published keys, as a key set (``None`` if there is no such pool)."""
    from ._moto import iter_pools
    from ._state import STATE

    for pool in iter_pools():
        if pool.id == user_pool_id:
            keys = STATE.tokens.keys.for_pool(pool.id)
            return jwk.KeySet([
                jwk.RSAKey.import_key(signer.private_key.public_key(), {"kid": signer.kid})
                for signer in (keys.id, keys.access)])
    return None


# -- checking logins ------------------------------------------------------------------------


def check_logins(pool: IdentityPool, logins: object, now: float) -> Optional[Login]:
    """The verified login of ``Logins`` (``None`` when there is none and the pool allows
    unauthenticated identities), or Cognito's error."""
    if not logins:
        if pool.allow_unauthenticated_identities:
            return None
        raise not_authorized("Unauthenticated access is not supported for this identity pool.")
    if not isinstance(logins, dict) or len(logins) != 1:
        raise invalid_parameter("Logins must map one provider name to its token.")
    ((provider, token),) = logins.items()
    clients = {str(p.get("ClientId")) for p in pool.cognito_identity_providers or []
               if isinstance(p, dict) and p.get("ProviderName") == provider}
    if not clients:
        raise not_authorized("Token is not from a supported provider of this identity pool.")
    claims = verify_id_token(provider, token, now)
    if claims.get("aud") not in clients:
        raise not_authorized("Token is not from a supported provider of this identity pool.")
    return Login(provider, str(claims["aud"]), str(claims.get("sub")), claims)


def verify_id_token(provider: str, token: object, now: float) -> dict[str, Any]:
    """The claims of a user pool id token for ``provider``, checked as Cognito does."""
    if not provider.startswith(_IDP_PREFIX) or "/" not in provider:
        raise not_authorized("Invalid login token. Couldn't verify signed token.")
    key = _user_pool_key(provider.rsplit("/", 1)[1])
    if key is None or not isinstance(token, str):
        raise not_authorized("Invalid login token. Couldn't verify signed token.")
    claims = decode(token, key)
    if claims.get("iss") != f"https://{provider}":
        raise not_authorized("Invalid login token. Issuer doesn't match providerName")
    if claims.get("token_use") != "id":
        raise not_authorized("Invalid login token. Not a valid OpenId Connect identity token.")
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)) or now >= exp:
        raise not_authorized(f"Invalid login token. Token expired: {exp} >= {int(now)}")
    return claims


def decode(token: str, key: Any) -> dict[str, Any]:
    """Verify an RS256 signature (no other algorithm) and return the claims."""
    try:
        decoded = jwt.decode(token, key, algorithms=["RS256"])
    except (JoseError, ValueError, TypeError):
        raise not_authorized("Invalid login token. Couldn't verify signed token.") from None
    return dict(decoded.claims)


# -- roles ----------------------------------------------------------------------------------


def resolve_role(config: Mapping[str, Any], login: Login,
                 custom_role_arn: Optional[str]) -> str:
    """The role the identity pool gives this login (``SetIdentityPoolRoles``' rules)."""
    default = (config.get("Roles") or {}).get("authenticated")
    mapping = (config.get("RoleMappings") or {}).get(f"{login.provider}:{login.client_id}")
    role: Optional[str] = None
    if isinstance(mapping, dict) and mapping.get("Type") == "Token":
        role = _role_from_token(login.claims, custom_role_arn)
    elif isinstance(mapping, dict) and mapping.get("Type") == "Rules":
        role = _role_from_rules(mapping, login.claims)
    elif custom_role_arn is not None and custom_role_arn != default:
        raise invalid_parameter("CustomRoleArn is not a role this identity can assume.")
    if (role is None and isinstance(mapping, dict)
            and mapping.get("AmbiguousRoleResolution") != "AuthenticatedRole"):
        raise not_authorized(
            f"The ambiguous role mapping rules for: {login.provider} denied this request.")
    role = role or default
    if not role:
        raise CognitoError("InvalidIdentityPoolConfigurationException",
                           "Invalid identity pool configuration. "
                           "Check assigned IAM roles for this pool.")
    return str(role)


def _role_from_token(claims: Mapping[str, Any], custom_role_arn: Optional[str]) -> Optional[str]:
    roles = claims.get("cognito:roles")
    roles = [str(r) for r in roles] if isinstance(roles, list) else []
    if custom_role_arn is not None:
        if custom_role_arn not in roles:
            raise invalid_parameter("CustomRoleArn is not one of the roles in the token.")
        return custom_role_arn
    preferred = claims.get("cognito:preferred_role")
    if isinstance(preferred, str) and preferred:
        return preferred
    return roles[0] if len(roles) == 1 else None


_MATCHERS: dict[str, Callable[[str, str], bool]] = {
    "Equals": lambda claim, value: claim == value,
    "Contains": lambda claim, value: value in claim,
    "StartsWith": lambda claim, value: claim.startswith(value),
    "NotEqual": lambda claim, value: claim != value,
}


def _role_from_rules(mapping: Mapping[str, Any], claims: Mapping[str, Any]) -> Optional[str]:
    rules = (mapping.get("RulesConfiguration") or {}).get("Rules") or []
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        claim = claims.get(str(rule.get("Claim")))
        if isinstance(claim, list):
            claim = ",".join(str(c) for c in claim)
        matcher = _MATCHERS.get(str(rule.get("MatchType")))
        if claim is not None and matcher and matcher(str(claim), str(rule.get("Value"))):
            return str(rule.get("RoleARN"))
    return None


def roles_of(config: Mapping[str, Any]) -> set[str]:
    """Every role the identity pool can hand out (what its roles' trust policies would name)."""
    roles = {str(r) for r in (config.get("Roles") or {}).values()}
    for mapping in (config.get("RoleMappings") or {}).values():
        rules = ((mapping or {}).get("RulesConfiguration") or {}).get("Rules") or []
        roles.update(str(rule.get("RoleARN")) for rule in rules if isinstance(rule, dict))
    return roles


# -- OpenID tokens --------------------------------------------------------------------------

_OPENID_SIGNER = SigningKey(_OPENID_KID, stock_key(-1))  # the stock's last key
_openid_key: Any = None


def openid_key() -> Any:
    """The public key OpenID tokens verify with (joserfc's form, built once)."""
    global _openid_key
    if _openid_key is None:
        _openid_key = jwk.RSAKey.import_key(_OPENID_SIGNER.private_key.public_key())
    return _openid_key


def openid_token(identity: Identity, login: Login, now: float) -> str:
    claims = {
        "iss": OPENID_ISSUER,
        "sub": identity.identity_id,
        "aud": identity.pool_id,
        "amr": ["authenticated", login.provider,
                f"{login.provider}:{login.client_id}:{login.sub}"],
        "iat": int(now),
        "exp": int(now) + OPENID_TOKEN_SECONDS,
    }
    return _OPENID_SIGNER.sign(claims)
