"""Every usage example of the published page runs against the local Cognito.

The examples are executed as they are on the page (``seed_snippets.py``); only their placeholder
strings (``'your-user-pool-id'``, ``'bobs-password'``, ``'id-token'``, ...) are replaced by real
values, and ``input()`` answers with the code the user would type (from the outbox or the
authenticator). The page's code has no ``endpoint_url``: ``AWS_ENDPOINT_URL`` points boto3 at
the local server, and the facade fetches the keys from the same endpoint.

Two examples cannot run verbatim, and the tests say why: the first one misses a comma (a
``SyntaxError`` on the page itself), and ``get_user`` on an instance with only a username has
no access token to call GetUser with (a clear ``MissingValueError`` before any call).
"""

from __future__ import annotations

import os
import pathlib
from typing import Any, Callable, Optional

import pytest

from pycognito import Cognito, _clients
from pycognito._tokens import token_username
from pycognito.exceptions import MissingValueError, SoftwareTokenMFAChallengeException
from pycognito.verification import clear_shared_verifiers

from ..conftest import PoolFactory, PoolInfo, UserInfo
from .conftest import CognitoFactory
from .seed_snippets import SNIPPETS

# The original package's published page is not ours to copy; point PYCOGNITO_SEED_PAGE at a copy
# of it to check that the snippets below are its examples verbatim.
SEED = pathlib.Path(os.environ.get("PYCOGNITO_SEED_PAGE", "/nonexistent"))
NEW_PASSWORD = "Seed-New-Pass-8!"
SIGN_UP_PASSWORD = "Seed-Sign-Up-7!"


def test_snippets_are_the_pages() -> None:
    if not SEED.exists():
        pytest.skip("PYCOGNITO_SEED_PAGE does not name a copy of the published page")
    page = "\n".join(line.rstrip() for line in SEED.read_text(encoding="utf-8").splitlines())
    for name, code in SNIPPETS.items():
        assert code.rstrip("\n") in page, name


class Page:
    """Runs snippets with placeholders replaced; keeps the namespace between calls."""

    def __init__(self, local: Any, pool: PoolInfo, bob: UserInfo) -> None:
        self.local = local
        self.pool = pool
        self.bob = bob
        self.values: dict[str, str] = {
            "your-user-pool-id": pool.pool_id,
            "your-client-id": pool.client_id,
            "bobs-password": bob.password,
        }
        self.answers: list[Callable[[dict[str, Any]], str]] = []
        self.prompts: list[str] = []
        self.ns: dict[str, Any] = {}

    def with_tokens(self, u: Cognito) -> None:
        for prefix in ("", "your-"):
            self.values[f"{prefix}id-token"] = str(u.id_token)
            self.values[f"{prefix}refresh-token"] = str(u.refresh_token)
            self.values[f"{prefix}access-token"] = str(u.access_token)

    def source(self, name: str, **values: str) -> str:
        code = SNIPPETS[name]
        for placeholder, value in {**self.values, **values}.items():
            for quote in ("'", '"'):
                code = code.replace(f"{quote}{placeholder}{quote}", repr(value))
        return code

    def run(self, name: str, **values: str) -> dict[str, Any]:
        def fake_input(prompt: str = "") -> str:
            self.prompts.append(prompt)
            return self.answers.pop(0)(self.ns)

        self.ns.update({"__name__": f"seed_{name}", "Cognito": Cognito, "input": fake_input})
        exec(compile(self.source(name, **values), f"<seed {name}>", "exec"), self.ns)  # noqa: S102
        return self.ns


@pytest.fixture
def seed_pool(make_pool: PoolFactory) -> PoolInfo:
    return make_pool(mfa="OPTIONAL", mfa_types=("SOFTWARE_TOKEN_MFA", "SMS_MFA"),
                     pool_kwargs={"Schema": [
                         {"Name": "email", "AttributeDataType": "String", "Mutable": True},
                         {"Name": "given_name", "AttributeDataType": "String", "Mutable": True},
                         {"Name": "family_name", "AttributeDataType": "String", "Mutable": True},
                         {"Name": "state", "AttributeDataType": "String", "Mutable": True},
                         {"Name": "city", "AttributeDataType": "String", "Mutable": True},
                     ]})


