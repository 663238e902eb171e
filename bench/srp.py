"""Client CPU cost of one SRP login, per big-integer backend, against the work it cannot avoid.

Prints, all measured in this one run (medians, CPU time, the cases taking turns):
- the floor: the three exponentiations a login must compute (``g^a`` and ``g^x`` from the
  fixed-base table, ``S`` with its ~1,024-bit exponent ``a + u x``; see bench/_srp_work.py);
- the whole client side of a USER_SRP_AUTH login through ``AWSSRP`` (a scripted in-memory
  Cognito answers with a real challenge, so no I/O is timed), per backend;
- a plain implementation on CPython ints (``pow`` for every exponentiation), the way an
  unoptimised client does it;
- the device verifier ConfirmDevice sends after a login in a pool that tracks devices (one
  exponentiation with a 256-bit exponent), which ``AsyncCognito`` computes on the event loop
  (docs/async.md).

Targets: a login costs at most 1.3x its floor on either backend; without gmpy2 it is no slower
than the plain implementation. bench/peers.py puts these next to the other clients.

Run: ``.venv/bin/python bench/srp.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import datetime, timezone

from _scripted import ScriptedCognito
from _srp_work import cpu_ms, make_challenge, unavoidable
from pycognito import srp
from pycognito._signin import device_registration
from pycognito.aws_srp import AWSSRP

POOL_ID = "us-east-1_Bench1234"
CLIENT_ID = "benchclient"
PASSWORD = "Correct-Horse-Battery-9"
USER = "bench-user"
NEW_DEVICE = {"DeviceKey": "us-east-1_5f0c4a8e-1b2d-4c3e-9f70-0a1b2c3d4e5f",
              "DeviceGroupKey": "-Bench1234"}


def _plain_login(params: dict[str, str]) -> str:
    """A straightforward client on CPython ints: every exponentiation with ``pow``."""
    n, g = srp.N, 2

    def pad(value: int) -> bytes:
        return bytes.fromhex(srp.pad_hex(value))

    def h(data: bytes) -> int:
        return int.from_bytes(hashlib.sha256(data).digest(), "big")

    k = h(pad(n) + pad(g))
    a = int.from_bytes(os.urandom(128), "big")
    big_a = pow(g, a, n)
    big_b = int(params["SRP_B"], 16)
    u = h(pad(big_a) + pad(big_b))
    pool = POOL_ID.split("_")[1]
    inner = hashlib.sha256(f"{pool}{params['USER_ID_FOR_SRP']}:{PASSWORD}".encode()).digest()
    x = h(pad(int(params["SALT"], 16)) + inner)
    s = pow((big_b - k * pow(g, x, n)) % n, a + u * x, n)
    prk = hmac.new(pad(u), pad(s), hashlib.sha256).digest()
    key = hmac.new(prk, srp.HKDF_INFO + b"\x01", hashlib.sha256).digest()[:16]
    stamp = srp.timestamp(datetime.now(timezone.utc))
    block = base64.b64decode(params["SECRET_BLOCK"])
    message = pool.encode() + USER.encode() + block + stamp.encode()
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


def main() -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", "40"))
    params = make_challenge(POOL_ID, USER, PASSWORD)
    client = ScriptedCognito(params)

    def login() -> None:
        AWSSRP(USER, PASSWORD, POOL_ID, CLIENT_ID, client=client).authenticate_user()

    print(f"SRP client CPU per login, median of {repeat} (ms), the cases taking turns")
    print(
        f"{'backend':8} {'floor':>7} {'login':>7} {'login/floor':>12} {'plain':>7} "
        f"{'plain/login':>12} {'device':>7}"
    )
    for name in srp.available_backends():
        srp.use_backend(name)
        srp.calculate_a(3)  # build the fixed-base table once, outside the timings
        floor, _, bits = unavoidable(params, POOL_ID, USER, PASSWORD)
        cases = {
            "floor": floor, "login": login, "plain": lambda: _plain_login(params),
            "device": lambda: device_registration("token", NEW_DEVICE, "bench", os.urandom),
        }
        got = cpu_ms(cases, repeat if name == "gmpy2" else max(5, repeat // 5))
        print(
            f"{name:8} {got['floor']:7.2f} {got['login']:7.2f} "
            f"{got['login'] / got['floor']:11.2f}x {got['plain']:7.2f} "
            f"{got['plain'] / got['login']:11.2f}x {got['device']:7.2f}"
        )
    print(f"floor: g^a and g^x (fixed base) and S, whose exponent a + u x had {bits} bits")
    print("device: the verifier of one ConfirmDevice (g^x, x a 256-bit hash)")
    construct = cpu_ms(
        {"new": lambda: AWSSRP(USER, PASSWORD, POOL_ID, CLIENT_ID, client=client)}, 200
    )
    print(f"AWSSRP() constructor: {construct['new'] * 1000:.1f} us (no exponentiation)")


if __name__ == "__main__":
    main()
