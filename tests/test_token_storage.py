"""Token storages: in memory, and a 0600 file replaced atomically."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from pycognito.token_storage import FileTokenStorage, MemoryTokenStorage, TokenStorage

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


def test_damaged_or_foreign_file_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{not json")
    assert FileTokenStorage(path).load() is None
    path.write_text("[1, 2]")
    assert FileTokenStorage(path).load() is None
    path.write_bytes(b'{"tokens": "\xff\xfe"}')  # not UTF-8
    assert FileTokenStorage(path).load() is None


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
