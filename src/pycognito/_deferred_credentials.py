"""AWS credentials looked up when a signed call first needs them, not when a client is made.

botocore resolves a client's credentials when the client is created, and on a machine with
none its chain ends by asking the EC2 instance metadata service (169.254.169.254, about a
second of timeouts). Most of Cognito's user-pool API (InitiateAuth, RespondToAuthChallenge,
SignUp, GetUser...) is sent unsigned, so an app using a public app client needs no credentials
at all. :func:`defer_credentials` gives a botocore session a credential provider (botocore's
own extension point) whose :class:`DeferredCredentials` run the session's usual chain (the
environment, profiles, config files, container, instance metadata) the first time botocore
signs a request with them.

Imported only where a boto3 client is made (it imports botocore).
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from botocore.credentials import (
    CredentialProvider,
    CredentialResolver,
    Credentials,
    create_credential_resolver,
)
from botocore.exceptions import NoCredentialsError

__all__ = ["DeferredCredentials", "defer_credentials"]


class DeferredCredentials(Credentials):  # type: ignore[misc]
    """The credentials ``resolve()`` returns, looked up on first use, then kept (they renew
    themselves if they are refreshable). botocore uses them only to sign, so operations sent
    unsigned never look anything up. None found: ``NoCredentialsError`` (as botocore raises
    for a client without credentials), and the next signed call looks again."""

    def __init__(self, resolve: Callable[[], Any]) -> None:  # no keys yet: not super's
        self._resolve = resolve
        self._found: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"DeferredCredentials(resolved={self._found is not None})"

    def resolved(self) -> Any:
        """The credentials found (looked up now if they were not yet)."""
        found = self._found
        if found is None:
            with self._lock:  # one lookup, however many threads sign at once
                found = self._found
                if found is None:
                    found = self._resolve()
                    if found is None:
                        raise NoCredentialsError()
                    self._found = found
        return found

    @property
    def method(self) -> Optional[str]:
        """Where the credentials came from (botocore's name), ``None`` before the lookup."""
        return None if self._found is None else getattr(self._found, "method", None)

    @property
    def access_key(self) -> str:
        return str(self.resolved().access_key)

    @property
    def secret_key(self) -> str:
        return str(self.resolved().secret_key)

    @property
    def token(self) -> Optional[str]:
        token = self.resolved().token
        return None if token is None else str(token)

    @property
    def account_id(self) -> Optional[str]:
        return getattr(self.resolved(), "account_id", None)

    def get_frozen_credentials(self) -> Any:
        return self.resolved().get_frozen_credentials()

    def refresh_needed(self, refresh_in: Optional[int] = None) -> bool:
        """Whether getting the frozen credentials may do I/O: before the lookup, or when the
        credentials found are refreshable and due (the async transport does that off the
        event loop)."""
        found = self._found
        if found is None:
            return True
        due = getattr(found, "refresh_needed", None)
        return bool(due(refresh_in)) if due is not None else False


class _DeferredProvider(CredentialProvider):  # type: ignore[misc]
    """The only provider of a deferring session: hands out credentials that run the session's
    default chain on first use."""

    METHOD = "deferred"
    CANONICAL_NAME = "custom-pycognito-deferred"

    def __init__(self, session: Any, region_name: Optional[str]) -> None:
        super().__init__(session)
        self._region_name = region_name

    def load(self) -> DeferredCredentials:
        def resolve() -> Any:
            # The chain botocore builds for a session, built and run only now.
            chain = create_credential_resolver(self.session, region_name=self._region_name)
            return chain.load_credentials()

        return DeferredCredentials(resolve)


def defer_credentials(botocore_session: Any, region_name: Optional[str] = None) -> None:
    """Make the clients of ``botocore_session`` (one that has not made any yet) look their
    credentials up only when they first sign a request. ``region_name``: the region its
    default chain uses for STS, as botocore takes that of the session's first client."""
    botocore_session.register_component(
        "credential_provider",
        CredentialResolver([_DeferredProvider(botocore_session, region_name)]),
    )
