"""What the domain endpoints remember: one-time codes, hosted-UI sessions, logins awaiting MFA.

Authorization codes live 5 minutes and work once, for the client, redirect URI and PKCE
challenge they were issued with. A hosted-UI session (the ``cognito`` cookie) lets a later
authorize request skip the login page until it expires or ``/logout`` ends it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Optional

from ._clock import Clock

CODE_SECONDS = 300
SESSION_SECONDS = 3600
PENDING_SECONDS = 180


@dataclass
class Grant:
    """Who authorized what: the part of an authorize request a code carries."""

    pool_id: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    nonce: Optional[str]
    code_challenge: Optional[str]

    def __repr__(self) -> str:
        return f"Grant(pool_id={self.pool_id!r}, client_id={self.client_id!r})"


@dataclass
class AuthCode:
    grant: Grant
    sub: str
    expires_at: float


@dataclass
class HostedSession:
    """A signed-in browser (the hosted UI's session cookie)."""

    pool_id: str
    sub: str
    expires_at: float


@dataclass
class PendingLogin:
    """A password already checked on the login page, waiting for the MFA code."""

    pool_id: str
    sub: str
    method: str
    expires_at: float


@dataclass
class OAuthStore:
    clock: Clock
    codes: dict[str, AuthCode] = field(default_factory=dict)
    sessions: dict[str, HostedSession] = field(default_factory=dict)
    pending: dict[str, PendingLogin] = field(default_factory=dict)

    def clear(self) -> None:
        self.codes.clear()
        self.sessions.clear()
        self.pending.clear()

    def new_code(self, grant: Grant, sub: str) -> str:
        code = secrets.token_urlsafe(27)
        self.codes[code] = AuthCode(grant, sub, self.clock.time() + CODE_SECONDS)
        return code

    def take_code(self, code: object) -> Optional[AuthCode]:
        """The live code (removed: a code works once), or ``None``."""
        found = self.codes.pop(code, None) if isinstance(code, str) else None
        if found is None or self.clock.time() >= found.expires_at:
            return None
        return found

    def new_session(self, pool_id: str, sub: str) -> str:
        session_id = secrets.token_urlsafe(24)
        self.sessions[session_id] = HostedSession(pool_id, sub,
                                                  self.clock.time() + SESSION_SECONDS)
        return session_id

    def session(self, session_id: object, pool_id: str) -> Optional[HostedSession]:
        found = self.sessions.get(session_id) if isinstance(session_id, str) else None
        if found is None or found.pool_id != pool_id or self.clock.time() >= found.expires_at:
            return None
        return found

    def new_pending(self, pool_id: str, sub: str, method: str) -> str:
        pending_id = secrets.token_urlsafe(24)
        self.pending[pending_id] = PendingLogin(pool_id, sub, method,
                                                self.clock.time() + PENDING_SECONDS)
        return pending_id

    def find_pending(self, pending_id: object, pool_id: str) -> Optional[PendingLogin]:
        found = self.pending.get(pending_id) if isinstance(pending_id, str) else None
        if found is None or found.pool_id != pool_id or self.clock.time() >= found.expires_at:
            return None
        return found
