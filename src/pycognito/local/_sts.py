"""STS, as far as identity pools need it: the temporary credentials the local Cognito issues.

``GetCredentialsForIdentity`` and ``AssumeRoleWithWebIdentity`` issue credentials that expire
by the server clock. ``GetCallerIdentity`` signed with them answers with the assumed role; it
refuses them once expired (``ExpiredToken``), a request signed with another secret
(``SignatureDoesNotMatch``: the SigV4 signature is recomputed), and a wrong session token or a
temporary key it never issued (``InvalidClientTokenId``). Other STS calls are moto's, once
the same checks pass for credentials issued here (``_federation``).
``AssumeRoleWithWebIdentity`` checks the OpenID token: signature, issuer, expiry, and that the
role is one the identity pool hands out (what its trust policy would allow).
"""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping
from xml.sax.saxutils import escape

from ._clock import Clock

ACCOUNT_ID = "123456789012"  # moto's default account
_KEY_ALPHABET = string.ascii_uppercase + string.digits
_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"


class StsError(Exception):
    """An STS error response (``code``, ``message``, HTTP ``status``)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def to_xml(self) -> str:
        kind = "Sender" if self.status < 500 else "Receiver"
        return (f'<ErrorResponse xmlns="{_NAMESPACE}"><Error><Type>{kind}</Type>'
                f"<Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message>"
                f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")


@dataclass
class IssuedCredentials:
    """Temporary credentials the server handed out."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expires_at: float
    role_arn: str
    session_name: str
    role_id: str

    def __repr__(self) -> str:
        return f"IssuedCredentials(access_key_id={self.access_key_id!r})"

    @property
    def assumed_role_arn(self) -> str:
        role_name = self.role_arn.rsplit("/", 1)[-1]
        return f"arn:aws:sts::{_account(self.role_arn)}:assumed-role/{role_name}/" \
               f"{self.session_name}"


@dataclass
class CredentialStore:
    """Every set of temporary credentials issued since the last reset."""

    clock: Clock
    issued: dict[str, IssuedCredentials] = field(default_factory=dict)

    def clear(self) -> None:
        self.issued.clear()

    def issue(self, role_arn: str, session_name: str, seconds: int) -> IssuedCredentials:
        creds = IssuedCredentials(
            access_key_id="ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16)),
            secret_access_key=secrets.token_urlsafe(30)[:40],
            session_token=secrets.token_urlsafe(96),
            expires_at=self.clock.time() + seconds,
            role_arn=role_arn,
            session_name=session_name,
            role_id="AROA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(17)),
        )
        self.issued[creds.access_key_id] = creds
        return creds

    def check(self, access_key_id: str, environ: Mapping[str, Any],
              body: bytes) -> IssuedCredentials:
        """The credentials a request was signed with, if still good; else STS's error."""
        creds = self.issued.get(access_key_id)
        session_token = str(environ.get("HTTP_X_AMZ_SECURITY_TOKEN") or "")
        if creds is None or not secrets.compare_digest(
                session_token.encode(), creds.session_token.encode()):
            raise StsError("InvalidClientTokenId",
                           "The security token included in the request is invalid.", 403)
        if not signature_matches(environ, body, creds.secret_access_key):
            raise StsError("SignatureDoesNotMatch",
                           "The request signature we calculated does not match the signature "
                           "you provided. Check your AWS Secret Access Key and signing method.",
                           403)
        if self.clock.time() >= creds.expires_at:
            raise StsError("ExpiredToken",
                           "The security token included in the request is expired", 403)
        return creds

    def issued_here(self, access_key_id: str) -> bool:
        """Whether a key looks like one of ours (temporary keys moto never makes)."""
        return access_key_id in self.issued or access_key_id.startswith("ASIA")


def signature_matches(environ: Mapping[str, Any], body: bytes, secret_access_key: str) -> bool:
    """Whether the request's SigV4 signature is the one its access key's secret makes
    (recomputed with botocore's signer over the headers the client says it signed)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    try:
        _, _, rest = str(environ.get("HTTP_AUTHORIZATION") or "").partition(" ")
        fields = dict(part.strip().split("=", 1) for part in rest.split(","))
        access_key, _, region, service, _ = fields["Credential"].split("/")
        headers = {name: _header(environ, name) for name in fields["SignedHeaders"].split(";")}
        host = headers.pop("host")
        query = str(environ.get("QUERY_STRING") or "")
        url = f"http://{host}{environ.get('PATH_INFO') or '/'}" + (f"?{query}" if query else "")
        request = AWSRequest(method=str(environ.get("REQUEST_METHOD")), url=url, data=body,
                             headers=headers)
        request.context["timestamp"] = headers["x-amz-date"]
        signer = SigV4Auth(Credentials(access_key, secret_access_key), service, region)
        expected = signer.signature(
            signer.string_to_sign(request, signer.canonical_request(request)), request)
        return secrets.compare_digest(expected.encode(), fields["Signature"].encode())
    except (KeyError, ValueError):
        return False


def _header(environ: Mapping[str, Any], name: str) -> str:
    key = name.upper().replace("-", "_")
    value = environ.get(key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}")
    if value is None:
        raise KeyError(name)
    return str(value)


def _account(role_arn: str) -> str:
    parts = role_arn.split(":")
    return parts[4] if len(parts) > 4 and parts[4].isdigit() else ACCOUNT_ID


def iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def respond(action: str, result: str) -> str:
    """An STS query-protocol response body."""
    return (f'<{action}Response xmlns="{_NAMESPACE}"><{action}Result>{result}</{action}Result>'
            f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
            f"</{action}Response>")


def caller_identity(creds: IssuedCredentials) -> str:
    return respond("GetCallerIdentity",
                   f"<UserId>{creds.role_id}:{escape(creds.session_name)}</UserId>"
                   f"<Account>{_account(creds.role_arn)}</Account>"
                   f"<Arn>{escape(creds.assumed_role_arn)}</Arn>")


def web_identity_result(creds: IssuedCredentials, claims: Mapping[str, Any],
                        provider: str) -> str:
    return respond(
        "AssumeRoleWithWebIdentity",
        f"<SubjectFromWebIdentityToken>{escape(str(claims.get('sub')))}"
        f"</SubjectFromWebIdentityToken><Audience>{escape(str(claims.get('aud')))}</Audience>"
        f"<AssumedRoleUser><Arn>{escape(creds.assumed_role_arn)}</Arn>"
        f"<AssumedRoleId>{creds.role_id}:{escape(creds.session_name)}</AssumedRoleId>"
        f"</AssumedRoleUser><Credentials><AccessKeyId>{creds.access_key_id}</AccessKeyId>"
        f"<SecretAccessKey>{creds.secret_access_key}</SecretAccessKey>"
        f"<SessionToken>{creds.session_token}</SessionToken>"
        f"<Expiration>{iso(creds.expires_at)}</Expiration></Credentials>"
        f"<Provider>{escape(provider)}</Provider>")
