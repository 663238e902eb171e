"""Secrets holding a lone surrogate: a typed error naming the argument, never the value."""

from __future__ import annotations

import traceback
from typing import Any, Callable

import pytest

from pycognito import srp, totp
from pycognito._text import check_text, utf8
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import InvalidTextError

SECRET = "Sec\udcffret-Horse-9"  # what Python makes of b"Sec\xffret..." read as UTF-8


def _leaks(error: BaseException) -> bool:
    """Whether the secret (or a piece of it) shows anywhere in the error or its chain."""
    shown = [str(error), repr(error), "".join(traceback.format_exception(error))]
    link: BaseException | None = error
    while link is not None:
        shown += [repr(link), repr(getattr(link, "object", ""))]
        link = link.__cause__ or link.__context__
    return any(piece in text for text in shown for piece in ("Sec", "ret-Horse"))


def _refused(call: Callable[[], Any], argument: str) -> None:
    with pytest.raises(InvalidTextError) as error:
        call()
    assert error.value.argument == argument
    assert argument in str(error.value)
    assert error.value.__context__ is None and not _leaks(error.value)
    assert isinstance(error.value, ValueError)


def test_utf8_and_check_text() -> None:
    assert utf8("pässword", "password") == "pässword".encode()
    check_text("fine", "x")
    check_text(None, "x")  # not a string: left to the caller's type check
    _refused(lambda: utf8(SECRET, "password"), "password")
    _refused(lambda: check_text(SECRET, "client_secret"), "client_secret")


def test_srp_functions_refuse_before_hashing() -> None:
    _refused(lambda: srp.calculate_x(5, "pool", "bob", SECRET), "password")
    _refused(lambda: srp.secret_hash("bob", "client", SECRET), "client_secret")
    _refused(lambda: srp.secret_hash(SECRET, "client", "secret"), "username")
    _refused(lambda: srp.signature(b"k" * 16, "pool", SECRET, "AAAA", "now"), "identity")


def test_awssrp_refuses_at_construction() -> None:
    def make(**kwargs: Any) -> AWSSRP:
        args = {"username": "bob", "password": "pw", "pool_id": "us-east-1_abc",
                "client_id": "client", "client": object()}
        args.update(kwargs)
        return AWSSRP(**args)

    _refused(lambda: make(password=SECRET), "password")
    _refused(lambda: make(client_secret=SECRET), "client_secret")
    _refused(lambda: make(device_key="k", device_group_key="g", device_password=SECRET),
             "device_password")


def test_totp_secret() -> None:
    _refused(lambda: totp.decode_secret("JBSWY3DP\udcff"), "secret")
    with pytest.raises(ValueError, match="not valid base32") as error:
        totp.decode_secret("JBSWY3DPé")
    assert error.value.__context__ is None
