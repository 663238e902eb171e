"""Where a user pool domain's OAuth endpoints are (pure: no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

from ..exceptions import WarrantException

_TOKEN_PATH = "/oauth2/token"


@dataclass(frozen=True)
class DomainEndpoints:
    """The endpoint URLs of one user pool domain.

    ``DomainEndpoints.of("my-app.auth.eu-west-1.amazoncognito.com")`` (https assumed),
    ``of("https://auth.example.com")`` (a custom domain), ``of("http://127.0.0.1:9229/domain/x")``
    (the local Cognito's ``domain_url``), or a token endpoint URL, whose base is taken.
    """

    base: str

    @classmethod
    def of(cls, domain_or_url: str) -> DomainEndpoints:
        if not isinstance(domain_or_url, str) or not domain_or_url.strip():
            raise WarrantException("a user pool domain or token endpoint URL is required")
        url = domain_or_url.strip().rstrip("/")
        if "://" not in url:
            url = f"https://{url}"
        elif not url.startswith(("https://", "http://")):
            raise WarrantException("the domain URL must be http(s)")
        if url.endswith(_TOKEN_PATH):
            url = url[: -len(_TOKEN_PATH)]
        return cls(url)

    @property
    def token(self) -> str:
        return f"{self.base}{_TOKEN_PATH}"

    @property
    def authorize(self) -> str:
        return f"{self.base}/oauth2/authorize"

    @property
    def userinfo(self) -> str:
        return f"{self.base}/oauth2/userInfo"

    @property
    def revoke(self) -> str:
        return f"{self.base}/oauth2/revoke"

    @property
    def logout(self) -> str:
        return f"{self.base}/logout"
