"""Identity providers and app clients, end to end."""

from __future__ import annotations

from ..conftest import PoolInfo
from .conftest import CognitoFactory

DETAILS = {"client_id": "google-id", "client_secret": "google-secret",
           "authorize_scopes": "openid email"}


def test_identity_providers(make_either: CognitoFactory, pool: PoolInfo) -> None:
    u = make_either()
    created = u.admin_create_identity_provider(pool.pool_id, "Google", "Google", DETAILS,
                                               AttributeMapping={"email": "email"})
    assert created["IdentityProvider"]["ProviderName"] == "Google"
    described = u.admin_describe_identity_provider(pool.pool_id, "Google")
    assert "ResponseMetadata" not in described
    assert described["IdentityProvider"]["ProviderType"] == "Google"
    u.admin_update_identity_provider(pool.pool_id, "Google",
                                     AttributeMapping={"given_name": "given_name"})
    mapping = u.admin_describe_identity_provider(pool.pool_id, "Google")[
        "IdentityProvider"]["AttributeMapping"]
    assert mapping.get("given_name") == "given_name"


def test_app_clients(make_either: CognitoFactory, pool: PoolInfo) -> None:
    u = make_either()
    settings = u.describe_user_pool_client(pool.pool_id, pool.client_id)
    assert settings["ClientId"] == pool.client_id
    updated = u.admin_update_user_pool_client(
        pool.pool_id, pool.client_id, ClientName="renamed",
        ExplicitAuthFlows=settings["ExplicitAuthFlows"])
    assert updated["UserPoolClient"]["ClientName"] == "renamed"
    assert u.describe_user_pool_client(pool.pool_id, pool.client_id)["ClientName"] == "renamed"
