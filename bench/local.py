"""The local Cognito beside the emulators it is compared with, all measured in this one run.

Servers, each started as its own process on a free loopback port:
- ``pycognito local`` (this tree), and the same server from a baseline source tree: by default
  the tree as it was when issue 12 was filed (``--baseline-rev``, exported from git), or
  ``--baseline-src DIR``; so a before/after comparison is one run too;
- plain ``moto_server`` (moto as it ships: no SRP check, no code checks);
- ``cognito-local`` from npm (``bench/js``, installed by ``make bench-local``; no SRP at all).

Every server is measured ``--repeat`` times, the servers in turn within each round, so that a
change in the neighbours' load falls on all of them alike; figures are medians. Measured:
- start-up: process spawn to the first answered ``ListUserPools`` (each source tree's bytecode
  written first, as an installed package has it, like moto);
- cheap calls per second: ``ListUsers`` on a pool of 5 users, from 4 client threads in a separate
  load process (keep-alive HTTP/1.1, fixed request bytes, so the client costs little);
- SRP logins per second (the servers that check SRP: ours and the baseline): complete
  ``USER_SRP_AUTH`` logins (InitiateAuth, then the PASSWORD_VERIFIER proof computed with
  ``pycognito.srp`` for that challenge) from 4 threads of a separate load process over
  keep-alive connections, each one verified by the server (a wrong password must be refused).
  The same load client for every server; its own CPU time per login is printed too.

Beside each rate, the server process's own CPU time per call (``/proc``, user + system, all its
threads): on a machine shared with other work, wall-clock rates move with the neighbours' load,
while what a call costs the server does not.

Targets (issue 12): cheap calls/s >= cognito-local's; SRP logins/s >= 2x the baseline's;
start-up <= moto_server's.

Run: ``make bench-local`` (or ``.venv/bin/python bench/local.py [--no-peers] [--baseline-src
DIR | --baseline-rev REV]``).
"""

from __future__ import annotations

import argparse
import compileall
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
OURS = "pycognito local"
BASELINE = "pycognito local (baseline)"
COGNITO_LOCAL_NAME = "cognito-local (npm)"
#: The server as it was when issue 12 was filed (before its own HTTP server and dispatcher):
#: the default baseline, exported from git into a scratch directory.
BASELINE_REV = "91598ca^"
#: Issue 12's target: SRP logins per second at least twice the baseline's.
SRP_TARGET_RATIO = 2.0


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
                 cwd: Optional[str] = None, checks_srp: bool = False) -> None:
        self.name, self.argv, self.port = name, argv, port
        self.checks_srp = checks_srp  # only a server that verifies SRP proofs is logged into
        self.env = {**os.environ, **(env or {})}
        self.cwd = cwd
        self.process: Optional[subprocess.Popen[bytes]] = None

    def start(self) -> tuple[float, float]:
        """Spawn and wait for the first answered ListUserPools: the seconds it took, and the
        CPU seconds the server process used meanwhile."""
        started = time.perf_counter()
        self.process = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd,  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = started + 30
        while time.perf_counter() < deadline:
            try:
                status, _ = call(self.port, "ListUserPools", {"MaxResults": 1}, timeout=2)
                if status == 200:
                    return time.perf_counter() - started, self.cpu_seconds()
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer within 30 s")

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux ``/proc``)."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None


def _compile(src: Path) -> None:
    """Write a source tree's bytecode, as installing a package does: moto is measured as
    installed, with its bytecode, so ours must not be compiled afresh at each start (as it is
    when ``PYTHONDONTWRITEBYTECODE`` is set and nothing compiled it)."""
    if not compileall.compile_dir(str(src), quiet=1):
        raise RuntimeError(f"{src} does not compile")


def _export(rev: str, scratch: Path) -> Optional[str]:
    """The ``src`` tree of git revision ``rev`` in ``scratch`` (``None``: no rev, or no git)."""
    if not rev:
        return None
    try:
        archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", rev, "src"],  # noqa: S603, S607
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(scratch)], input=archive, check=True)  # noqa: S603, S607
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"no baseline: cannot export {rev} from git ({error})", file=sys.stderr)
        return None
    return str(scratch / "src")


