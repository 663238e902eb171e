"""PKCE (RFC 7636, S256), ``state`` and ``nonce`` values, and the authorize URL (pure)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Iterable, Mapping, Optional
from urllib.parse import urlencode


def new_secret_value(nbytes: int = 32) -> str:
    """A random URL-safe value (``state``, ``nonce``): 256 bits by default."""
    return secrets.token_urlsafe(nbytes)


def new_code_verifier() -> str:
    """A PKCE code verifier: 86 characters from the unreserved set (512 random bits)."""
    return secrets.token_urlsafe(64)


def s256_challenge(verifier: str) -> str:
    """``BASE64URL(SHA256(verifier))`` without padding."""
    if not 43 <= len(verifier) <= 128:
        raise ValueError("a PKCE code verifier has 43 to 128 characters")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorize_url(endpoint: str, *, client_id: str, redirect_uri: str, scopes: Iterable[str],
                  state: str, nonce: Optional[str], code_challenge: str,
                  extra: Optional[Mapping[str, str]] = None) -> str:
    """The ``/oauth2/authorize`` URL of an authorization-code request with PKCE S256."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    if nonce is not None:
        params["nonce"] = nonce
    for key, value in (extra or {}).items():
        if key in params:
            raise ValueError(f"{key} is set by the flow itself")
        params[key] = value
    return f"{endpoint}?{urlencode(params)}"
