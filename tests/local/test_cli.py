"""``pycognito local``: the endpoint URL on the first line, then a working server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Optional

import boto3
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]


MAIN = "import sys; from pycognito.cli import main; sys.exit(main())"


@contextmanager
def served(*args: str, cwd: Optional[Path] = None) -> Iterator[tuple[subprocess.Popen[str], Any]]:
    """``pycognito local ARGS`` in a subprocess: the process and a boto3 client for the
    endpoint URL it printed first (killed on the way out if still running)."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen([sys.executable, "-c", MAIN, "local", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=cwd)
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:")
        yield process, boto3.client(
            "cognito-idp", region_name="us-east-1", endpoint_url=endpoint,
            aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_prints_the_endpoint_first_and_serves_until_interrupted() -> None:
    with served("--port", "0") as (process, idp):
        endpoint = idp.meta.endpoint_url
        pool_id = idp.create_user_pool(PoolName="cli", AutoVerifiedAttributes=["email"])[
            "UserPool"]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
            "UserPoolClient"]["ClientId"]
        idp.sign_up(ClientId=client_id, Username="zoe", Password="Zoe-Password-1!",
                    UserAttributes=[{"Name": "email", "Value": "zoe@example.com"}])
        with urllib.request.urlopen(f"{endpoint}/_local/messages", timeout=5) as answer:  # noqa: S310
            [message] = json.load(answer)
        assert message["kind"] == "sign_up" and message["destination"] == "zoe@example.com"
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0  # (generous: a loaded machine is slow to stop it)


def test_cli_lambda_handlers_from_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "my_triggers.py").write_text(
        "def pre_sign_up(event, context):\n"
        "    event['response']['autoConfirmUser'] = True\n"
        "    return event\n", encoding="utf-8")
    arn = "arn:aws:lambda:us-east-1:123456789012:function:confirm"
    with served("--lambda", f"{arn}=my_triggers:pre_sign_up", cwd=tmp_path) as (process, idp):
        pool_id = idp.create_user_pool(PoolName="cli", LambdaConfig={"PreSignUp": arn})[
            "UserPool"]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")[
            "UserPoolClient"]["ClientId"]
        signed = idp.sign_up(ClientId=client_id, Username="zoe", Password="Zoe-Password-1!")
        assert signed["UserConfirmed"] is True
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0  # (generous: a loaded machine is slow to stop it)


def test_cli_lambda_spec_that_does_not_import_is_a_usage_error(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "local", "--lambda",
         "arn:aws:lambda:us-east-1:1:function:x=no_such_module:f"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert done.returncode == 2 and "no_such_module" in done.stderr and done.stdout == ""
