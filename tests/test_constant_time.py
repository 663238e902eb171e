"""README, Security choices: secrets are compared with ``hmac.compare_digest`` (constant time):
``at_hash`` and TOTP codes in the library, and in the local Cognito every password proof, code
and ``SECRET_HASH``. Each comparison is watched happening (an ``==`` in its place fails)."""

from __future__ import annotations

import hmac
from typing import Any, Callable

import pytest

from pycognito import Cognito, srp
from pycognito.totp import totp_code, verify_totp
from pycognito.verification import CognitoTokenVerifier
from pycognito.verification._claims import at_hash

from .conftest import PoolFactory, UserInfo
from .verification.helpers import (
    CLIENT_ID,
    POOL_ID,
    access_claims,
    id_claims,
    jwk_of,
    mint,
    new_key,
)

Compared = list[tuple[bytes, ...]]


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Compared:
    """Every pair ``hmac.compare_digest`` is given (as bytes), in this process's threads too."""
    seen: Compared = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        seen.append(tuple(v.encode() if isinstance(v, str) else bytes(v) for v in (a, b)))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    return seen


def _saw(compared: Compared, secret: str) -> bool:
    return any(secret.encode() in pair for pair in compared)


def test_at_hash_and_totp_codes(compared: Compared) -> None:
    key = new_key()
    access = mint(key, access_claims())
    id_token = mint(key, id_claims(at_hash=at_hash(access)))
    verifier = CognitoTokenVerifier(POOL_ID, CLIENT_ID, jwks={"keys": [jwk_of(key, "k1")]})
    verifier.verify(id_token, "id", access_token=access)
    assert _saw(compared, at_hash(access))
    secret = "JBSWY3DPEHPK3PXP"
    code = totp_code(secret)
    assert verify_totp(secret, code) and _saw(compared, code)


def test_the_local_cognitos_password_proofs_codes_and_secret_hashes(
    compared: Compared, local: Any, make_pool: PoolFactory,
    make_user: Callable[..., UserInfo],
) -> None:
    info = make_pool(client_secret=True)
    alice = make_user(info, "alice")
    assert info.client_secret
    u = Cognito(info.pool_id, info.client_id, username="alice", client_secret=info.client_secret,
                boto3_client_kwargs=info.boto3_client_kwargs())
    proofs: list[str] = []
    event = "before-parameter-build.cognito-idp.RespondToAuthChallenge"

    def record(params: dict[str, Any], **_: Any) -> None:
        proofs.append(params["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"])

    events = u.client.meta.events  # the shared client's: unregistered below
    events.register(event, record)
    try:
        u.authenticate(alice.password)
    finally:
        events.unregister(event, record)
    assert proofs and _saw(compared, proofs[0])
    assert _saw(compared, srp.secret_hash("alice", info.client_id, info.client_secret))

    u.set_base_attributes(email="ann@example.com")
    u.register("ann", alice.password)
    code = local.last_code(username="ann", kind="sign_up")
    u.confirm_sign_up(code, username="ann")
    assert _saw(compared, code)
