"""All the state the local Cognito keeps beside moto's, in one place, behind one lock.

moto's backends are process-wide, so this state is too (one instance, ``STATE``). Each store
lives in the module of its concern; ``reset()`` empties them all.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Optional

from ._calls import CallLog
from ._clock import Clock
from ._codes import CodeStore, Outbox
from ._identity_pools import IdentityStore
from ._lambdas import LambdaStore
from ._oauth_state import OAuthStore
from ._sessions import SessionStore
from ._sts import CredentialStore
from ._tokens import TokenStore
from ._triggers import custom_message_hook


@dataclass
class UserExtras:
    """Per-user data moto has no place for (keyed by pool id and ``sub``)."""

    srp_salt: Optional[str] = None
    srp_verifier: Optional[tuple[bytes, int]] = None  # (digest of its inputs, g^x)
    totp_secret: Optional[str] = None
    totp_pending: Optional[str] = None
    totp_name: Optional[str] = None
    email_mfa_enabled: bool = False
    email_mfa_preferred: bool = False
    device_group_key: Optional[str] = None

    def __repr__(self) -> str:
        return "UserExtras(<redacted>)"


@dataclass
class PoolExtras:
    """Per-pool configuration moto ignores."""

    email_mfa: Optional[dict[str, Any]] = None


class LocalState:
    """The server-side stores."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self.outbox = Outbox()
        self.codes = CodeStore(self.clock, self.outbox)
        self.codes.customize = custom_message_hook
        self.sessions = SessionStore(self.clock)
        self.tokens = TokenStore(self.clock)
        self.oauth = OAuthStore(self.clock)
        self.calls = CallLog()
        self.lambdas = LambdaStore()  # trigger handlers (kept by reset) and their invocations
        self.identities = IdentityStore(self.clock)  # cognito-identity
        self.credentials = CredentialStore(self.clock)  # temporary AWS credentials (sts)
        self.users: dict[tuple[str, str], UserExtras] = {}
        self.pools: dict[str, PoolExtras] = {}
        self.devices: dict[str, Any] = {}  # device key -> _devices.Device
        self._next_prune = 0.0

    def user(self, pool_id: str, sub: str) -> UserExtras:
        return self.users.setdefault((pool_id, sub), UserExtras())

    def pool(self, pool_id: str) -> PoolExtras:
        return self.pools.setdefault(pool_id, PoolExtras())

    def forget_user(self, pool_id: str, sub: str) -> None:
        """Drop everything about a deleted user."""
        self.users.pop((pool_id, sub), None)
        self.codes.forget_user(pool_id, sub)
        self.tokens.revoke_user(pool_id, sub)
        for key in [k for k, d in self.devices.items() if (d.pool_id, d.sub) == (pool_id, sub)]:
            del self.devices[key]

    def prune_if_due(self) -> None:
        """Every :data:`PRUNE_EVERY` seconds of server time: forget challenge sessions, codes
        and tokens (revoked ones included) expired more than :data:`PRUNE_GRACE` ago, so a
        long-running server stays bounded under sustained logins."""
        now = self.clock.time()
        if 0 < self._next_prune - now <= PRUNE_EVERY:  # (a clock moved back prunes at once)
            return
        from ._moto import iter_pools

        with self.lock:
            self._next_prune = now + PRUNE_EVERY
            cutoff = now - PRUNE_GRACE
            self.sessions.prune(cutoff)
            self.codes.prune(cutoff)
            self.tokens.prune(cutoff, {pool.id: pool for pool in iter_pools()})

    def reset(self) -> None:
        """Empty every store and put the clock back to real time."""
        with self.lock:
            self.clock.reset()
            self.outbox.clear()
            self.codes.clear()
            self.sessions.clear()
            self.tokens.clear()
            self.oauth.clear()
            self.calls.clear()
            self._next_prune = 0.0
            self.lambdas.clear()
            self.identities.clear()
            self.credentials.clear()
            self.users.clear()
            self.pools.clear()
            self.devices.clear()


#: Seconds of server time between two prunes, and how long after expiry a record is kept (so
#: that a code or refresh token used just after it expired still gets "expired").
PRUNE_EVERY = 60.0
PRUNE_GRACE = 600.0

STATE = LocalState()
