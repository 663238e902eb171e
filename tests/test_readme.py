"""Every ```python block of README.md, executed against the embedded local Cognito.

How it works:

* Each python block is preceded by an HTML comment ``<!-- readme-test: NAME -->`` (invisible on
  the rendered page). ``NAME`` selects an entry of :data:`EXAMPLES` below: the *scenarios* it
  runs under (a pool and users prepared on the local Cognito, e.g. a user with an authenticator
  app) and the *check* that asserts what the example did. A python block without a marker, a
  marker without an entry, or an entry without a block fails
  :func:`test_readme_blocks_are_all_covered`.
* The block named ``setup`` (``POOL_ID = os.environ["COGNITO_USER_POOL_ID"]`` ...) runs before
  every other block, in a fresh namespace per example. The harness sets the environment the
  reader would: ``COGNITO_USER_POOL_ID``/``COGNITO_CLIENT_ID`` of the scenario's pool and
  ``AWS_ENDPOINT_URL`` of the local Cognito (honoured by boto3 and by ``Cognito`` for its keys).
* ``getpass.getpass`` and ``input`` are replaced: the password is the scenario user's (by prompt,
  for the temporary/new password example), codes come from the local outbox or are TOTP codes
  computed by the local Cognito for the user's secret.
* A standalone ``CognitoTokenVerifier(POOL_ID, CLIENT_ID)`` fetches AWS's JWKS address; the
  process-wide JWKS cache's fetcher is replaced by one that sends that address to the local
  Cognito (and records every fetch, so offline examples can be shown to fetch nothing).
* ``https://api.example.com`` is replaced by a protected API on loopback (``tests/http_api.py``)
  that verifies the bearer token with the library's verifier.
* The pytest example is written to a temporary directory and run by pytest in a subprocess
  (it starts its own local Cognito, which cannot share this process with the session's).
* A line ``expression  # 'literal'`` asserts that the expression evaluates to the literal.

Tracebacks point at README.md line numbers.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import getpass
import io
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from .conftest import (
    ALL_AUTH_FLOWS,
    AUTHENTICATED_ROLE,
    DEFAULT_PASSWORD,
    PoolFactory,
    PoolInfo,
    UserFactory,
    UserInfo,
)
from .examples import run_pytest_example

README = Path(__file__).resolve().parents[1] / "README.md"
MARKER = re.compile(r"^<!--\s*readme-test:\s*([\w-]+)\s*-->\s*$")
FENCE = re.compile(r"^```(\S*)\s*$")
API_PLACEHOLDER = "https://api.example.com"
AWS_HOST = re.compile(r"^https://cognito-idp\.[a-z0-9-]+\.amazonaws\.com/")
EXPECTED_LITERAL = re.compile(r"^(?P<expr>[^#]+?)\s+#\s*(?P<literal>'[^']*'|\"[^\"]*\")\s*$")


# -- reading the README ---------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A fenced code block of the README."""

    language: str
    code: str
    line: int  # README line of the block's first code line
    name: Optional[str]  # the readme-test marker just before it, if any


def readme_blocks(text: Optional[str] = None) -> list[Block]:
    """Every fenced block of the README, in order."""
    lines = (text if text is not None else README.read_text(encoding="utf-8")).splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opened = FENCE.match(lines[index])
        if not opened:
            index += 1
            continue
        previous = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
        marker = MARKER.match(previous.strip())
        start = index + 1
        end = start
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        blocks.append(Block(opened.group(1), "\n".join(lines[start:end]) + "\n", start + 1,
                            marker.group(1) if marker else None))
        index = end + 1
    return blocks


def python_blocks() -> dict[str, Block]:
    named: dict[str, Block] = {}
    for block in readme_blocks():
        if block.language == "python" and block.name is not None:
            named[block.name] = block
    return named


# -- the harness ----------------------------------------------------------------------------


Answer = Callable[[str], str]


