"""The hosted login page in a real browser: headless Chromium (Debian's ``chromium`` and
``chromedriver``) fills the form, follows the redirect to a loopback receiver, and the test
exchanges the code. Run by ``make test-browser``; without a browser these tests FAIL, saying
what to install (they never skip)."""

from __future__ import annotations

import dataclasses
import threading
import webbrowser
from typing import Any, Iterator

import pytest

from pycognito.local import LocalCognito
from pycognito.oauth import AuthorizationCodeFlow, LoopbackRedirect
from pycognito.verification import CognitoTokenVerifier, jwks_url_for_endpoint

from ..conftest import OAuthPool, UserFactory, UserInfo
from ..oauth.hosted import enable_totp
from .webdriver import Chromium, NoBrowser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    try:
        browser = Chromium()
    except NoBrowser as missing:
        pytest.fail(str(missing), pytrace=False)
    with browser:
        yield browser


@pytest.fixture
def receiver(cognito_idp: Any, oauth_pool: OAuthPool) -> Iterator[LoopbackRedirect]:
    """A loopback redirect receiver, registered as the web client's only callback URL."""
    with LoopbackRedirect() as receiving:
        cognito_idp.update_user_pool_client(
            UserPoolId=oauth_pool.pool.pool_id, ClientId=oauth_pool.web_id,
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
            AllowedOAuthScopes=["openid", "email", "profile"],
            CallbackURLs=[receiving.redirect_uri], LogoutURLs=[oauth_pool.logout_url])
        yield receiving


@pytest.fixture
def flow(local: LocalCognito, oauth_pool: OAuthPool,
         receiver: LoopbackRedirect) -> AuthorizationCodeFlow:
    pool_id = oauth_pool.pool.pool_id
    return AuthorizationCodeFlow(
        oauth_pool.domain_url, oauth_pool.web_id, receiver.redirect_uri,
        verifier=CognitoTokenVerifier(pool_id, oauth_pool.web_id, jwks_url=jwks_url_for_endpoint(
            local.endpoint_url, pool_id)))


@pytest.fixture
def alice(oauth_pool: OAuthPool, make_user: UserFactory) -> UserInfo:
    return make_user(oauth_pool.pool, "alice")


def sign_in(chromium: Chromium, url: str, username: str, password: str) -> None:
    chromium.get(url)
    chromium.type("#username", username)
    chromium.type("#password", password)
    chromium.click("#signin")


def test_sign_in_in_chromium(chromium: Chromium, flow: AuthorizationCodeFlow,
                             receiver: LoopbackRedirect, alice: UserInfo,
                             oauth_pool: OAuthPool) -> None:
    request = flow.start()
    chromium.forget_cookies(f"{oauth_pool.domain_url}/oauth2/userInfo")  # never signed in
    sign_in(chromium, request.url, "wrong-user", "wrong")
    assert chromium.text("#error") == "Incorrect username or password."
    chromium.type("#username", "alice")
    chromium.type("#password", alice.password)
    chromium.click("#signin")
    redirected = receiver.wait(timeout=20)
    assert "close this window" in chromium.text("#done")
    tokens = flow.finish(request, redirected)
    claims = flow.verify_id_token(tokens)
    assert claims["cognito:username"] == "alice" and claims["nonce"] == request.nonce
    assert flow.userinfo(tokens.access_token)["email"] == "alice@example.com"


def test_totp_step_in_chromium(chromium: Chromium, local: LocalCognito, oauth_pool: OAuthPool,
                               flow: AuthorizationCodeFlow, receiver: LoopbackRedirect,
                               alice: UserInfo) -> None:
    secret = enable_totp(local, oauth_pool.pool, "alice", alice.password)
    request = flow.start()
    chromium.forget_cookies(f"{oauth_pool.domain_url}/oauth2/userInfo")
    sign_in(chromium, request.url, "alice", alice.password)
    chromium.type("#code", "12345x")
    chromium.click("#verify")
    assert chromium.text("#error") == "Invalid code received for user."
    chromium.type("#code", local.totp_code(secret))
    chromium.click("#verify")
    assert flow.finish(request, receiver.wait(timeout=20)).id_token


def test_cli_login_browser_in_chromium(chromium: Chromium, cli_runner: Any, cli_env: Any,
                                       oauth_pool: OAuthPool, receiver: LoopbackRedirect,
                                       alice: UserInfo, token_file: Any,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    chromium.forget_cookies(f"{oauth_pool.domain_url}/oauth2/userInfo")
    redirect_uri = receiver.redirect_uri
    receiver.stop()  # the command listens there itself

    def open_in_chromium(url: str, *args: Any, **kwargs: Any) -> bool:
        threading.Thread(target=sign_in, args=(chromium, url, "alice", alice.password),
                         daemon=True).start()
        return True

    monkeypatch.setattr(webbrowser, "open", open_in_chromium)
    cli_env(dataclasses.replace(oauth_pool.pool, client_id=oauth_pool.web_id,
                                client_secret=None))
    result = cli_runner(["login", "--browser", "--domain", oauth_pool.domain_url,
                         "--redirect-uri", redirect_uri, "--browser-timeout", "30"])
    assert result.status == 0, result.err
    assert "Logged in as alice" in result.out and token_file.exists()
