"""The ``pycognito`` command line.

``login`` (SRP, challenges answered at the terminal), ``refresh``, ``whoami``, ``verify TOKEN``,
``logout``, ``local`` (the embedded local Cognito) and ``demo``. See ``docs/cli.md``.

Every failure is one line on stderr and exit status 1 (``PYCOGNITO_DEBUG=1`` shows the
traceback instead); usage errors exit with 2, Ctrl-C with 130 (the console script enters through
``_pycognito_cli``, which also turns a Ctrl-C during the package's import into that line).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import warnings
from typing import TYPE_CHECKING, Any, Callable, NoReturn, Optional, Sequence

if TYPE_CHECKING:
    from ._io import Terminal

__all__ = ["build_parser", "main"]

Command = Callable[[argparse.Namespace, "Terminal"], int]

#: argparse messages that quote a value given on the command line, which could be a secret
#: typed where it does not belong (``--client-secret=VALUE``): the value is never shown.
_ECHOED_VALUE = re.compile(r"ignored explicit argument .*|(ambiguous option: [^=\s]+)=.*")


class _Parser(argparse.ArgumentParser):
    """An argument parser that never echoes a value it refuses, and takes no abbreviated
    options (``--client=VALUE`` is refused as unknown, not matched against ``--client-secret``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments"):
            message = "unrecognized arguments (not shown, in case one is a secret)"
        else:
            message = _ECHOED_VALUE.sub(_without_value, message)
        super().error(message)


def _without_value(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)} (the value given is not shown)"
    return "takes no value (the value given is not shown; it prompts instead)"


def _port(text: str) -> int:
    """A TCP port for ``local --port``: 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number from 0 to 65535") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("must be a number from 0 to 65535")
    return port


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``pycognito`` command."""
    from . import _commands, _login
    from ._config import ENVIRONMENT

    epilog = "environment:\n" + "\n".join(
        f"  {name:<24}{meaning}" for name, meaning in ENVIRONMENT.items()
    ) + "\n  PYCOGNITO_DEBUG         set to 1 to see tracebacks instead of one-line errors"
    parser = _Parser(
        prog="pycognito",
        description="AWS Cognito user pools from the command line: log in with SRP and MFA, "
                    "keep and refresh tokens, verify tokens, run a local Cognito, see the demo.",
        epilog=epilog,
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
    local.add_argument("--port", type=_port, default=0,
                       help="port, 0 to 65535 (default 0: any free port)")
    local.add_argument("--lambda", dest="lambdas", action="append", default=[],
                       metavar="ARN=module:function",
                       help="answer this Lambda ARN (in a pool's LambdaConfig) with a Python "
                            "handler(event, context); repeatable")
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

    return serve(host=args.host, port=args.port, lambdas=args.lambdas)


def _run_demo(args: argparse.Namespace, terminal: Terminal) -> int:
    from .. import demo

    return demo.run(args)


def _endpoint(args: argparse.Namespace) -> Optional[str]:
    value: Any = getattr(args, "endpoint_url", None) or os.environ.get("COGNITO_ENDPOINT_URL")
    return str(value) if value else None


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of the ``pycognito`` command; returns the exit status."""
    command = "pycognito"
    terminal: Optional[Terminal] = None
    try:
        from ._errors import describe
        from ._io import Terminal

        args = build_parser().parse_args(argv)
        command = f"pycognito {args.command}"
        handler: Command = args.handler
        terminal = Terminal()
        debug = os.environ.get("PYCOGNITO_DEBUG") == "1"
        formatwarning = warnings.formatwarning
        if not debug:  # a warning (a damaged token file, say) is one line like the errors
            warnings.formatwarning = _warning_line(command)
        try:
            return handler(args, terminal)
        except BrokenPipeError:
            raise
        except Exception as exc:
            if debug:
                raise
            _error_line(terminal, f"{command}: {describe(exc, _endpoint(args))}")
            return 1
        finally:
            warnings.formatwarning = formatwarning
    except KeyboardInterrupt:
        _error_line(terminal, f"{command}: interrupted", interrupted=True)
        return 130
    except BrokenPipeError:  # stdout's reader went away (``| head``): quiet, as under SIGPIPE
        _drop_stdout()
        return 141


def _drop_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush of what is still
    buffered for the reader that went away fails silently too."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def _warning_line(command: str) -> Callable[..., str]:
    def line(message: Warning | str, *args: Any, **kwargs: Any) -> str:
        return f"{command}: warning: {message}\n"

    return line


def _error_line(terminal: Optional[Terminal], text: str, *, interrupted: bool = False) -> None:
    """The one line on stderr, on a line of its own: after a prompt left open (Ctrl-D or
    Ctrl-C at a hidden prompt) or the terminal's ``^C``. Nothing when stderr is closed."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        ended = terminal.end_line() if terminal is not None else False
        if interrupted and not ended and stream.isatty():
            stream.write("\n")  # after the ^C the terminal echoed
        stream.write(text + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