@pytest.fixture
def page(local: Any, seed_pool: PoolInfo, make_user: Callable[..., UserInfo],
         monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ENDPOINT_URL", local.endpoint_url)
    monkeypatch.delenv("COGNITO_JWKS", raising=False)
    clear_shared_verifiers()
    _clients._clients.clear()  # the page's clients are built from the environment
    bob = make_user(seed_pool, "bob", phone_number="+15555550100")
    yield Page(local, seed_pool, bob)
    clear_shared_verifiers()
    _clients._clients.clear()


def _login(page: Page, make_cognito: CognitoFactory, password: Optional[str] = None) -> Cognito:
    u = make_cognito(page.pool, username="bob")
    u.authenticate(password or page.bob.password)
    page.with_tokens(u)
    return u


def _totp(page: Page, make_cognito: CognitoFactory, prefer: bool = True) -> str:
    u = _login(page, make_cognito)
    secret = u.associate_software_token()
    u.verify_software_token(page.local.totp_code(secret))
    if prefer:
        u.set_user_mfa_preference(False, True, "SOFTWARE_TOKEN")
    return secret


# -- construction -------------------------------------------------------------------------------


def test_all_parameters(page: Page) -> None:
    with pytest.raises(SyntaxError):  # the page's example misses a comma
        page.run("all_parameters")
    fixed = page.source("all_parameters").replace(
        "'optional-client-secret'\n", "'optional-client-secret',\n")
    page.local.clear_calls()
    ns: dict[str, Any] = {}
    exec(compile(fixed, "<seed all_parameters, comma added>", "exec"), ns)  # noqa: S102
    assert ns["u"].username == "optional-username" and ns["u"].access_token
    assert page.local.calls() == []


@pytest.mark.parametrize("name", ["pool_only", "username"])
def test_construction_only(page: Page, name: str) -> None:
    page.local.clear_calls()
    assert isinstance(page.run(name)["u"], Cognito)
    assert page.local.calls() == []


def test_tokens_then_verify_tokens(page: Page, make_cognito: CognitoFactory) -> None:
    _login(page, make_cognito)
    u = page.run("tokens_verify")["u"]
    assert u.id_claims["cognito:username"] == "bob" and u.access_claims["username"] == "bob"


# -- sign-up and recovery --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["register", "register_custom"])
def test_register(page: Page, name: str, make_cognito: CognitoFactory) -> None:
    page.run(name, username="newcomer", password=SIGN_UP_PASSWORD)
    user = make_cognito(page.pool).admin_get_user(username="newcomer")
    assert user.email == "you@you.com" and user.user_status == "UNCONFIRMED"
    if name == "register_custom":
        assert getattr(user, "custom:state") == "virginia"


def test_confirm_sign_up(page: Page, make_cognito: CognitoFactory) -> None:
    page.run("register", username="newbob", password=SIGN_UP_PASSWORD)
    code = page.local.last_code(user_pool_id=page.pool.pool_id, kind="sign_up")
    page.run("confirm_sign_up", **{"users-conf-code": code, "bob": "newbob"})
    make_cognito(page.pool, username="newbob").authenticate(SIGN_UP_PASSWORD)


def test_forgot_password(page: Page, make_cognito: CognitoFactory) -> None:
    page.run("initiate_forgot_password")
    code = page.local.last_code(user_pool_id=page.pool.pool_id, kind="forgot_password")
    page.run("confirm_forgot_password",
             **{"your-confirmation-code": code, "your-new-password": NEW_PASSWORD})
    _login(page, make_cognito, NEW_PASSWORD)


def test_change_password(page: Page, make_cognito: CognitoFactory) -> None:
    _login(page, make_cognito)
    page.run("change_password", **{"previous-password": page.bob.password,
                                   "proposed-password": NEW_PASSWORD})
    _login(page, make_cognito, NEW_PASSWORD)


# -- authentication ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["authenticate", "admin_authenticate"])
def test_authenticate(page: Page, name: str) -> None:
    u = page.run(name)["u"]
    assert u.access_token and u.id_token and u.refresh_token and u.token_type == "Bearer"
    assert u.expires_in and u.expires_datetime and u.id_claims and u.access_claims


@pytest.mark.parametrize("name", ["check_token", "check_tokens_verify"])
def test_check_token(page: Page, name: str, make_cognito: CognitoFactory,
                     move_clocks: Callable[..., None]) -> None:
    old = _login(page, make_cognito).access_token
    move_clocks(3600 - 30)  # the tokens are about to expire: checking renews them
    page.local.clear_calls()
    u = page.run(name)["u"]
    assert u.access_token and u.access_token != old
    assert len(page.local.calls("InitiateAuth", auth_flow="REFRESH_TOKEN_AUTH")) == 1
    if name == "check_tokens_verify":
        assert u.id_claims["cognito:username"] == "bob"
        assert u.access_claims["username"] == "bob"


def test_logout(page: Page, make_cognito: CognitoFactory, cognito_idp: Any) -> None:
    old = _login(page, make_cognito).access_token
    assert page.run("logout")["u"].access_token is None
    with pytest.raises(cognito_idp.exceptions.NotAuthorizedException):
        cognito_idp.get_user(AccessToken=old)  # signed out everywhere: the token is revoked


# -- profile and users ---------------------------------------------------------------------


def test_update_profile_and_send_verification(page: Page, make_cognito: CognitoFactory) -> None:
    u = _login(page, make_cognito)
    page.run("update_profile")
    assert u.get_user().given_name == "Edward"
    page.run("send_verification")
    assert page.local.messages(user_pool_id=page.pool.pool_id, kind="attribute_verification")


def test_get_user_obj(page: Page, make_cognito: CognitoFactory) -> None:
    _login(page, make_cognito)
    page.local.clear_calls()
    page.run("get_user_obj")
    assert page.local.calls() == []


def test_get_user_needs_tokens(page: Page) -> None:
    page.local.clear_calls()
    with pytest.raises(MissingValueError, match="access token"):
        page.run("get_user")  # the page's instance has a username but no access token
    assert page.local.calls() == []


def test_get_users(page: Page) -> None:
    assert [user.username for user in page.run("get_users")["user"]] == ["bob"]


def test_groups(page: Page, cognito_idp: Any) -> None:
    cognito_idp.create_group(UserPoolId=page.pool.pool_id, GroupName="some_group_name")
    assert page.run("get_group_obj")["group_obj"].group_name == "user_group"
    assert page.run("get_group")["group"].group_name == "some_group_name"
    assert [g.group_name for g in page.run("get_groups")["groups"]] == ["some_group_name"]


# -- MFA --------------------------------------------------------------------------------------


def test_associate_and_verify_software_token(page: Page, make_cognito: CognitoFactory,
                                             cognito_idp: Any) -> None:
    _login(page, make_cognito)
    assert page.run("associate_software_token")["secret_code"]
    page.answers = [lambda ns: page.local.totp_code(ns["secret_code"]), lambda ns: "my phone"]
    secret = page.run("verify_software_token")["secret_code"]
    assert page.answers == [] and len(page.prompts) == 2
    # The secret verified is the user's authenticator now: a login asks for its codes.
    cognito_idp.admin_set_user_mfa_preference(
        UserPoolId=page.pool.pool_id, Username="bob",
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    again = make_cognito(page.pool, username="bob")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        again.authenticate(page.bob.password)
    again.respond_to_software_token_mfa_challenge(page.local.totp_code(secret))
    assert again.access_claims is not None


def test_set_user_mfa_preference(page: Page, make_cognito: CognitoFactory,
                                 cognito_idp: Any) -> None:
    _totp(page, make_cognito, prefer=False)
    page.local.clear_calls()
    page.run("set_user_mfa_preference")
    assert len(page.local.calls("SetUserMFAPreference")) == 4
    user = cognito_idp.admin_get_user(UserPoolId=page.pool.pool_id, Username="bob")
    assert not user.get("PreferredMfaSetting")  # the page ends with both turned off
    assert not user.get("UserMFASettingList")


@pytest.mark.parametrize("name", ["software_token_mfa", "software_token_mfa_recreated"])
def test_software_token_mfa(page: Page, name: str, make_cognito: CognitoFactory) -> None:
    secret = _totp(page, make_cognito)
    page.answers = [lambda ns: page.local.totp_code(secret)]
    u = page.run(name)["u"]
    assert page.answers == [] and u.access_token and u.access_claims["username"] == "bob"


@pytest.mark.parametrize("name", ["sms_mfa", "sms_mfa_recreated"])
def test_sms_mfa(page: Page, name: str, make_cognito: CognitoFactory) -> None:
    _login(page, make_cognito).set_user_mfa_preference(True, False, "SMS")
    page.answers = [lambda ns: page.local.last_code(user_pool_id=page.pool.pool_id,
                                                    kind="sms_mfa")]
    u = page.run(name)["u"]
    assert page.answers == [] and u.access_token and u.access_claims["username"] == "bob"


# -- AWSSRP and devices ---------------------------------------------------------------------


def test_awssrp(page: Page) -> None:
    ns = page.run("awssrp", username="bob", password=page.bob.password,
                  user_pool_id=page.pool.pool_id, client_id=page.pool.client_id)
    assert ns["tokens"]["AuthenticationResult"]["AccessToken"]


def test_awssrp_devices(page: Page, make_pool: PoolFactory,
                        make_user: Callable[..., UserInfo], cognito_idp: Any) -> None:
    pool = make_pool(device_tracking=True)
    dev = make_user(pool, "dev")
    ids = {"username": "dev", "password": dev.password, "user_pool_id": pool.pool_id,
           "client_id": pool.client_id}
    ns = page.run("awssrp_device_keys", **ids)
    assert ns["device_key"] and ns["device_group_key"]
    page.ns["user"] = ns["aws"]  # the page calls the AWSSRP instance "user" here
    page.run("awssrp_confirm_device")
    assert ns["device_password"]

    def device(key: str) -> Optional[dict[str, Any]]:
        listed = cognito_idp.admin_list_devices(UserPoolId=pool.pool_id, Username="dev")
        return next((d for d in listed["Devices"] if d["DeviceKey"] == key), None)

    assert device(ns["device_key"]) is not None  # confirmed: Cognito lists it
    page.local.clear_calls()
    page.run("awssrp_update_device_status")
    assert len(page.local.calls("UpdateDeviceStatus")) == 1
    found = device(ns["device_key"])
    assert found is not None
    attributes = {a["Name"]: a["Value"] for a in found["DeviceAttributes"]}
    assert attributes["dev:device_remembered_status"] == "not_remembered"
    first = dict(ns)
    page.run("awssrp_device_login", device_key=first["device_key"],
             device_group_key=first["device_group_key"],
             device_password=first["device_password"], **ids)
    assert ns["tokens"]["AuthenticationResult"]["AccessToken"]
    page.run("awssrp_forget_device",
             access_token=ns["tokens"]["AuthenticationResult"]["AccessToken"],
             device_key=first["device_key"])
    assert device(first["device_key"]) is None


def test_requests_srp_auth(page: Page) -> None:
    ns = page.run("requests_srp_auth", **{
        "myusername": "bob", "secret": page.bob.password,
        "eu-west-1_1234567": page.pool.pool_id, "4dn6jbcbhqcofxyczo3ms9z4cc": page.pool.client_id,
        "eu-west-1": page.pool.region,
        "http://test.com": f"{page.local.endpoint_url}/_local/messages"})
    assert ns["response"].status_code == 200
    scheme, _, token = ns["response"].request.headers["Authorization"].partition(" ")
    assert scheme == "Bearer"
    assert token_username(token) == "bob"  # the user's own access token was sent
