"""Strict parsing of compact JWS tokens: size first, then exactly three strict base64url
segments, then UTF-8 JSON objects with no duplicate names and no NaN/Infinity."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, NoReturn, Union

from ..exceptions import TokenMalformedError, TokenTooLargeError

#: Default upper bound on a token's length, in characters (Cognito tokens are a few KiB).
DEFAULT_MAX_TOKEN_SIZE = 65536


def _reject_constant(name: str) -> NoReturn:
    raise ValueError("non-finite number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate member name")
    return result


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)


def b64url_decode(segment: str) -> bytes:
    """Decode unpadded base64url, refusing anything that does not re-encode to the same text."""
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise TokenMalformedError("token segment is not valid base64url") from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=") != segment.encode("ascii", "replace"):
        raise TokenMalformedError("token segment is not canonical unpadded base64url")
    return raw


def json_object(raw: bytes, what: str) -> dict[str, Any]:
    """Parse UTF-8 JSON that must be an object (no duplicate names, no NaN/Infinity)."""
    try:
        value = _DECODER.decode(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        # UnicodeDecodeError and JSONDecodeError are ValueErrors; deep nesting is RecursionError.
        raise TokenMalformedError(f"token {what} is not valid JSON") from None
    if type(value) is not dict:
        raise TokenMalformedError(f"token {what} is not a JSON object")
    return value


class ParsedJwt:
    """A token split and decoded, not yet verified."""

    __slots__ = ("header", "payload", "signature", "signing_input")

    def __init__(
        self,
        header: dict[str, Any],
        payload: dict[str, Any],
        signing_input: bytes,
        signature: bytes,
    ) -> None:
        self.header = header
        self.payload = payload
        self.signing_input = signing_input
        self.signature = signature

    def __repr__(self) -> str:
        return f"ParsedJwt(alg={self.header.get('alg')!r}, kid={self.header.get('kid')!r})"


def check_size(token: Union[str, bytes, object], max_size: int) -> str:
    """Return the token as ``str`` if it is a string of at most ``max_size`` ASCII characters."""
    if isinstance(token, bytes):
        if len(token) > max_size:
            raise TokenTooLargeError(f"token is longer than {max_size} characters")
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            raise TokenMalformedError("token is not ASCII") from None
    if not isinstance(token, str):
        raise TokenMalformedError("token must be a string")
    if len(token) > max_size:
        raise TokenTooLargeError(f"token is longer than {max_size} characters")
    return token


def parse_jwt(token: str) -> ParsedJwt:
    """Split and decode a compact JWS (call :func:`check_size` first)."""
    if token.count(".") != 2:
        raise TokenMalformedError("token must have exactly three dot-separated segments")
    if not token.isascii():
        raise TokenMalformedError("token is not ASCII")
    header_b64, payload_b64, signature_b64 = token.split(".")
    if not header_b64 or not payload_b64 or not signature_b64:
        raise TokenMalformedError("token has an empty segment")
    header = json_object(b64url_decode(header_b64), "header")
    payload = json_object(b64url_decode(payload_b64), "payload")
    signature = b64url_decode(signature_b64)
    signing_input = token[: len(header_b64) + 1 + len(payload_b64)].encode("ascii")
    return ParsedJwt(header, payload, signing_input, signature)


def unverified_claims(
    token: Union[str, bytes], max_size: int = DEFAULT_MAX_TOKEN_SIZE
) -> dict[str, Any]:
    """The header and payload of a token, parsed strictly but NOT verified (for routing or logs)."""
    parsed = parse_jwt(check_size(token, max_size))
    return {"header": parsed.header, "payload": parsed.payload}
