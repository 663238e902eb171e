"""Profile, user objects and user administration, end to end."""

from __future__ import annotations

from typing import Any, Callable
from unittest import mock

import pytest
from botocore.exceptions import ClientError

from pycognito import Cognito, UserObj
from pycognito.exceptions import ForceChangePasswordException, MissingValueError

from ..conftest import PoolFactory, PoolInfo, UserInfo
from .conftest import CognitoFactory

AMAP = {"given_name": "first_name", "family_name": "last_name"}


def test_update_profile_and_get_user(logged_in_either: Cognito) -> None:
    u = logged_in_either
    response = u.update_profile({"first_name": "Edward", "family_name": "Smith"}, attr_map=AMAP)
    assert "ResponseMetadata" not in response
    user = u.get_user(attr_map=AMAP)
    assert isinstance(user, UserObj)
    assert user.username == "alice"
    assert user.first_name == "Edward" and user.last_name == "Smith"
    assert user.email == "alice@example.com" and user.email_verified is True
    assert user.sub
    assert "first_name" in user.attributes


def test_get_user_returns_the_username_cognito_returns(
    make_pool: PoolFactory, make_user: Callable[..., UserInfo], make_either: CognitoFactory
) -> None:
    pool = make_pool(username_attributes=["email"])
    user = make_user(pool, "erin@example.com")
    u = make_either(pool, username="erin@example.com")
    u.authenticate(user.password)
    tokens_only = make_either(pool, access_token=u.access_token)
    assert tokens_only.get_user().username == user.sub


def test_admin_get_user_defaults_to_username_and_takes_another(
    logged_in_either: Cognito, make_user: Callable[..., UserInfo], pool: PoolInfo
) -> None:
    make_user(pool, "bob")
    me = logged_in_either.admin_get_user(attr_map=AMAP)
    assert me.username == "alice" and me.user_status == "CONFIRMED" and me.enabled is True
    assert me.user_create_date is not None
    bob = logged_in_either.admin_get_user(username="bob")
    assert bob.username == "bob" and bob.email == "bob@example.com"


def test_get_users_follows_every_page_and_filters(
    make_either: CognitoFactory, pool: PoolInfo, cognito_idp: Any, local: Any,
) -> None:
    for i in range(62):
        cognito_idp.admin_create_user(UserPoolId=pool.pool_id, Username=f"user{i:02d}",
                                      MessageAction="SUPPRESS",
                                      UserAttributes=[{"Name": "email",
                                                       "Value": f"u{i}@example.com"}])
    u = make_either()
    local.clear_calls()
    users = u.get_users(attr_map=AMAP)
    assert len(users) == 62
    assert len(local.calls("ListUsers")) >= 2
    assert {x.username for x in users} == {f"user{i:02d}" for i in range(62)}
    found = u.get_users(filter='email = "u7@example.com"')
    assert [x.username for x in found] == ["user07"]
    with pytest.raises(TypeError):
        u.get_users(filter=3)  # type: ignore[arg-type]


def test_verification_of_an_attribute(logged_in_either: Cognito, local: Any,
                                      pool: PoolInfo) -> None:
    u = logged_in_either
    u.update_profile({"email": "new-alice@example.com"})
    delivery = u.send_verification(attribute="email")
    assert "ResponseMetadata" not in delivery
    code = local.last_code(user_pool_id=pool.pool_id, kind="attribute_verification")
    with pytest.raises(ClientError):
        u.validate_verification("000000" if code != "000000" else "111111")
    u.validate_verification(code)
    assert u.get_user().email_verified is True


def test_delete_user_then_forget_the_tokens(logged_in_either: Cognito) -> None:
    u = logged_in_either
    u.delete_user()
    assert u.access_token is None and u.refresh_token is None
    with pytest.raises(MissingValueError, match="delete_user needs an access token"):
        u.delete_user()
    with pytest.raises(u.client.exceptions.UserNotFoundException):
        u.admin_get_user()


def test_user_obj_save_and_delete(logged_in_either: Cognito,
                                  make_user: Callable[..., UserInfo], pool: PoolInfo) -> None:
    # With AsyncCognito, the users are AsyncUserObj: save() and delete() are awaited.
    logged_in = logged_in_either
    logged_in.update_profile({"given_name": "Al"})
    user = logged_in.get_user(attr_map=AMAP)
    user.first_name = "Changed"
    user.save()
    assert logged_in.get_user(attr_map=AMAP).first_name == "Changed"
    make_user(pool, "victim", attributes={"given_name": "Vic"})
    victim = logged_in.admin_get_user(attr_map=AMAP, username="victim")
    victim.first_name = "Victor"
    victim.save(admin=True)
    assert logged_in.admin_get_user(attr_map=AMAP, username="victim").first_name == "Victor"
    victim.delete(admin=True)  # deletes victim, not the instance's own user
    with pytest.raises(logged_in.client.exceptions.UserNotFoundException):
        logged_in.admin_get_user(username="victim")
    assert logged_in.admin_get_user().username == "alice"
    logged_in.get_user().delete()
    assert logged_in.access_token is None
    with pytest.raises(logged_in.client.exceptions.UserNotFoundException):
        logged_in.admin_get_user(username="alice")


