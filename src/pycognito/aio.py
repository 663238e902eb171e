"""``AsyncCognito``: the ``Cognito`` facade on an event loop, without a thread per call.

::

    async with AsyncCognito(pool_id, client_id, username="bob") as user:
        await user.authenticate(password)
        await user.check_token()          # one refresh however many tasks ask at once
        profile = await user.get_user()

The same constructor, attributes and typed challenge exceptions as ``Cognito``; the methods are
coroutines. Nothing here is a second implementation: the sign-in flows are the engine's
(:mod:`pycognito._signin`, driven by :func:`~pycognito._signin.run_async`), the renewal
decisions are :mod:`pycognito._renewal`'s, validation, challenge bookkeeping and token storage
are the facade's own helpers; only the I/O is awaited. The transport
(:mod:`pycognito._aio_transport`) is botocore's serializer, SigV4 signer and parser with an
``httpx.AsyncClient`` round trip (extra ``httpx``). See docs/async.md.
"""

from __future__ import annotations

import asyncio
import functools
import os
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    ClassVar,
    Mapping,
    Optional,
    TypeVar,
    cast,
    overload,
)

import httpx

from . import srp
from ._aio_transport import AsyncIdpClient, close_shared_http
from ._auth import LoginFirst, SignInStart, refresh_plan
from ._aws_credentials import IdentityNeed, Renewal
from ._challenges import (
    EMAIL_OTP,
    SMS_MFA,
    SMS_OTP,
    SOFTWARE_TOKEN_MFA,
)
from ._clients import cognito_client, made_cognito_client
from ._cognito import Cognito
from ._core import service_errors
from ._identity_pool import AwsCredentials
from ._models import AsyncUserObj, UserObj
from ._operations import awaited, walk_async
from ._renewal import Step
from ._signin import (
    USER_SRP_AUTH,
    Call,
    SignIn,
    run_async,
)
from ._tokens import TokenSet
from .exceptions import (
    JWKSUnavailableError,
    MissingValueError,
    TokenKidNotFoundError,
)
from .verification._jwt import header_kid

if TYPE_CHECKING:
    from typing_extensions import ParamSpec

    P = ParamSpec("P")

__all__ = ["AsyncCognito", "AsyncUserObj", "close_connections"]

T = TypeVar("T")
LoginMethod = TypeVar("LoginMethod", bound=Callable[..., Awaitable[None]])
Login = Callable[[], Awaitable[None]]

#: Attributes read from (and written to) the facade's state as they are; every method that
#: talks to Cognito is one of this class's coroutines instead.
_PLAIN_METHODS = frozenset({
    "get_user_obj", "get_group_obj", "user_pool_url", "set_base_attributes",
    "add_custom_attributes",
})
_JWKS_TIMEOUT = 3.0
_MAX_JWKS_BYTES = 256 * 1024


#: Logins in flight at once on one loop; more wait for a slot (first come, first served).
LOGINS_IN_FLIGHT = 16


class _Turns:
    """When a login may start, and where its SRP arithmetic (milliseconds per step) runs, so
    the loop never waits on either.

    Admission: at most :data:`LOGINS_IN_FLIGHT` logins of a loop are in flight; the others
    wait for a slot. A gather of 500 logins then never has 500 first steps run in one loop
    iteration, 500 requests queued in the connection pool (httpcore rescans its whole queue
    whenever a connection frees up) or 500 responses parsed in one burst, and each login
    finishes within its session's lifetime instead of all of them finishing late together.

    With gmpy2 (the ``fast`` extra), each step runs on a small shared pool of worker threads
    (one fewer than the cores, at least one, at most two: the loop keeps a core) with the GIL
    released during the modular exponentiations: the loop keeps running meanwhile. With plain
    Python integers (which hold the GIL whatever thread runs them) the steps run on the loop,
    one per loop iteration: a timer or a request waits for at most one step, never for all the
    logins in flight. Measured in bench/aio.py.
    """

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self.logins = asyncio.Semaphore(LOGINS_IN_FLIGHT)

    async def run(self, step: Callable[[], T]) -> T:
        if srp.backend_name() == "gmpy2":
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(_srp_workers(), _gil_released, step)
        async with self._lock:
            try:
                return step()
            finally:
                await asyncio.sleep(0)


