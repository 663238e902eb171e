"""The ``pycognito`` console script's entry point, kept outside the package on purpose.

Importing :mod:`pycognito` takes tens of milliseconds (far more on a busy machine), and a Ctrl-C
during that import must end the command like any other Ctrl-C: one line, exit status 130, no
traceback. Nothing is imported here until the ``try`` is entered.
"""

from __future__ import annotations


def main() -> int:
    """Run the ``pycognito`` command; returns its exit status."""
    try:
        from pycognito.cli import main as run

        return run()
    except KeyboardInterrupt:
        import sys

        stream = sys.stderr
        if stream is not None:
            try:
                start = "\n" if stream.isatty() else ""  # after the ^C the terminal echoed
                stream.write(f"{start}pycognito: interrupted\n")
                stream.flush()
            except (OSError, ValueError):
                pass
        return 130
