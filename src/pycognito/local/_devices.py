"""Device tracking: NewDeviceMetadata, ConfirmDevice, device SRP data, and the device operations.

With a pool ``DeviceConfiguration``, a login that did not authenticate a known device returns
``NewDeviceMetadata``; ConfirmDevice stores the client's salt and verifier; later logins that
send the ``DEVICE_KEY`` go through DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER (see ``_auth``).
A remembered device skips MFA. With ``DeviceOnlyRememberedOnUserPrompt`` false every confirmed
device is remembered; otherwise only after UpdateDeviceStatus(remembered).
"""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Optional

from ._errors import invalid_parameter, resource_not_found
from ._moto import Pool, User, find_pool, find_user
from ._registry import Request, operation
from ._srp import device_verifier
from ._state import STATE
from ._users import authorize

_REMEMBERED = ("remembered", "not_remembered")


@dataclass
class Device:
    """A device of one user."""

    key: str
    group_key: str
    pool_id: str
    sub: str
    created: datetime
    modified: datetime
    last_authenticated: datetime
    confirmed: bool = False
    remembered: bool = False
    name: Optional[str] = None
    verifier: int = 0
    salt_hex: str = ""

    def __repr__(self) -> str:
        return f"Device(key={self.key!r}, confirmed={self.confirmed}, remembered={self.remembered})"

    def to_json(self) -> dict[str, Any]:
        attributes = [
            {"Name": "device_status", "Value": "valid"},
            {"Name": "dev:device_remembered_status",
             "Value": "remembered" if self.remembered else "not_remembered"},
            {"Name": "last_ip_used", "Value": "127.0.0.1"},
        ]
        if self.name:
            attributes.append({"Name": "device_name", "Value": self.name})
        return {
            "DeviceKey": self.key,
            "DeviceAttributes": attributes,
            "DeviceCreateDate": self.created,
            "DeviceLastModifiedDate": self.modified,
            "DeviceLastAuthenticatedDate": self.last_authenticated,
        }


def tracking_enabled(pool: Pool) -> bool:
    """Whether the pool has a DeviceConfiguration."""
    return bool(pool.extended_config.get("DeviceConfiguration"))


def _remembered_automatically(pool: Pool) -> bool:
    config = pool.extended_config.get("DeviceConfiguration") or {}
    return not config.get("DeviceOnlyRememberedOnUserPrompt", False)


def new_device(pool: Pool, user: User) -> Device:
    """An unconfirmed device for this login (its key goes out as NewDeviceMetadata)."""
    extras = STATE.user(pool.id, user.id)
    if extras.device_group_key is None:
        alphabet = string.ascii_letters + string.digits
        extras.device_group_key = "-" + "".join(secrets.choice(alphabet) for _ in range(8))
    now = STATE.clock.utcnow_naive()
    device = Device(key=f"{pool.region}_{uuid.uuid4()}", group_key=extras.device_group_key,
                    pool_id=pool.id, sub=user.id, created=now, modified=now,
                    last_authenticated=now)
    STATE.devices[device.key] = device
    return device


def confirmed_device(pool: Pool, user: User, device_key: object) -> Optional[Device]:
    """The user's confirmed device with this key, if any."""
    device = STATE.devices.get(device_key) if isinstance(device_key, str) else None
    if device is None or not device.confirmed or (device.pool_id, device.sub) != (pool.id, user.id):
        return None
    assert isinstance(device, Device)
    return device


def known_device(pool: Pool, user: User, device_key: str) -> bool:
    """Whether the key names a device of this user (confirmed or not; forgotten ones are gone)."""
    device = STATE.devices.get(device_key)
    return device is not None and (device.pool_id, device.sub) == (pool.id, user.id)


def touch(device: Device) -> None:
    device.last_authenticated = STATE.clock.utcnow_naive()


def _users_device(pool: Pool, user: User, device_key: object, *,
                  confirmed_only: bool = True) -> Device:
    device = STATE.devices.get(device_key) if isinstance(device_key, str) else None
    if (device is None or (device.pool_id, device.sub) != (pool.id, user.id)
            or (confirmed_only and not device.confirmed)):
        raise resource_not_found("Device does not exist.")
    assert isinstance(device, Device)
    return device


