"""Strict parsing of compact JWS tokens: size first, then exactly three strict base64url
segments, then UTF-8 JSON objects with no duplicate names and no NaN/Infinity."""

from __future__ import annotations

import binascii
import json
from functools import partial
from typing import Any, Callable, NoReturn, Optional, Union

from ..exceptions import TokenMalformedError, TokenTooLargeError


def _base64_decoder() -> tuple[str, Callable[[bytes], bytes]]:
    """pybase64's SIMD decoder when its C extension is installed (the ``fast`` extra), else
    binascii's. Either way :func:`_segment`'s checks decide what is refused: pybase64 with
    ``validate=True`` refuses the characters binascii skips, and both accept exactly the
    canonical segments."""
    try:
        import pybase64
    except ImportError:
        return "binascii", binascii.a2b_base64
    if "C extension active" not in pybase64.get_version():  # its pure-Python fallback
        return "binascii", binascii.a2b_base64
    return "pybase64", partial(pybase64.b64decode, validate=True)


#: Which base64 decoder this process uses ("pybase64" or "binascii"; bench/ prints it).
BASE64_DECODER, _a2b = _base64_decoder()

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
_JSON_SPACE = " \t\n\r"

# The headers of one pool's tokens repeat (one per signing key): each distinct header segment
# is decoded and checked once. Only headers of plain values are kept, as they cannot be
# changed through the dict handed out; the memo is emptied when full.
_HEADERS: dict[bytes, dict[str, Any]] = {}
_HEADERS_MAX = 64
_PLAIN = (str, int, float, bool, type(None))

# base64url to the standard alphabet; "+" and "/" become "*", which is no base64 character.
_TO_STANDARD = bytes.maketrans(b"-_+/", b"+/**")
_PADDING = (b"", b"", b"==", b"=")
# The last character of a canonical segment of length 4k+2 (4k+3) carries 4 (2) zero bits.
_CANONICAL_LAST = (b"", b"", b"AQgw", b"AEIMQUYcgkosw048")


def _segment(standard: bytes) -> bytes:
    """Decode one segment already mapped by ``_TO_STANDARD``.

    binascii's lenient decoder skips any character outside the alphabet (whitespace, "*", a
    stray "="), and every skipped character costs the output at least one byte, so "the output
    has exactly ``3n // 4`` bytes" refuses them all in one comparison (pybase64 refuses them
    itself). The last character's unused low bits must be zero: that refuses every other
    non-canonical encoding."""
    size = len(standard)
    rest = size % 4
    if rest == 1:
        raise TokenMalformedError("token segment is not valid base64url")
    if rest and standard[-1] not in _CANONICAL_LAST[rest]:
        raise TokenMalformedError("token segment is not canonical unpadded base64url")
    try:
        raw = _a2b(standard + _PADDING[rest])
    except (binascii.Error, ValueError):
        raise TokenMalformedError("token segment is not valid base64url") from None
    if len(raw) != size * 3 // 4:
        raise TokenMalformedError("token segment is not valid base64url")
    return raw


def b64url_decode(segment: str) -> bytes:
    """Decode unpadded base64url, refusing anything that does not re-encode to the same text."""
    try:
        data = segment.encode("ascii")
    except UnicodeEncodeError:
        raise TokenMalformedError("token segment is not valid base64url") from None
    return _segment(data.translate(_TO_STANDARD))


def json_object(raw: bytes, what: str) -> dict[str, Any]:
    """Parse UTF-8 JSON that must be an object (no duplicate names, no NaN/Infinity)."""
    try:
        text = raw.decode("utf-8")
        if text[:1] == "{":  # the usual case: no leading space, so skip decode()'s regexes
            value, end = _DECODER.raw_decode(text)
            if end != len(text) and text[end:].strip(_JSON_SPACE):
                raise ValueError("extra data")
        else:
            value = _DECODER.decode(text)
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
    try:
        data = token.encode("ascii")
    except UnicodeEncodeError:
        raise TokenMalformedError("token is not ASCII") from None
    segments = data.translate(_TO_STANDARD).split(b".")
    if len(segments) != 3:
        raise TokenMalformedError("token must have exactly three dot-separated segments")
    header_b64, payload_b64, signature_b64 = segments
    if not header_b64 or not payload_b64 or not signature_b64:
        raise TokenMalformedError("token has an empty segment")
    header = _HEADERS.get(header_b64)
    if header is None:
        header = json_object(_segment(header_b64), "header")
        if all(type(value) in _PLAIN for value in header.values()):
            if len(_HEADERS) >= _HEADERS_MAX:
                _HEADERS.clear()
            _HEADERS[header_b64] = header
    payload = json_object(_segment(payload_b64), "payload")
    signature = _segment(signature_b64)
    signing_input = data[: len(header_b64) + 1 + len(payload_b64)]
    return ParsedJwt(header, payload, signing_input, signature)


def header_kid(token: object) -> Optional[str]:
    """The ``kid`` a token's header names (NOT verified: which key to have before verifying);
    ``None`` if it names none or the token is not a JWT (verifying will say why)."""
    if isinstance(token, bytes):
        token = token.decode("ascii", "replace")
    if not isinstance(token, str) or len(token) > DEFAULT_MAX_TOKEN_SIZE:
        return None
    try:
        standard = token.partition(".")[0].encode("ascii").translate(_TO_STANDARD)
        header = _HEADERS.get(standard) or json_object(_segment(standard), "header")
    except (UnicodeEncodeError, TokenMalformedError):
        return None
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


def unverified_claims(
    token: Union[str, bytes], max_size: int = DEFAULT_MAX_TOKEN_SIZE
) -> dict[str, Any]:
    """The header and payload of a token, parsed strictly but NOT verified (for routing or logs)."""
    parsed = parse_jwt(check_size(token, max_size))
    return {"header": dict(parsed.header), "payload": parsed.payload}
