"""Challenge sessions: opaque, bound to one user, app client and challenge, single use, expiring.

A session lives for the app client's ``AuthSessionValidity`` minutes (Cognito's default 3) on
the server clock. Answering a challenge consumes its session (a new one comes with the next
challenge); a wrong MFA code leaves it usable for a few more tries, as Cognito does.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any, Optional

from ._clock import Clock
from ._errors import invalid_session
from ._moto import Client

#: Wrong answers (MFA codes) a session survives before it is dropped.
MAX_FAILURES = 3


@dataclass
class ChallengeSession:
    """Server-side state of one pending challenge."""

    id: str
    pool_id: str
    client_id: str
    sub: str
    challenge: str
    expires_at: float
    admin: bool = False
    device_key: Optional[str] = None
    data: dict[str, Any] = field(default_factory=dict)
    failures: int = 0
    used: bool = False

    def __repr__(self) -> str:
        return f"ChallengeSession(challenge={self.challenge!r}, pool_id={self.pool_id!r})"


def session_lifetime(client: Client) -> float:
    """Seconds a challenge session lives for this app client."""
    try:
        minutes = int(client.extended_config.get("AuthSessionValidity") or 3)
    except (TypeError, ValueError):
        minutes = 3
    return 60.0 * max(1, minutes)


class SessionStore:
    """Every challenge session issued since the last reset."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sessions: dict[str, ChallengeSession] = {}

    def create(self, *, pool_id: str, client: Client, sub: str, challenge: str,
               admin: bool = False, device_key: Optional[str] = None,
               data: Optional[dict[str, Any]] = None) -> ChallengeSession:
        token = base64.urlsafe_b64encode(secrets.token_bytes(384)).decode().rstrip("=")
        session = ChallengeSession(
            id=token,
            pool_id=pool_id,
            client_id=client.id,
            sub=sub,
            challenge=challenge,
            expires_at=self._clock.time() + session_lifetime(client),
            admin=admin,
            device_key=device_key,
            data=dict(data or {}),
        )
        self._sessions[token] = session
        return session

    def find(self, session_id: object) -> Optional[ChallengeSession]:
        if not isinstance(session_id, str):
            return None
        return self._sessions.get(session_id)

    def find_by(self, key: str, value: str) -> Optional[ChallengeSession]:
        """The session whose ``data[key]`` equals ``value`` (e.g. an SRP secret block)."""
        for session in self._sessions.values():
            if session.data.get(key) == value:
                return session
        return None

    def open(self, session_id: object, *, client_id: str,
             challenges: Optional[tuple[str, ...]] = None) -> ChallengeSession:
        """The live session, or ``NotAuthorizedException`` ("Invalid session for the user...")."""
        session = self.find(session_id)
        if session is None or session.client_id != client_id:
            raise invalid_session()
        self.check_live(session)
        if challenges is not None and session.challenge not in challenges:
            raise invalid_session()
        return session

    def check_live(self, session: ChallengeSession) -> None:
        if session.used:
            raise invalid_session("session can only be used once")
        if self._clock.time() >= session.expires_at:
            raise invalid_session("session is expired")

    def consume(self, session: ChallengeSession) -> None:
        session.used = True

    def fail(self, session: ChallengeSession) -> None:
        """Count a wrong answer; the session is dropped after :data:`MAX_FAILURES`."""
        session.failures += 1
        if session.failures >= MAX_FAILURES:
            session.used = True

    def prune(self, cutoff: float) -> None:
        """Forget sessions that expired before ``cutoff`` (used or not)."""
        for key in [k for k, v in self._sessions.items() if v.expires_at < cutoff]:
            del self._sessions[key]

    def clear(self) -> None:
        self._sessions.clear()
