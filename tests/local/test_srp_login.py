"""USER_SRP_AUTH over HTTP: real verification of the password claim, and every way to fail it."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from pycognito.aws_srp import AWSSRP
from pycognito.local import LocalCognito

from ..conftest import PoolFactory, PoolInfo, UserFactory
from .helpers import SrpClient, error_of, minutes_ago

WRONG = ("NotAuthorizedException", "Incorrect username or password.")


def test_aws_srp_logs_in_and_the_salt_is_stable(cognito_idp: Any, pool: PoolInfo,
                                                make_user: UserFactory) -> None:
    user = make_user(pool)
    result = AWSSRP(user.username, user.password, pool.pool_id, pool.client_id,
                    client=cognito_idp).authenticate_user()
    assert set(result["AuthenticationResult"]) >= {"IdToken", "AccessToken", "RefreshToken"}
    client = SrpClient(cognito_idp, pool, user.username, user.password)
    one, two = client.start(), client.start()
    assert one["ChallengeName"] == "PASSWORD_VERIFIER"
    params, again = one["ChallengeParameters"], two["ChallengeParameters"]
    assert params["SALT"] == again["SALT"]
    assert params["SRP_B"] != again["SRP_B"] and params["SECRET_BLOCK"] != again["SECRET_BLOCK"]
    assert params["USER_ID_FOR_SRP"] == params["USERNAME"] == "alice"
    assert len(params["SRP_B"]) > 700


def test_wrong_password_is_refused(cognito_idp: Any, pool: PoolInfo,
                                   make_user: UserFactory) -> None:
    user = make_user(pool)
    with pytest.raises(ClientError) as excinfo:
        AWSSRP(user.username, "Wrong-Horse-9!", pool.pool_id, pool.client_id,
               client=cognito_idp).authenticate_user()
    assert error_of(excinfo) == WRONG


@pytest.mark.parametrize("spoil", ["signature", "username", "secret_block", "stale_timestamp",
                                   "future_timestamp", "padded_day"])
def test_spoiled_claims_are_refused(cognito_idp: Any, pool: PoolInfo, make_user: UserFactory,
                                    spoil: str) -> None:
    alice = make_user(pool)
    make_user(pool, "eve", "Eve-Password-1!")
    client = SrpClient(cognito_idp, pool, alice.username, alice.password)
    challenge = client.start()
    answer = {
        "signature": lambda: client.responses(challenge,
                                              PASSWORD_CLAIM_SIGNATURE="bm90IGEgc2lnbmF0dXJl"),
        "username": lambda: client.responses(challenge, username="eve"),
        "secret_block": lambda: client.responses(
            challenge, PASSWORD_CLAIM_SECRET_BLOCK=client.start()["ChallengeParameters"][
                "SECRET_BLOCK"]),
        "stale_timestamp": lambda: client.responses(challenge, moment=minutes_ago(10)),
        "future_timestamp": lambda: client.responses(challenge, moment=minutes_ago(-10)),
        "padded_day": lambda: _padded_day(client, challenge),
    }[spoil]()
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, answer)
    assert error_of(excinfo) == WRONG


@pytest.mark.parametrize("minutes", [4, -4, 6, -6])
def test_timestamps_within_five_minutes_of_the_server_clock(
        cognito_idp: Any, pool: PoolInfo, make_user: UserFactory, minutes: int) -> None:
    """docs/local-cognito.md: a TIMESTAMP more than 5 minutes from the server clock is refused
    (and one within 5 minutes accepted)."""
    alice = make_user(pool)
    client = SrpClient(cognito_idp, pool, alice.username, alice.password)
    challenge = client.start()
    answer = client.responses(challenge, moment=minutes_ago(minutes))
    if abs(minutes) < 5:
        assert "AccessToken" in client.respond(challenge, answer)["AuthenticationResult"]
        return
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, answer)
    assert error_of(excinfo) == WRONG


def _padded_day(client: SrpClient, challenge: dict[str, Any]) -> dict[str, str]:
    from datetime import datetime, timezone

    from pycognito import srp

    now = datetime.now(timezone.utc)
    stamp = srp.timestamp(now)
    padded = stamp.replace(f" {now.day} ", f" {now.day:02d} ")
    params = challenge["ChallengeParameters"]
    signature = srp.password_claim(
        pool_id=client.pool.pool_id, user_id_for_srp=params["USER_ID_FOR_SRP"],
        password=client.password, small_a=client.small_a, srp_b=params["SRP_B"],
        salt=params["SALT"], secret_block=params["SECRET_BLOCK"], timestamp=padded)
    if padded == stamp:  # days 10-31: a zero-padded day is the right format; spoil it otherwise
        padded = stamp.replace(" UTC ", " GMT ")
    return client.responses(challenge, TIMESTAMP=padded, PASSWORD_CLAIM_SIGNATURE=signature)


def test_a_secret_block_works_once(cognito_idp: Any, pool: PoolInfo,
                                   make_user: UserFactory) -> None:
    user = make_user(pool)
    client = SrpClient(cognito_idp, pool, user.username, user.password)
    challenge = client.start()
    answer = client.responses(challenge)
    assert "AuthenticationResult" in client.respond(challenge, answer)
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, answer)
    assert error_of(excinfo)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, answer, with_session=False)
    assert error_of(excinfo) == WRONG


def test_one_wrong_answer_burns_the_challenge(cognito_idp: Any, pool: PoolInfo,
                                              make_user: UserFactory) -> None:
    user = make_user(pool)
    client = SrpClient(cognito_idp, pool, user.username, user.password)
    challenge = client.start()
    with pytest.raises(ClientError):
        client.respond(challenge, client.responses(challenge, password="Guess-1234!"))
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, client.responses(challenge))
    assert error_of(excinfo) == WRONG


def test_unknown_secret_block_without_session(cognito_idp: Any, pool: PoolInfo,
                                              make_user: UserFactory) -> None:
    user = make_user(pool)
    client = SrpClient(cognito_idp, pool, user.username, user.password)
    challenge = client.start()
    answer = client.responses(challenge, PASSWORD_CLAIM_SECRET_BLOCK="c2VjcmV0")
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, answer, with_session=False)
    assert error_of(excinfo) == WRONG
    # Without a Session the secret block alone identifies the challenge.
    assert "AuthenticationResult" in client.respond(challenge, client.responses(challenge),
                                                    with_session=False)


def test_challenge_session_expires(local: LocalCognito, cognito_idp: Any, pool: PoolInfo,
                                   make_user: UserFactory) -> None:
    user = make_user(pool)
    client = SrpClient(cognito_idp, pool, user.username, user.password)
    challenge = client.start()
    local.advance_clock(3 * 60 + 1)  # AuthSessionValidity defaults to 3 minutes
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(local.now(), timezone.utc)
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, client.responses(challenge, moment=moment))
    assert error_of(excinfo) == ("NotAuthorizedException",
                                 "Invalid session for the user, session is expired.")


def test_secret_hash_is_required_on_both_steps(cognito_idp: Any, make_pool: PoolFactory,
                                               make_user: UserFactory) -> None:
    pool = make_pool(client_secret=True)
    user = make_user(pool)
    result = AWSSRP(user.username, user.password, pool.pool_id, pool.client_id,
                    client=cognito_idp, client_secret=pool.client_secret).authenticate_user()
    assert "AuthenticationResult" in result
    client = SrpClient(cognito_idp, pool, user.username, user.password)
    with pytest.raises(ClientError) as excinfo:
        client.start(SECRET_HASH="d3Jvbmc=")
    assert error_of(excinfo) == ("NotAuthorizedException",
                                 f"Unable to verify secret hash for client {pool.client_id}")
    for bad in (None, pool.secret_hash("bob")):
        challenge = client.start()
        with pytest.raises(ClientError) as excinfo:
            client.respond(challenge, client.responses(challenge, secret_hash=bad))
        assert error_of(excinfo)[1].startswith("Unable to verify secret hash")


def test_email_username_pool_uses_the_internal_id(cognito_idp: Any, make_pool: PoolFactory,
                                                  make_user: UserFactory) -> None:
    pool = make_pool(username_attributes=["email"], client_secret=True)
    user = make_user(pool, "carol@example.com")
    challenge = SrpClient(cognito_idp, pool, user.username, user.password).start()
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == user.sub
    result = AWSSRP(user.username, user.password, pool.pool_id, pool.client_id,
                    client=cognito_idp, client_secret=pool.client_secret).authenticate_user()
    assert "AccessToken" in result["AuthenticationResult"]


def test_admin_api_srp(cognito_idp: Any, pool: PoolInfo, make_user: UserFactory) -> None:
    user = make_user(pool)
    client = SrpClient(cognito_idp, pool, user.username, user.password)
    challenge = client.start(admin=True)
    with pytest.raises(ClientError):
        client.respond(challenge, client.responses(challenge, password="nope"), admin=True)
    challenge = client.start(admin=True)
    assert "AuthenticationResult" in client.respond(challenge, client.responses(challenge),
                                                    admin=True)


def test_unknown_and_unconfirmed_users(cognito_idp: Any, make_pool: PoolFactory,
                                       make_user: UserFactory) -> None:
    legacy = make_pool()
    with pytest.raises(ClientError) as excinfo:
        SrpClient(cognito_idp, legacy, "nobody", "x").start()
    assert error_of(excinfo)[0] == "UserNotFoundException"
    hidden = make_pool(prevent_user_existence_errors="ENABLED")
    client = SrpClient(cognito_idp, hidden, "nobody", "Whatever-1!")
    challenge = client.start()
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, client.responses(challenge))
    assert error_of(excinfo) == WRONG
    cognito_idp.sign_up(ClientId=legacy.client_id, Username="dave", Password="Dave-Pass-12!",
                        UserAttributes=[{"Name": "email", "Value": "dave@example.com"}])
    client = SrpClient(cognito_idp, legacy, "dave", "Dave-Pass-12!")
    challenge = client.start()
    with pytest.raises(ClientError) as excinfo:
        client.respond(challenge, client.responses(challenge, password="Wrong-Pass-12!"))
    assert error_of(excinfo) == WRONG
    with pytest.raises(ClientError) as excinfo:
        client.login()
    assert error_of(excinfo)[0] == "UserNotConfirmedException"


def test_disabled_user_and_disabled_flow(cognito_idp: Any, make_pool: PoolFactory,
                                         make_user: UserFactory) -> None:
    pool = make_pool(auth_flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    user = make_user(pool)
    with pytest.raises(ClientError) as excinfo:
        cognito_idp.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
                                  AuthParameters={"USERNAME": "alice", "PASSWORD": user.password})
    assert error_of(excinfo) == ("InvalidParameterException",
                                 "USER_PASSWORD_AUTH flow not enabled for this client")
    cognito_idp.admin_disable_user(UserPoolId=pool.pool_id, Username="alice")
    with pytest.raises(ClientError) as excinfo:
        SrpClient(cognito_idp, pool, user.username, user.password).start()
    assert error_of(excinfo) == ("NotAuthorizedException", "User is disabled.")
