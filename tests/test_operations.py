"""The facade's steps (``pycognito._operations``): one implementation, two drivers."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any
from unittest import mock

import pytest

from pycognito import Cognito
from pycognito._operations import (
    AccessToken,
    Steps,
    access_token,
    awaited,
    call,
    drive,
    drive_async,
    operation,
)
from pycognito._signin import Call
from pycognito.aio import AsyncCognito


def _steps(log: list[Any]) -> Steps[str]:
    token = yield access_token("reading")
    log.append(token)
    try:
        yield call("first", Token=token)
    except KeyError as error:  # a refused call is thrown in, and may be handled
        log.append(f"handled {error}")
    second = yield call("second")
    return f"done with {second}"


def _send(need: Call) -> Any:
    if need.operation == "first":
        raise KeyError("refused")
    return need.operation.upper()


def test_drive_sends_each_result_and_throws_each_error_in() -> None:
    log: list[Any] = []
    assert drive(_steps(log), _send, lambda what: f"token for {what}") == "done with SECOND"
    assert log == ["token for reading", "handled 'refused'"]


def test_drive_async_is_the_same_walk_awaited() -> None:
    log: list[Any] = []

    async def send(need: Call) -> Any:
        await asyncio.sleep(0)
        return _send(need)

    async def token(what: str) -> str:
        return f"token for {what}"

    assert asyncio.run(drive_async(_steps(log), send, token)) == "done with SECOND"
    assert log == ["token for reading", "handled 'refused'"]


def test_an_unhandled_error_reaches_the_caller() -> None:
    def steps() -> Steps[None]:
        yield call("first")

    with pytest.raises(KeyError, match="refused"):
        drive(steps(), _send, str)
    with pytest.raises(ValueError, match="no token"):
        drive(_steps([]), _send, lambda what: (_ for _ in ()).throw(ValueError("no token")))


def test_needs_carry_no_secret_in_their_repr() -> None:
    assert "s3cret" not in repr(call("change_password", ProposedPassword="s3cret"))
    assert access_token("x") == AccessToken("x")


def test_the_sync_method_goes_through_the_patch_points() -> None:
    u = Cognito("us-east-1_abc", "client", username="bob")
    with mock.patch.object(Cognito, "_call", return_value={"Group": {"GroupName": "g"}}) as sent:
        assert Cognito.get_group(u, "g").group_name == "g"  # the unbound form works too
    sent.assert_called_once_with("get_group", GroupName="g", UserPoolId="us-east-1_abc")


def test_both_drivers_show_the_methods_signature_and_doc() -> None:
    for method in (Cognito.get_group, AsyncCognito.get_group):
        assert list(inspect.signature(method).parameters) == ["self", "group_name"]
        assert method.__doc__ == "One group of the pool."
    assert inspect.iscoroutinefunction(AsyncCognito.get_group)
    assert not inspect.iscoroutinefunction(Cognito.get_group)


def test_awaited_takes_only_operations() -> None:
    with pytest.raises(TypeError, match="not an @operation"):
        awaited(Cognito.get_group_obj)

    @operation
    def noop(self: Any) -> Steps[int]:
        return 1
        yield  # a generator

    assert noop(object()) == 1
