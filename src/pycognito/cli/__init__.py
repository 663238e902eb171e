"""The ``pycognito`` command line.

``login`` (SRP, challenges answered at the terminal), ``refresh``, ``whoami``, ``verify TOKEN``,
``logout``, ``local`` (the embedded local Cognito) and ``demo``. See ``docs/cli.md``.

Every failure is one line on stderr and exit status 1 (``PYCOGNITO_DEBUG=1`` shows the
traceback instead); usage errors exit with 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Callable, NoReturn, Optional, Sequence

from ._config import ENVIRONMENT
from ._errors import describe
from ._io import Terminal

__all__ = ["build_parser", "main"]

Command = Callable[[argparse.Namespace, Terminal], int]

_EPILOG = "environment:\n" + "\n".join(
    f"  {name:<24}{meaning}" for name, meaning in ENVIRONMENT.items()
) + "\n  PYCOGNITO_DEBUG         set to 1 to see tracebacks instead of one-line errors"


class _Parser(argparse.ArgumentParser):
    """An argument parser that never echoes unrecognised arguments: one of them could be a
    secret typed where it does not belong (``--client-secret VALUE``)."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments"):
            message = "unrecognized arguments (not shown, in case one is a secret)"
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``pycognito`` command."""
    from . import _commands, _login

    parser = _Parser(
        prog="pycognito",
        description="AWS Cognito user pools from the command line: log in with SRP and MFA, "
                    "keep and refresh tokens, verify tokens, run a local Cognito, see the demo.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pycognito {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    _login.add_parser(commands)
    _commands.add_parsers(commands)

    local = commands.add_parser(
        "local", help="run the embedded local Cognito (prints its endpoint URL first)",
        description="Serve a Cognito user-pool endpoint on loopback until interrupted. The "
                    "first line of output is the endpoint URL (use it as "
                    "COGNITO_ENDPOINT_URL); codes it sends are at GET <url>/_local/messages.",
    )
    local.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    local.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    local.set_defaults(handler=_run_local)

    demo = commands.add_parser(
        "demo", help="walk a whole user journey against the embedded local Cognito",
        description="Start the embedded local Cognito, create a user pool and walk a user "
                    "through sign-up, SRP login, token verification, profile, TOTP MFA, a "
                    "remembered device, an API call with RequestsSrpAuth, refresh, password "
                    "change and sign-out, one line per step. Exit status 1 if any step does "
                    "not behave. Loopback only.",
    )
    from .. import demo as demo_module

    demo_module.add_arguments(demo)
    demo.set_defaults(handler=_run_demo)
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("pycognito")
    except Exception:
        return "unknown"


def _run_local(args: argparse.Namespace, terminal: Terminal) -> int:
    from ..local._cli import serve

    return serve(host=args.host, port=args.port)


def _run_demo(args: argparse.Namespace, terminal: Terminal) -> int:
    from .. import demo

    return demo.run(args)


def _endpoint(args: argparse.Namespace) -> Optional[str]:
    value: Any = getattr(args, "endpoint_url", None) or os.environ.get("COGNITO_ENDPOINT_URL")
    return str(value) if value else None


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``pycognito`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Command = args.handler
    terminal = Terminal()
    try:
        return handler(args, terminal)
    except KeyboardInterrupt:
        print(f"\npycognito {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("PYCOGNITO_DEBUG") == "1":
            raise
        print(f"pycognito {args.command}: {describe(exc, _endpoint(args))}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
