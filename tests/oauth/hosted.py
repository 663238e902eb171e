"""A scripted browser for the hosted login page (requests, cookies kept, no JavaScript): what
a person does in the browser, without one. The real-browser test is tests/browser/."""

from __future__ import annotations

import re
from html import unescape
from typing import Any, Optional
from urllib.parse import urljoin

import requests

_INPUT = re.compile(r"<input\b[^>]*>")
_ATTRIBUTE = re.compile(r'(?P<key>[\w-]+)="(?P<value>[^"]*)"')
_ACTION = re.compile(r'<form method="post" action="(?P<action>[^"]+)"')
_ERROR = re.compile(r'<p id="error" role="alert">(?P<text>[^<]*)</p>')


class Browser:
    """One browser profile: its cookies, and the last page it showed."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.page: Optional[requests.Response] = None

    def open(self, url: str) -> Optional[str]:
        """Follow redirects on the domain; the callback URL if it got there, else ``None``
        (then ``self.page`` is the page shown)."""
        response = self.http.get(url, allow_redirects=False, timeout=10)
        return self._follow(response, url)

    def _follow(self, response: requests.Response, url: str) -> Optional[str]:
        while response.is_redirect:
            location = urljoin(url, response.headers["Location"])
            if "/domain/" not in location:
                return location  # leaving the domain: the app's callback (or sign-out page)
            url = location
            response = self.http.get(location, allow_redirects=False, timeout=10)
        self.page = response
        return None

    @property
    def error(self) -> Optional[str]:
        found = _ERROR.search(self.page.text) if self.page is not None else None
        return unescape(found.group("text")) if found else None

    def submit(self, **fields: str) -> Optional[str]:
        """Fill the current form (hidden fields kept) and send it."""
        assert self.page is not None
        action = _ACTION.search(self.page.text)
        assert action is not None, self.page.text
        data = {}
        for tag in _INPUT.findall(self.page.text):
            attributes = {m.group("key"): unescape(m.group("value"))
                          for m in _ATTRIBUTE.finditer(tag)}
            data[attributes["name"]] = attributes.get("value", "")
        data.update(fields)
        url = urljoin(self.page.url, unescape(action.group("action")))
        response = self.http.post(url, data=data, allow_redirects=False, timeout=10)
        return self._follow(response, url)

    def sign_in(self, url: str, username: str, password: str,
                code: Optional[str] = None) -> str:
        """The whole login; the callback URL with the code."""
        landed = self.open(url)
        if landed is None:
            landed = self.submit(username=username, password=password)
        if landed is None and code is not None:
            landed = self.submit(code=code)
        assert landed is not None, self.error or (self.page.text if self.page else "")
        return landed


def enable_totp(local: Any, pool: Any, username: str, password: str) -> str:
    """Give ``username`` an authenticator app (preferred MFA) through the library; its secret."""
    from pycognito import Cognito

    user = Cognito(pool.pool_id, pool.client_id, username=username,
                   boto3_client_kwargs=pool.boto3_client_kwargs())
    user.authenticate(password)
    secret = str(user.associate_software_token())
    assert user.verify_software_token(local.totp_code(secret), "phone")
    user.set_user_mfa_preference(False, True)
    return secret


def main() -> None:
    """``BROWSER="python -m tests.oauth.hosted %s"``: a person at the browser for the
    runnable docs: signs in as ``DOC_BROWSER_USER``/``DOC_BROWSER_PASSWORD`` (and the TOTP
    code of ``DOC_BROWSER_TOTP_SECRET``, if set) and follows the redirect back to the app."""
    import os
    import sys

    from pycognito.totp import totp_code

    secret = os.environ.get("DOC_BROWSER_TOTP_SECRET")
    landed = Browser().sign_in(sys.argv[1], os.environ["DOC_BROWSER_USER"],
                               os.environ["DOC_BROWSER_PASSWORD"],
                               totp_code(secret) if secret else None)
    requests.get(landed, timeout=10)


if __name__ == "__main__":
    main()