def _local_server(name: str, src: Path) -> Server:
    _compile(src)
    port = free_port()
    return Server(name, [sys.executable, "-m", "pycognito.cli", "local", "--port", str(port)],
                  port, env={"PYTHONPATH": str(src.resolve())}, checks_srp=True)


def servers(baseline_src: Optional[str], peers: bool = True) -> list[Server]:
    found = [_local_server(OURS, SRC)]
    if baseline_src:
        found.append(_local_server(BASELINE, Path(baseline_src)))
    moto = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if peers and moto:
        port = free_port()
        found.append(Server("moto_server", [moto, "-H", "127.0.0.1", "-p", str(port)], port))
    if peers and COGNITO_LOCAL.exists():
        port = free_port()
        found.append(Server(COGNITO_LOCAL_NAME, [str(COGNITO_LOCAL)], port,
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


def cheap_calls_per_second(server: Server, seconds: float) -> tuple[float, float]:
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
    cpu = server.cpu_seconds()
    out = subprocess.run([sys.executable, __file__, "--load", str(server.port), "ListUsers",  # noqa: S603
                          body, str(seconds), str(THREADS)], capture_output=True, check=True)
    cpu = server.cpu_seconds() - cpu
    counts = json.loads(out.stdout)
    if counts["bad"]:
        raise RuntimeError(f"{server.name}: {counts['bad']} ListUsers calls failed")
    return float(counts["ok"]) / seconds, 1000 * cpu / max(1, counts["ok"])


#: Bits of the load client's private SRP value ``a``. The server's work does not depend on it
#: (it computes ``(A * v^u)^b`` with its own 256-bit ``b``); the client's exponentiation
#: ``(B - k*g^x)^(a + u*x)`` does: 256 bits (RFC 5054's minimum, ``b``'s size here) keep it at
#: ``u*x``'s 512 bits instead of AWS's JS client's 1,024-bit ``a`` (2.5x its cost). The client
#: shares the machine with the server measured, so its own cost must stay small.
CLIENT_A_BITS = 256


class _Connection:
    """One keep-alive connection sending pre-built request heads (cheaper than
    ``http.client``'s request building; the answers are parsed by ``http.client``)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: Optional[socket.socket] = None
        self.heads: dict[str, bytes] = {}

    def post(self, operation: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        head = self.heads.get(operation)
        if head is None:
            head = self.heads[operation] = (
                f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"X-Amz-Target: {TARGET}{operation}\r\n"
                f"Content-Type: application/x-amz-json-1.1\r\nAuthorization: {AUTH}\r\n"
                f"Content-Length: ").encode()
        body = json.dumps(params).encode()
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(b"%s%d\r\n\r\n%s" % (head, len(body), body))
        answer = http.client.HTTPResponse(self.sock)
        answer.begin()
        content = answer.read()
        if answer.will_close:
            self.close()
        return answer.status, json.loads(content or b"{}")

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def srp_login(conn: _Connection, pool_id: str, client_id: str, username: str,
              password: str) -> int:
    """One USER_SRP_AUTH login over ``conn``; the HTTP status of the proof's answer."""
    import secrets
    from datetime import datetime, timezone

    from pycognito import srp

    small_a = secrets.randbits(CLIENT_A_BITS) | (1 << (CLIENT_A_BITS - 1))
    big_a = srp.calculate_a(small_a)
    _, challenge = conn.post("InitiateAuth", {
        "ClientId": client_id, "AuthFlow": "USER_SRP_AUTH",
        "AuthParameters": {"USERNAME": username, "SRP_A": format(big_a, "x")}})
    params = challenge["ChallengeParameters"]
    stamp = srp.timestamp(datetime.now(timezone.utc))
    claim = srp.password_claim(
        pool_id=pool_id, user_id_for_srp=params["USER_ID_FOR_SRP"], password=password,
        small_a=small_a, srp_b=params["SRP_B"], salt=params["SALT"],
        secret_block=params["SECRET_BLOCK"], timestamp=stamp, big_a=big_a)
    status, answer = conn.post("RespondToAuthChallenge", {
        "ClientId": client_id, "ChallengeName": "PASSWORD_VERIFIER",
        "Session": challenge["Session"],
        "ChallengeResponses": {"USERNAME": params["USERNAME"], "TIMESTAMP": stamp,
                               "PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
                               "PASSWORD_CLAIM_SIGNATURE": claim}})
    if status == 200 and not answer.get("AuthenticationResult", {}).get("AccessToken"):
        raise RuntimeError(f"no tokens: {answer}")
    return status


def _process_cpu() -> float:
    """User + system CPU seconds of this process so far (all its threads)."""
    times = os.times()
    return times.user + times.system


def srp_load(port: int, pool_id: str, client_id: str, seconds: float, threads: int) -> None:
    """(In its own process) SRP logins of ``srp0``.. from ``threads`` keep-alive connections
    for ``seconds``; print how many succeeded, and this process's CPU seconds meanwhile."""
    done = [0] * threads
    stop_at = time.perf_counter() + seconds

    def worker(index: int) -> None:
        conn = _Connection(port)
        while time.perf_counter() < stop_at:
            if srp_login(conn, pool_id, client_id, f"srp{index}", PASSWORD) != 200:
                raise RuntimeError("an SRP login was refused")
            done[index] += 1
        conn.close()

    from pycognito import srp

    srp.calculate_a(3)  # the fixed-base table is built before the clock starts
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    cpu = _process_cpu()
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(json.dumps({"per_second": sum(done) / (time.perf_counter() - started),
                      "logins": sum(done), "cpu": _process_cpu() - cpu,
                      "backend": srp.backend_name()}))


def srp_logins_per_second(server: Server, seconds: float) -> tuple[float, float, float]:
    """Logins per second (wall clock), and the CPU milliseconds per login of the server
    process and of the load process."""
    _, answer = call(server.port, "CreateUserPool", {"PoolName": "bench-srp"})
    pool_id = answer["UserPool"]["Id"]
    _, answer = call(server.port, "CreateUserPoolClient", {
        "UserPoolId": pool_id, "ClientName": "bench",
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]})
    client_id = answer["UserPoolClient"]["ClientId"]
    for i in range(THREADS):
        call(server.port, "AdminCreateUser", {"UserPoolId": pool_id, "Username": f"srp{i}",
                                              "MessageAction": "SUPPRESS"})
        status, answer = call(server.port, "AdminSetUserPassword", {
            "UserPoolId": pool_id, "Username": f"srp{i}", "Password": PASSWORD,
            "Permanent": True})
        if status != 200:
            raise RuntimeError(f"{server.name}: AdminSetUserPassword answered {status} {answer}")
    conn = _Connection(server.port)
    if srp_login(conn, pool_id, client_id, "srp0", PASSWORD) != 200:
        raise RuntimeError(f"{server.name} refused a right SRP password")
    if srp_login(conn, pool_id, client_id, "srp0", "Wrong-Password-1!") == 200:
        raise RuntimeError(f"{server.name} accepted a wrong SRP password")
    conn.close()
    cpu = server.cpu_seconds()
    out = subprocess.run([sys.executable, __file__, "--srp-load", str(server.port),  # noqa: S603
                          pool_id, client_id, str(seconds), str(THREADS)],
                         capture_output=True, check=True)
    cpu = server.cpu_seconds() - cpu
    result = json.loads(out.stdout)
    logins = max(1, result["logins"])
    return float(result["per_second"]), 1000 * cpu / logins, 1000 * result["cpu"] / logins


def _medians(rows: list[tuple[float, ...]]) -> tuple[float, ...]:
    return tuple(statistics.median(column) for column in zip(*rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline-src", help="another source tree's src/ to compare with")
    parser.add_argument("--baseline-rev", default=BASELINE_REV,
                        help=f"else this git revision's src/ (default {BASELINE_REV}; '' for none)")
    parser.add_argument("--no-peers", action="store_true",
                        help="measure only this server (and the baseline), not moto_server and "
                             "cognito-local")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--load", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--srp-load", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        port, operation, body, seconds, threads = args.load
        load(int(port), operation, body, float(seconds), int(threads))
        return
    if args.srp_load:
        port, pool_id, client_id, seconds, threads = args.srp_load
        srp_load(int(port), pool_id, client_id, float(seconds), int(threads))
        return
    with tempfile.TemporaryDirectory(prefix="bench-local-") as scratch:
        baseline = args.baseline_src or _export(args.baseline_rev, Path(scratch))
        report(servers(baseline, peers=not args.no_peers), args.repeat, args.seconds)


def report(found: list[Server], repeat: int, seconds: float) -> None:
    """Measure every server ``repeat`` times, the servers in turn within each round (so that
    a change in the neighbours' load falls on all of them alike; each round starts with the
    next server, so that none is always first, or always started after the same one), and
    print the medians."""
    startups: dict[str, list[tuple[float, ...]]] = {s.name: [] for s in found}
    cheap: dict[str, list[tuple[float, ...]]] = {s.name: [] for s in found}
    logins: dict[str, list[tuple[float, ...]]] = {s.name: [] for s in found if s.checks_srp}
    for round_ in range(repeat):
        first = round_ % len(found)
        for server in found[first:] + found[:first]:
            try:
                startups[server.name].append(server.start())
                cheap[server.name].append(cheap_calls_per_second(server, seconds))
                if server.checks_srp:
                    logins[server.name].append(srp_logins_per_second(server, seconds))
            finally:
                server.stop()
        print(f"round {round_ + 1} of {repeat} measured", file=sys.stderr, flush=True)
    print(f"{'server':28} {'start-up s':>10} {'(CPU s)':>8} {'ListUsers/s':>12} {'(CPU ms)':>9} "
          f"{'SRP logins/s':>13} {'(CPU ms)':>9} {'(client CPU ms)':>16}")
    for server in found:
        startup, startup_cpu = _medians(startups[server.name])
        cheap_rate, cheap_cpu = _medians(cheap[server.name])
        if server.name in logins:
            rate, server_ms, client_ms = _medians(logins[server.name])
            srp_text = f"{rate:13.1f} {server_ms:9.2f} {client_ms:16.2f}"
        else:
            srp_text = f"{'-':>13} {'-':>9} {'-':>16}"
        print(f"{server.name:28} {startup:10.3f} {startup_cpu:8.3f} {cheap_rate:12.0f} "
              f"{cheap_cpu:9.2f} {srp_text}")
    print(f"({THREADS} client threads; medians of {repeat} runs of {seconds:g} s; "
          f"{os.cpu_count()} CPUs; load client's SRP backend: {_client_backend()})")
    for peer in (COGNITO_LOCAL_NAME, "moto_server"):
        if cheap.get(peer):
            ratios = sorted(o[0] / p[0] for o, p in zip(cheap[OURS], cheap[peer]))
            print(f"ListUsers/s, {OURS} / {peer} in the same round: {ratios[0]:.2f}-"
                  f"{ratios[-1]:.2f}x (median {statistics.median(ratios):.2f}x"
                  + ("; target >= 1x)" if peer == COGNITO_LOCAL_NAME else ")"))
    ours, before = logins.get(OURS), logins.get(BASELINE)
    if ours and before:
        ratios = sorted(o[0] / b[0] for o, b in zip(ours, before))
        print(f"SRP logins/s, {OURS} / {BASELINE} in the same round: "
              f"{ratios[0]:.2f}-{ratios[-1]:.2f}x (median {statistics.median(ratios):.2f}x; "
              f"target >= {SRP_TARGET_RATIO:g}x)")


def _client_backend() -> str:
    from pycognito import srp

    return srp.backend_name()


if __name__ == "__main__":
    main()
