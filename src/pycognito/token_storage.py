"""Where a session's tokens live between requests and across restarts.

A storage keeps one JSON-serialisable mapping (the tokens, the measured clock offset and the
remembered device). :class:`MemoryTokenStorage` keeps it in the process;
:class:`FileTokenStorage` writes it to a file readable by its owner only (mode 0600), replaced
atomically, so a crash never leaves half a file and a restarted process resumes its session.
"""

from __future__ import annotations

import glob
import json
import os
import re
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Mapping, Optional, Protocol, Union, runtime_checkable

__all__ = ["FileTokenStorage", "MemoryTokenStorage", "TokenStorage"]

#: A temporary file of an interrupted save is removed by a later save (or clear) at once when
#: the process that wrote it has ended (its id is in the name), else once it is this old
#: (seconds): a younger one may belong to a save running in another process.
STALE_TEMPORARY_SECONDS = 60.0


@runtime_checkable
class TokenStorage(Protocol):
    """The storage interface: load, save and clear one mapping."""

    def load(self) -> Optional[dict[str, Any]]:
        """The saved mapping, or ``None`` when nothing is saved."""

    def save(self, data: Mapping[str, Any]) -> None:
        """Replace the saved mapping."""

    def clear(self) -> None:
        """Forget the saved mapping."""


class MemoryTokenStorage:
    """Keeps the mapping in memory (the default)."""

    def __init__(self) -> None:
        self._data: Optional[dict[str, Any]] = None
        self._lock = threading.Lock()

    def load(self) -> Optional[dict[str, Any]]:
        with self._lock:
            return dict(self._data) if self._data is not None else None

    def save(self, data: Mapping[str, Any]) -> None:
        with self._lock:
            self._data = dict(data)

    def clear(self) -> None:
        with self._lock:
            self._data = None

    def __repr__(self) -> str:
        return f"MemoryTokenStorage(saved={self._data is not None})"


class FileTokenStorage:
    """Keeps the mapping in a JSON file, mode 0600, replaced atomically."""

    def __init__(self, path: Union[str, os.PathLike[str]]) -> None:
        self.path = Path(path).expanduser()
        self._lock = threading.Lock()

    def load(self) -> Optional[dict[str, Any]]:
        with self._lock:
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return None
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # also UnicodeDecodeError; absurd nesting
            data = None
        if not isinstance(data, dict):
            damaged_session(self, "not a JSON object")  # as good as none: log in again
            return None
        return data

    def save(self, data: Mapping[str, Any]) -> None:
        payload = json.dumps(dict(data), separators=(",", ":")).encode()
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._remove_stale_temporaries()
            # mkstemp creates the file with mode 0600 (owner only), whatever the umask
            fd, temp = tempfile.mkstemp(prefix=f"{self._temporary_prefix}{os.getpid()}-",
                                        suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(payload)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, self.path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise

    def clear(self) -> None:
        with self._lock:
            self.path.unlink(missing_ok=True)
            self._remove_stale_temporaries()

    @property
    def _temporary_prefix(self) -> str:
        return f".tokens-{self.path.name}-"

    def _remove_stale_temporaries(self) -> None:
        """Remove what a save killed half-way left behind (it holds tokens): temporaries of
        this file whose writer has ended, or older than :data:`STALE_TEMPORARY_SECONDS`."""
        cutoff = time.time() - STALE_TEMPORARY_SECONDS
        # mkstemp's names: the prefix, the writer's process id (since this version), 8 random
        # characters; so another file's temporaries (tokens.json-2's, say) never match
        ours = re.compile(rf"{re.escape(self._temporary_prefix)}(?:(\d+)-[a-z0-9_]{{8}}\.tmp"
                          r"|[a-z0-9_]{8})")
        try:
            leftovers = list(self.path.parent.glob(f"{glob.escape(self._temporary_prefix)}*"))
        except OSError:
            return
        for leftover in leftovers:
            match = ours.fullmatch(leftover.name)
            if match is None:
                continue
            try:
                if ((match[1] is not None and _ended(int(match[1])))
                        or leftover.lstat().st_mtime < cutoff):
                    leftover.unlink()
            except OSError:
                pass  # gone already, or not ours to remove

    def __repr__(self) -> str:
        return f"FileTokenStorage({str(self.path)!r})"


def _ended(pid: int) -> bool:
    """Whether process ``pid`` (on this machine) has ended; ``False`` when unsure (this
    process, another system than POSIX, where signal 0 is no mere probe)."""
    if os.name != "posix" or pid == os.getpid() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # EPERM: alive, another user's
        return False
    return False


def damaged_session(storage: object, why: str) -> None:
    """Warn that a saved session cannot be used (it is then treated as no session)."""
    warnings.warn(f"the saved session in {storage!r} cannot be used ({why[:120]}); it is "
                  "ignored: log in again", RuntimeWarning, stacklevel=3)
