"""AWS's own JavaScript clients against the local Cognito: amazon-cognito-identity-js (SRP,
devices, MFA, attributes, passwords), the AWS SDK v3 (admin calls, paging, RevokeToken,
GetTokensFromRefreshToken) and aws-jwt-verify (our tokens as they are).

``make test-js`` installs the pinned clients (``npm ci`` in this folder) and runs this with
``PYCOGNITO_JS_ORACLE=1``; ``make test`` skips it (it needs node and the npm packages).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from pycognito.local import LocalCognito

from ..conftest import PoolFactory, UserFactory

HERE = Path(__file__).resolve().parent
PASSWORD = "Correct-Horse-Battery-9!"
OPT_IN = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}

pytestmark = pytest.mark.skipif(os.environ.get("PYCOGNITO_JS_ORACLE") != "1",
                                reason="AWS's JS clients run with `make test-js`")


def test_aws_js_clients_complete_every_flow(local: LocalCognito, cognito_idp: Any,
                                            make_pool: PoolFactory,
                                            make_user: UserFactory) -> None:
    node = shutil.which("node")
    assert node and (HERE / "node_modules" / "amazon-cognito-identity-js").is_dir(), \
        "make test-js installs node's packages first"
    plain = make_pool()
    mfa = make_pool(device_tracking=OPT_IN, mfa="OPTIONAL")
    rotation = make_pool(refresh_token_rotation=0)
    make_user(mfa, "erin", password=PASSWORD)
    make_user(rotation, "frank", password=PASSWORD)
    config = {
        "endpoint": local.endpoint_url, "region": "us-east-1", "password": PASSWORD,
        "pools": {name: {"id": p.pool_id, "client": p.client_id}
                  for name, p in (("plain", plain), ("mfa", mfa), ("rotation", rotation))},
    }
    run = subprocess.run([node, str(HERE / "oracle.cjs"), json.dumps(config)], cwd=HERE,
                         capture_output=True, text=True, timeout=300, check=False)
    steps = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    failed = [f"{s['step']}: {s.get('error', '')}" for s in steps if not s["ok"]]
    assert not failed, "\n\n".join(failed) + f"\n{run.stderr[-2000:]}"
    assert len(steps) == 21 and run.returncode == 0, run.stdout + run.stderr
