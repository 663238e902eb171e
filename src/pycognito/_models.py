"""``UserObj`` and ``GroupObj``: what ``Cognito`` returns for users and groups (``AsyncUserObj``
for ``AsyncCognito``)."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Protocol

from ._attributes import cognito_to_dict


class _Facade(Protocol):
    """What the models need from ``Cognito``."""

    def update_profile(
        self, attrs: Mapping[str, Any], attr_map: Optional[Mapping[str, str]] = ...
    ) -> Any: ...

    def admin_update_profile(
        self,
        attrs: Mapping[str, Any],
        attr_map: Optional[Mapping[str, str]] = ...,
        username: Optional[str] = ...,
    ) -> Any: ...

    def delete_user(self) -> Any: ...

    def admin_delete_user(self, username: Optional[str] = ...) -> Any: ...


__all__ = ["AsyncUserObj", "GroupObj", "UserObj"]

# Attributes kept apart from the editable ones (Cognito sets them; save() never sends them).
_READ_ONLY = ("sub", "email_verified", "phone_number_verified")


class UserObj:
    """A user pool user: attributes readable as Python attributes (``user.email``).

    ``attr_map`` renames Cognito attributes (``{"given_name": "first_name"}`` gives
    ``user.first_name``). ``sub``, ``email_verified`` and ``phone_number_verified`` are plain
    attributes; metadata (``user_status``, ``enabled``, ``user_create_date``, ...) reads the same
    way. Assigning an existing attribute changes it locally; :meth:`save` sends the changes.
    """

    def __init__(
        self,
        username: Optional[str],
        attribute_list: Optional[list[dict[str, Any]]],
        cognito_obj: _Facade,
        metadata: Optional[Mapping[str, Any]] = None,
        attr_map: Optional[Mapping[str, str]] = None,
    ) -> None:
        data = cognito_to_dict(attribute_list, attr_map)
        fixed = {name: data.pop(name, None) for name in _READ_ONLY}
        object.__setattr__(self, "username", username)
        object.__setattr__(self, "_cognito", cognito_obj)
        object.__setattr__(self, "_attr_map", dict(attr_map or {}))
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_metadata", dict(metadata or {}))
        object.__setattr__(self, "_changed", set())
        for name, value in fixed.items():
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.username}>"

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: attributes, then metadata.
        data = self.__dict__.get("_data", {})
        if name in data:
            return data[name]
        metadata = self.__dict__.get("_metadata", {})
        if name in metadata:
            return metadata[name]
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._data:
            self._data[name] = value
            self._changed.add(name)
        else:
            object.__setattr__(self, name, value)

    @property
    def attributes(self) -> dict[str, Any]:
        """The user's editable attributes (a copy), under the mapped names."""
        return dict(self._data)

    def save(self, admin: bool = False) -> None:
        """Send the attributes changed since this object was made (as the user or as admin)."""
        changes = self._unsaved()
        if changes:
            self._send(changes, admin)
            self._saved(changes)

    def delete(self, admin: bool = False) -> None:
        """Delete this user: as an administrator (by this object's username) or as the
        logged-in user."""
        self._delete(admin)

    # -- shared by UserObj and AsyncUserObj: what to send, and the bookkeeping ---------------

    def _unsaved(self) -> dict[str, Any]:
        """The attributes changed and not saved yet, with their values."""
        return {name: self._data[name] for name in sorted(self._changed)}

    def _saved(self, changes: Mapping[str, Any]) -> None:
        """``changes`` reached Cognito: an attribute assigned again meanwhile stays unsaved."""
        for name, value in changes.items():
            if self._data.get(name) is value:
                self._changed.discard(name)

    def _send(self, changes: Mapping[str, Any], admin: bool) -> Any:
        """The facade's update of ``changes`` (its result: an awaitable for ``AsyncCognito``)."""
        if admin:
            return self._cognito.admin_update_profile(
                changes, self._attr_map, username=self.username
            )
        return self._cognito.update_profile(changes, self._attr_map)

    def _delete(self, admin: bool) -> Any:
        """The facade's deletion of this user (its result: an awaitable for ``AsyncCognito``)."""
        if admin:
            return self._cognito.admin_delete_user(username=self.username)
        return self._cognito.delete_user()


class AsyncUserObj(UserObj):
    """The ``UserObj`` of ``pycognito.aio.AsyncCognito`` (its ``user_class``): the same
    attributes and change bookkeeping; :meth:`save` and :meth:`delete` are coroutines that
    await the ``AsyncCognito``'s methods (``await user.save()``)."""

    # Coroutines where UserObj has plain methods: an AsyncUserObj is not used where a UserObj's
    # synchronous save()/delete() are expected (hence the ignored override checks).
    async def save(self, admin: bool = False) -> None:  # type: ignore[override]
        """Send the attributes changed since this object was made (as the user or as admin)."""
        changes = self._unsaved()
        if changes:
            await self._send(changes, admin)
            self._saved(changes)

    async def delete(self, admin: bool = False) -> None:  # type: ignore[override]
        """Delete this user: as an administrator (by this object's username) or as the
        logged-in user."""
        await self._delete(admin)


class GroupObj:
    """A user pool group: ``group_name``, ``description``, ``creation_date``,
    ``last_modified_date``, ``role_arn``, ``precedence``."""

    def __init__(self, group_data: Mapping[str, Any], cognito_obj: Any) -> None:
        data = dict(group_data)
        self._cognito = cognito_obj
        self.group_name: Optional[str] = data.pop("GroupName", None)
        self.description: Optional[str] = data.pop("Description", None)
        self.creation_date: Any = data.pop("CreationDate", None)
        self.last_modified_date: Any = data.pop("LastModifiedDate", None)
        self.role_arn: Optional[str] = data.pop("RoleArn", None)
        self.precedence: Optional[int] = data.pop("Precedence", None)
        self.user_pool_id: Optional[str] = data.pop("UserPoolId", None)
        self._data = data

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.group_name}>"
