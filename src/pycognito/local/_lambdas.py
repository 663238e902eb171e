"""Lambda triggers: the pool's ``LambdaConfig`` ARNs mapped to Python handlers, called as AWS does.

A pool is configured exactly as on AWS (``LambdaConfig`` with function ARNs, and
``PreTokenGenerationConfig`` with its ``LambdaVersion``). ``LocalCognito.register_lambda(arn,
handler)`` (or ``pycognito local --lambda ARN=module:function``) says which Python function
answers an ARN; it is called as Lambda calls a handler, ``handler(event, context)``, and returns
the event with its ``response`` filled in.

:func:`invoke` builds the event Cognito documents (common fields, ``triggerSource``, the
trigger's ``request`` and an empty ``response``), calls the handler with the server's state lock
released (so a handler may itself call the local Cognito, as Lambdas call Cognito), records the
invocation (``LocalCognito.lambda_invocations()``, ``GET /_local/lambda-invocations``) and returns
the handler's ``response``. A handler that raises is ``UserLambdaValidationException``
("<Trigger> failed with error <message>."), one that returns something else than the event is
``InvalidLambdaResponseException``, an ARN with no handler is ``UnexpectedLambdaException``.
"""

from __future__ import annotations

import copy
import importlib
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ._errors import CognitoError
from ._moto import Pool

LambdaHandler = Callable[[dict[str, Any], Any], Any]

#: The triggers the local Cognito calls (``LambdaConfig`` keys).
TRIGGERS = (
    "PreSignUp",
    "CustomMessage",
    "PostConfirmation",
    "PreAuthentication",
    "PostAuthentication",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
    "PreTokenGeneration",
    "UserMigration",
)
_VERSIONS = {"V1_0": "1", "V2_0": "2", "V3_0": "3"}
#: Lambda's timeout for a Cognito trigger (what ``get_remaining_time_in_millis`` counts down).
TIMEOUT_MS = 5000


@dataclass
class LambdaContext:
    """What a handler gets as ``context`` (the attributes of Lambda's Python context)."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    log_group_name: str = ""
    log_stream_name: str = ""
    _started: float = field(default_factory=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self.log_stream_name = self.log_stream_name or f"local/{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, TIMEOUT_MS - int((time.monotonic() - self._started) * 1000))


@dataclass
class Invocation:
    """One call of a trigger: the event as sent, and what the handler answered."""

    function_arn: str
    trigger_source: str
    event: dict[str, Any] = field(repr=False)  # may carry a password (UserMigration)
    response: Optional[dict[str, Any]] = field(default=None, repr=False)
    error: Optional[str] = None

    def to_json(self) -> dict[str, Any]:
        """The JSON object served by ``GET /_local/lambda-invocations``."""
        return {"function_arn": self.function_arn, "trigger_source": self.trigger_source,
                "event": self.event, "response": self.response, "error": self.error}


#: Invocations kept (the newest), as the call log and the outbox keep theirs.
INVOCATION_LOG_SIZE = 10_000


class LambdaStore:
    """Registered handlers (kept across resets: they are code) and the newest invocations."""

    def __init__(self, size: int = INVOCATION_LOG_SIZE) -> None:
        self.handlers: dict[str, LambdaHandler] = {}
        self.invocations: deque[Invocation] = deque(maxlen=size)

    def register(self, function_arn: str, handler: LambdaHandler) -> None:
        if not isinstance(function_arn, str) or not function_arn.startswith("arn:"):
            raise ValueError("function_arn must be a Lambda function ARN (arn:aws:lambda:...)")
        if not callable(handler):
            raise TypeError("handler must be callable as handler(event, context)")
        self.handlers[function_arn] = handler

    def unregister(self, function_arn: str) -> None:
        self.handlers.pop(function_arn, None)

    def select(self, *, trigger_source: Optional[str] = None,
               function_arn: Optional[str] = None) -> list[Invocation]:
        return [i for i in self.invocations
                if (trigger_source is None or i.trigger_source == trigger_source)
                and (function_arn is None or i.function_arn == function_arn)]

    def clear(self) -> None:
        """Forget the invocations (a reset); the handlers stay registered."""
        self.invocations.clear()


def load_handler(spec: str) -> LambdaHandler:
    """``module:function`` (``pkg.mod:handler``) -> the function."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected module:function, got {spec!r}")
    target: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise TypeError(f"{spec} is not callable")
    return target  # type: ignore[no-any-return]


def function_for(pool: Pool, trigger: str) -> Optional[tuple[str, str]]:
    """The ARN configured for ``trigger`` and its event version, or ``None``."""
    config = pool.extended_config.get("LambdaConfig") or {}
    if trigger == "PreTokenGeneration":
        v2 = config.get("PreTokenGenerationConfig") or {}
        if isinstance(v2, dict) and v2.get("LambdaArn"):
            return str(v2["LambdaArn"]), _VERSIONS.get(str(v2.get("LambdaVersion")), "1")
    arn = config.get(trigger)
    return (str(arn), "1") if isinstance(arn, str) and arn else None


def configured(pool: Pool, trigger: str) -> bool:
    return function_for(pool, trigger) is not None


def invoke(pool: Pool, trigger: str, source: str, *, user_name: Optional[str],
           request: dict[str, Any], response: Optional[dict[str, Any]] = None,
           client_id: Optional[str] = None) -> Optional[dict[str, Any]]:
    """Call the pool's ``trigger`` function (``None`` when it has none); return its response."""
    from ._state import STATE

    found = function_for(pool, trigger)
    if found is None:
        return None
    arn, version = found
    event: dict[str, Any] = {
        "version": version,
        "triggerSource": source,
        "region": pool.region,
        "userPoolId": pool.id,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown",
                          "clientId": client_id or "CLIENT_ID_NOT_APPLICABLE"},
        "request": request,
        "response": dict(response or {}),
    }
    store = STATE.lambdas
    record = Invocation(arn, source, copy.deepcopy(event))
    store.invocations.append(record)
    handler = store.handlers.get(arn)
    if handler is None:
        record.error = "no handler registered"
        raise CognitoError("UnexpectedLambdaException",
                           f"{trigger} invocation failed: no handler is registered for {arn} "
                           "(LocalCognito.register_lambda, or pycognito local --lambda "
                           "ARN=module:function).")
    context = LambdaContext(function_name=arn.rsplit(":", 1)[-1], invoked_function_arn=arn)
    try:
        with _released(STATE.lock):
            result = handler(event, context)
    except Exception as error:  # the handler's own failure, reported as Cognito does
        record.error = f"{type(error).__name__}: {error}"
        raise CognitoError("UserLambdaValidationException",
                           f"{trigger} failed with error {error}.") from None
    answer = result.get("response") if isinstance(result, dict) else None
    if not isinstance(answer, dict):
        record.error = "unrecognizable lambda output"
        raise CognitoError("InvalidLambdaResponseException", "Unrecognizable lambda output")
    record.response = copy.deepcopy(answer)
    return answer


class _released:
    """Release a re-entrant lock completely for a while, then take it back as often."""

    def __init__(self, lock: Any) -> None:
        self._lock = lock
        self._depth = 0

    def __enter__(self) -> None:
        while True:
            try:
                self._lock.release()
            except RuntimeError:  # not (or no longer) held by this thread
                return
            self._depth += 1

    def __exit__(self, *exc: object) -> None:
        for _ in range(self._depth):
            self._lock.acquire()


__all__ = ["TRIGGERS", "Invocation", "LambdaContext", "LambdaStore", "configured",
           "function_for", "invoke", "load_handler"]
