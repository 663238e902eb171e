"""Users as the handlers need them: by sub, by access token, and how Cognito masks contacts."""

from __future__ import annotations

from typing import Optional

from ._errors import CognitoError, not_authorized, user_not_found
from ._moto import Client, Pool, User, attributes_of, find_pool
from ._state import STATE
from ._tokens import AccessRecord, user_usable


def user_by_sub(pool: Pool, sub: str) -> Optional[User]:
    for user in pool.users.values():
        if user.id == sub:
            return user
    return None


def authorize(access_token: object) -> tuple[Pool, User, AccessRecord]:
    """The pool, user and record behind a live access token (or NotAuthorizedException)."""
    record = STATE.tokens.check_access_token(access_token)
    try:
        pool = find_pool(record.pool_id)
    except CognitoError:
        raise not_authorized("Invalid Access Token") from None
    user = user_usable(user_by_sub(pool, record.sub))
    return pool, user, record


def missing_user_error(client: Client) -> CognitoError:
    """What an unknown user gets: UserNotFoundException, or NotAuthorizedException when the
    client prevents user-existence errors."""
    if client.extended_config.get("PreventUserExistenceErrors") == "ENABLED":
        return not_authorized()
    return user_not_found()


def mask_email(address: str) -> str:
    """``a***@e***`` as Cognito shows an e-mail destination."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def mask_phone(number: str) -> str:
    """``+*******1234`` as Cognito shows a phone destination."""
    return "+" + "*" * max(0, len(number) - 5) + number[-4:]


def delivery(user: User, attribute: str) -> Optional[dict[str, str]]:
    """CodeDeliveryDetails for sending to ``email`` or ``phone_number`` (None if unset)."""
    value = attributes_of(user).get(attribute)
    if not value:
        return None
    if attribute == "email":
        return {"Destination": mask_email(value), "DeliveryMedium": "EMAIL",
                "AttributeName": "email"}
    return {"Destination": mask_phone(value), "DeliveryMedium": "SMS",
            "AttributeName": "phone_number"}