def _admin_user(req: Request) -> tuple[Pool, User]:
    pool = find_pool(req.required("UserPoolId"))
    from ._errors import user_not_found

    user = find_user(pool, req.required("Username"))
    if user is None:
        raise user_not_found()
    return pool, user


def _list(pool: Pool, user: User, req: Request) -> dict[str, Any]:
    devices = [d for d in STATE.devices.values()
               if (d.pool_id, d.sub) == (pool.id, user.id) and d.confirmed]
    limit = req.params.get("Limit") or 60
    token = req.text("PaginationToken") or "0"
    if not token.isascii() or not token.isdigit():
        raise invalid_parameter("Invalid pagination token")
    if type(limit) is not int or not 0 < limit <= 60:
        raise invalid_parameter("Limit must be between 0 and 60")
    start = int(token)
    page = devices[start:start + limit]
    result: dict[str, Any] = {"Devices": [d.to_json() for d in page]}
    if start + len(page) < len(devices):
        result["PaginationToken"] = str(start + len(page))
    return result


def _set_status(device: Device, status: object) -> None:
    if status not in _REMEMBERED:
        raise invalid_parameter("DeviceRememberedStatus must be remembered or not_remembered")
    device.remembered = status == "remembered"
    device.modified = STATE.clock.utcnow_naive()


def _forget(device: Device) -> None:
    STATE.devices.pop(device.key, None)
    STATE.tokens.revoke_device(device.pool_id, device.sub, device.key)


@operation("ConfirmDevice")
def confirm_device(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    device = _users_device(pool, user, req.required("DeviceKey"), confirmed_only=False)
    config = req.mapping("DeviceSecretVerifierConfig")
    try:
        verifier, salt_hex = device_verifier(config.get("PasswordVerifier", ""),
                                             config.get("Salt", ""))
    except ValueError as error:
        raise invalid_parameter(str(error)) from None
    device.verifier, device.salt_hex = verifier, salt_hex
    device.name = req.text("DeviceName") or device.name
    device.confirmed = True
    device.remembered = _remembered_automatically(pool)
    device.modified = STATE.clock.utcnow_naive()
    return {"UserConfirmationNecessary": not _remembered_automatically(pool)}


@operation("GetDevice")
def get_device(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    return {"Device": _users_device(pool, user, req.required("DeviceKey")).to_json()}


@operation("AdminGetDevice")
def admin_get_device(req: Request) -> dict[str, Any]:
    pool, user = _admin_user(req)
    return {"Device": _users_device(pool, user, req.required("DeviceKey")).to_json()}


@operation("ListDevices")
def list_devices(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    return _list(pool, user, req)


@operation("AdminListDevices")
def admin_list_devices(req: Request) -> dict[str, Any]:
    pool, user = _admin_user(req)
    return _list(pool, user, req)


@operation("UpdateDeviceStatus")
def update_device_status(req: Request) -> dict[str, Any]:
    pool, user, _ = authorize(req.params.get("AccessToken"))
    _set_status(_users_device(pool, user, req.required("DeviceKey")),
                req.params.get("DeviceRememberedStatus"))
    return {}


@operation("AdminUpdateDeviceStatus")
def admin_update_device_status(req: Request) -> dict[str, Any]:
    pool, user = _admin_user(req)
    _set_status(_users_device(pool, user, req.required("DeviceKey")),
                req.params.get("DeviceRememberedStatus"))
    return {}


@operation("ForgetDevice")
def forget_device(req: Request) -> None:
    token = req.params.get("AccessToken")
    device_key = req.required("DeviceKey")
    if token is None:
        raise invalid_parameter("Missing required parameter AccessToken")
    pool, user, _ = authorize(token)
    _forget(_users_device(pool, user, device_key, confirmed_only=False))


@operation("AdminForgetDevice")
def admin_forget_device(req: Request) -> None:
    pool, user = _admin_user(req)
    _forget(_users_device(pool, user, req.required("DeviceKey"), confirmed_only=False))
