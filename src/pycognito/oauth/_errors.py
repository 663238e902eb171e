"""Errors of the OAuth endpoints, typed."""

from __future__ import annotations

from typing import Optional

from ..exceptions import WarrantException


class OAuthError(WarrantException):
    """The domain answered with an OAuth error (``invalid_client``, ``invalid_grant``...), or
    could not be reached. ``transient`` says whether asking again later may succeed (network
    failures, HTTP 429 and 5xx)."""

    def __init__(self, error: str, description: str = "", *, status: Optional[int] = None,
                 transient: bool = False) -> None:
        super().__init__(f"{error}: {description}" if description else error)
        self.error = error
        self.description = description
        self.status = status
        self.transient = transient


class OAuthStateError(OAuthError):
    """The redirect does not belong to the login that was started (``state`` mismatch), or the
    id token's ``nonce`` is not the one sent: possible CSRF or replay."""
