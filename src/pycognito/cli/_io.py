"""Prompts and output for the command line.

Prompts go to stderr so that stdout carries only results (JSON with ``--json``). Secrets
(passwords, the client secret) are read with :func:`getpass.getpass` on a terminal and never
echoed; when stdin is not a terminal (scripts, tests) one line is read from it instead.
"""

from __future__ import annotations

import getpass
import sys
from typing import Optional, Sequence, TextIO

from .._text import check_text


class InputClosed(Exception):
    """stdin ended (or was closed from the start) before an answer was given."""

    def __init__(self, prompt: str, reason: str = "input ended") -> None:
        super().__init__(prompt)
        self.prompt = prompt
        self.reason = reason


class Terminal:
    """Reads answers from stdin, writes prompts and messages to stderr."""

    def __init__(self, stdin: Optional[TextIO] = None, stderr: Optional[TextIO] = None) -> None:
        self._stdin = stdin
        self._stderr = stderr
        self._line_open = False  # a prompt is on the current line of stderr, unanswered

    @property
    def stdin(self) -> TextIO:
        stdin = self._stdin if self._stdin is not None else sys.stdin
        if stdin is None:  # started with stdin closed (`<&-`)
            raise InputClosed("input", "stdin is closed")
        return stdin

    @property
    def stderr(self) -> TextIO:
        return self._stderr if self._stderr is not None else sys.stderr

    def interactive(self) -> bool:
        """Whether stdin is a terminal."""
        try:
            return bool(self.stdin.isatty())
        except (AttributeError, ValueError, InputClosed):
            return False

    def say(self, message: str = "") -> None:
        """A message for the person at the terminal (stderr)."""
        self.end_line()
        print(message, file=self.stderr, flush=True)

    def end_line(self) -> bool:
        """End the line of a prompt left unanswered (Ctrl-C, Ctrl-D); whether one was."""
        if not self._line_open:
            return False
        self._line_open = False
        self.stderr.write("\n")
        self.stderr.flush()
        return True

    def _prompt(self, prompt: str) -> None:
        self.end_line()
        self.stderr.write(prompt)
        self.stderr.flush()
        self._line_open = bool(prompt) and not prompt.endswith("\n")

    def _readline(self, prompt: str) -> str:
        name = prompt.strip().rstrip(":") or "input"
        try:
            stdin = self.stdin
        except InputClosed as closed:
            raise InputClosed(name, closed.reason) from None
        self._prompt(prompt)
        try:
            line = stdin.readline()
        except (OSError, ValueError):  # a closed or unreadable stdin
            line = ""
        if not line:
            self.end_line()
            raise InputClosed(name)
        if self.interactive():
            self._line_open = False  # the terminal echoed the answer and its newline
        else:
            self.end_line()  # nothing was echoed: end the prompt's line ourselves
        return line.rstrip("\r\n")

    def ask(self, prompt: str, default: Optional[str] = None) -> str:
        """A visible answer (``default`` when the answer is empty)."""
        shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
        answer = self._readline(shown).strip()
        return answer or (default or "")

    def secret(self, prompt: str) -> str:
        """A hidden answer: getpass on a terminal, one line of stdin otherwise (no echo)."""
        if self.interactive():
            self.end_line()
            self._line_open = True  # getpass ends the line only when an answer is given
            try:
                answer = getpass.getpass(f"{prompt}: ", stream=self.stderr)
            except EOFError:
                self.end_line()
                raise InputClosed(prompt) from None
            self._line_open = False
        else:
            answer = self._readline(f"{prompt}: ")
        check_text(answer, prompt.lower())  # bytes that were not UTF-8: refused, never shown
        return answer

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
