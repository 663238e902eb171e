"""Admin-only instances: ``Cognito(user_pool_id, client_id=None)``, as the original allowed.

Administrators manage users and groups with IAM credentials and no app client; every admin call
works, and a method that needs the app client names it in a ``MissingValueError``.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest

from pycognito import Cognito, GroupObj, UserObj
from pycognito.exceptions import MissingValueError

from ..conftest import PoolInfo, UserInfo
from ..facade.conftest import client_kwargs


def _admin(pool: PoolInfo, **kwargs: Any) -> Cognito:
    return Cognito(pool.pool_id, boto3_client_kwargs=client_kwargs(pool), **kwargs)


def test_admin_calls_work_without_a_client_id(
    pool: PoolInfo, make_user: Callable[..., UserInfo], cognito_idp: Any
) -> None:
    make_user(pool, "alice")
    admin = _admin(pool)
    assert admin.client_id is None
    assert "alice" in [user.username for user in admin.get_users()]
    admin.admin_create_user("bob", temporary_password="Temp-Pass-123!", email="bob@example.com")
    bob = _admin(pool, username="bob").admin_get_user()
    assert isinstance(bob, UserObj) and bob.email == "bob@example.com"
    cognito_idp.create_group(UserPoolId=pool.pool_id, GroupName="staff", Description="the staff")
    admin.admin_add_user_to_group("bob", "staff")
    assert admin.admin_list_groups_for_user("bob") == ["staff"]
    group = admin.get_group("staff")
    assert isinstance(group, GroupObj) and group.description == "the staff"
    assert isinstance(admin.get_user_obj("carol"), UserObj)
    admin.admin_disable_user("bob")
    assert _admin(pool, username="bob").admin_get_user().enabled is False
    _admin(pool, username="bob").admin_delete_user()
    assert "bob" not in [user.username for user in admin.get_users()]


@pytest.mark.parametrize(
    ("call", "what"),
    [
        (lambda c: c.authenticate("Correct-Horse-9!"), "authenticate"),
        (lambda c: c.admin_authenticate("Correct-Horse-9!"), "admin_authenticate"),
        (lambda c: c.register("dave", "Correct-Horse-9!"), "register"),
        (lambda c: c.confirm_sign_up("123456"), "confirm_sign_up"),
        (lambda c: c.initiate_forgot_password(), "initiate_forgot_password"),
        (lambda c: c.verify_token("a.b.c", "id_token", "id"), "verify_token"),
        (lambda c: c.renew_access_token(), "renewing"),
    ],
)
def test_a_method_that_needs_the_client_id_names_it(
    pool: PoolInfo, call: Callable[[Cognito], Any], what: str
) -> None:
    admin = _admin(pool, username="alice", refresh_token="opaque-refresh-token")
    with pytest.raises(MissingValueError, match=what) as raised:
        call(admin)
    assert raised.value.missing == "client_id"
    assert "client_id" in str(raised.value)


def test_the_pool_keys_need_no_client_id(pool: PoolInfo) -> None:
    keys = _admin(pool).get_keys()["keys"]
    assert keys and all(key["kty"] == "RSA" for key in keys)
    assert _admin(pool).get_key(keys[0]["kid"])["n"] == keys[0]["n"]
