"""No password, secret, code or token in a repr, a log line or one of our exception messages."""

from __future__ import annotations

import logging
from typing import Any, Callable

import pytest

from pycognito import WarrantException
from pycognito.exceptions import ChallengeException, SoftwareTokenMFAChallengeException

from ..conftest import PoolFactory, UserInfo
from .conftest import CognitoFactory

NEW_PASSWORD = "Secret-New-Pass-9!"


def test_nothing_secret_leaks(make_pool: PoolFactory, make_user: Callable[..., UserInfo],
                              make_cognito: CognitoFactory, local: Any,
                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pycognito")
    pool = make_pool(client_secret=True, mfa="OPTIONAL", device_tracking=True)
    user = make_user(pool, "leaky")
    secrets: list[str] = [user.password, NEW_PASSWORD, str(pool.client_secret)]
    shown: list[str] = []
    raised: list[BaseException] = []

    u = make_cognito(pool, username="leaky")
    u.authenticate(user.password)
    totp = u.associate_software_token()
    code = local.totp_code(totp)
    u.verify_software_token(code)
    u.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    u.change_password(user.password, NEW_PASSWORD)
    secrets += [totp, code, str(u.access_token), str(u.id_token), str(u.refresh_token)]
    shown += [repr(u), str(u)]

    v = make_cognito(pool, username="leaky")
    with pytest.raises(SoftwareTokenMFAChallengeException) as info:
        v.authenticate(NEW_PASSWORD)
    raised.append(info.value)
    secrets.append(str(info.value.session))
    code = local.totp_code(totp)
    v.respond_to_software_token_mfa_challenge(code)
    creds = v.remember_device()
    v.renew_access_token()
    secrets += [code, creds["device_password"], str(v.access_token), str(v.refresh_token)]
    shown += [repr(v), repr(v.get_user()), repr(v.admin_get_user())]

    for call in (lambda: v.respond_to_sms_mfa_challenge("123456"),
                 lambda: make_cognito(pool).authenticate(NEW_PASSWORD),
                 lambda: make_cognito(pool, username="x").respond_to_sms_mfa_challenge(
                     code, {"ChallengeName": "SMS_MFA"}),
                 lambda: make_cognito(pool, device_key="k", device_group_key="g")):
        with pytest.raises(WarrantException) as err:
            call()
        raised.append(err.value)

    shown += [str(e) for e in raised] + [repr(e) for e in raised]
    shown += [record.getMessage() for record in caplog.records]
    assert any(r.name == "pycognito" for r in caplog.records)
    for text in shown:
        for secret in secrets:
            assert secret not in text, f"a secret appears in: {text[:60]}..."


def test_challenge_exception_repr_has_no_session() -> None:
    exc = ChallengeException("Do MFA", {"ChallengeName": "SMS_MFA", "Session": "sekrit-session"})
    assert "sekrit" not in repr(exc) and "sekrit" not in str(exc)


def test_a_password_that_is_not_text_is_refused_by_name(make_cognito: CognitoFactory) -> None:
    from pycognito.exceptions import InvalidTextError

    secret = "Sec\udcffret-Horse-9"
    for call, argument in (
        (lambda: make_cognito(username="bob").authenticate(secret), "password"),
        (lambda: make_cognito(username="bob").admin_authenticate(secret), "password"),
        (lambda: make_cognito(username="bob", client_secret=secret), "client_secret"),
        (lambda: make_cognito(username="b\udcffb"), "username"),
    ):
        with pytest.raises(InvalidTextError) as error:
            call()
        assert error.value.argument == argument
        assert "Sec" not in str(error.value) + repr(error.value)
        assert error.value.__context__ is None
