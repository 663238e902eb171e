"""``pycognito local``: run the embedded Cognito until interrupted."""

from __future__ import annotations

import os
import sys
import threading
from typing import Sequence

from ._lambdas import LambdaHandler, load_handler
from ._server import LocalCognito


def serve(host: str = "127.0.0.1", port: int = 0, lambdas: Sequence[str] = ()) -> int:
    """Start the server, print its endpoint URL as the first line, serve until Ctrl-C.

    ``lambdas``: ``ARN=module:function`` handlers for the pools' Lambda triggers, imported
    from the current directory or the installed packages.
    """
    local = LocalCognito(host=host, port=port)
    if lambdas and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        handlers = [_lambda_spec(spec) for spec in lambdas]
    except (ValueError, ImportError, AttributeError, TypeError) as error:
        print(f"pycognito local: --lambda: {error}", file=sys.stderr)
        return 2
    for arn, handler in handlers:
        local.register_lambda(arn, handler)
    try:
        local.start()
    except OSError as error:  # AddressUnavailableError: one line naming the address
        print(f"pycognito local: {error}", file=sys.stderr)
        return 1
    try:
        print(local.endpoint_url, flush=True)
        print(f"messages: GET {local.endpoint_url}/_local/messages  (Ctrl-C to stop)",
              file=sys.stderr, flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        local.stop()
    return 0


def _lambda_spec(spec: str) -> tuple[str, LambdaHandler]:
    """``ARN=module:function`` -> the ARN and the function."""
    arn, sep, target = spec.partition("=")
    if not sep or not arn.startswith("arn:"):
        raise ValueError(f"expected ARN=module:function, got {spec!r}")
    return arn, load_handler(target)
