"""botocore's service models, read once: what a request may hold (the front door checks it, see
``_validation``) and what an answer holds (:func:`answer_writer`).

moto's models answer with more than AWS does (``ListUsers`` users carry ``UserPoolId`` and
``PreferredMfaSetting``, for example); moto's own serialiser walks the output shape to leave
those out, at about ten times the cost of the operation. :func:`answer_writer` does the same
walk once per answer, with the shape's structure compiled into nested functions the first time
an operation is answered.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime, timezone
from typing import Any, Callable, Optional

Writer = Callable[[Any], Any]

_models: dict[str, Any] = {}
_writers: dict[tuple[str, str], Writer] = {}
_lock = threading.Lock()


def service_model(service: str) -> Any:
    """botocore's service model (loaded on first use, kept): read with botocore's own loader
    (its search path, ``AWS_DATA_PATH`` first), without the cost of a whole botocore session."""
    with _lock:
        if service not in _models:
            from botocore.loaders import create_loader
            from botocore.model import ServiceModel

            data = create_loader(os.environ.get("AWS_DATA_PATH")).load_service_model(
                service, "service-2")
            _models[service] = ServiceModel(data, service_name=service)
        return _models[service]


def epoch_seconds(value: datetime) -> float:
    """A timestamp as AWS's JSON protocol writes it: epoch seconds, to the millisecond; a
    naive datetime is UTC (as moto keeps them)."""
    since = value - (_EPOCH if value.tzinfo else _NAIVE_EPOCH)
    return int(since.total_seconds() * 1000) / 1000


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NAIVE_EPOCH = datetime(1970, 1, 1)


def answer_writer(service: str, operation: str) -> Writer:
    """``operation``'s answer as AWS writes it: only the output shape's members, no ``None``
    members, timestamps as epoch seconds. An unknown operation's answer is kept as it is."""
    key = (service, operation)
    writer = _writers.get(key)
    if writer is None:
        model = service_model(service)
        shape = (model.operation_model(operation).output_shape
                 if operation in model.operation_names else None)
        writer = (_compile(shape, {}) if shape is not None else None) or _same
        with _lock:
            _writers[key] = writer
    return writer


def _same(value: Any) -> Any:
    return value


def _timestamp(value: Any) -> Any:
    return epoch_seconds(value) if isinstance(value, datetime) else value


def _compile(shape: Any, seen: dict[str, Optional[Writer]]) -> Optional[Writer]:
    """A writer for ``shape``; ``None`` for a value written as it is (strings, numbers...)."""
    kind = shape.type_name
    if kind == "timestamp":
        return _timestamp
    if kind not in ("structure", "list", "map"):
        return None
    if shape.name in seen:  # a recursive shape: look the writer up when it is called
        return lambda value: (seen[shape.name] or _same)(value)
    seen[shape.name] = None
    writer: Writer
    if kind == "structure":
        members = {name: _compile(member, seen) for name, member in shape.members.items()}

        def writer(value: Any) -> Any:
            if not isinstance(value, dict):
                return value
            return {name: v if (w := members[name]) is None else w(v)
                    for name, v in value.items() if v is not None and name in members}
    elif kind == "list":
        item = _compile(shape.member, seen)

        def writer(value: Any) -> Any:
            if not isinstance(value, (list, tuple)):
                return value
            return list(value) if item is None else [item(v) for v in value]
    else:
        entry = _compile(shape.value, seen)

        def writer(value: Any) -> Any:
            if not isinstance(value, dict):
                return value
            return {str(k): v if entry is None else entry(v)
                    for k, v in value.items() if v is not None}
    seen[shape.name] = writer
    return writer
