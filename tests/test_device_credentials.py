"""``DeviceCredentials``: the device values held once, by the facade and its SRP prover."""

from __future__ import annotations

import pytest

from pycognito import AWSSRP, Cognito
from pycognito._device_credentials import DeviceCredentials
from pycognito.exceptions import InvalidTypeError


def test_complete_only_with_all_three_and_no_password_in_the_repr() -> None:
    device = DeviceCredentials("key-1", "group-1", "pw-secret")
    assert device.complete() == ("key-1", "group-1", "pw-secret")
    assert "pw-secret" not in repr(device) and "key-1" in repr(device)
    device.password = None
    assert device.complete() is None


def test_forget_a_given_key_only_if_it_is_held() -> None:
    device = DeviceCredentials("key-1", "group-1", "pw-secret")
    device.forget("another-key")
    assert device.complete() is not None
    device.forget("key-1")
    assert (device.key, device.group_key, device.password) == (None, None, None)
    device.remember("key-2", "group-2", "pw-2")
    device.forget()
    assert device.complete() is None


def test_the_facades_prover_shares_its_device_values() -> None:
    u = Cognito("us-east-1_abc", "client", username="bob", device_key="key-1",
                device_group_key="group-1", device_password="pw-secret")
    prover = u._srp("bob", "Password-1")
    assert (prover.device_key, prover.device_group_key, prover.device_password) == (
        "key-1", "group-1", "pw-secret")
    prover.forget_device_values()  # what a login does when Cognito forgot the device
    assert (u.device_key, u.device_group_key, u.device_password) == (None, None, None)
    assert "pw-secret" not in repr(u) and "pw-secret" not in repr(prover)


def test_awssrp_alone_keeps_its_own_values() -> None:
    helper = AWSSRP("bob", "Password-1", "us-east-1_abc", "client", device_key="key-1",
                    device_group_key="group-1", device_password="pw-secret")
    helper.device_key = "key-2"
    assert (helper.device_key, helper.device_group_key) == ("key-2", "group-1")
    helper.forget_device_values()
    assert helper.device_password is None and helper.device_key is None


def test_the_views_check_what_is_assigned_and_the_provers_password_is_read_only() -> None:
    u = Cognito("us-east-1_abc", "client")
    with pytest.raises(InvalidTypeError, match="device_group_key must be a string"):
        u.device_group_key = 5  # type: ignore[assignment]
    u.device_password = "pw"
    assert u._device.password == "pw"
    helper = AWSSRP("bob", "Password-1", "us-east-1_abc", "client")
    with pytest.raises(AttributeError, match="read-only"):
        helper.device_password = "pw"