@dataclass
class Harness:
    """One example's run: the local Cognito, its pool and user, the answers to prompts."""

    local: Any
    idp: Any
    make_pool: PoolFactory
    make_user: UserFactory
    monkeypatch: pytest.MonkeyPatch
    home: Path
    pool: Optional[PoolInfo] = None
    user: Optional[UserInfo] = None
    password: Answer = field(default=lambda prompt: DEFAULT_PASSWORD)
    code: Optional[Answer] = None
    api: Any = None
    prompts: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    namespace: dict[str, Any] = field(default_factory=dict)
    output: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    # -- preparing --------------------------------------------------------------------------

    def use_pool(self, **options: Any) -> PoolInfo:
        """Create the scenario's pool and point the environment at it."""
        self.pool = self.make_pool(**options)
        self.monkeypatch.setenv("COGNITO_USER_POOL_ID", self.pool.pool_id)
        self.monkeypatch.setenv("COGNITO_CLIENT_ID", self.pool.client_id)
        return self.pool

    def add_user(self, username: str = "bob", **options: Any) -> UserInfo:
        assert self.pool is not None
        self.user = self.make_user(self.pool, username, **options)
        return self.user

    def cognito(self, pool: Optional[PoolInfo] = None, **kwargs: Any) -> Any:
        """A ``Cognito`` for the harness's own set-up (explicit endpoint, no retries)."""
        from pycognito import Cognito

        info = pool or self.pool
        assert info is not None
        return Cognito(info.pool_id, info.client_id, client_secret=info.client_secret,
                       boto3_client_kwargs=info.boto3_client_kwargs(), **kwargs)

    def enable_totp(self, username: str = "bob") -> str:
        """Give ``username`` an authenticator app (preferred MFA); return its secret."""
        u = self.cognito(username=username)
        u.authenticate(DEFAULT_PASSWORD)
        secret: str = u.associate_software_token()
        assert u.verify_software_token(self.local.totp_code(secret), "set-up phone")
        u.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
        self.code = lambda prompt: str(self.local.totp_code(secret))
        return secret

    def tokens(self, pool: Optional[PoolInfo] = None, username: str = "bob") -> dict[str, Any]:
        """A fresh ``AuthenticationResult`` for a user (ADMIN_USER_PASSWORD_AUTH)."""
        info = pool or self.pool
        assert info is not None
        result: dict[str, Any] = self.idp.admin_initiate_auth(
            UserPoolId=info.pool_id, ClientId=info.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": DEFAULT_PASSWORD},
        )["AuthenticationResult"]
        return result

    def start_api(self) -> Any:
        from .http_api import Api

        assert self.pool is not None
        self.api = Api(self.pool).start()
        return self.api

    def logins(self) -> int:
        return len(self.local.calls("InitiateAuth", auth_flow="USER_SRP_AUTH"))

    def answered(self) -> list[Optional[str]]:
        """The challenges answered (RespondToAuthChallenge), in order."""
        return [c.challenge_name for c in self.local.calls("RespondToAuthChallenge")]

    # -- running ----------------------------------------------------------------------------

    def answer_password(self, prompt: str = "Password: ", stream: Any = None) -> str:
        self.prompts.append(prompt)
        return self.password(prompt)

    def answer_input(self, prompt: object = "") -> str:
        self.prompts.append(str(prompt))
        assert self.code is not None, f"the example asked {prompt!r} but no code is prepared"
        return self.code(str(prompt))

    def run(self, block: Block, setup: Block) -> None:
        """Execute the setup block then ``block`` in a fresh namespace, capturing stdout."""
        self.namespace = {"__name__": "readme_example"}
        code = block.code
        if self.api is not None:
            code = code.replace(API_PLACEHOLDER, self.api.url.rsplit("/", 1)[0])
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            for part, source in ((setup, setup.code), (block, code)):
                compiled = compile("\n" * (part.line - 1) + source, str(README), "exec")
                exec(compiled, self.namespace)  # noqa: S102 - running the README is the point
        self.output = buffer.getvalue()
        check_expected_literals(block, self.namespace)


def check_expected_literals(block: Block, namespace: dict[str, Any]) -> None:
    """``expression  # 'literal'`` lines: the expression must evaluate to the literal."""
    for offset, line in enumerate(block.code.splitlines()):
        found = EXPECTED_LITERAL.match(line)
        if not found:
            continue
        try:
            expression = compile(found.group("expr"), str(README), "eval")
        except SyntaxError:
            continue  # a statement (an assignment, a call with a comment) is not a claim
        value = eval(expression, namespace)  # noqa: S307 - the README's own code
        expected = ast.literal_eval(found.group("literal"))
        assert value == expected, f"README.md:{block.line + offset}: {value!r} != {expected!r}"


