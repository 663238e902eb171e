"""The local Cognito beside the emulators it is compared with, all measured in this one run.

Servers, each started as its own process on a free loopback port:
- ``pycognito local`` (this tree; ``--baseline-src DIR`` adds the same from another source tree,
  e.g. an older commit's ``src``, so a before/after comparison is one run too);
- plain ``moto_server`` (moto as it ships: no SRP check, no code checks);
- ``cognito-local`` from npm (``bench/js``, installed by ``make bench-local``; no SRP at all).

Figures (medians of ``--repeat`` runs):
- start-up: process spawn to the first answered ``ListUserPools``;
- cheap calls per second: ``ListUsers`` on a pool of 5 users, from 4 client threads in a separate
  load process (keep-alive HTTP/1.1, fixed request bytes, so the client costs little);
- SRP logins per second (``pycognito local`` only, the only one that checks SRP): complete
  ``USER_SRP_AUTH`` logins through ``AWSSRP`` from 4 threads, each one verified by the server.

Targets (issue 12): cheap calls/s >= cognito-local's; SRP logins/s >= 2x the baseline's;
start-up <= moto_server's.

Run: ``make bench-local`` (or ``.venv/bin/python bench/local.py [--baseline-src DIR]``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
COGNITO_LOCAL = HERE / "js" / "node_modules" / ".bin" / "cognito-local"
TARGET = "AWSCognitoIdentityProviderService."
AUTH = ("AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/cognito-idp/aws4_request, "
        "SignedHeaders=host;x-amz-target, Signature=0")
PASSWORD = "Correct-Horse-Battery-9!"
THREADS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(port: int, operation: str, params: dict[str, Any], timeout: float = 5.0
         ) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/", body=json.dumps(params), headers=_headers(operation))
        answer = conn.getresponse()
        body = answer.read()
        return answer.status, json.loads(body or b"{}")
    finally:
        conn.close()


def _headers(operation: str) -> dict[str, str]:
    return {"X-Amz-Target": TARGET + operation, "Content-Type": "application/x-amz-json-1.1",
            "Authorization": AUTH}


class Server:
    """One emulator process."""

    def __init__(self, name: str, argv: list[str], port: int, env: Optional[dict[str, str]] = None,
                 cwd: Optional[str] = None) -> None:
        self.name, self.argv, self.port = name, argv, port
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd
        self.process: Optional[subprocess.Popen[bytes]] = None

    def start(self) -> float:
        """Spawn and wait for the first answered ListUserPools; the seconds it took."""
        started = time.perf_counter()
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd,  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = started + 30
        while time.perf_counter() < deadline:
            try:
                status, _ = call(self.port, "ListUserPools", {"MaxResults": 1}, timeout=2)
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def servers(baseline_src: Optional[str]) -> list[Server]:
    found: list[Server] = []
    port = free_port()
    found.append(Server("pycognito local", [sys.executable, "-m", "pycognito.cli", "local",
                                            "--port", str(port)], port,
                        env={"PYTHONPATH": str(SRC)}))
    if baseline_src:
        port = free_port()
        found.append(Server("pycognito local (baseline)",
                            [sys.executable, "-m", "pycognito.cli", "local", "--port", str(port)],
                            port, env={"PYTHONPATH": str(Path(baseline_src).resolve())}))
    moto = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if moto:
        port = free_port()
        found.append(Server("moto_server", [moto, "-H", "127.0.0.1", "-p", str(port)], port))
    if COGNITO_LOCAL.exists():
        port = free_port()
        found.append(Server("cognito-local (npm)", [str(COGNITO_LOCAL)], port,
                            env={"PORT": str(port), "HOST": "127.0.0.1"},
                            cwd=tempfile.mkdtemp(prefix="bench-cognito-local-")))
    return found


# -- the load process ---------------------------------------------------------------------------


def load(port: int, operation: str, body: str, seconds: float, threads: int) -> None:
    """(In its own process) send the same request from ``threads`` keep-alive connections for
    ``seconds``; print how many were answered 200, and how many not."""
    payload = body.encode()
    head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Amz-Target: {TARGET}{operation}\r\n"
            f"Content-Type: application/x-amz-json-1.1\r\nAuthorization: {AUTH}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload
    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        ok = bad = 0
        while time.perf_counter() < stop_at:
            if conn.sock is None:
                conn.connect()
            assert conn.sock is not None
            conn.sock.sendall(head)
            answer = http.client.HTTPResponse(conn.sock)
            answer.begin()
            answer.read()
            if answer.status == 200:
                ok += 1
            else:
                bad += 1
            if answer.will_close:
                conn.close()
        conn.close()
        with lock:
            counts["ok"] += ok
            counts["bad"] += bad

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(json.dumps(counts))


def cheap_calls_per_second(server: Server, seconds: float) -> float:
    status, answer = call(server.port, "CreateUserPool", {"PoolName": "bench"})
    pool_id = answer["UserPool"]["Id"]
    for i in range(5):  # e-mail usernames: cognito-local's pools want them
        status, answer = call(server.port, "AdminCreateUser", {
            "UserPoolId": pool_id, "Username": f"user{i}@example.com",
            "MessageAction": "SUPPRESS", "TemporaryPassword": PASSWORD})
        if status != 200:
            raise RuntimeError(f"{server.name}: AdminCreateUser answered {status} {answer}")
    status, answer = call(server.port, "ListUsers", {"UserPoolId": pool_id})
    if status != 200 or len(answer.get("Users", [])) != 5:
        raise RuntimeError(f"{server.name}: ListUsers answered {status} {answer}")
    body = json.dumps({"UserPoolId": pool_id})
    out = subprocess.run([sys.executable, __file__, "--load", str(server.port), "ListUsers",  # noqa: S603
                          body, str(seconds), str(THREADS)], capture_output=True, check=True)
    counts = json.loads(out.stdout)
    if counts["bad"]:
        raise RuntimeError(f"{server.name}: {counts['bad']} ListUsers calls failed")
    return float(counts["ok"]) / seconds


def srp_logins_per_second(server: Server, seconds: float) -> float:
    import boto3
    from botocore.config import Config

    from pycognito.aws_srp import AWSSRP

    idp = boto3.client("cognito-idp", region_name="us-east-1",
                       endpoint_url=f"http://127.0.0.1:{server.port}",
                       aws_access_key_id="testing", aws_secret_access_key="testing",
                       config=Config(retries={"total_max_attempts": 1, "mode": "standard"},
                                     max_pool_connections=THREADS * 2))
    pool_id = idp.create_user_pool(PoolName="bench-srp")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="bench",
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for i in range(THREADS):
        idp.admin_create_user(UserPoolId=pool_id, Username=f"srp{i}", MessageAction="SUPPRESS")
        idp.admin_set_user_password(UserPoolId=pool_id, Username=f"srp{i}", Password=PASSWORD,
                                    Permanent=True)
    # a wrong password must be refused, or this server is not checking SRP at all
    try:
        AWSSRP("srp0", "Wrong-Password-1!", pool_id, client_id, client=idp).authenticate_user()
        raise RuntimeError(f"{server.name} accepted a wrong SRP password")
    except idp.exceptions.NotAuthorizedException:
        pass  # refused, as it must be
    done = [0] * THREADS
    stop_at = time.perf_counter() + seconds

    def worker(index: int) -> None:
        srp_login = AWSSRP(f"srp{index}", PASSWORD, pool_id, client_id, client=idp)
        while time.perf_counter() < stop_at:
            tokens = srp_login.authenticate_user()
            assert tokens["AuthenticationResult"]["AccessToken"]
            done[index] += 1

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline-src", help="another source tree's src/ to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--load", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        port, operation, body, seconds, threads = args.load
        load(int(port), operation, body, float(seconds), int(threads))
        return
    rows = []
    for server in servers(args.baseline_src):
        startups, cheap, srp_rates = [], [], []
        for _ in range(args.repeat):
            try:
                startups.append(server.start())
                cheap.append(cheap_calls_per_second(server, args.seconds))
                if server.name.startswith("pycognito"):
                    srp_rates.append(srp_logins_per_second(server, args.seconds))
            finally:
                server.stop()
        rows.append((server.name, statistics.median(startups), statistics.median(cheap),
                     statistics.median(srp_rates) if srp_rates else None))
        print(f"measured {server.name}", file=sys.stderr, flush=True)
    print(f"{'server':28} {'start-up s':>10} {'ListUsers/s':>12} {'SRP logins/s':>13}")
    for name, startup, cheap_rate, srp_rate in rows:
        srp_text = f"{srp_rate:13.1f}" if srp_rate is not None else f"{'-':>13}"
        print(f"{name:28} {startup:10.3f} {cheap_rate:12.0f} {srp_text}")
    print(f"({THREADS} client threads; medians of {args.repeat} runs of {args.seconds:g} s; "
          f"{os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
