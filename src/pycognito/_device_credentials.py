"""A remembered device's credentials: one object shared by the facade and its SRP prover.

A device login needs three values together: the device key, the device group key and the
device password (a secret). ``Cognito`` holds them in a :class:`DeviceCredentials` and hands
the same object to the ``AWSSRP`` prover of each login, so that when Cognito no longer knows
the device and the login goes on without it, the values are forgotten in one place.
"""

from __future__ import annotations

from typing import Any, Optional, overload

from ._text import check_text
from .exceptions import InvalidTypeError

__all__ = ["DeviceCredentials", "DeviceField"]


class DeviceCredentials:
    """``key``, ``group_key`` and ``password`` of a remembered device (all three or none are
    needed for a device login); the password never appears in the ``repr``."""

    __slots__ = ("group_key", "key", "password")

    def __init__(self, key: Optional[str] = None, group_key: Optional[str] = None,
                 password: Optional[str] = None) -> None:
        self.key = key
        self.group_key = group_key
        self.password = password

    def __repr__(self) -> str:
        return (f"DeviceCredentials(key={self.key!r}, group_key={self.group_key!r}, "
                f"password={'set' if self.password else None})")

    def complete(self) -> Optional[tuple[str, str, str]]:
        """The three values when all are set (a device login can be made), else ``None``."""
        if self.key and self.group_key and self.password:
            return self.key, self.group_key, self.password
        return None

    def remember(self, key: str, group_key: str, password: str) -> None:
        """Hold the values of a device just confirmed."""
        self.key, self.group_key, self.password = key, group_key, password

    def forget(self, key: Optional[str] = None) -> None:
        """Drop the values (only if they are of device ``key``, when given)."""
        if key is None or key == self.key:
            self.key = self.group_key = self.password = None


class DeviceField:
    """An attribute that is a view of one value of its holder's ``_device`` credentials
    (``device_key`` on ``Cognito`` and ``AWSSRP`` is ``DeviceField("key")``); assignments are
    checked (a string or ``None``) unless the field is read-only."""

    def __init__(self, value: str, doc: str, *, writable: bool = True) -> None:
        self._value = value
        self._writable = writable
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: Optional[type] = None) -> DeviceField: ...

    @overload
    def __get__(self, obj: object, owner: Optional[type] = None) -> Optional[str]: ...

    def __get__(self, obj: Any, owner: Optional[type] = None) -> Any:
        if obj is None:
            return self
        return getattr(obj._device, self._value)

    def __set__(self, obj: Any, value: Optional[str]) -> None:
        if not self._writable:
            raise AttributeError(f"{self._name} is read-only")
        if value is not None:
            if not isinstance(value, str):
                raise InvalidTypeError(
                    f"{self._name} must be a string or None, not {type(value).__name__}")
            check_text(value, self._name)
        setattr(obj._device, self._value, value)
