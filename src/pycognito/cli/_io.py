"""Prompts and output for the command line.

Prompts go to stderr so that stdout carries only results (JSON with ``--json``). Secrets
(passwords, the client secret) are read with :func:`getpass.getpass` on a terminal and never
echoed; when stdin is not a terminal (scripts, tests) one line is read from it instead.
"""

from __future__ import annotations

import getpass
import sys
from typing import Optional, Sequence, TextIO


class InputClosed(Exception):
    """stdin ended before an answer was given."""


class Terminal:
    """Reads answers from stdin, writes prompts and messages to stderr."""

    def __init__(self, stdin: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> None:
        self._stdin = stdin
        self._stderr = stderr

    @property
    def stdin(self) -> TextIO:
        return self._stdin if self._stdin is not None else sys.stdin

    @property
    def stderr(self) -> TextIO:
        return self._stderr if self._stderr is not None else sys.stderr

    def interactive(self) -> bool:
        """Whether stdin is a terminal."""
        try:
            return bool(self.stdin.isatty())
        except (AttributeError, ValueError):
            return False

    def say(self, message: str = "") -> None:
        """A message for the person at the terminal (stderr)."""
        print(message, file=self.stderr, flush=True)

    def _readline(self, prompt: str) -> str:
        self.stderr.write(prompt)
        self.stderr.flush()
        line = self.stdin.readline()
        if not line:
            if prompt and not prompt.endswith("\n"):
                self.stderr.write("\n")
            raise InputClosed(prompt.strip().rstrip(":") or "input")
        if prompt and not prompt.endswith("\n") and not self.interactive():
            self.stderr.write("\n")  # nothing was echoed: end the prompt's line ourselves
        return line.rstrip("\r\n")

    def ask(self, prompt: str, default: Optional[str] = None) -> str:
        """A visible answer (``default`` when the answer is empty)."""
        shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
        answer = self._readline(shown).strip()
        return answer or (default or "")

    def secret(self, prompt: str) -> str:
        """A hidden answer: getpass on a terminal, one line of stdin otherwise (no echo)."""
        if self.interactive():
            try:
                return getpass.getpass(f"{prompt}: ", stream=self.stderr)
            except EOFError:
                raise InputClosed(prompt) from None
        return self._readline(f"{prompt}: ")

    def confirm(self, prompt: str, default: bool = False) -> bool:
        """A yes/no answer."""
        hint = "Y/n" if default else "y/N"
        try:
            answer = self._readline(f"{prompt} [{hint}]: ").strip().lower()
        except InputClosed:
            return default
        if not answer:
            return default
        return answer in ("y", "yes")

    def choose(self, prompt: str, options: Sequence[str], labels: Sequence[str]) -> str:
        """One of ``options``, picked by number or by name."""
        for number, label in enumerate(labels, 1):
            self.say(f"  {number}. {label}")
        while True:
            answer = self.ask(prompt, default="1").strip()
            if answer.isdigit() and 1 <= int(answer) <= len(options):
                return options[int(answer) - 1]
            for option in options:
                if answer.upper() == option.upper():
                    return option
            self.say(f"Please answer a number from 1 to {len(options)}.")
