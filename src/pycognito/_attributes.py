"""User attributes: Cognito's ``[{"Name": ..., "Value": ...}]`` lists and plain dicts.

``attr_map`` maps Cognito attribute names to the names the caller wants
(``{"given_name": "first_name"}``); :func:`cognito_to_dict` applies it, :func:`dict_to_cognito`
applies it backwards. Neither function mutates its arguments.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Optional

from .exceptions import InvalidTypeError

__all__ = ["camel_to_snake", "cognito_to_dict", "dict_to_cognito", "snake_to_camel"]

_BOOLS = {"true": True, "false": False}


def _check_map(attr_map: Optional[Mapping[str, str]]) -> Mapping[str, str]:
    if attr_map is None:
        return {}
    if not isinstance(attr_map, Mapping):
        raise InvalidTypeError("attr_map must be a dict of Cognito name -> your name")
    return attr_map


def cognito_to_dict(
    attr_list: Optional[Iterable[Mapping[str, Any]]], attr_map: Optional[Mapping[str, str]] = None
) -> dict[str, Any]:
    """``[{"Name": n, "Value": v}, ...]`` as ``{name: value}``.

    ``"true"``/``"false"`` become ``True``/``False``; names are renamed through ``attr_map``.
    """
    names = _check_map(attr_map)
    result: dict[str, Any] = {}
    for item in attr_list or ():
        name = item.get("Name")
        if name is None:
            continue
        value = item.get("Value")
        if isinstance(value, str) and value in _BOOLS:
            value = _BOOLS[value]
        result[names.get(name, name)] = value
    return result


def _to_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value)
    raise InvalidTypeError(
        f"attribute {name!r} must be a string, number or bool, not {type(value).__name__}"
    )


def dict_to_cognito(
    attributes: Mapping[str, Any], attr_map: Optional[Mapping[str, str]] = None
) -> list[dict[str, str]]:
    """``{name: value}`` as Cognito's attribute list (the argument is left untouched).

    Names are mapped back through ``attr_map``; bools become ``"true"``/``"false"``, numbers
    become strings and ``None`` an empty string (which clears the attribute).
    """
    if not isinstance(attributes, Mapping):
        raise InvalidTypeError("attributes must be a dict of name -> value")
    reverse = {mine: theirs for theirs, mine in _check_map(attr_map).items()}
    return [
        {"Name": reverse.get(key, key), "Value": _to_text(key, value)}
        for key, value in attributes.items()
    ]


# -- the original's name helpers (compatibility layer; nothing here uses them) -------------

_WORD_START = re.compile(r"(.)([A-Z][a-z]+)")
_LOWER_UPPER = re.compile(r"([a-z0-9])([A-Z])")


def camel_to_snake(camel_str: str) -> str:
    """``"UserPoolId"`` -> ``"user_pool_id"``."""
    return _LOWER_UPPER.sub(r"\1_\2", _WORD_START.sub(r"\1_\2", camel_str)).lower()


def snake_to_camel(snake_str: str) -> str:
    """``"user_pool_id"`` -> ``"UserPoolId"``."""
    return "".join(part.title() for part in snake_str.split("_"))
