"""Identity providers and app clients (administrator calls that take the pool id)."""

from __future__ import annotations

from typing import Any, Mapping

from ._challenges import strip_metadata
from ._core import CognitoBase
from ._operations import Steps, call, operation


class AdminMixin(CognitoBase):
    """Identity providers and app client settings."""

    @operation
    def admin_create_identity_provider(
        self,
        /,
        pool_id: str,
        provider_name: str,
        provider_type: str,
        provider_details: Mapping[str, str],
        **kwargs: Any,
    ) -> Steps[dict[str, Any]]:
        """Create an identity provider (``kwargs``: ``AttributeMapping``, ``IdpIdentifiers``)."""
        response = yield call("create_identity_provider",
            UserPoolId=pool_id,
            ProviderName=provider_name,
            ProviderType=provider_type,
            ProviderDetails=dict(provider_details),
            **kwargs,
        )
        return strip_metadata(response)

    @operation
    def admin_describe_identity_provider(
        self, pool_id: str, provider_name: str
    ) -> Steps[dict[str, Any]]:
        """Describe an identity provider (``{"IdentityProvider": {...}}``)."""
        response = yield call("describe_identity_provider",
            UserPoolId=pool_id, ProviderName=provider_name
        )
        return strip_metadata(response)

    @operation
    def admin_update_identity_provider(
        self, /, pool_id: str, provider_name: str, **kwargs: Any
    ) -> Steps[dict[str, Any]]:
        """Update an identity provider (``ProviderDetails``, ``AttributeMapping``, ...)."""
        response = yield call("update_identity_provider",
            UserPoolId=pool_id, ProviderName=provider_name, **kwargs
        )
        return strip_metadata(response)

    @operation
    def describe_user_pool_client(self, pool_id: str, client_id: str) -> Steps[dict[str, Any]]:
        """An app client's settings (the ``UserPoolClient`` dict)."""
        response = yield call("describe_user_pool_client", UserPoolId=pool_id, ClientId=client_id)
        return dict(response["UserPoolClient"])

    @operation
    def admin_update_user_pool_client(
        self, /, pool_id: str, client_id: str, **kwargs: Any
    ) -> Steps[dict[str, Any]]:
        """Update an app client. Cognito resets every setting not given to its default, so
        pass the full configuration (start from :meth:`describe_user_pool_client`)."""
        response = yield call("update_user_pool_client",
            UserPoolId=pool_id, ClientId=client_id, **kwargs
        )
        return strip_metadata(response)