@pytest.fixture
def harness(local: Any, cognito_idp: Any, make_pool: PoolFactory, make_user: UserFactory,
            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    from pycognito.verification import HttpFetcher, clear_shared_verifiers, default_cache

    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    h = Harness(local=local, idp=cognito_idp, make_pool=make_pool, make_user=make_user,
                monkeypatch=monkeypatch, home=home)

    monkeypatch.setenv("AWS_ENDPOINT_URL", local.endpoint_url)
    monkeypatch.delenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", raising=False)
    monkeypatch.delenv("COGNITO_JWKS", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    monkeypatch.setattr(getpass, "getpass", h.answer_password)
    monkeypatch.setattr(builtins, "input", h.answer_input)

    clear_shared_verifiers()
    cache = default_cache()
    cache.clear()
    http = HttpFetcher()

    def fetch_from_local(url: str, timeout: float) -> bytes:
        h.fetched.append(url)
        return http(AWS_HOST.sub(local.endpoint_url + "/", url), timeout)

    monkeypatch.setattr(cache, "fetcher", fetch_from_local)
    yield h
    if h.api is not None:
        h.api.stop()
    clear_shared_verifiers()
    cache.clear()


# -- scenarios ------------------------------------------------------------------------------


Scenario = Callable[[Harness], None]
Check = Callable[[Harness], None]


def plain_user(h: Harness) -> None:
    """A pool without MFA and a confirmed user ``bob``."""
    h.use_pool()
    h.add_user("bob")


def totp_user(h: Harness) -> None:
    """``bob`` has an authenticator app; MFA is optional in the pool."""
    h.use_pool(mfa="OPTIONAL")
    h.add_user("bob")
    h.enable_totp()


def sms_user(h: Harness) -> None:
    """``bob`` has SMS MFA (the codes go to the local outbox)."""
    h.use_pool(mfa="OPTIONAL", mfa_types=("SMS_MFA",))
    assert h.pool is not None
    h.add_user("bob", phone_number="+15555550123")
    h.idp.admin_set_user_mfa_preference(
        UserPoolId=h.pool.pool_id, Username="bob",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    h.code = lambda prompt: str(h.local.last_code(username="bob", kind="sms_mfa"))


def mfa_required_user(h: Harness) -> None:
    """The pool requires MFA; ``bob`` has none yet (MFA_SETUP). The code is for the secret the
    example received, read from the example's namespace."""
    h.use_pool(mfa="ON")
    h.add_user("bob")
    h.code = lambda prompt: str(h.local.totp_code(h.namespace["secret"]))


def new_password_user(h: Harness) -> None:
    """``carol`` was created by an administrator with a temporary password."""
    h.use_pool()
    h.add_user("carol", status="FORCE_CHANGE_PASSWORD")
    h.password = lambda prompt: "Brand-New-Pass-7!" if "new" in prompt.lower() else DEFAULT_PASSWORD


def passwordless_user(h: Harness) -> None:
    """Choice-based sign-in with e-mail codes allowed; the code comes from the outbox."""
    h.use_pool(auth_flows=(*ALL_AUTH_FLOWS, "ALLOW_USER_AUTH"), pool_kwargs={
        "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}})
    h.add_user("bob")
    h.code = lambda prompt: str(h.local.last_code(username="bob", kind="email_otp"))


def device_user(h: Harness) -> None:
    """A device-tracking pool; ``bob`` has an authenticator app."""
    h.use_pool(mfa="OPTIONAL", device_tracking=True)
    h.add_user("bob")
    h.enable_totp()


def two_pools(h: Harness) -> None:
    """Customers (``bob``) and staff (``sue`` in group ``support``, ``sam`` not)."""
    h.use_pool(pool_name="customers")
    h.add_user("bob")
    staff = h.make_pool(pool_name="staff")
    h.monkeypatch.setenv("STAFF_POOL_ID", staff.pool_id)
    h.monkeypatch.setenv("STAFF_CLIENT_ID", staff.client_id)
    for name in ("sue", "sam"):
        h.make_user(staff, name)
    h.idp.create_group(UserPoolId=staff.pool_id, GroupName="support")
    h.idp.admin_add_user_to_group(UserPoolId=staff.pool_id, Username="sue", GroupName="support")
    h.extra["staff"] = staff


def saved_jwks(h: Harness) -> None:
    """``jwks.json`` in the working directory, saved from the pool's key set."""
    import requests

    plain_user(h)
    assert h.pool is not None
    url = f"{h.local.endpoint_url}/{h.pool.pool_id}/.well-known/jwks.json"
    Path("jwks.json").write_text(requests.get(url, timeout=10).text, encoding="utf-8")


def user_and_api(h: Harness) -> None:
    """``bob`` and a protected API at ``https://api.example.com`` (loopback)."""
    plain_user(h)
    h.start_api()


def signed_up(h: Harness) -> None:
    """``ann`` signed up: her confirmation code is in the outbox."""
    h.use_pool()
    u = h.cognito()
    u.set_base_attributes(email="ann@example.com")
    u.register("ann", DEFAULT_PASSWORD)


def identity_pool_user(h: Harness) -> None:
    """``bob`` and an identity pool that accepts the pool's id tokens (the authenticated role:
    ``AUTHENTICATED_ROLE``) in ``COGNITO_IDENTITY_POOL_ID``."""
    plain_user(h)
    assert h.pool is not None
    identity = h.local.client(service_name="cognito-identity")
    provider = f"cognito-idp.{h.pool.region}.amazonaws.com/{h.pool.pool_id}"
    pool_id = identity.create_identity_pool(
        IdentityPoolName="readme", AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": h.pool.client_id}],
    )["IdentityPoolId"]
    identity.set_identity_pool_roles(IdentityPoolId=pool_id,
                                     Roles={"authenticated": AUTHENTICATED_ROLE})
    h.monkeypatch.setenv("COGNITO_IDENTITY_POOL_ID", pool_id)


def machine_client(h: Harness) -> None:
    """A pool with a domain, a resource server ``orders`` and a machine client; the protected
    API accepts that client's access tokens with scope ``orders/read``."""
    import dataclasses

    from pycognito.verification import CognitoTokenVerifier, jwks_url_for_endpoint

    from .http_api import Api

    pool = h.use_pool()
    h.idp.create_user_pool_domain(UserPoolId=pool.pool_id, Domain="my-app")
    h.idp.create_resource_server(UserPoolId=pool.pool_id, Identifier="orders", Name="Orders",
                                 Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}])
    client = h.idp.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName="service", GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["orders/read"])["UserPoolClient"]
    h.monkeypatch.setenv("COGNITO_DOMAIN", h.local.domain_url("my-app"))
    h.monkeypatch.setenv("SERVICE_CLIENT_ID", client["ClientId"])
    h.monkeypatch.setenv("SERVICE_CLIENT_SECRET", client["ClientSecret"])
    h.api = Api(dataclasses.replace(pool, client_id=client["ClientId"]))
    h.api.verifier = CognitoTokenVerifier(
        pool.pool_id, client["ClientId"], scopes=["orders/read"],
        jwks_url=jwks_url_for_endpoint(pool.endpoint_url, pool.pool_id))
    h.api.start()
    h.extra["service_client_id"] = client["ClientId"]


def empty_pool(h: Harness) -> None:
    """A pool and nothing in it (the example brings what it needs)."""
    h.use_pool()


# -- checks ---------------------------------------------------------------------------------


def logged_in(h: Harness, name: str = "u", username: str = "bob") -> Any:
    u = h.namespace[name]
    assert u.access_token and u.id_token and u.refresh_token
    assert u.access_claims["username"] == username
    return u


def check_login(h: Harness) -> None:
    u = logged_in(h)
    assert u.expires_datetime.tzinfo is not None
    assert h.output.split()[0] == "bob"
    assert h.logins() == 1 and h.prompts == ["Password: "]
    assert h.answered() == ["PASSWORD_VERIFIER"]


def check_mfa(h: Harness) -> None:
    logged_in(h)
    code_prompts = h.prompts[1:]
    assert len(code_prompts) == 1
    if h.local.messages(kind="sms_mfa"):
        assert "+" in code_prompts[0] and code_prompts[0].endswith(": ")  # masked number shown
        assert h.answered() == ["PASSWORD_VERIFIER", "SMS_MFA"]
    else:
        assert code_prompts == ["Code from your authenticator app: "]
        assert h.answered() == ["PASSWORD_VERIFIER", "SOFTWARE_TOKEN_MFA"]
    assert h.logins() == 1


def check_mfa_two_requests(h: Harness) -> None:
    logged_in(h)
    assert h.namespace["session"] == {}
    assert h.output == "logged in as bob\n"
    assert h.logins() == 1  # the second request answered the first one's challenge
    assert h.answered() == ["PASSWORD_VERIFIER", "SOFTWARE_TOKEN_MFA"]


def check_mfa_setup(h: Harness) -> None:
    logged_in(h)
    assert h.output.startswith("otpauth://totp/") and h.namespace["secret"] in h.output
    assert h.pool is not None
    user = h.idp.admin_get_user(UserPoolId=h.pool.pool_id, Username="bob")
    assert "SOFTWARE_TOKEN_MFA" in user.get("UserMFASettingList", [])
    assert h.logins() == 1 and h.answered() == ["PASSWORD_VERIFIER", "MFA_SETUP"]
    assert len(h.local.calls("AssociateSoftwareToken")) == 1
    assert len(h.local.calls("VerifySoftwareToken")) == 1


def check_new_password(h: Harness) -> None:
    logged_in(h, username="carol")
    assert h.prompts == ["Temporary password: ", "New password: "]
    # "no second sign-in": one SRP login, its challenge answered with that login's session
    assert h.logins() == 1 and len(h.local.calls("InitiateAuth")) == 1
    assert h.answered() == ["PASSWORD_VERIFIER", "NEW_PASSWORD_REQUIRED"]
    assert h.pool is not None
    user = h.idp.admin_get_user(UserPoolId=h.pool.pool_id, Username="carol")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "given_name", "Value": "Carol"} in user["UserAttributes"]
    h.cognito(username="carol").authenticate("Brand-New-Pass-7!")  # the new password works


def check_passwordless(h: Harness) -> None:
    logged_in(h)
    assert h.prompts == ["Code sent by e-mail: "] and h.output == "logged in as bob\n"
    assert [c.auth_flow for c in h.local.calls("InitiateAuth")] == ["USER_AUTH"]


def check_devices(h: Harness) -> None:
    logged_in(h, "later")
    device = h.namespace["device"]
    assert set(device) == {"device_key", "device_group_key", "device_password"}
    assert h.prompts == ["Password: ", "Code: "]  # one MFA code: the device login skipped MFA
    assert device["device_key"] in h.output
    answered = [c.challenge_name for c in h.local.calls("RespondToAuthChallenge")]
    assert answered == ["PASSWORD_VERIFIER", "SOFTWARE_TOKEN_MFA", "PASSWORD_VERIFIER",
                        "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"]
    assert h.pool is not None
    left = h.idp.admin_list_devices(UserPoolId=h.pool.pool_id, Username="bob")["Devices"]
    assert device["device_key"] not in [d["DeviceKey"] for d in left]
    assert h.namespace["later"].device_key is None


def check_awssrp(h: Harness) -> None:
    result = h.namespace["tokens"]["AuthenticationResult"]
    assert result["AccessToken"] and result["IdToken"]
    assert h.output == f"{result['ExpiresIn']}\n" and h.logins() == 1


def check_srp(h: Harness) -> None:
    """Known answers: the README's own line (``# '...'``, HMAC-SHA256 worked out apart) and the
    SECRET_HASH and TIMESTAMP vectors made with AWS's JavaScript client (tests/vectors_data)."""
    from datetime import datetime, timezone

    from .vectors import load

    srp = h.namespace["srp"]
    assert srp.secret_hash("alice", "client-id", "client-secret") == (
        "qROqM+PMKX09MK8ulDVm8LCWdCRqQQEUG9HcF+N7/S4=")
    vectors = load()
    for case in vectors["secret_hash_vectors"]:
        assert srp.secret_hash(case["username"], case["client_id"], case["client_secret"]) == (
            case["SECRET_HASH"]), case["username"]
    for case in vectors["timestamp_vectors"]:
        moment = datetime.fromtimestamp(case["epoch_ms"] / 1000, timezone.utc)
        assert srp.timestamp(moment) == case["TIMESTAMP"]
    assert h.local.calls() == []  # pure: no Cognito call


def check_verify(h: Harness) -> None:
    from pycognito.verification import CognitoTokenVerifier, JwksCache

    assert h.pool is not None
    aws_jwks_url = h.namespace["verifier"].jwks_url
    assert aws_jwks_url.startswith("https://cognito-idp.") and h.fetched == [aws_jwks_url]
    answer = h.namespace["authenticate_request"]
    tokens = h.tokens()
    access, id_token = tokens["AccessToken"], tokens["IdToken"]
    assert answer({"Authorization": f"Bearer {access}"}) == (200, {"user": "bob"})
    assert answer({})[0] == 401
    status, body = answer({"Authorization": f"Bearer {id_token}"})
    assert status == 401 and "token_use" in body["error"] and id_token not in body["error"]
    status, body = answer({"Authorization": f"Bearer {access[:-4]}AAAA"})
    assert status == 401 and "signature" in body["error"]
    assert len(h.fetched) == 1  # hydrate() fetched the keys; requests fetched nothing more

    h.local.advance_clock(-2 * 3600)  # tokens issued two hours ago: expired an hour ago
    expired = h.tokens()["AccessToken"]
    assert answer({"Authorization": f"Bearer {expired}"}) == (
        401, {"error": "the token has expired: refresh it"})

    def down(url: str, timeout: float) -> bytes:
        raise OSError("connection refused")

    h.namespace["verifier"] = CognitoTokenVerifier(
        h.pool.pool_id, h.pool.client_id, jwks_cache=JwksCache(fetcher=down))
    assert answer({"Authorization": f"Bearer {access}"})[0] == 503


def check_verify_multi(h: Harness) -> None:
    from pycognito.verification import TokenGroupError, TokenIssuerError

    verifier = h.namespace["verifier"]
    staff = h.extra["staff"]
    assert verifier.verify(h.tokens()["AccessToken"], "access")["username"] == "bob"
    assert verifier.verify(h.tokens(staff, "sue")["IdToken"], "id")["cognito:groups"] == [
        "support"]
    with pytest.raises(TokenGroupError):
        verifier.verify(h.tokens(staff, "sam")["AccessToken"], "access")
    other = h.make_pool(pool_name="other")
    h.make_user(other, "olga")
    with pytest.raises(TokenIssuerError):
        verifier.verify(h.tokens(other, "olga")["AccessToken"], "access")


def check_verify_offline(h: Harness) -> None:
    claims = h.namespace["verifier"].verify(h.tokens()["AccessToken"], "access")
    assert claims["username"] == "bob"
    assert h.fetched == []  # no network at all


def check_verify_cognito(h: Harness) -> None:
    from pycognito.exceptions import TokenVerificationException

    assert h.pool is not None
    tokens = h.tokens()
    session = {"id_token": tokens["IdToken"], "access_token": tokens["AccessToken"]}
    current = h.namespace["current_user_email"]
    operations = len(h.local.calls())
    assert current(session) == "bob@example.com"
    assert current(session) == "bob@example.com"
    with pytest.raises(TokenVerificationException):
        current({**session, "access_token": session["id_token"]})  # the wrong kind of token
    assert len(h.local.calls()) == operations  # verification calls no Cognito operation
    # AWS_ENDPOINT_URL: keys from the local endpoint, fetched once for every request
    assert h.fetched == [f"{h.local.endpoint_url}/{h.pool.pool_id}/.well-known/jwks.json"]


def check_requests(h: Harness) -> None:
    status, body = h.output.split(" ", 1)
    assert status == "200" and "'token_use': 'access'" in body
    assert h.logins() == 1 and h.api.tokens_seen


def check_service_to_service(h: Harness) -> None:
    assert h.output.split() == ["200", "200", "200"]
    assert len(h.local.calls("oauth2/token")) == 1  # one token for the three requests
    assert len(set(h.api.tokens_seen)) == 1
    assert h.namespace["service"].client_id == h.extra["service_client_id"]


def check_requests_storage(h: Harness) -> None:
    path = h.home / ".cache" / "my-app" / "cognito.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert DEFAULT_PASSWORD not in path.read_text(encoding="utf-8")
    assert h.logins() == 1  # the "restarted" auth resumed from the file
    assert len(h.api.tokens_seen) == 2 and h.prompts == ["Password: "]
    assert h.namespace["auth"].cognito.access_token == h.api.tokens_seen[-1]


def check_httpx(h: Harness) -> None:
    lines = h.output.splitlines()
    assert "'token_use': 'access'" in lines[0]
    assert lines[1] == str([200] * 10)
    assert h.logins() == 1 and len(h.api.tokens_seen) == 11


def check_asyncio(h: Harness) -> None:
    assert h.output.split() == ["200", "bob"]
    assert h.logins() == 1 and len(h.api.tokens_seen) == 1


def check_aws_credentials(h: Harness) -> None:
    role = AUTHENTICATED_ROLE.rsplit("/", 1)[1]
    assert h.output.startswith(f"arn:aws:sts::123456789012:assumed-role/{role}/")
    assert len(h.local.calls("GetCredentialsForIdentity")) == 1
    assert len(h.local.calls("GetCallerIdentity")) == 1


def check_outbox(h: Harness) -> None:
    assert h.namespace["code"] == h.local.last_code(username="ann", kind="sign_up")


def run_pytest_module(h: Harness, block: Block) -> None:
    """The pytest example is a test module: run it with pytest, in its own process."""
    run_pytest_example(Path.cwd() / "example", block.code)


@dataclass(frozen=True)
class Example:
    scenarios: tuple[Scenario, ...]
    check: Check
    runner: Optional[Callable[[Harness, Block], None]] = None


EXAMPLES: dict[str, Example] = {
    "login": Example((plain_user,), check_login),
    "mfa": Example((totp_user, sms_user), check_mfa),
    "mfa-two-requests": Example((totp_user,), check_mfa_two_requests),
    "mfa-setup": Example((mfa_required_user,), check_mfa_setup),
    "new-password": Example((new_password_user,), check_new_password),
    "passwordless": Example((passwordless_user,), check_passwordless),
    "devices": Example((device_user,), check_devices),
    "awssrp": Example((plain_user,), check_awssrp),
    "srp": Example((empty_pool,), check_srp),
    "verify": Example((plain_user,), check_verify),
    "verify-multi": Example((two_pools,), check_verify_multi),
    "verify-offline": Example((saved_jwks,), check_verify_offline),
    "verify-cognito": Example((plain_user,), check_verify_cognito),
    "requests": Example((user_and_api,), check_requests),
    "requests-storage": Example((user_and_api,), check_requests_storage),
    "httpx": Example((user_and_api,), check_httpx),
    "asyncio": Example((user_and_api,), check_asyncio),
    "aws-credentials": Example((identity_pool_user,), check_aws_credentials),
    "service-to-service": Example((machine_client,), check_service_to_service),
    "pytest": Example((empty_pool,), lambda h: None, run_pytest_module),
    "outbox": Example((signed_up,), check_outbox),
}


# -- the tests ------------------------------------------------------------------------------


def test_readme_blocks_are_all_covered() -> None:
    blocks = readme_blocks()
    python = [b for b in blocks if b.language in ("python", "py", "python3")]
    unmarked = [b.line for b in python if b.name is None]
    assert not unmarked, f"python blocks without a readme-test marker at README.md lines {unmarked}"
    names = [b.name for b in python]
    assert len(names) == len(set(names)), f"duplicate readme-test names: {names}"
    assert "setup" in names
    assert set(names) - {"setup"} == set(EXAMPLES), "README blocks and EXAMPLES disagree"
    markers = [b.name for b in blocks if b.name is not None]
    assert markers == names, "a readme-test marker stands before a block that is not python"


def test_readme_quick_start_is_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = readme_blocks(section)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.code.splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]


