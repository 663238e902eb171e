"""``pycognito.aio.AsyncCognito`` on the local Cognito (in a thread of this process)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError, ParamValidationError

from pycognito import Cognito, UserObj
from pycognito.aio import AsyncCognito, AsyncUserObj
from pycognito.exceptions import (
    ForceChangePasswordException,
    JWKSUnavailableError,
    JWKSWaitPeriodError,
    LoginRequiredException,
    MissingValueError,
    SoftwareTokenMFAChallengeException,
    TokenKidNotFoundError,
)
from pycognito.verification import default_cache, unverified_claims

from .conftest import PoolFactory, PoolInfo, UserInfo
from .verification.helpers import jwk_of, mint, new_key

UserFactory = Callable[..., UserInfo]


def _make(pool: PoolInfo, **kwargs: Any) -> AsyncCognito:
    return AsyncCognito(
        pool.pool_id, pool.client_id, client_secret=pool.client_secret,
        boto3_client_kwargs=pool.boto3_client_kwargs(), **kwargs,
    )


def _run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_authenticate_get_user_and_logout(pool: PoolInfo, make_user: UserFactory,
                                          local: Any) -> None:
    alice = make_user(pool, "alice")

    async def main() -> None:
        async with _make(pool, username="alice") as u:
            await u.authenticate(alice.password)
            assert u.access_claims["sub"] == alice.sub
            assert u.id_claims["email"] == "alice@example.com"
            user = await u.get_user()
            assert (user.username, user.email) == ("alice", "alice@example.com")
            await u.logout()
            assert u.access_token is None and u.refresh_token is None

    _run(main())
    operations = [call.operation for call in local.calls()][-4:]
    assert operations == ["InitiateAuth", "RespondToAuthChallenge", "GetUser", "GlobalSignOut"]


def test_errors_are_the_boto3_clients_own(pool: PoolInfo, make_user: UserFactory) -> None:
    make_user(pool, "alice")
    classes = Cognito(pool.pool_id, pool.client_id,
                      boto3_client_kwargs=pool.boto3_client_kwargs()).client.exceptions

    async def main() -> None:
        async with _make(pool, username="alice") as u:
            with pytest.raises(classes.NotAuthorizedException) as info:
                await u.authenticate("Wrong-password-1!")
            assert info.value.response["Error"]["Code"] == "NotAuthorizedException"
            assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
            with pytest.raises(u.client.exceptions.UserNotFoundException):  # signed admin call
                await u.client.admin_get_user(UserPoolId=pool.pool_id, Username="nobody")
            with pytest.raises(ParamValidationError):  # botocore's validation, before sending
                await u.client.admin_get_user(UserPoolId=pool.pool_id)

    _run(main())


def test_admin_authenticate_is_signed_with_the_given_keys(pool: PoolInfo,
                                                          make_user: UserFactory,
                                                          local: Any) -> None:
    alice = make_user(pool, "alice")
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    async def main() -> None:
        async with httpx.AsyncClient(event_hooks={"request": [record]}) as http:
            async with _make(pool, username="alice", access_key="AKIDEXAMPLE",
                             secret_key="secret", http_client=http) as u:
                await u.admin_authenticate(alice.password)
                assert u.access_claims["username"] == "alice"
            assert not http.is_closed  # the caller's client stays open

    _run(main())
    (call,) = local.calls("AdminInitiateAuth")
    assert call.user_pool_id == pool.pool_id
    (request,) = [request for request in sent if "X-Amz-Target" in request.headers]
    assert request.headers["X-Amz-Target"].endswith(".AdminInitiateAuth")
    authorization = request.headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/us-east-1/cognito-idp/aws4_request" in authorization


def test_public_operations_are_sent_unsigned(pool: PoolInfo, make_user: UserFactory) -> None:
    """docs/async.md: operations the model marks unauthenticated (InitiateAuth, GetUser, ...)
    are sent unsigned, as boto3 sends them, even with keys at hand."""
    alice = make_user(pool, "alice")
    sent: list[httpx.Request] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request)

    async def main() -> None:
        http = httpx.AsyncClient(event_hooks={"request": [record]})
        async with http, _make(pool, username="alice", access_key="AKIDEXAMPLE",
                               secret_key="secret", http_client=http) as u:
            await u.authenticate(alice.password)
            await u.get_user()

    _run(main())
    targets = {r.headers["X-Amz-Target"].rsplit(".", 1)[1]: r for r in sent
               if "X-Amz-Target" in r.headers}
    assert {"InitiateAuth", "RespondToAuthChallenge", "GetUser"} <= set(targets)
    assert all("Authorization" not in r.headers for r in targets.values())


def test_new_password_challenge(pool: PoolInfo, make_user: UserFactory) -> None:
    make_user(pool, "newbie", status="FORCE_CHANGE_PASSWORD")

    async def main() -> None:
        async with _make(pool, username="newbie") as u:
            with pytest.raises(ForceChangePasswordException):
                await u.authenticate("Correct-Horse-9!")
            assert u.mfa_tokens["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
            await u.new_password_challenge("Correct-Horse-9!", "Brand-New-Pass-1!")
            assert u.access_claims["username"] == "newbie"
        async with _make(pool, username="newbie") as again:
            await again.authenticate("Brand-New-Pass-1!")

    _run(main())


def test_mfa_setup_and_software_token_challenge(make_pool: PoolFactory,
                                                make_user: UserFactory, local: Any) -> None:
    pool = make_pool(mfa="ON", client_secret=True)
    user = make_user(pool, "newbie")

    async def main() -> None:
        async with _make(pool, username="newbie") as u:
            with pytest.raises(Exception) as info:
                await u.authenticate(user.password)
            assert u.mfa_tokens["ChallengeName"] == "MFA_SETUP"
            secret = await u.associate_software_token(info.value.get_tokens())
            setup = u.mfa_tokens  # the new session Cognito returned
            assert setup["Session"] != info.value.get_tokens()["Session"]
            code = local.totp_code(secret)
            await u.respond_to_mfa_setup_challenge(code, "my phone", mfa_tokens=setup)
            assert u.access_claims["username"] == "newbie"
        async with _make(pool, username="newbie") as again:
            with pytest.raises(SoftwareTokenMFAChallengeException):
                await again.authenticate(user.password)
            local.advance_clock(30)  # a code is accepted once: the next time step's
            await again.respond_to_software_token_mfa_challenge(
                local.totp_code(secret)
            )
            assert again.access_claims["username"] == "newbie"

    _run(main())


def test_check_token_renews_once_for_200_tasks(pool: PoolInfo, make_user: UserFactory,
                                               local: Any,
                                               move_clocks: Callable[..., None]) -> None:
    alice = make_user(pool, "alice")

    async def main() -> list[bool]:
        async with _make(pool, username="alice") as u:
            await u.authenticate(alice.password)
            before = u.access_token
            move_clocks(3600 - 30)  # within the refresh margin
            results = await asyncio.gather(*(u.check_token() for _ in range(200)))
            assert u.access_token != before
            assert await u.check_token() is False
            return list(results)

    results = _run(main())
    assert results == [True] * 200
    refreshes = [call for call in local.calls("InitiateAuth")
                 if call.auth_flow == "REFRESH_TOKEN_AUTH"]
    assert len(refreshes) == 1


def test_a_refused_refresh_token_asks_for_a_login(pool: PoolInfo, make_user: UserFactory,
                                                  cognito_idp: Any) -> None:
    alice = make_user(pool, "alice")

    async def main() -> None:
        async with _make(pool, username="alice") as u:
            await u.authenticate(alice.password)
            cognito_idp.admin_user_global_sign_out(UserPoolId=pool.pool_id, Username="alice")
            with pytest.raises(u.client.exceptions.NotAuthorizedException):  # as Cognito's
                await u.renew_access_token()
            assert u.access_token is None  # forgotten: a login is needed
            with pytest.raises(LoginRequiredException):
                await u.valid_access_token()

    _run(main())


def test_verify_tokens_fetches_keys_without_blocking(pool: PoolInfo,
                                                     make_user: UserFactory) -> None:
    alice = make_user(pool, "alice")
    sync = Cognito(pool.pool_id, pool.client_id, username="alice",
                   boto3_client_kwargs=pool.boto3_client_kwargs())
    sync.authenticate(alice.password)

    async def main() -> None:
        async with _make(pool, id_token=sync.id_token, access_token=sync.access_token) as u:
            await u.verify_tokens()
            assert u.access_claims["username"] == "alice"
            started = time.perf_counter()
            for _ in range(100):  # keys cached: synchronous, CPU only
                u._state.verify_tokens()
            assert time.perf_counter() - started < 2.0
            u.access_token = sync.id_token
            with pytest.raises(Exception, match=r"token_use|access"):
                await u.verify_tokens()

    _run(main())


def test_a_rotated_key_is_fetched_on_the_loop_never_synchronously(
    pool: PoolInfo, make_user: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = make_user(pool, "alice")
    sync = Cognito(pool.pool_id, pool.client_id, username="alice",
                   boto3_client_kwargs=pool.boto3_client_kwargs())
    sync.authenticate(alice.password)
    stranger = new_key()

    async def main() -> None:
        async with _make(pool, id_token=sync.id_token, access_token=sync.access_token) as u:
            url = u._state._verifier(None).jwks_url
            cache = default_cache()
            # The cache holds an older key set (the pool's keys rotated since): verifying must
            # fetch the new one, awaited; a synchronous fetch would block the loop.
            cache.add_jwks(url, {"keys": [jwk_of(stranger, "retired")]})
            fetches = cache.fetch_count(url)
            monkeypatch.setattr(cache, "fetcher", lambda *a: pytest.fail("fetched on the loop"))
            await u.verify_tokens()
            assert u.access_claims["username"] == "alice"
            kid = unverified_claims(sync.access_token)["header"]["kid"]
            assert kid in {jwk["kid"] for jwk in (await u.get_keys())["keys"]}
            assert (await u.get_key(kid))["kid"] == kid
            assert cache.fetch_count(url) == fetches + 1
            forged = mint(stranger, {"token_use": "access"}, kid="unknown-kid")
            with pytest.raises(TokenKidNotFoundError):
                await u.verify_token(forged, "access_token", "access")
            with pytest.raises(JWKSWaitPeriodError):  # then not refetched for a while
                await u.verify_token(forged, "access_token", "access")
            with pytest.raises(JWKSWaitPeriodError):
                await u.get_key("unknown-kid")
            assert cache.fetch_count(url) == fetches + 2
            assert u.access_token == sync.access_token  # the forged token was not stored

    _run(main())


def test_methods_not_ported_are_refused_not_run_synchronously(
    pool: PoolInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A facade method with no coroutine here (whichever are left: this one stands for them).
    monkeypatch.setattr(Cognito, "sync_only", lambda self: "ran on the loop", raising=False)
    u = _make(pool, username="alice")
    assert u.username == "alice" and u.user_pool_id == pool.pool_id
    with pytest.raises(AttributeError, match=r"AsyncCognito\.sync_only is not available"):
        _ = u.sync_only
    u.set_base_attributes(email="a@example.com")  # no call to Cognito: the state's own
    assert u.base_attributes == {"email": "a@example.com"}
    with pytest.raises(MissingValueError):
        _run(u.check_token())


def test_users_are_async_user_objs_saved_and_deleted_by_awaiting(
    pool: PoolInfo, make_user: UserFactory, local: Any
) -> None:
    alice = make_user(pool, "alice")
    make_user(pool, "bob")

    async def main() -> None:
        async with _make(pool, username="alice") as u:
            await u.authenticate(alice.password)
            user = await u.get_user()
            assert type(user) is AsyncUserObj and isinstance(user, UserObj)
            assert user._cognito is u  # its calls are the AsyncCognito's coroutines
            user.email = "one@example.com"
            saving = asyncio.ensure_future(user.save())
            await asyncio.sleep(0)  # the update is on its way ...
            user.email = "two@example.com"  # ... when the attribute changes again
            await saving
            assert (await u.get_user()).email == "one@example.com"
            await user.save()  # the second value was not saved yet: it is sent now
            assert (await u.get_user()).email == "two@example.com"
            local.clear_calls()
            await user.save()  # nothing left to send
            assert local.calls() == []
            (bob,) = [x for x in await u.get_users() if x.username == "bob"]
            await bob.delete(admin=True)
            with pytest.raises(ClientError, match="UserNotFoundException"):
                await u.admin_get_user(username="bob")
            await user.delete()
            assert u.access_token is None
            with pytest.raises(ClientError, match="UserNotFoundException"):
                await u.admin_get_user()

    _run(main())


def test_user_class_is_customised_per_driver(pool: PoolInfo, make_user: UserFactory) -> None:
    make_user(pool, "alice", attributes={"given_name": "Al", "family_name": "Lee"})

    class Named:
        @property
        def full_name(self) -> str:
            return f"{self.given_name} {self.family_name}"  # type: ignore[attr-defined]

    class SyncUser(Named, UserObj):
        pass

    class AsyncUser(Named, AsyncUserObj):
        pass

    class MyCognito(Cognito):
        user_class = SyncUser

    class MyAsyncCognito(AsyncCognito):
        user_class = AsyncUser

    kwargs = {"client_secret": pool.client_secret,
              "boto3_client_kwargs": pool.boto3_client_kwargs()}
    sync = MyCognito(pool.pool_id, pool.client_id, username="alice", **kwargs).admin_get_user()
    assert type(sync) is SyncUser and sync.full_name == "Al Lee"

    async def main() -> None:
        async with MyAsyncCognito(pool.pool_id, pool.client_id, username="alice",
                                  **kwargs) as u:
            user = await u.admin_get_user()
            assert type(user) is AsyncUser and user.full_name == "Al Lee"
            user.given_name = "Alan"
            await user.save(admin=True)
            assert (await u.admin_get_user()).full_name == "Alan Lee"
            assert type(u.get_user_obj("carol")) is AsyncUser

        async with AsyncCognito(pool.pool_id, pool.client_id, username="alice", **kwargs) as u:
            u.user_class = AsyncUser  # on the instance, as the original's users do
            assert type(await u.admin_get_user()) is AsyncUser
            assert AsyncCognito.user_class is AsyncUserObj

    _run(main())


def test_the_states_synchronous_calls_are_refused_not_run_on_the_loop(
    pool: PoolInfo, local: Any
) -> None:
    u = _make(pool, username="alice", access_token="a.b.c")
    # A synchronous user made on the async state by hand (AsyncCognito never makes one).
    stranded = UserObj("alice", [{"Name": "email", "Value": "a@example.com"}],
                       cognito_obj=u._state)
    stranded.email = "b@example.com"
    local.clear_calls()
    with pytest.raises(TypeError, match="admin_update_user_attributes: a synchronous"):
        stranded.save(admin=True)
    with pytest.raises(TypeError, match="delete_user: a synchronous"):
        stranded.delete()
    assert local.calls() == []


def test_switch_session_signs_with_the_new_sessions_credentials(
    pool: PoolInfo, make_user: UserFactory
) -> None:
    make_user(pool, "alice")
    sent: list[str] = []

    async def record(request: httpx.Request) -> None:
        if "Authorization" in request.headers:
            sent.append(request.headers["Authorization"].split("/", 1)[0])

    def session(key: str) -> boto3.Session:
        return boto3.Session(aws_access_key_id=key, aws_secret_access_key="secret",
                             region_name="us-east-1")

    async def main() -> None:
        http = httpx.AsyncClient(event_hooks={"request": [record]})
        async with http, _make(pool, username="alice", session=session("AKIDFIRST"),
                               http_client=http) as u:
            assert (await u.admin_get_user()).username == "alice"
            u.switch_session(session("AKIDSECOND"))
            assert (await u.admin_get_user()).username == "alice"
            assert u.client is u._state.client  # the state still hands out ours

    _run(main())
    assert sent == ["AWS4-HMAC-SHA256 Credential=AKIDFIRST",
                    "AWS4-HMAC-SHA256 Credential=AKIDSECOND"]


def test_errors_keep_their_codes_through_the_facade_helpers(pool: PoolInfo,
                                                             make_user: UserFactory) -> None:
    make_user(pool, "alice")

    async def main() -> None:
        async with _make(pool, username="alice") as u:
            with pytest.raises(ClientError) as info:
                await u.admin_authenticate("Wrong-password-1!")
            assert info.value.response["Error"]["Code"] == "NotAuthorizedException"

    _run(main())


def test_httpx_auth_uses_the_async_core_without_threads(
    pool: PoolInfo, make_user: UserFactory, api: Any, local: Any,
    move_clocks: Callable[..., None], monkeypatch: pytest.MonkeyPatch,
) -> None:
    import anyio.to_thread

    from pycognito.httpx_auth import HttpxSrpAuth

    alice = make_user(pool, "alice")

    def no_thread(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a worker thread was used")

    monkeypatch.setattr(anyio.to_thread, "run_sync", no_thread)

    def count() -> tuple[int, int]:
        flows = [call.auth_flow for call in local.calls("InitiateAuth")]
        return flows.count("USER_SRP_AUTH"), flows.count("REFRESH_TOKEN_AUTH")

    async def main() -> None:
        async with _make(pool, username="alice") as user:
            auth = HttpxSrpAuth(cognito=user, password=alice.password)  # type: ignore[arg-type]
            async with httpx.AsyncClient(auth=auth, timeout=30) as client:
                responses = await asyncio.gather(*(client.get(api.url) for _ in range(32)))
                assert [r.status_code for r in responses] == [200] * 32
                assert count() == (1, 0)
                move_clocks(3600)
                responses = await asyncio.gather(*(client.get(api.url) for _ in range(32)))
                assert [r.status_code for r in responses] == [200] * 32
                assert count() == (1, 1)
                api.denied.add(api.tokens_seen[-1])
                response = await client.get(api.url)
                assert response.status_code == 200 and len(response.history) == 1
                assert count() == (1, 2)

    asyncio.run(main())


#: Cognito's public methods that make no Cognito call (plain methods on AsyncCognito too);
#: boto3_session's calls happen later, in the session's credential renewals.
PLAIN = {"set_base_attributes", "add_custom_attributes", "get_user_obj", "get_group_obj",
         "switch_session", "boto3_session"}


def test_every_method_that_talks_to_cognito_is_a_coroutine() -> None:
    """docs/async.md: every method of ``Cognito`` that talks to Cognito is a coroutine on
    ``AsyncCognito`` (except ``boto3_session``), and each its table lists is one."""
    import inspect
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "async.md").read_text()
    table = doc.split("## What is there today", 1)[1].split("Every method of", 1)[0]
    listed = set(re.findall(r"`([a-z][a-z0-9_]+)`", table)) - PLAIN - {"preferred_challenge"}
    public = {name for name, value in inspect.getmembers(Cognito)
              if not name.startswith("_") and inspect.isfunction(value)}
    instance = AsyncCognito("us-east-1_AbCdEf123", "client")
    for name in sorted(public | listed):
        method = getattr(AsyncCognito, name, None)
        if name in PLAIN:
            assert callable(getattr(instance, name)), name
            assert not inspect.iscoroutinefunction(getattr(instance, name)), name
        else:
            assert inspect.iscoroutinefunction(method), f"AsyncCognito.{name} is no coroutine"
    assert listed - public <= {"valid_access_token", "load_keys"}  # AsyncCognito's own


@pytest.mark.parametrize("server", ["dripping headers", "endless body"])
def test_the_key_fetch_holds_its_deadline_and_size_cap(
        server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx's timeouts bound each read, not the request: a server sending a byte now and then
    held the fetch for ever; and a body was read whole before its size was checked."""
    import pycognito.aio as aio

    from .verification.helpers import DrippingServer

    monkeypatch.setattr(aio, "_JWKS_TIMEOUT", 0.5)
    if server == "dripping headers":
        slow = DrippingServer(interval=0.05)
        base, expected = slow.url.rsplit("/", 1)[0], "took more than"
    else:
        import http.server
        import threading

        class Endless(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.end_headers()
                try:
                    while True:
                        self.wfile.write(b" " * 65536)
                except OSError:
                    return

            def log_message(self, *args: object) -> None:
                return None

        endless = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Endless)
        threading.Thread(target=endless.serve_forever, daemon=True).start()
        base, expected = f"http://127.0.0.1:{endless.server_port}", "too large"
    token = mint(new_key(), {"token_use": "access"}, kid="k1")

    async def main() -> float:
        async with AsyncCognito("us-east-1_abc", "client", access_token=token,
                                boto3_client_kwargs={"endpoint_url": base}) as u:
            started = time.monotonic()
            with pytest.raises(JWKSUnavailableError, match=expected):
                await u.load_keys()
            return time.monotonic() - started

    try:
        # 0.5 s (slack for a busy machine); before, the fetch never ended
        assert _run(asyncio.wait_for(main(), 10)) < 3.0
    finally:
        if server == "dripping headers":
            slow.close()
        else:
            endless.shutdown()
            endless.server_close()
