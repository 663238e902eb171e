"""Groups and group membership (administrator calls); lists follow every page."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ._auth import _text
from ._core import CognitoBase
from ._models import GroupObj
from ._operations import Steps, call, operation


class GroupsMixin(CognitoBase):
    """``get_group``, ``get_groups`` and membership."""

    def get_group_obj(self, group_data: Mapping[str, Any]) -> GroupObj:
        """Build a ``group_class`` from a Cognito group dict (no call to Cognito)."""
        return self.group_class(group_data=group_data, cognito_obj=self)

    @operation
    def get_group(self, group_name: str) -> Steps[GroupObj]:
        """One group of the pool."""
        response = yield call("get_group",
            GroupName=_text(group_name, "group_name"), UserPoolId=self.user_pool_id
        )
        return self.get_group_obj(response["Group"])

    @operation
    def get_groups(self) -> Steps[list[GroupObj]]:
        """Every group of the pool (all pages)."""
        kwargs: dict[str, Any] = {"UserPoolId": self.user_pool_id}
        groups: list[GroupObj] = []
        while True:
            page = yield call("list_groups", **kwargs)
            groups.extend(self.get_group_obj(group) for group in page.get("Groups", []))
            token = page.get("NextToken")
            if not token:
                return groups
            kwargs["NextToken"] = token

    @operation
    def admin_add_user_to_group(self, username: Optional[str], group_name: str) -> Steps[None]:
        """Add a user (``None``: ``username``) to a group."""
        yield call("admin_add_user_to_group",
            UserPoolId=self.user_pool_id,
            Username=self._need_username(username, what="admin_add_user_to_group"),
            GroupName=_text(group_name, "group_name"),
        )

    @operation
    def admin_remove_user_from_group(
        self, username: Optional[str], group_name: str
    ) -> Steps[None]:
        """Remove a user (``None``: ``username``) from a group."""
        yield call("admin_remove_user_from_group",
            UserPoolId=self.user_pool_id,
            Username=self._need_username(username, what="admin_remove_user_from_group"),
            GroupName=_text(group_name, "group_name"),
        )

    @operation
    def admin_list_groups_for_user(self, username: Optional[str] = None) -> Steps[list[str]]:
        """The names of a user's groups (default ``username``; all pages)."""
        kwargs: dict[str, Any] = {
            "UserPoolId": self.user_pool_id,
            "Username": self._need_username(username, what="admin_list_groups_for_user"),
        }
        names: list[str] = []
        while True:
            page = yield call("admin_list_groups_for_user", **kwargs)
            names.extend(group["GroupName"] for group in page.get("Groups", []))
            token = page.get("NextToken")
            if not token:
                return names
            kwargs["NextToken"] = token
