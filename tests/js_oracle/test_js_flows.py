"""AWS's own JavaScript clients through CUSTOM_AUTH (alone and with SRP, driven by Python
handlers), a USER_PASSWORD_AUTH user migration and USER_AUTH with an e-mailed code (``make
test-js``; ``make test`` skips it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pycognito.local import LocalCognito

from ..conftest import ALL_AUTH_FLOWS, PoolFactory, UserFactory
from ..lambda_handlers import ARN, quiz_pool

HERE = Path(__file__).resolve().parent
PASSWORD = "Correct-Horse-Battery-9!"
LEGACY = {"username": "lou", "password": "Legacy-Secret-4!"}

pytestmark = pytest.mark.skipif(os.environ.get("PYCOGNITO_JS_ORACLE") != "1",
                                reason="AWS's JS clients run with `make test-js`")


def migrate(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event["userName"] != LEGACY["username"] or \
            event["request"].get("password") != LEGACY["password"]:
        raise PermissionError("unknown user or wrong password")
    event["response"]["userAttributes"] = {"email": f"{LEGACY['username']}@legacy.example",
                                           "email_verified": "true"}
    return event


def test_aws_js_clients_through_the_sign_in_flows(local: LocalCognito, make_pool: PoolFactory,
                                                  make_user: UserFactory) -> None:
    node = shutil.which("node")
    assert node and (HERE / "node_modules" / "amazon-cognito-identity-js").is_dir(), \
        "make test-js installs node's packages first"
    custom = quiz_pool(local, make_pool, "Capital of France?", "Paris")
    make_user(custom, "ivy", password=PASSWORD)
    local.register_lambda(ARN + "migrate", migrate)
    migration = make_pool(pool_kwargs={"LambdaConfig": {"UserMigration": ARN + "migrate"}})
    choice = make_pool(auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"), pool_kwargs={
        "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}})
    make_user(choice, "jo", password=PASSWORD)
    config = {
        "endpoint": local.endpoint_url, "region": "us-east-1", "password": PASSWORD,
        "legacy": LEGACY, "answer": "Paris",
        "pools": {name: {"id": p.pool_id, "client": p.client_id}
                  for name, p in (("custom", custom), ("migration", migration),
                                  ("choice", choice))},
    }
    run = subprocess.run([node, str(HERE / "flows.cjs"), json.dumps(config)], cwd=HERE,
                         capture_output=True, text=True, timeout=300, check=False)
    steps = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    failed = [f"{s['step']}: {s.get('error', '')}" for s in steps if not s["ok"]]
    assert not failed, "\n\n".join(failed) + f"\n{run.stderr[-2000:]}"
    assert len(steps) == 5 and run.returncode == 0, run.stdout + run.stderr
    assert [i.trigger_source for i in local.lambda_invocations(
        trigger_source="UserMigration_Authentication")] == ["UserMigration_Authentication"]
