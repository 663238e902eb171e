"""The command-line runner fixtures, shared with tests/cli."""

from __future__ import annotations

from typing import Any

import pytest

from ..cli.conftest import cli, cli_env, token_file  # noqa: F401 - fixtures


@pytest.fixture
def cli_runner(cli: Any) -> Any:  # noqa: F811
    return cli