_WORKERS: list[ThreadPoolExecutor] = []
_WORKERS_LOCK = threading.Lock()


def _srp_workers() -> ThreadPoolExecutor:
    if not _WORKERS:
        with _WORKERS_LOCK:
            if not _WORKERS:
                count = max(1, min(2, (os.cpu_count() or 1) - 1))
                _WORKERS.append(ThreadPoolExecutor(count, thread_name_prefix="pycognito-srp"))
    return _WORKERS[0]


def _gil_released(step: Callable[[], T]) -> T:
    import gmpy2

    with gmpy2.context(gmpy2.get_context(), allow_release_gil=True):
        return step()


def _admitted(login: LoginMethod) -> LoginMethod:
    """``login`` waits for one of the loop's login slots (:class:`_Turns`) and holds it."""

    @functools.wraps(login)
    async def admitted(*args: Any, **kwargs: Any) -> None:
        async with _turns().logins:
            await login(*args, **kwargs)

    return cast(LoginMethod, admitted)


_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turns] = weakref.WeakKeyDictionary()


def _turns() -> _Turns:
    loop = asyncio.get_running_loop()
    turns = _TURNS.get(loop)
    if turns is None:
        turns = _TURNS[loop] = _Turns()
    return turns


def _refuse_sync(what: str, **_: Any) -> Any:
    """The ``_call`` and ``_need_access_token`` of an ``AsyncCognito``'s state: a synchronous
    call or renewal would block the loop (and the transport's calls are coroutines), so it is
    refused before anything is sent."""
    raise TypeError(
        f"{what}: a synchronous Cognito call on an AsyncCognito's state; await the "
        "AsyncCognito method instead"
    )


