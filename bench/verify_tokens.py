"""Benchmark: ``Cognito(pool, client, id_token=..., access_token=...)`` + ``verify_tokens()``,
the per-request pattern of a web view, for this tree and for others given on the command line.

Each tree is measured in a fresh interpreter of its own that imports ``pycognito`` from
``TREE/src`` (say an older commit's, extracted with
``git archive COMMIT src bench | tar -x -C /tmp/base``), on the same id and access tokens and
keys (warm caches: the pool's keys are in the process-wide JWKS cache, nothing is fetched).
The trees take turns, ``RUNS`` processes each; each process reports the best and the median of
40 batches of CPU time (thread time: other processes on a busy machine do not count).
Run: ``.venv/bin/python bench/verify_tokens.py [TREE ...]``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = 3
BATCHES, BATCH = 40, 500

# Runs in the child, with the tree's src/ first on sys.path and bench/ (this tree's) after it.
CHILD = """
import json, sys, time
from cryptography.hazmat.primitives.asymmetric import rsa
from verify import AWS_JWKS_URL, CLIENT_ID, POOL_ID, jwk, tokens
import pycognito
from pycognito import Cognito
from pycognito.verification import default_cache

id_key, access_key = (rsa.generate_private_key(65537, 2048) for _ in range(2))
default_cache().add_jwks(
    AWS_JWKS_URL, {"keys": [jwk(id_key, "id-kid"), jwk(access_key, "access-kid")]}
)
id_token, access_token = tokens(id_key, access_key)

def once():
    Cognito(POOL_ID, CLIENT_ID, id_token=id_token, access_token=access_token).verify_tokens()

user = Cognito(POOL_ID, CLIENT_ID, id_token=id_token, access_token=access_token)
user.verify_tokens()
assert user.access_claims["token_use"] == "access" and user.id_claims["token_use"] == "id"
for _ in range(2000):
    once()
samples = []
for _ in range(BATCHES):
    start = time.thread_time_ns()
    for _ in range(BATCH):
        once()
    samples.append((time.thread_time_ns() - start) / BATCH / 1000)
print(json.dumps({"file": pycognito.__file__, "samples": samples}))
"""


def measure(tree: Path) -> dict[str, object]:
    code = (
        f"import sys; sys.path[:0] = [{str(tree / 'src')!r}, {str(HERE)!r}]\n"
        + f"BATCHES, BATCH = {BATCHES}, {BATCH}\n"
        + CHILD
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=HERE
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> int:
    trees = [HERE.parent] + [Path(arg).resolve() for arg in sys.argv[1:]]
    best: dict[Path, list[float]] = {tree: [] for tree in trees}
    median: dict[Path, list[float]] = {tree: [] for tree in trees}
    for _ in range(RUNS):
        for tree in trees:
            result = measure(tree)
            assert str(result["file"]).startswith(str(tree / "src")), result["file"]
            samples = result["samples"]
            assert isinstance(samples, list)
            best[tree].append(min(samples))
            median[tree].append(statistics.median(samples))
    print(
        f"Python {sys.version.split()[0]}; Cognito(pool, client, id_token, access_token)"
        f" + verify_tokens(), µs per call; {RUNS} processes per tree, each the best and the"
        f" median of {BATCHES} batches of {BATCH}"
    )
    for tree in trees:
        bests = ", ".join(f"{value:.1f}" for value in best[tree])
        medians = ", ".join(f"{value:.1f}" for value in median[tree])
        print(f"{tree!s:<40} best {bests}   median {medians}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
