"""``pycognito demo``: the library end to end against the embedded local Cognito."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's flags."""
    parser.add_argument("--no-qr", action="store_true", help="do not draw the QR code")


def run(args: argparse.Namespace) -> int:
    """Run the demo; 0 when every step behaved."""
    print("the demo is not written yet")
    return 1