def test_a_method_that_uses_the_access_token_renews_it_first(
        logged_in_either: Cognito, local: Any, move_clocks: Callable[..., None]) -> None:
    """docs/cognito.md: methods that use the access token renew it first when it is about to
    expire and a refresh token is at hand."""
    old = logged_in_either.access_token
    move_clocks(3600 - 30)  # inside the refresh margin
    local.clear_calls()
    assert logged_in_either.get_user().username == "alice"
    assert [c.operation for c in local.calls()] == ["InitiateAuth", "GetUser"]
    assert logged_in_either.access_token != old


def test_save_sends_only_what_changed(logged_in: Cognito) -> None:
    """docs/cognito.md: ``user.save()`` sends only what changed (the original sent them all)."""
    logged_in.update_profile({"given_name": "Al", "family_name": "Smith"})
    sent: list[Any] = []
    event = "before-parameter-build.cognito-idp.UpdateUserAttributes"

    def record(params: dict[str, Any], **_: Any) -> None:
        sent.append(params["UserAttributes"])

    events = logged_in.client.meta.events  # the shared client's: unregistered below
    events.register(event, record)
    try:
        user = logged_in.get_user(attr_map=AMAP)
        user.first_name = "Ed"
        user.save()
        assert sent == [[{"Name": "given_name", "Value": "Ed"}]]
        user.save()
    finally:
        events.unregister(event, record)
    assert len(sent) == 1  # nothing left to send: no call
    assert logged_in.get_user(attr_map=AMAP).last_name == "Smith"


def test_get_user_obj_builds_without_a_call(make_either: CognitoFactory, local: Any) -> None:
    u = make_either(username="bjones")
    local.clear_calls()
    obj = u.get_user_obj(username="bjones",
                         attribute_list=[{"Name": "given_name", "Value": "B"},
                                         {"Name": "email_verified", "Value": "false"}],
                         metadata={"user_status": "CONFIRMED"},
                         attr_map={"given_name": "first_name"})
    assert obj.first_name == "B" and obj.email_verified is False
    assert obj.user_status == "CONFIRMED" and isinstance(obj, u.user_class)
    assert repr(obj) == f"<{u.user_class.__name__}: bjones>"
    with pytest.raises(AttributeError):
        obj.nothing  # noqa: B018
    assert local.calls() == []


def test_admin_user_lifecycle(make_either: CognitoFactory, pool: PoolInfo) -> None:
    u = make_either()
    created = u.admin_create_user("newhire", temporary_password="Temp-Pass-123!",
                                  attr_map={"given_name": "first"}, first="New",
                                  email="newhire@example.com", email_verified=True,
                                  additional_kwargs={"MessageAction": "SUPPRESS"})
    assert created["User"]["Username"] == "newhire"
    hire = make_either(username="newhire")
    with pytest.raises(ForceChangePasswordException):
        hire.authenticate("Temp-Pass-123!")
    hire.new_password_challenge("Temp-Pass-123!", "Perm-Pass-456!")
    assert u.admin_get_user(username="newhire").given_name == "New"
    u.admin_update_profile({"family_name": "Hire"}, username="newhire")
    assert u.admin_get_user(username="newhire").family_name == "Hire"
    u.admin_disable_user("newhire")
    assert u.admin_get_user(username="newhire").enabled is False
    u.admin_enable_user("newhire")
    u.admin_reset_password("newhire")
    with pytest.raises(ClientError) as info:
        make_either(username="newhire").authenticate("Perm-Pass-456!")
    assert info.value.response["Error"]["Code"] == "PasswordResetRequiredException"
    u.admin_delete_user("newhire")
    with pytest.raises(u.client.exceptions.UserNotFoundException):
        u.admin_get_user(username="newhire")


def test_admin_methods_default_to_username(make_either: CognitoFactory, alice: UserInfo) -> None:
    u = make_either(username="alice")
    u.admin_disable_user()
    assert u.admin_get_user().enabled is False
    u.admin_enable_user()
    u.admin_update_profile({"given_name": "Al"})
    assert u.admin_get_user().given_name == "Al"
    u.admin_delete_user()
    with pytest.raises(MissingValueError):
        make_either().admin_delete_user()


def test_the_sync_driver_calls_through_its_patch_points() -> None:
    # Users' tests patch Cognito._call and _need_access_token: still honoured (sync only).
    pages = [{"Users": [{"Username": "a"}], "PaginationToken": "next"},
             {"Users": [{"Username": "b"}]}]
    u = Cognito("us-east-1_abc", "client", username="bob")
    with mock.patch.object(Cognito, "_call", side_effect=[{}, *pages, {}]) as sent, \
            mock.patch.object(Cognito, "_need_access_token", return_value="tok") as token:
        u.update_profile({"given_name": "B"})
        assert [x.username for x in u.get_users()] == ["a", "b"]
        u.delete_user()
    assert sent.call_args_list == [
        mock.call("update_user_attributes",
                  UserAttributes=[{"Name": "given_name", "Value": "B"}], AccessToken="tok"),
        mock.call("list_users", UserPoolId="us-east-1_abc"),
        mock.call("list_users", UserPoolId="us-east-1_abc", PaginationToken="next"),
        mock.call("delete_user", AccessToken="tok"),
    ]
    assert token.call_args_list == [mock.call("update_profile"), mock.call("delete_user")]
