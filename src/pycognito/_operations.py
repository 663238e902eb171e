"""The facade's Cognito calls, written once and driven by ``Cognito`` and ``AsyncCognito``.

A method that talks to Cognito is written as a generator of what it needs, in the manner of
the sign-in engine (:mod:`pycognito._signin`): it yields a :class:`~pycognito._signin.Call`
(one Cognito operation, boto3's name and keyword arguments) or an :class:`AccessToken` (a
valid access token, renewed first when stale), gets the result sent back (or the error thrown
in), and returns the method's result::

    @operation
    def get_group(self, group_name: str) -> Steps[GroupObj]:
        response = yield call("get_group", GroupName=group_name, UserPoolId=self.user_pool_id)
        return self.get_group_obj(response["Group"])

:func:`operation` makes it an ordinary synchronous method of ``Cognito`` (each call through
``self._call``, the tokens through ``self._need_access_token``: the patch points stay);
:func:`awaited` makes the same steps a coroutine method of ``AsyncCognito``, each need awaited.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Generator, TypeVar, Union

from ._signin import Call

if TYPE_CHECKING:
    from typing_extensions import Concatenate, ParamSpec

    P = ParamSpec("P")

__all__ = ["AccessToken", "Need", "Steps", "access_token", "awaited", "call", "drive",
           "drive_async", "operation", "walk", "walk_async"]

N = TypeVar("N")
R = TypeVar("R")
S = TypeVar("S")


@dataclass(frozen=True)
class AccessToken:
    """A valid access token is needed; ``what`` names the method in the error if none is held."""

    what: str


Need = Union[Call, AccessToken]
#: What an operation is: a generator of needs whose return value is the method's result.
Steps = Generator[Need, Any, R]

_STEPS = "__pycognito_steps__"


def call(operation_name: str, /, **params: Any) -> Call:
    """The need for one Cognito operation (boto3's method name and keyword arguments)."""
    return Call(operation_name, params)


def access_token(what: str) -> AccessToken:
    """The need for a valid access token (renewed first if stale)."""
    return AccessToken(what)


def drive(steps: Steps[R], send: Callable[[Call], Any], token: Callable[[str], str]) -> R:
    """Run ``steps`` to their result: each call through ``send``, each token from ``token``;
    an error of either is thrown into the steps (which may handle it)."""
    return walk(steps, lambda need: send(need) if isinstance(need, Call) else token(need.what))


async def drive_async(
    steps: Steps[R],
    send: Callable[[Call], Awaitable[Any]],
    token: Callable[[str], Awaitable[str]],
) -> R:
    """:func:`drive` with awaited calls and tokens."""
    return await walk_async(
        steps, lambda need: send(need) if isinstance(need, Call) else token(need.what)
    )


def walk(steps: Generator[N, Any, R], fulfil: Callable[[N], Any]) -> R:
    """Run any generator of needs to its result, each need's result (or error) from
    ``fulfil`` sent (or thrown) in: :func:`drive`'s loop, for steps with needs of their own
    (the identity pool's, say)."""
    try:
        need = next(steps)
        while True:
            try:
                result = fulfil(need)
            except Exception as error:
                need = steps.throw(error)
            else:
                need = steps.send(result)
    except StopIteration as done:
        value: R = done.value
        return value


async def walk_async(steps: Generator[N, Any, R], fulfil: Callable[[N], Awaitable[Any]]) -> R:
    """:func:`walk` with each need awaited."""
    try:
        need = next(steps)
        while True:
            try:
                result = await fulfil(need)
            except Exception as error:
                need = steps.throw(error)
            else:
                need = steps.send(result)
    except StopIteration as done:
        value: R = done.value
        return value


def operation(steps: Callable[Concatenate[S, P], Steps[R]]) -> Callable[Concatenate[S, P], R]:
    """A synchronous method of the facade running ``steps`` (see the module docstring)."""

    def method(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        facade: Any = self
        return drive(
            steps(self, *args, **kwargs),
            lambda need: facade._call(need.operation, **need.params),
            lambda what: facade._need_access_token(what),
        )

    functools.update_wrapper(method, steps)
    setattr(method, _STEPS, steps)
    return method


def awaited(
    method: Callable[Concatenate[Any, P], R],
) -> Callable[Concatenate[Any, P], Awaitable[R]]:
    """A coroutine method of ``AsyncCognito`` running the steps of the facade's ``method``
    (made by :func:`operation`) on ``self._state``, each need awaited through ``self._send``
    and ``self._need_access_token``."""
    steps = getattr(method, _STEPS, None)
    if steps is None:
        raise TypeError(f"{getattr(method, '__qualname__', method)} is not an @operation")

    async def coroutine(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> R:
        result: R = await drive_async(
            steps(self._state, *args, **kwargs), self._send, self._need_access_token
        )
        return result

    functools.update_wrapper(coroutine, method)
    return coroutine
