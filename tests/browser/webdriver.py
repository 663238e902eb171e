"""Just enough W3C WebDriver to drive headless Chromium through chromedriver (over requests).

``Chromium.find()`` locates Debian's ``chromium`` and ``chromedriver`` (or says what to install);
``with Chromium() as browser:`` starts chromedriver on a free loopback port and one headless
session.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from types import TracebackType
from typing import Any, Optional

import requests

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C web element identifier
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = ("no headless Chromium found: install it with `make test-browser` (Debian: "
                "apt-get install -y chromium chromium-driver)")


class NoBrowser(RuntimeError):
    pass


def find() -> tuple[str, str]:
    """Paths of the browser and of chromedriver, or :class:`NoBrowser` naming what is missing."""
    browser = next((path for path in map(shutil.which, BROWSERS) if path), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        missing = " and ".join(n for n, p in (("chromium", browser), ("chromedriver", driver))
                               if p is None)
        raise NoBrowser(f"{missing} missing; {INSTALL_HINT}")
    return browser, driver


class Chromium:
    def __init__(self) -> None:
        self.binary, self.driver = find()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._process: Optional[subprocess.Popen[bytes]] = None
        self._session: Optional[str] = None
        self._http = requests.Session()

    @property
    def _base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _call(self, method: str, path: str, payload: Optional[dict[str, Any]] = None) -> Any:
        url = f"{self._base}/session/{self._session}{path}" if self._session else self._base + path
        response = self._http.request(method, url, json=payload, timeout=60)
        body = response.json()
        if response.status_code >= 400:
            raise RuntimeError(f"WebDriver {method} {path}: {body.get('value')}")
        return body.get("value")

    def start(self) -> Chromium:
        self._process = subprocess.Popen([self.driver, f"--port={self.port}"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                if self._http.get(f"{self._base}/status", timeout=2).json()["value"]["ready"]:
                    break
            except (requests.RequestException, ValueError, KeyError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.05)
        created = self._call("POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": self.binary, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions"]},
        }}})
        self._session = created["sessionId"]
        # An element looked up while a form's submission is still loading the next page is
        # waited for (up to 10 s) instead of being reported missing at once.
        self._call("POST", "/timeouts", {"implicit": 10_000})
        return self

    def stop(self) -> None:
        try:
            if self._session is not None:
                self._call("DELETE", "")
        finally:
            self._session = None
            if self._process is not None:
                self._process.terminate()
                self._process.wait(timeout=10)
                self._process = None

    def __enter__(self) -> Chromium:
        return self.start()

    def __exit__(self, exc_type: Optional[type[BaseException]],
                 exc: Optional[BaseException], tb: Optional[TracebackType]) -> None:
        self.stop()

    # -- what the tests do ------------------------------------------------------------------

    def get(self, url: str) -> None:
        self._call("POST", "/url", {"url": url})

    def forget_cookies(self, url: str) -> None:
        """Delete every cookie of ``url``'s host (a browser that never signed in there)."""
        self.get(url)
        self._call("DELETE", "/cookie")

    @property
    def url(self) -> str:
        return str(self._call("GET", "/url"))

    def element(self, css: str) -> str:
        found = self._call("POST", "/element", {"using": "css selector", "value": css})
        assert isinstance(found, dict) and ELEMENT in found, (css, found, self.url)
        return str(found[ELEMENT])

    def type(self, css: str, text: str) -> None:
        """Replace the field's value with ``text``, typed."""
        element = self.element(css)
        self._call("POST", f"/element/{element}/clear", {})
        self._call("POST", f"/element/{element}/value", {"text": text})

    def click(self, css: str) -> None:
        self._call("POST", f"/element/{self.element(css)}/click", {})

    def text(self, css: str) -> str:
        return str(self._call("GET", f"/element/{self.element(css)}/text"))

    def wait_for_url(self, prefix: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while not self.url.startswith(prefix):
            if time.monotonic() > deadline:
                raise AssertionError(f"the browser is at {self.url}, not {prefix}")
            time.sleep(0.05)
        return self.url
