"""Remembered devices: confirm the device of a login, log in with it later, list and forget.

A device login needs three values the application stores after :meth:`remember_device`:
``device_key``, ``device_group_key`` and ``device_password`` (a secret). Give them back to
``Cognito(..., device_key=..., device_group_key=..., device_password=...)``.
"""

from __future__ import annotations

from typing import Any, Optional

from ._auth import AuthMixin
from ._operations import Steps, access_token, call, operation
from .exceptions import InvalidTypeError, MissingValueError


class DevicesMixin(AuthMixin):
    """``remember_device``, ``list_devices``, ``forget_device``."""

    @operation
    def remember_device(
        self, device_name: Optional[str] = None, *, remembered: bool = True
    ) -> Steps[dict[str, str]]:
        """Confirm the device Cognito announced at the last login (ConfirmDevice with a fresh
        verifier) and set it remembered (or not); return the values to store::

            {"device_key": ..., "device_group_key": ..., "device_password": ...}

        which are also set on this instance for its next :meth:`authenticate`.
        """
        if not isinstance(remembered, bool):
            raise InvalidTypeError("remembered must be True or False")
        new = self._new_device
        if not new or not new.get("DeviceKey") or not new.get("DeviceGroupKey"):
            raise MissingValueError(
                "the last login announced no new device: the pool must track devices and "
                "the device must not be remembered already",
                "NewDeviceMetadata",
            )
        access = yield access_token("remember_device")
        password = yield from self._register_device(access, new, device_name)
        yield call("update_device_status",
            AccessToken=access,
            DeviceKey=new["DeviceKey"],
            DeviceRememberedStatus="remembered" if remembered else "not_remembered",
        )
        self._device.remember(new["DeviceKey"], new["DeviceGroupKey"], password)
        self._new_device = None
        return {
            "device_key": new["DeviceKey"],
            "device_group_key": new["DeviceGroupKey"],
            "device_password": password,
        }

    @operation
    def list_devices(self) -> Steps[list[dict[str, Any]]]:
        """The logged-in user's devices (all pages), as Cognito describes them."""
        access = yield access_token("list_devices")
        kwargs: dict[str, Any] = {"AccessToken": access}
        devices: list[dict[str, Any]] = []
        while True:
            page = yield call("list_devices", **kwargs)
            devices.extend(page.get("Devices", []))
            token = page.get("PaginationToken")
            if not token:
                return devices
            kwargs["PaginationToken"] = token

    @operation
    def forget_device(self, device_key: Optional[str] = None) -> Steps[None]:
        """Forget a device (default: this instance's); it can no longer be used to log in."""
        key = device_key or self.device_key
        if not key:
            raise MissingValueError("forget_device needs a device_key", "device_key")
        access = yield access_token("forget_device")
        yield call("forget_device", AccessToken=access, DeviceKey=key)
        self._device.forget(key)
