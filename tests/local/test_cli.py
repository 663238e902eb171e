"""``pycognito local``: the endpoint URL on the first line, then a working server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]


def test_cli_prints_the_endpoint_first_and_serves_until_interrupted() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pycognito.cli import main; sys.exit(main())",
         "local", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:")
        idp = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint,
                           aws_access_key_id="testing", aws_secret_access_key="testing",
                           config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))
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
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