def _running_loop() -> Optional[asyncio.AbstractEventLoop]:
    """The event loop running in this thread, if any."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


@overload
def _async_users(
    method: Callable[P, Awaitable[list[UserObj]]],
) -> Callable[P, Awaitable[list[AsyncUserObj]]]: ...
@overload
def _async_users(
    method: Callable[P, Awaitable[UserObj]],
) -> Callable[P, Awaitable[AsyncUserObj]]: ...
def _async_users(method: Any) -> Any:
    """``method`` itself, typed with the users an ``AsyncCognito`` makes (its ``user_class``,
    an :class:`AsyncUserObj`), so that ``await user.save()`` type-checks."""
    return method


async def _capped_get(http: httpx.AsyncClient, url: str) -> Optional[bytes]:
    """``url``'s body (an error status raises); ``None`` once it passes
    :data:`_MAX_JWKS_BYTES`, read no further."""
    async with http.stream("GET", url, timeout=_JWKS_TIMEOUT) as response:
        response.raise_for_status()
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > _MAX_JWKS_BYTES:
                return None
        return bytes(body)


async def close_connections() -> None:
    """Close the connection pool the running loop's ``AsyncCognito`` instances share (at
    application shutdown; a new one is made if they are used again)."""
    await close_shared_http()


class AsyncCognito:
    """``Cognito`` with coroutine methods (see the module docstring).

    ``AsyncCognito(user_pool_id, client_id, user_pool_region=None, username=None, ...)``: the
    arguments of ``Cognito``, plus ``http_client`` (an ``httpx.AsyncClient`` to send through;
    by default the connection pool shared by the loop's instances).

    Users (``get_user``, ``admin_get_user``, ``get_users``, ``get_user_obj``) are
    ``user_class``: :class:`AsyncUserObj` (``await user.save()``) or a subclass set on a
    subclass of ``AsyncCognito`` or on the instance.
    """

    user_class: ClassVar[type[AsyncUserObj]] = AsyncUserObj

    _state: Cognito
    _idp: AsyncIdpClient
    _renewing: Optional[asyncio.Future[TokenSet]]
    _keys_lock: Optional[asyncio.Lock]
    _http_client: Optional[httpx.AsyncClient]
    _aws_clients: dict[tuple[Any, str, str], AsyncIdpClient]

    def __init__(
        self, *args: Any, http_client: Optional[httpx.AsyncClient] = None, **kwargs: Any
    ) -> None:
        state = Cognito(*args, **kwargs)  # validation and state: the facade's own

        def shared_client(find: Callable[..., Any] = cognito_client) -> Any:
            return find(session=state._session, region_name=state.user_pool_region,
                        **state._client_kwargs)

        transport = AsyncIdpClient(
            shared_client, self._credentials, http=http_client,
            find_client=lambda: shared_client(made_cognito_client),
        )
        # The facade's flows hand their client to the SRP prover; ours is the async one, so a
        # sync call through it can never silently reach the network; the state's synchronous
        # methods are refused outright. Its user objects are ours (user_class, cognito_obj).
        state.client = transport
        for patch_point in ("_call", "_need_access_token"):
            setattr(state, patch_point, _refuse_sync)
        state._users_facade = self
        object.__setattr__(self, "_state", state)
        object.__setattr__(self, "_idp", transport)
        object.__setattr__(self, "_renewing", None)
        object.__setattr__(self, "_keys_lock", None)
        object.__setattr__(self, "_http_client", http_client)
        object.__setattr__(self, "_aws_clients", {})

    # -- the facade's attributes ------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        state = object.__getattribute__(self, "_state")
        value = getattr(state, name)
        if callable(value) and getattr(value, "__self__", None) is state and not (
            name in _PLAIN_METHODS or name.startswith("_")
        ):
            raise AttributeError(
                f"AsyncCognito.{name} is not available yet (Cognito.{name} is synchronous)"
            )
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "user_class":  # read from here: the users are this instance's
            object.__setattr__(self, name, value)
            return
        setattr(self._state, name, value)

    def __repr__(self) -> str:
        return "Async" + repr(self._state)

    @property
    def client(self) -> AsyncIdpClient:
        """The async ``cognito-idp`` client: ``await client.admin_get_user(...)``, boto3's
        names, results and exceptions."""
        return self._idp

    def switch_session(self, session: Any) -> None:
        """Use another boto3 Session from now on (``Cognito.switch_session``): the next call
        signs with that session's credentials."""
        state = self._state
        state.switch_session(session)
        state.client = self._idp  # (the facade's switch_session forgets its client)
        self._idp.forget_credentials()

    def _credentials(self) -> Any:
        """The credentials boto3 would sign with for this instance, looked up when a signed
        call first needs them (off the loop), as the shared clients do."""
        kwargs = self._state._client_kwargs
        if kwargs.get("aws_access_key_id") is not None:
            from botocore.credentials import Credentials

            return Credentials(
                kwargs["aws_access_key_id"],
                kwargs.get("aws_secret_access_key"),
                kwargs.get("aws_session_token"),
            )
        from ._deferred_credentials import DeferredCredentials

        session = self._state._session
        if session is None:
            import boto3

            session = boto3.Session()
        return DeferredCredentials(session.get_credentials)

    async def __aenter__(self) -> AsyncCognito:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close this instance's transport: later calls raise ``RuntimeError``. The connections
        are the loop's shared pool (closed by :func:`close_connections`) or the
        ``http_client`` given to the constructor (which stays open)."""
        await self._idp.aclose()
        for client in self._aws_clients.values():
            await client.aclose()

    # -- logins (the facade's own sign-ins, driven with awaited calls) ----------------

    @_admitted
    async def authenticate(
        self,
        password: Optional[str] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
        *,
        flow: str = USER_SRP_AUTH,
        preferred_challenge: Optional[str] = None,
    ) -> None:
        """Log in: SRP (``USER_SRP_AUTH``, the default), ``USER_PASSWORD_AUTH`` or
        ``USER_AUTH`` with ``preferred_challenge``; see ``Cognito.authenticate``."""
        await self._start(self._state._login(password, client_metadata, flow,
                                             preferred_challenge))

    async def admin_authenticate(
        self, password: str, client_metadata: Optional[Mapping[str, str]] = None
    ) -> None:
        """Log in with ADMIN_USER_PASSWORD_AUTH (signed with AWS credentials)."""
        await self._start(self._state._admin_login(password, client_metadata))

    async def custom_authenticate(
        self,
        client_metadata: Optional[Mapping[str, str]] = None,
        *,
        password: Optional[str] = None,
    ) -> None:
        """Start a CUSTOM_AUTH login (raises ``CustomChallengeException``), with SRP first
        when ``password`` is given; see ``Cognito.custom_authenticate``."""
        await self._start(self._state._custom_login(client_metadata, password))

    # -- answering challenges ---------------------------------------------------------------

    async def new_password_challenge(
        self,
        password: str,
        new_password: str,
        *,
        user_attributes: Optional[Mapping[str, Any]] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
        mfa_tokens: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Complete NEW_PASSWORD_REQUIRED; see ``Cognito.new_password_challenge``."""
        steps = self._state._new_password_steps(password, new_password, user_attributes,
                                                client_metadata, mfa_tokens)
        await walk_async(steps, lambda need: self.authenticate(*need)
                         if isinstance(need, LoginFirst) else self._start(need))

    async def respond_to_software_token_mfa_challenge(
        self, code: str, mfa_tokens: Optional[Mapping[str, Any]] = None
    ) -> None:
        """Answer SOFTWARE_TOKEN_MFA with the authenticator app's code."""
        await self._start(self._state._code_answer((SOFTWARE_TOKEN_MFA,), code, mfa_tokens))

    async def respond_to_sms_mfa_challenge(
        self, code: str, mfa_tokens: Optional[Mapping[str, Any]] = None
    ) -> None:
        """Answer SMS_MFA (or SMS_OTP) with the code sent by text message."""
        await self._start(self._state._code_answer((SMS_MFA, SMS_OTP), code, mfa_tokens))

    async def respond_to_email_otp_challenge(
        self, code: str, mfa_tokens: Optional[Mapping[str, Any]] = None
    ) -> None:
        """Answer EMAIL_OTP with the code sent by e-mail."""
        await self._start(self._state._code_answer((EMAIL_OTP,), code, mfa_tokens))

    async def respond_to_select_mfa_type_challenge(
        self, mfa_type: str, mfa_tokens: Optional[Mapping[str, Any]] = None
    ) -> None:
        """Answer SELECT_MFA_TYPE; Cognito then asks for that code (raised)."""
        await self._start(self._state._mfa_type_answer(mfa_type, mfa_tokens))

    async def respond_to_mfa_setup_challenge(
        self,
        code: str,
        device_name: str = "",
        mfa_tokens: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Finish MFA_SETUP: verify the authenticator code, then complete the login."""
        verified = await self._mfa_setup_verified(code, device_name, mfa_tokens)
        await self._start(self._state._answering(verified, {}))

    async def respond_to_select_challenge(
        self,
        challenge: str,
        password: Optional[str] = None,
        mfa_tokens: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """Answer SELECT_CHALLENGE (``USER_AUTH``) with a first factor; see
        ``Cognito.respond_to_select_challenge``."""
        await self._start(self._state._select_login(challenge, password, mfa_tokens))

    async def respond_to_custom_challenge(
        self,
        answer: str,
        mfa_tokens: Optional[Mapping[str, Any]] = None,
        client_metadata: Optional[Mapping[str, str]] = None,
    ) -> None:
        """Answer CUSTOM_CHALLENGE; a further custom challenge is raised again."""
        await self._start(self._state._custom_answer(answer, mfa_tokens, client_metadata))

    # -- tokens -----------------------------------------------------------------------------

    async def verify_tokens(self) -> None:
        """Verify ``id_token`` and ``access_token`` (the keys they name fetched first, awaited,
        if they are not loaded yet); see ``Cognito.verify_tokens``."""
        state = self._state
        for token in (state.id_token, state.access_token):
            await self._load_keys(header_kid(token))
        state.verify_tokens()

    async def verify_token(self, token: str, id_name: str, token_use: str) -> dict[str, Any]:
        """Verify one token; see ``Cognito.verify_token``."""
        await self._load_keys(header_kid(token))
        return self._state.verify_token(token, id_name, token_use)

    async def get_keys(self) -> dict[str, Any]:
        """The pool's JSON Web Key Set (fetched first, awaited, if not loaded yet)."""
        await self._load_keys(None)
        return self._state.get_keys()

    async def get_key(self, kid: str) -> dict[str, Any]:
        """The pool's key with this ``kid`` (the keys refetched once, awaited, for an unknown
        one); ``TokenKidNotFoundError`` if there is none."""
        await self._load_keys(kid)
        return self._state.get_key(kid)

    async def load_keys(self, token: Optional[str] = None) -> None:
        """Fetch the pool's keys if verifying ``token`` (default: any token of the pool) would
        fetch them: none loaded yet, or the key its header names not among them (a rotation;
        fetched once, then not again during the key cache's wait period). One fetch for all
        tasks; verifying is then synchronous and CPU-only, never a fetch on the loop."""
        await self._load_keys(header_kid(token) if token is not None else None)

    async def _load_keys(self, kid: Optional[str]) -> None:
        verifier = self._state._verifier(None)
        if not verifier.fetch_due(kid):
            return
        lock = self._keys_lock
        if lock is None:
            lock = asyncio.Lock()
            object.__setattr__(self, "_keys_lock", lock)
        async with lock:
            if not verifier.fetch_due(kid):
                return
            await self._idp.start()  # (the TLS context is made off the loop)
            try:  # the deadline holds for the whole fetch, however slowly the server sends
                body = await asyncio.wait_for(_capped_get(self._idp.http(), verifier.jwks_url),
                                              _JWKS_TIMEOUT)
            except httpx.HTTPError as exc:
                verifier.fetch_failed(JWKSUnavailableError(
                    f"the pool's keys could not be fetched ({type(exc).__name__})"))
            except asyncio.TimeoutError:
                verifier.fetch_failed(JWKSUnavailableError(
                    f"the pool's keys took more than {_JWKS_TIMEOUT} s to fetch"))
            if body is None:
                verifier.fetch_failed(JWKSUnavailableError("the pool's JWKS is too large"))
            if not verifier.add_fetched_jwks(body, kid):
                raise TokenKidNotFoundError("the token's kid is not in the pool's key set")

    async def check_token(self, renew: bool = True) -> bool:
        """Whether the access token has expired or is about to; if so and ``renew``, renew
        it (one Cognito call for every task that asks at once)."""
        life = self._state._lifecycle
        if life.tokens is None:
            raise MissingValueError("check_token needs an access token", "access_token")
        expired = life.is_stale()
        if expired and renew:
            with service_errors():
                await self._renew(force=False)
        return expired

    check_tokens = check_token

    async def renew_access_token(self) -> None:
        """Get new id and access tokens with the refresh token."""
        if self._state._lifecycle.tokens is None:
            await self._refresh()  # only a refresh token was given
        else:
            with service_errors():
                await self._renew(force=True)

    async def valid_access_token(self) -> str:
        """An access token that is not stale (renewed first if needed, once for all tasks)."""
        tokens = self._state._lifecycle.fresh_tokens()
        if tokens is None:
            with service_errors():
                tokens = await self._renew(force=False)
        return tokens.access_token

    async def _auth_tokens(
        self, login: Optional[Login], rejected: Optional[str] = None
    ) -> TokenSet:
        """For ``HttpxSrpAuth``: valid tokens, logging in with ``login`` when nothing else
        works; with ``rejected`` (an access token the API refused), renewed once for all
        tasks unless another task already replaced it."""
        if rejected is not None:
            current = self._state._lifecycle.tokens
            if current is not None and current.access_token != rejected:
                return current
            return await self._renew(force=True, login=login)
        return await self._renew(force=False, login=login)

    async def _renew(self, *, force: bool, login: Optional[Login] = None) -> TokenSet:
        """Single flight: a renewal in progress is joined, never started twice."""
        life = self._state._lifecycle
        while True:
            if not force:
                tokens = life.fresh_tokens()
                if tokens is not None:
                    return tokens
            task: Optional[asyncio.Future[TokenSet]] = self._renewing
            if task is None:
                task = asyncio.ensure_future(self._renew_now(force, login))
                object.__setattr__(self, "_renewing", task)
                task.add_done_callback(lambda _: object.__setattr__(self, "_renewing", None))
                return await asyncio.shield(task)
            try:
                return await asyncio.shield(task)
            except Exception:
                if task.cancelled():
                    continue
                raise

    async def _renew_now(self, force: bool, login: Optional[Login]) -> TokenSet:
        """The lifecycle's renewal (:meth:`TokenLifecycle.renewal`), driven with awaited calls."""
        life = self._state._lifecycle
        steps = life.renewal(life._current_state(), force=force, can_login=login is not None)
        try:
            need = next(steps)
            while True:
                if need is Step.REFRESH:
                    try:
                        fresh = await self._refresh()
                    except Exception as exc:
                        need = steps.throw(exc)
                        continue
                    need = steps.send(fresh)
                else:
                    assert login is not None
                    await login()
                    tokens = life.tokens
                    assert tokens is not None, "a login stores the tokens"
                    need = steps.send(tokens)
        except StopIteration as done:
            result: TokenSet = done.value
            return result

    async def _refresh(self) -> TokenSet:
        """REFRESH_TOKEN_AUTH, or GetTokensFromRefreshToken for rotating app clients: the
        plan ``Cognito._refresh`` follows (:func:`pycognito._auth.refresh_plan`), awaited."""
        plan = refresh_plan(self._state)
        if plan.first is not None:
            try:
                return await self._run(*plan.first)
            except Exception as exc:
                if not plan.rotates_after(exc):
                    raise
        return await self._run(*plan.rotating)

    async def _need_access_token(self, what: str) -> str:
        tokens, renew = self._state._held_tokens(what)
        if renew:
            with service_errors():
                tokens = await self._renew(force=False)
        return tokens.access_token

    # -- the facade's other methods: its steps (pycognito._operations), each call awaited ---

    get_group = awaited(Cognito.get_group)
    get_groups = awaited(Cognito.get_groups)
    admin_add_user_to_group = awaited(Cognito.admin_add_user_to_group)
    admin_remove_user_from_group = awaited(Cognito.admin_remove_user_from_group)
    admin_list_groups_for_user = awaited(Cognito.admin_list_groups_for_user)
    update_profile = awaited(Cognito.update_profile)
    send_verification = awaited(Cognito.send_verification)
    validate_verification = awaited(Cognito.validate_verification)
    get_user = _async_users(awaited(Cognito.get_user))
    delete_user = awaited(Cognito.delete_user)
    admin_get_user = _async_users(awaited(Cognito.admin_get_user))
    get_users = _async_users(awaited(Cognito.get_users))
    admin_update_profile = awaited(Cognito.admin_update_profile)
    admin_delete_user = awaited(Cognito.admin_delete_user)
    admin_create_user = awaited(Cognito.admin_create_user)
    admin_reset_password = awaited(Cognito.admin_reset_password)
    admin_enable_user = awaited(Cognito.admin_enable_user)
    admin_disable_user = awaited(Cognito.admin_disable_user)
    register = awaited(Cognito.register)
    confirm_sign_up = awaited(Cognito.confirm_sign_up)
    resend_confirmation_code = awaited(Cognito.resend_confirmation_code)
    admin_confirm_sign_up = awaited(Cognito.admin_confirm_sign_up)
    initiate_forgot_password = awaited(Cognito.initiate_forgot_password)
    confirm_forgot_password = awaited(Cognito.confirm_forgot_password)
    change_password = awaited(Cognito.change_password)
    admin_create_identity_provider = awaited(Cognito.admin_create_identity_provider)
    admin_describe_identity_provider = awaited(Cognito.admin_describe_identity_provider)
    admin_update_identity_provider = awaited(Cognito.admin_update_identity_provider)
    describe_user_pool_client = awaited(Cognito.describe_user_pool_client)
    admin_update_user_pool_client = awaited(Cognito.admin_update_user_pool_client)
    logout = awaited(Cognito.logout)
    get_user_auth_factors = awaited(Cognito.get_user_auth_factors)
    associate_software_token = awaited(Cognito.associate_software_token)
    verify_software_token = awaited(Cognito.verify_software_token)
    set_user_mfa_preference = awaited(Cognito.set_user_mfa_preference)
    remember_device = awaited(Cognito.remember_device)
    list_devices = awaited(Cognito.list_devices)
    forget_device = awaited(Cognito.forget_device)
    _mfa_setup_verified = awaited(Cognito._mfa_setup_verified)
    _confirm_new_device = awaited(Cognito._confirm_new_device)

    # -- AWS credentials for the user (identity pools) ----------------------------------------

    async def get_aws_credentials(
        self, identity_pool_id: str, *, role_arn: Optional[str] = None,
        custom_role_arn: Optional[str] = None,
    ) -> AwsCredentials:
        """Temporary AWS credentials for the signed-in user from a Cognito identity pool; see
        ``Cognito.get_aws_credentials`` (the same steps, typed errors and remembered identity
        ids; the calls to ``cognito-identity`` and ``sts`` and any renewal awaited)."""
        source = self._state._identity_credentials()
        steps = source.steps(identity_pool_id, role_arn=role_arn,
                             custom_role_arn=custom_role_arn)
        return await walk_async(steps, self._identity_need)

    def boto3_session(self, identity_pool_id: str, **kwargs: Any) -> Any:
        """A ``boto3.Session`` acting as the user, for boto3 calls made in worker threads
        (``asyncio.to_thread``, ``run_in_executor``): boto3 is synchronous. Its credentials
        renew themselves before they expire, each renewal being :meth:`get_aws_credentials`
        run on this event loop while the worker thread waits. Call it on the loop; a boto3 call
        that needs new credentials on the loop's own thread raises ``RuntimeError`` (waiting
        there would block the loop: await :meth:`get_aws_credentials` instead). Arguments as
        ``Cognito.boto3_session``."""

        def fetch(pool_id: str, **roles: Optional[str]) -> AwsCredentials:
            assert loop is not None, "set before the session can be used"
            if _running_loop() is not None:
                raise RuntimeError(
                    "AsyncCognito.boto3_session: a boto3 call on the event loop's thread needs "
                    "new credentials, and waiting for them would block the loop; make boto3 "
                    "calls in a worker thread (asyncio.to_thread) or await "
                    "get_aws_credentials() instead")
            if not loop.is_running():
                raise RuntimeError("AsyncCognito.boto3_session: its event loop is not running")
            return asyncio.run_coroutine_threadsafe(
                self.get_aws_credentials(pool_id, **roles), loop).result()

        source = self._state._identity_credentials()
        session = source.refreshing_session(identity_pool_id, fetch, kwargs)
        loop = _running_loop()
        if loop is None:
            raise RuntimeError("AsyncCognito.boto3_session must be called on the event loop "
                               "(from a coroutine): its renewals run there")
        return session

    async def _identity_need(self, need: IdentityNeed) -> Any:
        """One need of the identity pool's steps: a renewal of the user's tokens (once for
        all tasks), or a call to ``cognito-identity`` or ``sts``."""
        if isinstance(need, Renewal):
            with service_errors():
                if need.rejected is None:
                    return await self._renew(force=False)
                return await self._auth_tokens(None, rejected=need.rejected)
        source = self._state._identity_credentials()
        key = (source, need.service, need.region)
        client = self._aws_clients.get(key)
        if client is None:
            client = self._aws_clients[key] = AsyncIdpClient(
                lambda: source.client(need.service, need.region), self._credentials,
                http=self._http_client,
            )
        return await client.call(need.operation, need.params)

    async def _send(self, need: Call) -> Any:
        """One Cognito call of an operation's steps."""
        return await getattr(self._idp, need.operation)(**need.params)

    # -- the engine's async driver ----------------------------------------------------------

    async def _start(self, login: SignInStart) -> None:
        """Run ``login`` from its first call (SRP arithmetic where SRP steps run)."""
        signin = login.signin
        first = login.start() if signin.prover is None else await _turns().run(login.start)
        await self._run(signin, first)

    async def _run(self, flow: SignIn, call: Call) -> TokenSet:
        """Drive ``flow`` to the end; verify and store the tokens; confirm a new device."""
        state = self._state
        try:
            with state._challenge_raised(flow.auth_flow, flow.username):
                response = await run_async(flow, call, self._idp, _turns().run)
        finally:
            state._forget_device(flow.forgotten_device_key)
        return await self._accept(response)

    async def _accept(self, response: Mapping[str, Any]) -> TokenSet:
        state = self._state
        result = response.get("AuthenticationResult") or {}
        for name in ("IdToken", "AccessToken"):
            await self._load_keys(header_kid(result.get(name)))
        tokens = state._store(response)
        if tokens.new_device:
            await self._confirm_new_device(tokens)
        return tokens
