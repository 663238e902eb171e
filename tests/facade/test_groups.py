"""Groups and membership, end to end (every page)."""

from __future__ import annotations

from typing import Any

from pycognito import GroupObj

from ..conftest import PoolInfo, UserInfo
from .conftest import CognitoFactory


def test_group_obj_from_data(make_cognito: CognitoFactory) -> None:
    g = make_cognito().get_group_obj({"GroupName": "user_group", "Description": "description",
                                      "Precedence": 1})
    assert isinstance(g, GroupObj)
    assert (g.group_name, g.description, g.precedence) == ("user_group", "description", 1)
    assert g.role_arn is None and repr(g) == "<GroupObj: user_group>"


def test_groups_and_membership(make_either: CognitoFactory, pool: PoolInfo, alice: UserInfo,
                               cognito_idp: Any, local: Any) -> None:
    for i in range(63):
        cognito_idp.create_group(UserPoolId=pool.pool_id, GroupName=f"g{i:02d}",
                                 Description=f"group {i}", Precedence=i)
    u = make_either(username="alice")
    local.clear_calls()
    groups = u.get_groups()
    assert len(groups) == 63 and len(local.calls("ListGroups")) >= 2
    one = u.get_group(group_name="g05")
    assert one.group_name == "g05" and one.description == "group 5" and one.precedence == 5
    assert one.creation_date is not None and one.last_modified_date is not None
    for i in range(62):
        u.admin_add_user_to_group("alice", f"g{i:02d}")
    local.clear_calls()
    names = u.admin_list_groups_for_user("alice")
    assert sorted(names) == [f"g{i:02d}" for i in range(62)]
    assert len(local.calls("AdminListGroupsForUser")) >= 2
    u.admin_remove_user_from_group("alice", "g00")
    assert "g00" not in u.admin_list_groups_for_user()
    u.admin_authenticate(alice.password)
    assert u.access_claims is not None and "g01" in u.access_claims["cognito:groups"]
