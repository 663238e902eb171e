"""The per-operation call log: which Cognito operations reached the server, in order.

Tests use it to count calls (for example how many ``InitiateAuth`` with ``REFRESH_TOKEN_AUTH``
a client made). Only names and ids are recorded, never parameters such as passwords or tokens.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any, Optional

TARGET_PREFIX = "AWSCognitoIdentityProviderService."


@dataclass(frozen=True)
class Call:
    """One Cognito operation received by the server."""

    operation: str
    user_pool_id: Optional[str]
    client_id: Optional[str]
    auth_flow: Optional[str]
    challenge_name: Optional[str]
    at: datetime

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
        return data


def call_from_request(target: str, body: bytes, at: datetime, params: Any = None
                      ) -> Optional[Call]:
    """The :class:`Call` for a request with this ``X-Amz-Target``; ``None`` if not Cognito.
    ``params``: the body already parsed (else it is parsed here)."""
    if not target.startswith(TARGET_PREFIX):
        return None
    try:
        if params is None:
            params = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # refused by the front door; still a call
        params = {}
    if not isinstance(params, dict):
        params = {}

    def text(name: str) -> Optional[str]:
        value = params.get(name)
        return value if isinstance(value, str) else None

    return Call(
        operation=target[len(TARGET_PREFIX):],
        user_pool_id=text("UserPoolId"),
        client_id=text("ClientId"),
        auth_flow=text("AuthFlow"),
        challenge_name=text("ChallengeName"),
        at=at,
    )


#: How many calls the log keeps (the newest): a ring, so a long-running server stays bounded.
CALL_LOG_SIZE = 10_000


class CallLog:
    """The newest :data:`CALL_LOG_SIZE` calls, in arrival order."""

    def __init__(self, size: int = CALL_LOG_SIZE) -> None:
        self._calls: deque[Call] = deque(maxlen=size)

    def add(self, call: Call) -> None:
        self._calls.append(call)

    def clear(self) -> None:
        self._calls.clear()

    def select(self, *, operation: Optional[str] = None, user_pool_id: Optional[str] = None,
               client_id: Optional[str] = None, auth_flow: Optional[str] = None) -> list[Call]:
        return [
            call for call in self._calls
            if (operation is None or call.operation == operation)
            and (user_pool_id is None or call.user_pool_id == user_pool_id)
            and (client_id is None or call.client_id == client_id)
            and (auth_flow is None or call.auth_flow == auth_flow)
        ]
