"""Setting up and choosing MFA: authenticator apps (TOTP), SMS, e-mail.

``associate_software_token`` works both for a logged-in user (with the access token) and in
the middle of a login that Cognito interrupted with MFA_SETUP (with the challenge session).
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ._auth import AuthMixin, _text
from ._challenges import MFA_SETUP
from ._operations import Steps, access_token, call, operation
from .exceptions import InvalidTypeError, InvalidValueError

_PREFERENCES = ("SMS", "SOFTWARE_TOKEN", "EMAIL")


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidTypeError(f"{name} must be True or False")
    return value


class MFAMixin(AuthMixin):
    """``associate_software_token``, ``verify_software_token``, ``set_user_mfa_preference``."""

    @operation
    def associate_software_token(
        self, mfa_tokens: Optional[Mapping[str, Any]] = None
    ) -> Steps[str]:
        """Start setting up an authenticator app; return the secret to show the user.

        During an MFA_SETUP challenge (pending, or given as ``mfa_tokens``) the challenge
        session is used and the new session is kept in ``mfa_tokens`` for
        :meth:`respond_to_mfa_setup_challenge` (even when the instance still holds tokens of an
        earlier login: the challenge is newer); otherwise the logged-in user's access token.
        """
        pending = self._pending_or_none((MFA_SETUP,), mfa_tokens)
        if pending is not None:
            pending = self._pending((MFA_SETUP,), pending, "associate_software_token")
            response = yield call("associate_software_token", Session=pending["Session"])
            self.mfa_tokens = {**pending, "Session": response.get("Session") or pending["Session"]}
            return str(response["SecretCode"])
        access = yield access_token("associate_software_token")
        response = yield call("associate_software_token", AccessToken=access)
        return str(response["SecretCode"])

    @operation
    def verify_software_token(self, code: str, device_name: str = "") -> Steps[bool]:
        """Finish setting up the authenticator app with a code from it; True on success."""
        code = _text(code, "code")
        extra = {"FriendlyDeviceName": device_name} if device_name else {}
        access = yield access_token("verify_software_token")
        response = yield call("verify_software_token",
            AccessToken=access, UserCode=code, **extra
        )
        return bool(response.get("Status") == "SUCCESS")

    @operation
    def set_user_mfa_preference(
        self,
        sms_mfa: bool,
        software_token_mfa: bool,
        preferred: Optional[str] = None,
        *,
        email_mfa: Optional[bool] = None,
    ) -> Steps[None]:
        """Enable or disable SMS and authenticator-app MFA (and e-mail MFA with
        ``email_mfa``); ``preferred`` is ``"SMS"``, ``"SOFTWARE_TOKEN"`` or ``"EMAIL"``, and is
        ignored when every method is off."""
        enabled = {
            "SMS": _flag(sms_mfa, "sms_mfa"),
            "SOFTWARE_TOKEN": _flag(software_token_mfa, "software_token_mfa"),
            "EMAIL": _flag(email_mfa, "email_mfa") if email_mfa is not None else False,
        }
        if preferred is not None and preferred not in _PREFERENCES:
            raise InvalidValueError("preferred must be 'SMS', 'SOFTWARE_TOKEN' or 'EMAIL'")
        if not any(enabled.values()):
            preferred = None
        elif preferred is not None and not enabled[preferred]:
            raise InvalidValueError(f"preferred is {preferred}, which is not being enabled")
        settings: dict[str, Any] = {
            "SMSMfaSettings": {"Enabled": enabled["SMS"], "PreferredMfa": preferred == "SMS"},
            "SoftwareTokenMfaSettings": {
                "Enabled": enabled["SOFTWARE_TOKEN"],
                "PreferredMfa": preferred == "SOFTWARE_TOKEN",
            },
        }
        if email_mfa is not None:
            settings["EmailMfaSettings"] = {
                "Enabled": enabled["EMAIL"],
                "PreferredMfa": preferred == "EMAIL",
            }
        access = yield access_token("set_user_mfa_preference")
        yield call("set_user_mfa_preference", AccessToken=access, **settings)
