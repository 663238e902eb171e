"""Token storages: in memory, and a 0600 file replaced atomically."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pycognito.token_storage import (
    STALE_TEMPORARY_SECONDS,
    FileTokenStorage,
    MemoryTokenStorage,
    TokenStorage,
)

DATA = {"tokens": {"access_token": "secret-access"}, "clock_offset": 1.5}


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_round_trip_and_clear(kind: str, tmp_path: Path) -> None:
    storage: TokenStorage = (
        MemoryTokenStorage() if kind == "memory" else FileTokenStorage(tmp_path / "t.json")
    )
    assert storage.load() is None
    storage.save(DATA)
    assert storage.load() == DATA
    assert "secret-access" not in repr(storage)
    storage.clear()
    assert storage.load() is None
    storage.clear()  # clearing twice is fine


def test_file_is_private_and_replaced_atomically(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "tokens.json"
    storage = FileTokenStorage(path)
    storage.save(DATA)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    inode = path.stat().st_ino
    storage.save({**DATA, "clock_offset": 2.0})
    assert path.stat().st_ino != inode  # a new file was renamed over the old one
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(path.parent) == ["tokens.json"]  # no temporary file left behind
    assert FileTokenStorage(path).load() == {**DATA, "clock_offset": 2.0}


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"tokens": "\xff\xfe"}',
                                     b"[" * 100_000, b'{"a":' * 50_000, b"null"],
                         ids=["not-json", "array", "not-utf8", "deep-arrays", "deep-objects",
                              "null"])
def test_damaged_or_foreign_file_reads_as_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "tokens.json"
    path.write_bytes(content)
    with pytest.warns(RuntimeWarning, match="tokens.json") as warned:
        assert FileTokenStorage(path).load() is None
    assert str(path) in str(warned[0].message)


def test_a_save_removes_temporaries_a_killed_save_left(tmp_path: Path) -> None:
    storage = FileTokenStorage(tmp_path / "tokens.json")
    stale = tmp_path / ".tokens-tokens.json-abc123de"  # mkstemp's names before process ids
    young = tmp_path / ".tokens-tokens.json-def456gh"  # perhaps another process saving now
    other = tmp_path / ".tokens-other.json-abc123de"  # another file's
    sibling = tmp_path / ".tokens-tokens.json-2-abc123de"  # tokens.json-2's
    for leftover in (stale, young, other, sibling):
        leftover.write_text('{"tokens": "secret"}')
    old = time.time() - STALE_TEMPORARY_SECONDS - 5
    for leftover in (stale, other, sibling):
        os.utime(leftover, (old, old))
    storage.save(DATA)
    assert not stale.exists() and young.exists() and other.exists()
    os.utime(young, (old, old))
    storage.clear()
    assert not young.exists() and other.exists()
    assert sorted(os.listdir(tmp_path)) == sorted([sibling.name, other.name])


@pytest.mark.skipif(os.name != "posix", reason="process ids are probed with signal 0 on POSIX")
def test_a_killed_saves_temporary_goes_at_once(tmp_path: Path) -> None:
    """``kill -9`` during a save: the next save, ``clear()`` or logout removes the temporary
    without waiting :data:`STALE_TEMPORARY_SECONDS`, since the process that wrote it is gone;
    a live writer's (another process's, or this one's) stays."""
    import subprocess
    import sys

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    killed = tmp_path / f".tokens-tokens.json-{ended.pid}-k1ll3d_x.tmp"
    live = tmp_path / f".tokens-tokens.json-{os.getppid()}-saving_x.tmp"
    mine = tmp_path / f".tokens-tokens.json-{os.getpid()}-saving_y.tmp"
    for leftover in (killed, live, mine):
        leftover.write_text('{"tokens": "secret"}')
    storage = FileTokenStorage(tmp_path / "tokens.json")
    storage.clear()
    assert not killed.exists() and live.exists() and mine.exists()
    storage.save(DATA)
    assert storage.load() == DATA
    assert sorted(os.listdir(tmp_path)) == sorted([live.name, mine.name, "tokens.json"])


def test_a_save_names_its_temporary_after_its_process(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    made: list[str] = []
    real = tempfile.mkstemp

    def recording(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real(*args, **kwargs)
        made.append(os.path.basename(name))
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", recording)
    FileTokenStorage(tmp_path / "tokens.json").save(DATA)
    [name] = made
    assert name.startswith(f".tokens-tokens.json-{os.getpid()}-") and name.endswith(".tmp")


def test_concurrent_saves_leave_a_whole_file(tmp_path: Path) -> None:
    storage = FileTokenStorage(tmp_path / "tokens.json")

    def save(i: int) -> None:
        for _ in range(20):
            storage.save({"tokens": {"n": i}, "pad": "x" * 1000})

    threads = [threading.Thread(target=save, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    data = storage.load()
    assert data is not None and data["pad"] == "x" * 1000
