"""SECRET_HASH and ClientSecret checks for app clients that have a secret.

Cognito computes ``b64(HMAC-SHA256(client_secret, username + client_id))`` over the username
the request is about (the typed name in SignUp/InitiateAuth, the challenge's ``USERNAME`` in
challenge responses, the user's internal username for REFRESH_TOKEN_AUTH) and refuses the call
when the value is missing or different.
"""

from __future__ import annotations

import hmac
from typing import Optional

from .. import srp
from ._errors import not_authorized
from ._moto import Client


def has_secret(client: Client) -> bool:
    return bool(client.generate_secret)


def check_secret_hash(client: Client, username: Optional[str], supplied: object) -> None:
    """Refuse (``NotAuthorizedException``) unless ``supplied`` is the hash for ``username``."""
    if not has_secret(client):
        return
    if isinstance(supplied, str) and supplied and isinstance(username, str):
        expected = srp.secret_hash(username, client.id, client.secret)
        if hmac.compare_digest(expected.encode(), supplied.encode()):
            return
    raise not_authorized(f"Unable to verify secret hash for client {client.id}")


def check_client_secret(client: Client, supplied: object) -> None:
    """For operations taking the raw ``ClientSecret`` (RevokeToken, GetTokensFromRefreshToken)."""
    if not has_secret(client):
        return
    if isinstance(supplied, str) and hmac.compare_digest(supplied.encode(), client.secret.encode()):
        return
    raise not_authorized(f"Unable to verify secret hash for client {client.id}")
