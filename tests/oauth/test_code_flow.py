"""Authorization code + PKCE end to end: ``AuthorizationCodeFlow`` against the local Cognito's
authorize endpoint, hosted login page and token endpoint (a scripted browser)."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from pycognito.exceptions import TokenAtHashError, TokenExpiredError
from pycognito.local import LocalCognito
from pycognito.oauth import (
    AuthorizationCodeFlow,
    LoopbackRedirect,
    OAuthError,
    OAuthStateError,
    s256_challenge,
)
from pycognito.verification import CognitoTokenVerifier, jwks_url_for_endpoint, unverified_claims

from ..conftest import DEFAULT_PASSWORD, OAuthPool, UserFactory, UserInfo
from .hosted import Browser, enable_totp


def claims_of(token: str) -> dict[str, Any]:
    payload: dict[str, Any] = unverified_claims(token)["payload"]
    return payload


@pytest.fixture
def flow(local: LocalCognito, oauth_pool: OAuthPool) -> AuthorizationCodeFlow:
    pool_id = oauth_pool.pool.pool_id
    verifier = CognitoTokenVerifier(pool_id, oauth_pool.web_id,
                                    jwks_url=jwks_url_for_endpoint(local.endpoint_url, pool_id))
    return AuthorizationCodeFlow(oauth_pool.domain_url, oauth_pool.web_id, oauth_pool.callback,
                                 verifier=verifier)


@pytest.fixture
def alice(oauth_pool: OAuthPool, make_user: UserFactory) -> UserInfo:
    return make_user(oauth_pool.pool, "alice", attributes={"name": "Alice"})


def query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


def test_pkce_challenge_is_rfc7636s() -> None:
    # RFC 7636, appendix B
    assert s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")


def test_login_exchange_userinfo_refresh_revoke_logout(
    local: LocalCognito, oauth_pool: OAuthPool, flow: AuthorizationCodeFlow, alice: UserInfo
) -> None:
    request = flow.start()
    assert query(request.url)["code_challenge_method"] == "S256"
    assert request.code_verifier not in request.url and request.code_verifier not in repr(request)
    assert query(request.url)["state"] == request.state  # state and nonce travel in the URL
    assert query(request.url)["nonce"] == request.nonce
    browser = Browser()
    callback = browser.sign_in(request.url, "alice", alice.password)
    assert callback.startswith(oauth_pool.callback + "?")
    assert query(callback)["state"] == request.state

    tokens = flow.finish(request, callback)
    id_claims = claims_of(tokens.id_token or "")
    assert id_claims["nonce"] == request.nonce and id_claims["at_hash"]
    assert id_claims["aud"] == oauth_pool.web_id and id_claims["name"] == "Alice"
    access = claims_of(tokens.access_token)
    assert access["scope"] == "openid email profile" and access["username"] == "alice"
    assert tokens.refresh_token

    info = flow.userinfo(tokens.access_token)
    assert info["sub"] == alice.sub and info["email"] == "alice@example.com"
    assert info["username"] == "alice"

    renewed = flow.refresh(tokens.refresh_token or "")
    assert renewed.access_token != tokens.access_token
    assert renewed.refresh_token == tokens.refresh_token
    assert claims_of(renewed.id_token or "")["at_hash"]

    flow.revoke(tokens.refresh_token or "")
    with pytest.raises(OAuthError) as revoked:
        flow.refresh(tokens.refresh_token or "")
    assert revoked.value.error == "invalid_grant"
    with pytest.raises(OAuthError):
        flow.userinfo(renewed.access_token)  # minted from the revoked refresh token

    # The hosted-UI session lets the next login through without the form...
    again = flow.start()
    assert browser.open(again.url) is not None
    # ...until /logout, which goes back to the registered sign-out URL only.
    assert browser.open(flow.logout_url(oauth_pool.logout_url)) == oauth_pool.logout_url
    assert browser.open(flow.start().url) is None and browser.page is not None
    assert "Sign in" in browser.page.text
    browser.open(flow.logout_url("https://evil.example/"))
    assert browser.page is not None and browser.page.status_code == 400
    assert browser.page.json()["error"] == "redirect_mismatch"
    token_calls = [c.auth_flow for c in local.calls("oauth2/token")]
    assert token_calls == ["authorization_code", "refresh_token", "refresh_token"]


def test_a_code_works_once_for_its_client_redirect_and_verifier(
    local: LocalCognito, cognito_idp: Any, oauth_pool: OAuthPool, flow: AuthorizationCodeFlow,
    alice: UserInfo
) -> None:
    other = cognito_idp.create_user_pool_client(
        UserPoolId=oauth_pool.pool.pool_id, ClientName="other",
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid"], CallbackURLs=[oauth_pool.callback])["UserPoolClient"]

    def code_for(request: Any) -> str:
        return query(Browser().sign_in(request.url, "alice", alice.password))["code"]

    def refused(request: Any, code: str, **changes: str) -> str:
        with pytest.raises(OAuthError) as error:
            flow.exchange(dataclasses.replace(request, **changes), code)
        return error.value.error

    request = flow.start()
    code = code_for(request)
    assert refused(request, code, code_verifier="x" * 43) == "invalid_grant"
    request = flow.start()
    code = code_for(request)
    assert refused(request, code, redirect_uri="http://127.0.0.1:8765/other") == "invalid_grant"
    request = flow.start()
    code = code_for(request)
    thief = AuthorizationCodeFlow(oauth_pool.domain_url, other["ClientId"], oauth_pool.callback,
                                  verifier=flow.verifier)
    with pytest.raises(OAuthError) as stolen:
        thief.exchange(request, code)
    assert stolen.value.error == "invalid_grant"
    request = flow.start()
    code = code_for(request)
    assert flow.exchange(request, code).access_token
    assert refused(request, code) == "invalid_grant"  # once only
    request = flow.start()
    code = code_for(request)
    local.advance_clock(301)  # codes live 5 minutes
    assert refused(request, code) == "invalid_grant"


def test_without_pkce_the_code_needs_no_verifier(oauth_pool: OAuthPool, alice: UserInfo,
                                                 flow: AuthorizationCodeFlow) -> None:
    url = (f"{oauth_pool.domain_url}/oauth2/authorize?response_type=code&client_id="
           f"{oauth_pool.web_id}&redirect_uri={oauth_pool.callback}&scope=openid&state=s")
    code = query(Browser().sign_in(url, "alice", alice.password))["code"]
    answer = requests.post(f"{oauth_pool.domain_url}/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "client_id": oauth_pool.web_id,
        "redirect_uri": oauth_pool.callback})
    assert answer.status_code == 200 and "id_token" in answer.json()
    assert "nonce" not in claims_of(answer.json()["id_token"])


def test_state_and_nonce_are_checked(oauth_pool: OAuthPool, flow: AuthorizationCodeFlow,
                                     alice: UserInfo) -> None:
    request = flow.start()
    callback = Browser().sign_in(request.url, "alice", alice.password)
    with pytest.raises(OAuthStateError):
        flow.finish(dataclasses.replace(request, state="forged"), callback)
    with pytest.raises(OAuthStateError) as nonce:
        flow.finish(dataclasses.replace(request, nonce="another"), callback)
    assert nonce.value.error == "nonce_mismatch"


def test_at_hash_must_bind_the_pair(oauth_pool: OAuthPool, flow: AuthorizationCodeFlow,
                                    alice: UserInfo) -> None:
    first, second = flow.start(), flow.start()
    one = flow.finish(first, Browser().sign_in(first.url, "alice", alice.password))
    two = flow.finish(second, Browser().sign_in(second.url, "alice", alice.password))
    mixed = dataclasses.replace(one, access_token=two.access_token)
    with pytest.raises(TokenAtHashError):
        flow.verify_id_token(mixed)


@pytest.mark.parametrize(
    ("change", "error"),
    [({"scope": "openid phone"}, "invalid_scope"),
     ({"code_challenge_method": "plain"}, "invalid_request"),
     ({"response_type": "token"}, "unsupported_response_type")],
)
def test_authorize_errors_go_back_to_the_callback(oauth_pool: OAuthPool,
                                                  flow: AuthorizationCodeFlow,
                                                  change: dict[str, str], error: str) -> None:
    request = flow.start()
    params = {**query(request.url), **change}
    url = f"{flow.endpoints.authorize}?{requests.compat.urlencode(params)}"
    landed = Browser().open(url)
    assert landed is not None and landed.startswith(oauth_pool.callback)
    assert query(landed) == {"error": error, "state": request.state}


def test_an_unregistered_redirect_uri_is_never_followed(oauth_pool: OAuthPool,
                                                        flow: AuthorizationCodeFlow) -> None:
    evil = AuthorizationCodeFlow(oauth_pool.domain_url, oauth_pool.web_id,
                                 "http://127.0.0.1:8765/callback/", verifier=flow.verifier)
    browser = Browser()
    assert browser.open(evil.start().url) is None
    assert browser.page is not None and browser.page.status_code == 400


def test_code_flow_not_allowed_for_the_machine_client(oauth_pool: OAuthPool,
                                                      flow: AuthorizationCodeFlow) -> None:
    machine = AuthorizationCodeFlow(oauth_pool.domain_url, oauth_pool.machine_id,
                                    oauth_pool.callback, verifier=flow.verifier)
    browser = Browser()
    assert browser.open(machine.start().url) is None  # its callback list is empty
    assert browser.page is not None and browser.page.status_code == 400


def test_login_page_shows_errors(oauth_pool: OAuthPool, flow: AuthorizationCodeFlow,
                                 alice: UserInfo, cognito_idp: Any) -> None:
    browser = Browser()
    assert browser.open(flow.start().url) is None
    assert browser.submit(username="alice", password="wrong") is None
    assert browser.error == "Incorrect username or password."
    assert browser.submit(username="nobody", password="wrong") is None
    assert browser.error == "Incorrect username or password."
    assert browser.submit(username="alice", password=alice.password, _csrf="forged") is None
    assert browser.error is not None and "expired" in browser.error
    cognito_idp.admin_disable_user(UserPoolId=oauth_pool.pool.pool_id, Username="alice")
    assert browser.submit(username="alice", password=alice.password) is None
    assert browser.error == "User is disabled."
    assert DEFAULT_PASSWORD not in (browser.page.text if browser.page else "")


def test_login_page_asks_for_the_totp_code(local: LocalCognito, oauth_pool: OAuthPool,
                                           flow: AuthorizationCodeFlow, alice: UserInfo) -> None:
    secret = enable_totp(local, oauth_pool.pool, "alice", alice.password)
    request = flow.start()
    browser = Browser()
    assert browser.open(request.url) is None
    assert browser.submit(username="alice", password=alice.password) is None
    assert browser.page is not None and "authenticator" in browser.page.text
    assert browser.submit(code="000000" if local.totp_code(secret) != "000000" else "111111") \
        is None
    assert browser.error == "Invalid code received for user."
    landed = browser.submit(code=local.totp_code(secret))
    assert landed is not None
    assert flow.finish(request, landed).id_token


def test_login_page_sends_the_sms_code(local: LocalCognito, cognito_idp: Any,
                                       oauth_pool: OAuthPool, flow: AuthorizationCodeFlow,
                                       make_user: UserFactory) -> None:
    pool_id = oauth_pool.pool.pool_id
    cognito_idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsConfiguration": {
            "SnsCallerArn": "arn:aws:iam::123456789012:role/sms", "ExternalId": "x"}})
    make_user(oauth_pool.pool, "sam", phone_number="+15555550100")
    cognito_idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="sam",
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    request = flow.start()
    browser = Browser()
    browser.open(request.url)
    assert browser.submit(username="sam", password=DEFAULT_PASSWORD) is None
    landed = browser.submit(code=local.last_code(username="sam", kind="sms_mfa"))
    assert landed is not None and flow.finish(request, landed).access_token


def test_login_page_sends_the_email_code(local: LocalCognito, cognito_idp: Any,
                                         oauth_pool: OAuthPool, flow: AuthorizationCodeFlow,
                                         make_user: UserFactory) -> None:
    pool_id = oauth_pool.pool.pool_id
    cognito_idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
        EmailMfaConfiguration={"Message": "Your code is {####}", "Subject": "Your code"})
    make_user(oauth_pool.pool, "erin")
    cognito_idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="erin",
        EmailMfaSettings={"Enabled": True, "PreferredMfa": True})
    request = flow.start()
    browser = Browser()
    browser.open(request.url)
    assert browser.submit(username="erin", password=DEFAULT_PASSWORD) is None
    assert browser.page is not None and "Code sent by e-mail" in browser.page.text
    code = local.last_code(username="erin", kind="email_mfa")
    assert browser.submit(code=str((int(code) + 1) % 10 ** len(code)).zfill(len(code))) is None
    assert browser.error == "Invalid code received for user."
    landed = browser.submit(code=code)
    assert landed is not None and flow.finish(request, landed).access_token


def test_loopback_redirect_receives_the_code(oauth_pool: OAuthPool, flow: AuthorizationCodeFlow,
                                             alice: UserInfo) -> None:
    with LoopbackRedirect() as receiver:
        request = flow.start()
        callback = Browser().sign_in(request.url, "alice", alice.password)
        # the browser follows the redirect to the loopback receiver
        redirected = callback.replace(oauth_pool.callback, receiver.redirect_uri)
        page = requests.get(redirected, timeout=10)
        assert page.status_code == 200 and "close this window" in page.text
        received = receiver.wait(timeout=5)
    assert query(received) == query(callback)
    assert flow.finish(request, received).refresh_token
    with LoopbackRedirect() as idle, pytest.raises(OAuthError) as timeout:
        idle.wait(timeout=0.05)
    assert timeout.value.error == "timeout"


def test_loopback_redirect_serves_one_and_never_logs_the_query(capfd: pytest.CaptureFixture[str],
                                                caplog: pytest.LogCaptureFixture) -> None:
    """docs/oauth.md: the receiver serves exactly one redirect and never logs the query (it
    holds the code); http.server logs every request line on stderr unless told not to."""
    with caplog.at_level("DEBUG", logger="pycognito"), LoopbackRedirect() as receiver:
        for path in ("/elsewhere?code=code-4-stray", f"{receiver.path}?code=code-4-one"):
            requests.get(f"http://127.0.0.1:{receiver.port}{path}", timeout=10)
        assert receiver.wait(timeout=5).endswith("code=code-4-one")
        again = requests.get(f"{receiver.redirect_uri}?code=code-4-two", timeout=10)
        assert again.status_code == 404  # "serves exactly one redirect"
        assert receiver.wait(timeout=5).endswith("code=code-4-one")
    seen = capfd.readouterr()
    assert "code-4" not in seen.out + seen.err + caplog.text


def test_userinfo_refuses_client_credentials_tokens(oauth_pool: OAuthPool,
                                                    flow: AuthorizationCodeFlow) -> None:
    from pycognito.oauth import ClientCredentials

    token = ClientCredentials(oauth_pool.domain_url, oauth_pool.machine_id,
                              oauth_pool.machine_secret).token()
    with pytest.raises(OAuthError) as refused:
        flow.userinfo(token)
    assert refused.value.status == 401 and refused.value.error == "invalid_token"


@pytest.mark.parametrize("skew", [2 * 3600, -2 * 3600], ids=["2-h-fast", "2-h-slow"])
def test_fresh_tokens_are_judged_by_cognitos_clock(
    oauth_pool: OAuthPool, flow: AuthorizationCodeFlow, alice: UserInfo,
    move_clocks: Any, skew: int,
) -> None:
    """Issue 19.2 on the code flow: our clock off by more than the tokens' lifetime (an hour
    here) must not refuse the id token just received, at the exchange or a refresh."""
    move_clocks(0, skew=skew)
    request = flow.start()
    tokens = flow.finish(request, Browser().sign_in(request.url, "alice", alice.password))
    renewed = flow.refresh(tokens.refresh_token or "")
    assert renewed.id_token and renewed.id_token != tokens.id_token
    if skew > 0:  # tokens of unknown age, verified later, are still judged by our clock
        with pytest.raises(TokenExpiredError):
            flow.verify_id_token(renewed)


def test_hosted_sign_in_tokens_go_through_pre_token_generation(
        local: LocalCognito, cognito_idp: Any, oauth_pool: OAuthPool,
        flow: AuthorizationCodeFlow, alice: UserInfo) -> None:
    """A sign-in on the hosted page is PreTokenGeneration's TokenGeneration_HostedAuth."""
    arn = "arn:aws:lambda:us-east-1:123456789012:function:hosted-claims"

    def add_claim(event: dict[str, Any], context: Any) -> dict[str, Any]:
        event["response"]["claimsOverrideDetails"] = {"claimsToAddOrOverride": {"via": "hosted"}}
        return event

    local.register_lambda(arn, add_claim)
    cognito_idp.update_user_pool(UserPoolId=oauth_pool.pool.pool_id, MfaConfiguration="OPTIONAL",
                                 LambdaConfig={"PreTokenGeneration": arn})
    request = flow.start()
    tokens = flow.finish(request, Browser().sign_in(request.url, "alice", alice.password))
    assert claims_of(tokens.id_token or "")["via"] == "hosted"
    [call] = local.lambda_invocations()
    assert call.trigger_source == "TokenGeneration_HostedAuth"
    assert call.event["callerContext"]["clientId"] == oauth_pool.web_id
