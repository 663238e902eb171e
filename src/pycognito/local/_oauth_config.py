"""OAuth settings of pools and app clients: domains, resource-server scopes, client OAuth flows.

``CreateUserPoolDomain`` is checked as Cognito checks it (the pool exists, one domain per pool,
a domain belongs to one pool, a prefix is lower-case letters, digits and hyphens, a custom
domain needs a certificate); ``CreateUserPoolClient``/``UpdateUserPoolClient`` refuse OAuth
settings Cognito refuses (unknown scopes, ``client_credentials`` without a secret or mixed
with the user flows). The endpoints read the settings through the helpers here.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from ._errors import CognitoError, invalid_parameter
from ._moto import Client, Pool, find_client, find_pool, iter_backends
from ._registry import Request, operation

#: Scopes every pool has (resource-server scopes are ``identifier/name``).
STANDARD_SCOPES = ("phone", "email", "openid", "profile", "aws.cognito.signin.user.admin")
_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_RESERVED = ("aws", "amazon", "cognito")


# -- domains ------------------------------------------------------------------------------------


def pool_for_domain(domain: str) -> Optional[Pool]:
    """The pool whose domain (prefix or custom domain) is ``domain``, or ``None``."""
    for backend in iter_backends():
        entry = backend.user_pool_domains.get(domain)
        if entry is not None:
            return backend.user_pools.get(entry.user_pool_id)
    return None


def domain_of(pool: Pool) -> Optional[str]:
    """The pool's domain, if it has one."""
    for backend in iter_backends():
        for entry in list(backend.user_pool_domains.values()):
            if entry.user_pool_id == pool.id:
                return str(entry.domain)
    return None


@operation("CreateUserPoolDomain")
def create_user_pool_domain(req: Request) -> dict[str, Any]:
    domain = req.required("Domain")
    pool = find_pool(req.required("UserPoolId"))
    custom = req.mapping("CustomDomainConfig")
    if custom:
        if not custom.get("CertificateArn"):
            raise invalid_parameter("CustomDomainConfig.CertificateArn is required")
        if "." not in domain:
            raise invalid_parameter("A custom domain must be a fully qualified domain name.")
    elif not _PREFIX.match(domain) or any(word in domain for word in _RESERVED):
        raise invalid_parameter(
            f"Domain {domain} is invalid: use lower-case letters, numbers and hyphens, "
            "without the reserved words aws, amazon or cognito."
        )
    if pool_for_domain(domain) is not None:
        raise invalid_parameter("Domain already associated with another user pool.")
    if domain_of(pool) is not None:
        raise invalid_parameter(f"User pool {pool.id} already has a domain configured.")
    return req.call_moto()


# -- scopes and client settings -------------------------------------------------------------------


def resource_server_scopes(pool: Pool) -> set[str]:
    """Every ``identifier/scope`` defined by the pool's resource servers."""
    scopes = set()
    for server in list(pool.resource_servers.values()):
        for scope in server.scopes or []:
            name = scope.get("ScopeName") if isinstance(scope, dict) else None
            if name:
                scopes.add(f"{server.identifier}/{name}")
    return scopes


def allowed_flows(client: Client) -> list[str]:
    """The client's OAuth flows (none unless ``AllowedOAuthFlowsUserPoolClient`` is true)."""
    config = client.extended_config
    if not config.get("AllowedOAuthFlowsUserPoolClient"):
        return []
    return [str(flow) for flow in config.get("AllowedOAuthFlows") or []]


def allowed_scopes(client: Client) -> list[str]:
    return [str(scope) for scope in client.extended_config.get("AllowedOAuthScopes") or []]


def exact_urls(client: Client, name: str) -> list[str]:
    """``CallbackURLs`` or ``LogoutURLs``: Cognito compares them exactly."""
    return [str(url) for url in client.extended_config.get(name) or []]


def _check_client_oauth(req: Request, pool_id: str, has_secret: bool) -> None:
    flows = req.params.get("AllowedOAuthFlows") or []
    scopes = req.params.get("AllowedOAuthScopes") or []
    if not isinstance(flows, list) or not isinstance(scopes, list):
        raise invalid_parameter("AllowedOAuthFlows and AllowedOAuthScopes must be lists")
    unknown = [f for f in flows if f not in ("code", "implicit", "client_credentials")]
    if unknown:
        raise invalid_parameter(f"Invalid OAuth flow: {unknown[0]}")
    if "client_credentials" in flows:
        if len(flows) > 1:
            raise CognitoError("InvalidOAuthFlowException",
                               "client_credentials flow can not be selected along with "
                               "code flow or implicit flow.")
        if not has_secret:
            raise CognitoError("InvalidOAuthFlowException",
                               "client_credentials flow can not be selected if client does "
                               "not have a client secret.")
    custom = resource_server_scopes(find_pool(pool_id))
    for scope in scopes:
        if scope not in STANDARD_SCOPES and scope not in custom:
            raise CognitoError("ScopeDoesNotExistException", f"Invalid scope requested: {scope}")
        if "client_credentials" in flows and scope in STANDARD_SCOPES:
            raise CognitoError("InvalidOAuthFlowException",
                               "client_credentials flow can only be used with custom scopes.")
    if (flows or scopes) and req.params.get("AllowedOAuthFlowsUserPoolClient") is not True:
        raise invalid_parameter("AllowedOAuthFlowsUserPoolClient must be true to use "
                                "AllowedOAuthFlows and AllowedOAuthScopes")
    if "code" in flows or "implicit" in flows:
        if not req.params.get("CallbackURLs"):
            raise invalid_parameter("CallbackURLs is required for the code and implicit flows")
        if "openid" not in scopes and any(s in scopes for s in ("email", "phone", "profile")):
            raise invalid_parameter("The openid scope is required with email, phone or profile")


def check_new_client(req: Request) -> None:
    """CreateUserPoolClient's OAuth settings (before moto stores them)."""
    _check_client_oauth(req, req.required("UserPoolId"), bool(req.params.get("GenerateSecret")))


def check_client_update(req: Request) -> None:
    """UpdateUserPoolClient's OAuth settings (the client keeps its secret, if it has one)."""
    pool, client = find_client(req.required("ClientId"), req.required("UserPoolId"))
    _check_client_oauth(req, pool.id, bool(client.generate_secret))
