"""``pycognito._environ.getenv`` answers as ``os.environ.get`` does, whatever changed the
environment and however ``os.environ`` was replaced."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from pycognito._environ import getenv

NAME = "PYCOGNITO_TEST_GETENV"


def test_set_unset_and_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NAME, raising=False)
    assert getenv(NAME) is None
    for value in ("x", "", "http://127.0.0.1:9229", "é€ \t"):
        monkeypatch.setenv(NAME, value)
        assert getenv(NAME) == os.environ.get(NAME) == value
    os.environ[NAME] = "direct"
    assert getenv(NAME) == "direct"
    del os.environ[NAME]
    assert getenv(NAME) is None
    assert getenv("PATH") == os.environ.get("PATH")


def test_patched_and_replaced_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(NAME, "outer")
    with mock.patch.dict(os.environ, {NAME: "inner"}):
        assert getenv(NAME) == "inner"
    with mock.patch.dict(os.environ, {}, clear=True):
        assert getenv(NAME) is None
        assert getenv("PATH") is None
    assert getenv(NAME) == "outer"
    # os.environ replaced by a plain mapping: read through it
    monkeypatch.setattr(os, "environ", {NAME: "replaced"})
    assert getenv(NAME) == "replaced"
    assert getenv("PATH") is None
