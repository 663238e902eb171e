"""``pycognito local``: run the embedded Cognito until interrupted."""

from __future__ import annotations

import sys
import threading

from ._server import LocalCognito


def serve(host: str = "127.0.0.1", port: int = 0) -> int:
    """Start the server, print its endpoint URL as the first line, serve until Ctrl-C."""
    local = LocalCognito(host=host, port=port)
    try:
        local.start()
    except OSError as error:
        print(f"pycognito local: cannot listen on {host}:{port}: {error}", file=sys.stderr)
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