def _slug(heading: str) -> str:
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def test_readme_links_resolve() -> None:
    root = README.parent
    text = README.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        document = root / path if path else README
        assert document.is_file(), f"README links to a missing file: {target}"
        if anchor:
            headings = re.findall(r"^#+ (.+)$", document.read_text(encoding="utf-8"), re.M)
            assert anchor in {_slug(h) for h in headings}, f"README links to a missing {target}"


@pytest.mark.parametrize(
    ("name", "scenario"),
    [(name, scenario) for name, example in EXAMPLES.items() for scenario in example.scenarios],
    ids=lambda value: value if isinstance(value, str) else value.__name__.replace("_", "-"),
)
def test_readme_example(harness: Harness, name: str, scenario: Scenario) -> None:
    blocks = python_blocks()
    assert name in blocks, f"README.md has no python block marked readme-test: {name}"
    example = EXAMPLES[name]
    scenario(harness)
    harness.local.clear_calls()  # count only what the example does
    if example.runner is not None:
        example.runner(harness, blocks[name])
    else:
        harness.run(blocks[name], blocks["setup"])
    example.check(harness)


def test_a_broken_example_fails(harness: Harness) -> None:
    """The harness is not a rubber stamp: a wrong password in the login example fails."""
    from botocore.exceptions import ClientError

    plain_user(harness)
    harness.password = lambda prompt: "Not-The-Password-1!"
    with pytest.raises(ClientError, match="NotAuthorized"):
        harness.run(python_blocks()["login"], python_blocks()["setup"])
    broken = Block("python", 'greeting = "hello"\ngreeting.upper()  # \'Hello\'\n', 1, "x")
    with pytest.raises(AssertionError, match="'HELLO' != 'Hello'"):
        harness.run(broken, Block("python", "\n", 1, "setup"))


