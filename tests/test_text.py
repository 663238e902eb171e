"""Secrets holding a lone surrogate: a typed error naming the argument, never the value."""

from __future__ import annotations

import traceback
from typing import Any, Callable

import pytest

from pycognito import srp, totp
from pycognito._text import check_text, utf8
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import InvalidTextError, InvalidTypeError, InvalidValueError

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


def test_oauth_secrets_and_tokens_are_refused_before_any_request() -> None:
    from pycognito.oauth import AuthorizationCodeFlow, ClientCredentials

    _refused(lambda: ClientCredentials("http://127.0.0.1:9", "client", SECRET), "client_secret")
    _refused(lambda: AuthorizationCodeFlow("http://127.0.0.1:9", "client", "http://127.0.0.1/cb",
                                           client_secret=SECRET, user_pool_id="us-east-1_abc"),
             "client_secret")
    flow = AuthorizationCodeFlow("http://127.0.0.1:9", "client", "http://127.0.0.1/cb",
                                 user_pool_id="us-east-1_abc")
    for call in (flow.refresh, flow.revoke, flow.userinfo):
        with pytest.raises(InvalidValueError, match="not a token") as error:
            call(SECRET)  # would be sent in a form or a header
        assert not _leaks(error.value)


def test_a_client_secret_beyond_latin_1_is_sent_in_utf_8() -> None:
    """requests encodes Basic credentials as Latin-1: its UnicodeEncodeError held the secret."""
    import requests
    import requests_mock

    from pycognito.oauth import ClientCredentials

    with requests_mock.Mocker() as mocker:
        mocker.post("http://127.0.0.1:9/oauth2/token",
                    json={"access_token": "a.b.c", "expires_in": 3600, "token_type": "Bearer"})
        ClientCredentials("http://127.0.0.1:9", "client", "s€cret",
                          session=requests.Session()).token()
        header = mocker.request_history[0].headers["Authorization"]
    import base64

    assert base64.b64decode(header.split()[1]) == "client:s€cret".encode()


def _auth(**kwargs: Any) -> Any:
    from pycognito.utils import RequestsSrpAuth

    args = {"user_pool_id": "us-east-1_abc", "client_id": "client", "username": "bob"}
    return RequestsSrpAuth(**{**args, **kwargs})


@pytest.mark.parametrize(("make", "error"), [
    (lambda: _auth(cognito=5), InvalidTypeError),
    (lambda: _auth(password=5), InvalidTypeError),
    (lambda: _auth(storage=5), InvalidTypeError),
    (lambda: _auth(refresh_margin="60"), InvalidTypeError),
    (lambda: _auth(refresh_margin=-1), InvalidValueError),
    (lambda: _auth(http_header=5), InvalidTypeError),
    (lambda: __import__("pycognito.oauth").oauth.ClientCredentials(
        "http://127.0.0.1:9", 5, "secret"), InvalidTypeError),
    (lambda: __import__("pycognito.oauth").oauth.ClientCredentials(
        "http://127.0.0.1:9", "client", "secret", scopes=5), InvalidTypeError),
    (lambda: __import__("pycognito.oauth").oauth.ClientCredentials(
        "http://127.0.0.1:9", "client", "secret", timeout="10"), InvalidTypeError),
    (lambda: __import__("pycognito.oauth").oauth.AuthorizationCodeFlow(
        "http://127.0.0.1:9", 5, "http://127.0.0.1/cb", user_pool_id="us-east-1_abc"),
     InvalidTypeError),
    (lambda: __import__("pycognito.oauth").oauth.LoopbackRedirect(port=99999),
     InvalidValueError),
    (lambda: totp.decode_secret(5), InvalidTypeError),
])
def test_wrong_types_fail_at_the_call_that_got_them(make: Callable[[], Any],
                                                    error: type[Exception]) -> None:
    with pytest.raises(error):
        make()


@pytest.mark.parametrize("arguments", [
    {"timeout": "3"}, {"timeout": 0}, {"timeout": float("nan")}, {"retries": -1},
    {"penalty_seconds": -1}, {"failure_penalty_seconds": None},
])
def test_the_key_cache_refuses_impossible_settings(arguments: dict[str, Any]) -> None:
    from pycognito.exceptions import TokenVerifierConfigError
    from pycognito.verification import CognitoTokenVerifier, JwksCache

    with pytest.raises(TokenVerifierConfigError):
        JwksCache(**arguments)
    with pytest.raises(TokenVerifierConfigError, match="client_id"):
        CognitoTokenVerifier("us-east-1_abc", 5)  # type: ignore[arg-type]
