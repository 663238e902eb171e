"""The ``pycognito`` command line."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Optional, Sequence

Command = Callable[[argparse.Namespace], int]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pycognito", description="AWS Cognito user pools from the command line."
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    local = commands.add_parser(
        "local", help="run the embedded local Cognito (prints its endpoint URL first)"
    )
    local.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    local.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    local.set_defaults(handler=_run_local)
    return parser


def _run_local(args: argparse.Namespace) -> int:
    from .local._cli import serve

    return serve(host=args.host, port=args.port)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``pycognito`` command."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    handler: Command = args.handler
    return handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