FIGURE = re.compile(r"\d[\d.,\u2013-]*\s?(?:ns|µs|us|ms)\b")


def _prose(text: str) -> str:
    """``text`` without its fenced blocks (sample output, code)."""
    return "\n".join(block for index, block in enumerate(re.split(r"^```.*$", text, flags=re.M))
                     if index % 2 == 0)


def test_figures_have_one_source() -> None:
    """Timings come from bench/ and are quoted the same everywhere: any timing the README or
    docs/ states outside the README's Performance table is one of that table's own figures
    (docs/cognito.md and the README once disagreed: 3 µs / 40 ms / 140 ms against
    1.8 µs / 46 ms / 162 ms)."""
    text = README.read_text(encoding="utf-8")
    before, performance = text.split("\n## Performance\n", 1)
    table, _, after = performance.partition("\n## ")
    quoted = set(FIGURE.findall(table))
    assert quoted, "the Performance table has figures"
    found = {"README.md": FIGURE.findall(_prose(before + after))}
    for doc in sorted((README.parent / "docs").glob("*.md")):
        found[f"docs/{doc.name}"] = FIGURE.findall(_prose(doc.read_text(encoding="utf-8")))
    stray = {name: [f for f in figures if f not in quoted] for name, figures in found.items()}
    assert {name: figures for name, figures in stray.items() if figures} == {}


#: Blocks of docs/ that show a signature, not code to run.
SIGNATURES = ("Cognito(user_pool_id, client_id,", "CognitoTokenVerifier(")


def test_docs_python_blocks_parse() -> None:
    """The python blocks of docs/*.md parse (the published page of the original package had an
    example with a missing comma); oauth.md's and the Lambda example also run
    (tests/oauth/test_docs.py, tests/local/test_lambda_docs.py)."""
    blocks = 0
    for doc in sorted((README.parent / "docs").glob("*.md")):
        text = doc.read_text(encoding="utf-8")
        for block in readme_blocks(text):
            if block.language not in ("python", "py") or block.code.startswith(SIGNATURES):
                continue
            blocks += 1
            compile(block.code, f"{doc.name}:{block.line}", "exec", ast.PyCF_ONLY_AST)
    assert blocks > 20
