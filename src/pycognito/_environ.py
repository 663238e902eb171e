"""Reading an environment variable on a per-request path.

``os.environ.get`` of a variable that is not set (the usual case for the endpoint variables
and ``COGNITO_JWKS``, read for every new ``Cognito``) raises a ``KeyError`` twice and catches
it (``Mapping.get`` over ``_Environ.__getitem__``): about 1 µs each, a tenth of building a
``Cognito`` and verifying its tokens. :func:`getenv` answers the same from the dict that
``os.environ`` keeps its variables in, read afresh on every call, and falls back to
``os.environ.get`` when ``os.environ`` has no such dict (replaced by a test, say).
"""

from __future__ import annotations

import os
from typing import Optional


def getenv(name: str) -> Optional[str]:
    """``os.environ.get(name)``: the variable's value, or ``None`` if it is not set."""
    env = os.environ
    data = getattr(env, "_data", None)
    if type(data) is not dict:
        return env.get(name)
    value = data.get(env.encodekey(name))  # the name as os.environ stores it
    return None if value is None else env.decodevalue(value)
