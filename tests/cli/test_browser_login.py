"""``pycognito login --browser``: the hosted login page through a (scripted) browser, the
redirect on loopback, tokens saved like the SRP login's."""

from __future__ import annotations

import dataclasses
import json
import threading
import webbrowser
from typing import Any

import pytest
import requests

from ..conftest import OAuthPool, UserFactory
from ..oauth.hosted import Browser
from ..redis_server import _free_port
from .conftest import Runner


@pytest.fixture
def callback(cognito_idp: Any, oauth_pool: OAuthPool) -> str:
    """A free loopback port registered as the web client's callback."""
    url = f"http://127.0.0.1:{_free_port()}/callback"
    cognito_idp.update_user_pool_client(
        UserPoolId=oauth_pool.pool.pool_id, ClientId=oauth_pool.web_id,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "profile"], CallbackURLs=[url])
    return url


def scripted_browser(monkeypatch: pytest.MonkeyPatch, username: str, password: str) -> list[str]:
    """``webbrowser.open`` signs in on the page and follows the redirect, as a person would."""
    opened: list[str] = []

    def open_url(url: str, *args: Any, **kwargs: Any) -> bool:
        opened.append(url)

        def person() -> None:
            landed = Browser().sign_in(url, username, password)
            requests.get(landed, timeout=10)  # the browser follows the redirect to loopback

        threading.Thread(target=person, daemon=True).start()
        return True

    monkeypatch.setattr(webbrowser, "open", open_url)
    return opened


def test_login_browser_saves_tokens(cli: Runner, cli_env: Any, oauth_pool: OAuthPool,
                                    make_user: UserFactory, callback: str, token_file: Any,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(oauth_pool.pool, "alice")
    cli_env(dataclasses.replace(oauth_pool.pool, client_id=oauth_pool.web_id,
                                client_secret=None))
    opened = scripted_browser(monkeypatch, "alice", user.password)
    result = cli(["login", "--browser", "--domain", oauth_pool.domain_url,
                  "--redirect-uri", callback])
    assert result.status == 0, result.err
    assert "Logged in as alice" in result.out
    assert len(opened) == 1 and opened[0] in result.err  # the URL is shown too
    saved = json.loads(token_file.read_text())
    assert saved["session"]["username"] == "alice"
    assert saved["tokens"]["refresh_token"] and user.password not in token_file.read_text()
    refreshed = cli(["refresh"])  # the saved session works with the other commands
    assert refreshed.status == 0, refreshed.err


def test_login_browser_needs_a_domain(cli: Runner, cli_env: Any, oauth_pool: OAuthPool,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COGNITO_DOMAIN", raising=False)
    cli_env(dataclasses.replace(oauth_pool.pool, client_id=oauth_pool.web_id))
    result = cli(["login", "--browser"])
    assert result.status == 1 and "--domain" in result.err_lines[-1]


def test_login_browser_wrong_redirect_is_refused(cli: Runner, cli_env: Any,
                                                 oauth_pool: OAuthPool) -> None:
    cli_env(dataclasses.replace(oauth_pool.pool, client_id=oauth_pool.web_id))
    result = cli(["login", "--browser", "--domain", oauth_pool.domain_url,
                  "--redirect-uri", "https://example.com/callback"])
    assert result.status == 1 and "loopback" in result.err_lines[-1]
