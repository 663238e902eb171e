"""Codes the local Cognito "sends": the outbox, and the checks on codes sent back.

Every code (sign-up confirmation, password reset, attribute verification, SMS/e-mail MFA,
one-time passwords, and the temporary password of AdminCreateUser) is random and recorded in
the outbox, which is what ``LocalCognito.messages()`` and ``GET /_local/messages`` show.
A code sent back is compared with the latest one issued for the same purpose: a wrong code is
``CodeMismatchException``; a superseded, used or expired one is ``ExpiredCodeException``.
"""

from __future__ import annotations

import hmac
import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from ._clock import Clock
from ._errors import code_mismatch, expired_code

KINDS = (
    "sign_up",
    "forgot_password",
    "attribute_verification",
    "sms_mfa",
    "email_mfa",
    "sms_otp",
    "email_otp",
    "admin_create_user",
)

# How long each kind of code stays valid (seconds), as Cognito documents them.
LIFETIMES = {
    "sign_up": 24 * 3600,
    "forgot_password": 3600,
    "attribute_verification": 24 * 3600,
    "sms_mfa": 3 * 60,
    "email_mfa": 5 * 60,
    "sms_otp": 3 * 60,
    "email_otp": 5 * 60,
    "admin_create_user": 7 * 24 * 3600,
}


@dataclass(frozen=True)
class Message:
    """One message the local Cognito would have sent (the code is the point of it)."""

    user_pool_id: str
    username: str
    kind: str
    destination: str
    code: str
    sent_at: datetime
    #: The text sent, when a CustomMessage trigger wrote it (its ``{####}`` filled in).
    text: Optional[str] = None
    subject: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        """The JSON object served by ``GET /_local/messages``."""
        return {
            "user_pool_id": self.user_pool_id,
            "username": self.username,
            "kind": self.kind,
            "destination": self.destination,
            "code": self.code,
            "text": self.text,
            "subject": self.subject,
            "sent_at": self.sent_at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
        }

    def __repr__(self) -> str:  # codes are shown only on purpose (message.code)
        return (
            f"Message(kind={self.kind!r}, username={self.username!r}, "
            f"destination={self.destination!r}, sent_at={self.sent_at.isoformat()})"
        )


class Outbox:
    """Messages in the order they were sent."""

    def __init__(self, size: int = 10_000) -> None:
        self._messages: deque[Message] = deque(maxlen=size)  # the newest ``size`` messages

    def add(self, message: Message) -> None:
        self._messages.append(message)

    def clear(self) -> None:
        self._messages.clear()

    def select(
        self,
        *,
        user_pool_id: Optional[str] = None,
        username: Optional[str] = None,
        kind: Optional[str] = None,
        destination: Optional[str] = None,
    ) -> list[Message]:
        """Messages matching every filter given, oldest first.

        ``username`` matches the user's internal username or the message's destination, so an
        e-mail address works as a filter in pools where the e-mail is the sign-in name.
        """
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown message kind {kind!r}; expected one of {', '.join(KINDS)}")
        found = []
        for message in self._messages:
            if user_pool_id is not None and message.user_pool_id != user_pool_id:
                continue
            if username is not None and username not in (message.username, message.destination):
                continue
            if kind is not None and message.kind != kind:
                continue
            if destination is not None and message.destination != destination:
                continue
            found.append(message)
        return found


@dataclass
class IssuedCode:
    """A code waiting to be sent back."""

    code: str
    expires_at: float
    attribute: Optional[str] = None
    superseded: bool = False
    used: bool = False


#: A customised message: (subject, text).
Rendered = tuple[Optional[str], str]


@dataclass
class CodeStore:
    """Codes per (pool, user sub, purpose); a purpose is e.g. ``"sign_up"`` or ``"attr:email"``."""

    clock: Clock
    outbox: Outbox
    #: ``customize(pool_id, sub, kind, code, destination)`` -> ``(subject, text)`` or ``None``:
    #: the CustomMessage trigger (wired by ``_state``).
    customize: Optional[Callable[[str, str, str, str, str], Optional[Rendered]]] = None
    _codes: dict[tuple[str, str, str], list[IssuedCode]] = field(default_factory=dict)

    def issue(
        self,
        *,
        pool_id: str,
        sub: str,
        username: str,
        kind: str,
        destination: str,
        purpose: Optional[str] = None,
        code: Optional[str] = None,
        lifetime: Optional[float] = None,
        record: bool = True,
        attribute: Optional[str] = None,
    ) -> str:
        """Make a fresh code (superseding earlier ones for the purpose) and send it."""
        if kind not in KINDS:
            raise ValueError(f"unknown message kind {kind!r}")
        value = code if code is not None else new_numeric_code()
        key = (pool_id, sub, purpose or kind)
        codes = self._codes.setdefault(key, [])
        for earlier in codes:
            earlier.superseded = True
        now = self.clock.time()
        codes.append(IssuedCode(value, now + (lifetime or LIFETIMES[kind]), attribute))
        if record:
            custom = (self.customize(pool_id, sub, kind, value, destination)
                      if self.customize is not None else None)
            subject, text = custom if custom is not None else (None, None)
            self.outbox.add(Message(pool_id, username, kind, destination, value,
                                    self.clock.now(), text, subject))
        return value

    def check(self, *, pool_id: str, sub: str, purpose: str, code: object) -> IssuedCode:
        """Accept the current code for the purpose once (returned), or raise Cognito's error."""
        codes = self._codes.get((pool_id, sub, purpose), [])
        supplied = code if isinstance(code, str) else ""
        current = codes[-1] if codes and not codes[-1].superseded else None
        if current is not None and not current.used and _same(supplied, current.code):
            if self.clock.time() >= current.expires_at:
                raise expired_code()
            current.used = True
            return current
        if any(_same(supplied, earlier.code) for earlier in codes):
            raise expired_code()
        raise code_mismatch()

    def prune(self, cutoff: float) -> None:
        """Forget codes that expired before ``cutoff``."""
        for key in list(self._codes):
            live = [code for code in self._codes[key] if code.expires_at >= cutoff]
            if live:
                self._codes[key] = live
            else:
                del self._codes[key]

    def forget_user(self, pool_id: str, sub: str) -> None:
        for key in [k for k in self._codes if k[0] == pool_id and k[1] == sub]:
            del self._codes[key]

    def clear(self) -> None:
        self._codes.clear()


def new_numeric_code(digits: int = 6) -> str:
    """A random decimal code, zero-padded."""
    return str(secrets.randbelow(10**digits)).rjust(digits, "0")


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
